import { registry } from "@web/core/registry";

// Run by the Python test in two sessions: the salesperson writes and submits
// a weekly report, a back-office user reviews it with a comment.
registry.category("web_tour.tours").add("sales_backoffice_work_report_submit_tour", {
    url: "/odoo/backoffice-work-reports",
    steps: () => [
        {
            content: "Write a new report",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=summary] textarea",
            run: "edit Visited Contoso twice, pump offer sent.",
        },
        {
            trigger: ".o_field_widget[name=plan] textarea",
            run: "edit Close the Contoso order.",
        },
        {
            trigger: ".o_field_widget[name=market_info] textarea",
            run: "edit Competitor Acme quotes 8% lower.",
        },
        {
            content: "Submit the report (saves it)",
            trigger: "button[name=action_submit]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
        },
    ],
});

registry.category("web_tour.tours").add("sales_backoffice_work_report_review_tour", {
    steps: () => [
        {
            trigger: ".o_field_widget[name=summary]:contains('Visited Contoso')",
        },
        {
            content: "Review the report",
            trigger: "button[name=action_review]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=comment] textarea",
            run: "edit Good work, send me the Acme offer.",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Reviewed')",
        },
    ],
});
