{
    "name": "Sales Back Office",
    "summary": "Contract performance lists, sample registry, expense audit and "
    "tender leads for the sales back office",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/sales-backoffice/sales_backoffice",
    "author": "Sales Back Office developers",
    "license": "LGPL-3",
    "depends": ["sale_management", "sale_stock", "account"],
    "external_dependencies": {"python": ["openpyxl"]},
    "data": [
        "security/sales_backoffice_groups.xml",
        "views/sale_order_views.xml",
        "views/sales_backoffice_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sales_backoffice/static/tests/tours/*.js",
        ],
    },
}
