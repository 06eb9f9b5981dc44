def post_init_hook(env):
    """Switch the back office's controls on for the companies that exist now."""
    env["res.company"].search([]).write(
        {"backoffice_return_reason_required": True, "backoffice_invoice_check": True}
    )
