"""scripts/odoo.sh runs every odoo-bin subcommand with the project's
configuration, as README.md documents it (``scripts/odoo.sh shell -d DB``)."""

import os
import subprocess

SHELL_SCRIPT = """
company = env["res.company"].search([], limit=1, order="id")
installed = env["ir.module.module"].search([("name", "=", "sales_backoffice")]).state
print("BO-SHELL", env.cr.dbname, installed, bool(company))
"""


def run_helper(root, *args, stdin=None, timeout=600):
    return subprocess.run(
        ["bash", str(root / "scripts" / "odoo.sh"), *args],
        input=stdin,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_shell_runs_a_script_on_the_database(root, e2e_db):
    result = run_helper(root, "shell", "-d", e2e_db, "--no-http", stdin=SHELL_SCRIPT)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "unrecognized parameters" not in result.stderr
    assert f"BO-SHELL {e2e_db} installed True" in result.stdout.splitlines(), (
        result.stdout[-2000:] + result.stderr[-2000:]
    )


def test_command_without_configuration(root):
    # help takes no configuration file: the helper must not hand it one.
    result = run_helper(root, "help", timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "shell" in result.stdout
    assert "i18n" in result.stdout
