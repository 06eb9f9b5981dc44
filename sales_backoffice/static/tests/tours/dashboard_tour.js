import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_backoffice_dashboard_tour", {
    url: "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
    steps: () => [
        {
            content: "Open the Sales Back Office dashboard",
            trigger: ".o_spreadsheet_dashboard_search_panel li:contains('Sales Back Office')",
            run: "click",
        },
        {
            content: "Its data loads without error",
            trigger: ".o_spreadsheet_dashboard_action:has(.o_renderer .o-spreadsheet):not(:has(.dashboard-loading-status))",
        },
        {
            content: "The period filter is offered",
            trigger: ".o_spreadsheet_dashboard_action .o_control_panel .fa-calendar",
        },
    ],
});
