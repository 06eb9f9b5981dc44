"""Customer portal: a customer's portal users follow their commercial
partner's contracts (ordered, delivered, invoiced, paid, open, overdue) and
download their reconciliation statement.

What a portal user may read is decided by the record rules on
``backoffice.contract.performance`` (their commercial partner's contracts,
their companies); every route reads the report as the user first and only
then renders with ``sudo()`` what that check let through.
"""

import re

from odoo import fields
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request, route

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

PERFORMANCE = "backoffice.contract.performance"
STATEMENT_REPORT = "sales_backoffice.action_report_customer_statement"


class BackofficeCustomerPortal(CustomerPortal):
    # ------------------------------------------------------------------ home
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "contract_count" in counters:
            Performance = request.env[PERFORMANCE]
            values["contract_count"] = (
                Performance.search_count(self._prepare_contracts_domain(), limit=1)
                if Performance.has_access("read")
                else 0
            )
        return values

    def _prepare_contracts_domain(self):
        """The contracts of the user's commercial partner; the record rules
        say the same, this keeps an internal user's portal to their own."""
        partner = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "child_of", [partner.id])]

    def _get_contract_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Order Date"), "order": "date_order desc, id desc"},
            "overdue": {
                "label": request.env._("Overdue"),
                "order": "amount_overdue desc, date_order desc, id desc",
            },
        }

    # ----------------------------------------------------------------- lists
    @route(
        ["/my/contracts", "/my/contracts/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_contracts(self, page=1, sortby=None, **kw):
        Performance = request.env[PERFORMANCE]
        values = self._prepare_portal_layout_values()
        sortings = self._get_contract_searchbar_sortings()
        if sortby not in sortings:
            sortby = "date"
        domain = self._prepare_contracts_domain()
        can_read = Performance.has_access("read")
        pager_values = portal_pager(
            url="/my/contracts",
            total=Performance.search_count(domain) if can_read else 0,
            page=page,
            step=self._items_per_page,
            url_args={"sortby": sortby},
        )
        contracts = (
            Performance.search(
                domain,
                order=sortings[sortby]["order"],
                limit=self._items_per_page,
                offset=pager_values["offset"],
            )
            if can_read
            else Performance
        )
        request.session["my_contracts_history"] = contracts.ids[:100]
        values.update(
            {
                # Read as the user above; the names of the order and the
                # salesperson need sudo on a portal user's behalf.
                "contracts": contracts.sudo(),
                "page_name": "backoffice_contracts",
                "pager": pager_values,
                "default_url": "/my/contracts",
                "sortby": sortby,
                "searchbar_sortings": sortings,
                "statement_companies": self._statement_companies(),
            }
        )
        return request.render("sales_backoffice.portal_my_contracts", values)

    # Not readonly: the delivery slip links give the order an access token.
    @route(["/my/contracts/<int:contract_id>"], type="http", auth="user", website=True)
    def portal_my_contract(self, contract_id, **kw):
        try:
            # No access token: a contract is shown to its customer's users only.
            contract_sudo = self._document_check_access(PERFORMANCE, contract_id)
        except (AccessError, MissingError):
            return request.not_found()
        order_sudo = contract_sudo.order_id
        invoices_sudo = order_sudo.invoice_ids.filtered(
            lambda move: move.state == "posted"
        ).sorted(lambda move: (move.invoice_date or move.date, move.id))
        deliveries_sudo = order_sudo.picking_ids.filtered(
            lambda picking: picking.state == "done"
        ).sorted(lambda picking: (picking.date_done, picking.id))
        values = self._prepare_portal_layout_values()
        values = self._get_page_view_values(
            contract_sudo, None, values, "my_contracts_history", False, **kw
        )
        values.update(
            {
                "contract": contract_sudo,
                "order": order_sudo,
                "invoices": invoices_sudo,
                "deliveries": deliveries_sudo,
                # Odoo's delivery slip route checks this token against the order.
                "order_token": order_sudo._portal_ensure_token() if deliveries_sudo else False,
                "page_name": "backoffice_contract",
                "statement_companies": contract_sudo.company_id,
            }
        )
        return request.render("sales_backoffice.portal_my_contract", values)

    # ------------------------------------------------------------- statement
    def _statement_companies(self):
        """The companies of the contracts the user may read."""
        Performance = request.env[PERFORMANCE]
        if not Performance.has_access("read"):
            return request.env["res.company"]
        groups = Performance._read_group(self._prepare_contracts_domain(), ["company_id"])
        return request.env["res.company"].union(*(company for (company,) in groups))

    @route(["/my/contracts/statement"], type="http", auth="user", website=True)
    def portal_my_contract_statement(
        self, company_id=None, date_from=None, date_to=None, download=None, **kw
    ):
        companies = self._statement_companies()
        if company_id:
            try:
                company_id = int(company_id)
            except ValueError:
                return request.not_found()
            companies = companies.filtered(lambda company: company.id == company_id)
        if not companies:
            return request.not_found()
        company = companies[:1]
        today = fields.Date.context_today(request.env.user)
        try:
            date_to = fields.Date.to_date(date_to) or today
            date_from = fields.Date.to_date(date_from) or date_to.replace(month=1, day=1)
        except ValueError:
            return request.not_found()
        if date_from > date_to:
            return request.not_found()
        partner = request.env.user.partner_id.commercial_partner_id
        # Safe: the statement is the user's own commercial partner's, in a
        # company where the user reads its contracts (checked above); the
        # wizard and its report need accounting reads a portal user lacks.
        statement_sudo = (
            request.env["backoffice.customer.statement"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                }
            )
        )
        pdf = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(company)
            ._render_qweb_pdf(STATEMENT_REPORT, statement_sudo.ids)[0]
        )
        filename = "statement_{}_{}.pdf".format(
            re.sub(r"\W+", "_", partner.name or ""), date_to.isoformat()
        )
        headers = [
            ("Content-Type", "application/pdf"),
            ("Content-Length", len(pdf)),
            ("Content-Disposition", content_disposition(filename)),
        ]
        return request.make_response(pdf, headers=headers)
