import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

// The Python test prepares the workbook as attachment __test__.tour_bid_file.
registry.category("web_tour.tours").add("sales_backoffice_bid_tour", {
    url: "/odoo/action-sales_backoffice.backoffice_bid_import_action",
    steps: () => [
        {
            content: "Upload the tender workbook",
            trigger: ".modal .o_field_widget[name=file_data]",
            async run() {
                const response = await fetch("/web/content/__test__.tour_bid_file?download=true");
                const blob = await response.blob();
                const file = new File([blob], "tenders.xlsx", {
                    type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                });
                await inputFiles(".modal .o_field_widget[name=file_data] input[type=file]", [file]);
            },
        },
        {
            trigger: ".modal .o_field_widget[name=file_data] .fa-trash",
        },
        {
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "One tender created",
            trigger: ".modal .o_field_widget[name=created_count]:contains('1')",
        },
        {
            trigger: ".modal button[name=action_open_bids]",
            run: "click",
        },
        {
            content: "Open the tender from the kanban",
            trigger: ".o_kanban_record:contains('TOUR-7')",
            run: "click",
        },
        {
            trigger: ".o_notebook_headers a:contains('Documents')",
            run: "click",
        },
        {
            content: "Tick the licence as ready",
            trigger: ".o_field_widget[name=document_ids] .o_data_row:contains('Business licence') .o_field_widget[name=is_ready] input",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Mark the tender won",
            trigger: ".o_statusbar_buttons button[name=action_mark_won]",
            run: "click",
        },
        {
            content: "Land on the new quotation, reached from the tender",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Quotation')",
        },
        {
            trigger: ".o_breadcrumb:contains('Harbour cranes maintenance')",
        },
    ],
});
