#!/usr/bin/env bash
# Command two: provision, build a fresh test database, run the module's Odoo
# tests and the top-level suites, and end with "N passed, N failed".
#   BO_TEST_TAGS   Odoo --test-tags (default /sales_backoffice)
#   BO_PYTEST_ARGS extra pytest arguments for the top-level suites (e.g. "-k e2e")
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TEST_DB=${BO_TEST_DB:-sales_backoffice_test}
TEST_PORT=${BO_TEST_HTTP_PORT:-8169}
E2E_PORT=${BO_E2E_HTTP_PORT:-8269}
LOGDIR=$CACHE/test-logs

provision
trap stop_pg EXIT

# Tours need a real browser: missing one is a failure, never a skip.
CHROME=""
for bin in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$bin" >/dev/null; then CHROME=$bin; break; fi
done
[ -n "$CHROME" ] || die "Chromium not found: the browser tests need it (apt-get install chromium)."
"$VENV/bin/python" -c "import websocket" || die "websocket-client is missing from $VENV"

mkdir -p "$LOGDIR"
rm -f "$LOGDIR/odoo.log" "$LOGDIR/pytest.xml"
drop_db "$TEST_DB"

log "Odoo tests (--test-tags ${BO_TEST_TAGS:-/sales_backoffice}) in a fresh database $TEST_DB"
set +e
odoo_bin -d "$TEST_DB" -i sales_backoffice --with-demo --test-enable \
    --test-tags "${BO_TEST_TAGS:-/sales_backoffice}" --stop-after-init \
    --http-port "$TEST_PORT" --log-handler=odoo.tests.stats:INFO 2>&1 | tee "$LOGDIR/odoo.log"
odoo_rc=${PIPESTATUS[0]}
set -e
[ "$(module_state "$TEST_DB")" = installed ] && module_hash >"$CACHE/db-$TEST_DB.hash"

log "Top-level suites (tests/)"
set +e
BO_E2E_DB=$TEST_DB BO_E2E_HTTP_PORT=$E2E_PORT \
    "$VENV/bin/python" -m pytest "$ROOT/tests" -p no:cacheprovider -rA \
    --junitxml="$LOGDIR/pytest.xml" ${BO_PYTEST_ARGS:-}
pytest_rc=$?
set -e

drop_db "$TEST_DB"
"$VENV/bin/python" "$ROOT/scripts/summarize_tests.py" \
    --odoo-log "$LOGDIR/odoo.log" --odoo-rc "$odoo_rc" \
    --junit "$LOGDIR/pytest.xml" --pytest-rc "$pytest_rc"
