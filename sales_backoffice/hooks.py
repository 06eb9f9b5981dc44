def post_init_hook(env):
    """Switch the back office's controls on for the companies that exist now,
    and build the performance lists of the contracts confirmed before the
    module was installed from their documents."""
    env["res.company"].search([]).write(
        {"backoffice_return_reason_required": True, "backoffice_invoice_check": True}
    )
    orders = env["sale.order"].search([("state", "=", "sale")])
    orders._backoffice_register_contracts()
    events = env["backoffice.contract.event"]
    # Transfers already recorded (by the module's own demo data) are skipped.
    recorded = events.search([("picking_id", "!=", False)]).picking_id
    events._record_pickings(orders.picking_ids.filtered(lambda p: p.state == "done") - recorded)
    events._sync_invoices(orders.invoice_ids.filtered(lambda m: m.state == "posted"))
