import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_backoffice_portal_contracts_tour", {
    url: "/my/contracts",
    steps: () => [
        {
            content: "The contracts of the customer are listed",
            trigger: "tr.o_backoffice_portal_contract",
        },
        {
            content: "The statement can be downloaded",
            trigger: "a.o_backoffice_statement_download[href^='/my/contracts/statement']",
        },
        {
            content: "Open the delivered and invoiced contract",
            trigger: "tr.o_backoffice_portal_contract a:contains(PORTAL/A/1)",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The contract page shows its figures",
            trigger: ".o_backoffice_portal_contract_page tr.o_backoffice_contract_figures",
        },
        {
            content: "It links to its invoices",
            trigger: "tr.o_backoffice_contract_invoice a[href^='/my/invoices/']",
        },
        {
            content: "And to its deliveries",
            trigger: "tr.o_backoffice_contract_delivery a[href^='/my/picking/pdf/']",
        },
        {
            content: "The breadcrumb leads back to the list",
            trigger: ".o_portal_submenu a[href='/my/contracts']",
        },
    ],
});
