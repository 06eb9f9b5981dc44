import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("sales_backoffice_menu_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Sales app",
            trigger: ".o_app[data-menu-xmlid='sale.sale_menu_root']",
            run: "click",
        },
        {
            content: "Open the Back Office menu",
            trigger: "button[data-menu-xmlid='sales_backoffice.backoffice_menu_root']",
            run: "click",
        },
        {
            content: "Open the contracts",
            trigger: "a[data-menu-xmlid='sales_backoffice.backoffice_contract_menu']",
            run: "click",
        },
        {
            content: "The contract list is shown",
            trigger: ".o_breadcrumb .active:contains(Contracts)",
        },
        {
            trigger: ".o_list_view, .o_view_nocontent",
        },
    ],
});
