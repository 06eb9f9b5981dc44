import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("sales_backoffice_workbench_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='sale.sale_menu_root']",
            run: "click",
        },
        {
            trigger: "button[data-menu-xmlid='sales_backoffice.backoffice_menu_root']",
            run: "click",
        },
        {
            content: "Today is the first entry of the back office",
            trigger: ".dropdown-menu a:first-child[data-menu-xmlid='sales_backoffice.backoffice_workbench_menu']",
            run: "click",
        },
        {
            content: "Open the overdue contracts",
            trigger: ".o_kanban_record:contains('Overdue contracts'):contains('1')",
            run: "click",
        },
        {
            content: "The filtered list shows the overdue contract only",
            trigger: ".o_list_view .o_data_row:contains('TOUR/OVERDUE')",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:nth-child(2)))",
        },
    ],
});
