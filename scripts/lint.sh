#!/usr/bin/env bash
# `make lint`: ruff, pylint-odoo and OCA's module checks through pre-commit.
# OCA's checks live in their own virtualenv (their polib pin differs from Odoo's).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_venv
LINT_VENV=$CACHE/lint-venv
want=$(sha256sum "$ROOT/requirements-lint.txt" | cut -c1-16)
if [ "$(cat "$LINT_VENV/.bo-requirements" 2>/dev/null)" != "$want" ]; then
    log "Installing OCA's module checks into $LINT_VENV"
    [ -x "$LINT_VENV/bin/python" ] || "$PYTHON" -m venv "$LINT_VENV"
    "$LINT_VENV/bin/python" -m pip install -q -r "$ROOT/requirements-lint.txt"
    echo "$want" >"$LINT_VENV/.bo-requirements"
fi
cd "$ROOT"
exec "$VENV/bin/pre-commit" run --all-files
