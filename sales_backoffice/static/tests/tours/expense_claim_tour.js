import { registry } from "@web/core/registry";

// The row'th line of the list while it is being edited: waiting for it keeps
// a step from typing into the previous row before the new one is open.
function row(index) {
    return `.o_field_widget[name=line_ids] .o_data_row:nth-child(${index}).o_selected_row`;
}

function addLine(index, category, description, amount) {
    return [
        {
            content: `Add a ${category} expense`,
            trigger: ".o_field_widget[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: `${row(index)} .o_field_widget[name=category_id] input`,
            run: `edit ${category}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item a:contains('${category}')`,
            run: "click",
        },
        {
            trigger: `${row(index)} .o_field_widget[name=description] input`,
            run: `edit ${description}`,
        },
        {
            trigger: `${row(index)} .o_field_widget[name=amount] input`,
            run: `edit ${amount}`,
        },
    ];
}

// Run by the Python test in four sessions: the salesperson, the auditor, the
// manager waiving a finding and the approving manager.
registry.category("web_tour.tours").add("sales_backoffice_expense_submit_tour", {
    url: "/odoo/backoffice-expenses",
    steps: () => [
        {
            content: "Create a claim",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=route] input",
            run: "edit Shanghai - Suzhou",
        },
        ...addLine(1, "Hotel", "Two nights in Suzhou", "420"),
        {
            trigger: `${row(1)} .o_field_widget[name=receipt_ref] input`,
            run: "edit H-100",
        },
        ...addLine(2, "Meals", "Dinner with the buyer", "80"),
        {
            content: "Submit the claim (saves it)",
            trigger: "button[name=action_submit]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
        },
    ],
});

registry.category("web_tour.tours").add("sales_backoffice_expense_audit_tour", {
    steps: () => [
        {
            content: "The audit screen shows the findings",
            trigger: ".o_notebook_headers a:contains('Findings')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=finding_ids] td:contains('needs a receipt')",
        },
        {
            content: "Both expenses are listed for the audit",
            trigger: ".o_notebook_headers a:contains('Expenses')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] td:contains('Dinner with the buyer')",
        },
    ],
});

registry.category("web_tour.tours").add("sales_backoffice_expense_waive_tour", {
    steps: () => [
        {
            content: "A manager waives the missing receipt, with a reason",
            trigger: ".o_statusbar_buttons button[name=action_waive_findings]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Receipt lost by the hotel, copy requested",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The dialog closes and the finding is waived",
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_notebook_headers a:contains('Findings')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=finding_ids] td:contains('Receipt lost by the hotel')",
        },
        {
            content: "Nothing is left to waive",
            trigger: ".o_statusbar_buttons:not(:has(button[name=action_waive_findings]))",
        },
    ],
});

registry.category("web_tour.tours").add("sales_backoffice_expense_approve_tour", {
    steps: () => [
        {
            content: "The approval screen shows the waived finding",
            trigger: ".o_notebook_headers a:contains('Findings')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=finding_ids] td:contains('Receipt lost by the hotel')",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_approve]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
    ],
});
