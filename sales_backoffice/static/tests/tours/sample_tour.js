import { registry } from "@web/core/registry";

// Run in three sessions by the Python test: the requester creates and
// submits, then two back-office users approve; the second also dispatches.
registry.category("web_tour.tours").add("sales_backoffice_sample_request_tour", {
    url: "/odoo/backoffice-samples",
    steps: () => [
        {
            content: "Create a registration",
            trigger: ".o_control_panel_main_buttons button.o-kanban-button-new, .o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the customer",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Customer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "Add an item",
            trigger: ".o_field_widget[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row .o_field_widget[name=description] input",
            run: "edit Colour card RAL 7035",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row .o_field_widget[name=quantity] input",
            run: "edit 2",
        },
        {
            content: "Submit it for review (saves the form)",
            trigger: "button[name=action_submit]",
            run: "click",
        },
        {
            content: "It waits for its reviewers",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('To Review')",
        },
    ],
});

registry.category("web_tour.tours").add("sales_backoffice_sample_approve_tour", {
    steps: () => [
        {
            content: "Approve the registration",
            trigger: ".o_statusbar_buttons button[name=action_approve]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=comment] textarea",
            run: "edit Quantities and colour checked",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The approval is on the Reviews tab",
            trigger: ".o_notebook_headers a:contains('Reviews')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=review_ids] td:contains('Quantities and colour checked')",
        },
    ],
});

registry.category("web_tour.tours").add("sales_backoffice_sample_dispatch_tour", {
    steps: () => [
        {
            content: "Dispatch the approved registration",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_dispatch]",
            run: "click",
        },
        {
            content: "It has left",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Dispatched')",
        },
    ],
});
