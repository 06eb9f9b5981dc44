"""Command one refuses to start without Odoo, and creates nothing then."""

import os
import subprocess


def test_missing_odoo_fails_cleanly(root, tmp_path):
    cache = tmp_path / "cache"
    env = dict(os.environ, ODOO_SRC=str(tmp_path / "no-odoo-here"), BO_CACHE=str(cache))
    for script in ("run.sh", "test.sh"):
        result = subprocess.run(
            ["bash", str(root / "scripts" / script)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode != 0, script
        assert "ODOO_SRC" in result.stderr, result.stderr
        assert not cache.exists(), f"{script} left {list(cache.rglob('*'))}"


def test_missing_postgresql_fails(root, tmp_path):
    # Odoo is there, but no PostgreSQL binaries where PG_BIN points.
    env = dict(os.environ, PG_BIN=str(tmp_path / "no-pg"), BO_CACHE=str(tmp_path / "cache"))
    for key in ("PGHOST", "PGPORT", "PGUSER"):
        env.pop(key, None)
    result = subprocess.run(
        ["bash", str(root / "scripts" / "test.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "PG_BIN" in result.stderr, result.stderr
