import { registry } from "@web/core/registry";

// Data: a confirmed contract "TOUR/CONTRACT" created by the Python test.
registry.category("web_tour.tours").add("sales_backoffice_contract_tour", {
    url: "/odoo/backoffice-contracts",
    steps: () => [
        {
            content: "Open the contract from the contract list",
            trigger: ".o_data_row td:contains('TOUR/CONTRACT')",
            run: "click",
        },
        {
            content: "Open the Performance tab",
            trigger: ".o_notebook_headers a:contains('Performance')",
            run: "click",
        },
        {
            content: "The performance list shows the signature",
            trigger: ".o_field_widget[name=contract_event_ids] td:contains('Signed')",
        },
        {
            content: "Record a milestone",
            trigger: "button[name=action_record_milestone]",
            run: "click",
        },
        {
            content: "The milestone proposed is the signed copy coming back: add a note",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Signed copy received by courier",
        },
        {
            trigger: ".modal button[name=action_record]",
            run: "click",
        },
        {
            content: "The milestone is on the performance list",
            trigger: ".o_field_widget[name=contract_event_ids] td:contains('Signed copy received by courier')",
        },
        {
            content: "Back to the contracts",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Contracts')",
            run: "click",
        },
        {
            content: "Select every contract of the list",
            trigger: "thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Export the selection to XLSX",
            trigger: "button[name=action_export_xlsx]",
            run: "click",
        },
        {
            content: "The list is still there after the download",
            trigger: ".o_list_view .o_data_row",
        },
    ],
});
