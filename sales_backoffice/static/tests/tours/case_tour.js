import { registry } from "@web/core/registry";

// The Python test feeds the e-mail that opened the case through the mail gateway.
registry.category("web_tour.tours").add("sales_backoffice_case_tour", {
    url: "/odoo/action-sales_backoffice.backoffice_case_action",
    steps: () => [
        {
            content: "Open the case that came by e-mail",
            trigger: ".o_kanban_record:contains('Tour: valve leaking')",
            run: "click",
        },
        {
            content: "Assign it to me",
            trigger: ".o_statusbar_buttons button[name=action_assign_to_me]",
            run: "click",
        },
        {
            content: "Assigned: the button is gone",
            trigger: ".o_form_view:not(:has(.o_statusbar_buttons button[name=action_assign_to_me]))",
        },
        {
            trigger: ".o_notebook_headers a:contains('Resolution')",
            run: "click",
        },
        {
            content: "Write the resolution",
            trigger: ".o_field_widget[name=resolution] .odoo-editor-editable",
            run: "editor Gasket replaced on site.",
        },
        {
            content: "Solve the case",
            trigger: ".o_statusbar_buttons button[name=action_solve]",
            run: "click",
        },
        {
            content: "The case is solved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Solved')",
        },
    ],
});
