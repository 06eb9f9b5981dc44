#!/usr/bin/env bash
# Benchmarks: provision, build (or reuse) database sales_backoffice_bench,
# generate data and print figures. BO_BENCH_CONTRACTS (default 10000);
# BO_BENCH_MINUTES stops the generation after that many minutes and measures
# what is there (the next run goes on from it). BO_BENCH_JOBS generating
# processes (default one per core); BO_BENCH_GENERATE_ONLY=1 builds the data
# set and stops (a later run measures it).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB=${BO_BENCH_DB:-sales_backoffice_bench}
provision
trap stop_pg EXIT
ensure_db "$DB" || die "could not create database $DB"
"$VENV/bin/python" "$ROOT/tests/benchmarks/bench_contracts.py" --odoo-src "$ODOO_SRC" \
    -c "$ODOO_CONF" -d "$DB" --contracts "${BO_BENCH_CONTRACTS:-10000}" \
    --max-minutes "${BO_BENCH_MINUTES:-0}"
[ -z "${BO_BENCH_GENERATE_ONLY:-}" ] || exit 0
# work reports (issue #16): the compilation for a team of 50 salespeople.
"$VENV/bin/python" "$ROOT/tests/benchmarks/bench_compilation.py" --odoo-src "$ODOO_SRC" \
    -c "$ODOO_CONF" -d "$DB"
# Commissions: a monthly settlement over BO_BENCH_PAYMENT_EVENTS payment events (rolled back).
"$VENV/bin/python" "$ROOT/tests/benchmarks/bench_commission.py" --odoo-src "$ODOO_SRC" \
    -c "$ODOO_CONF" -d "$DB" --events "${BO_BENCH_PAYMENT_EVENTS:-10000}"
# Dunning by level: the run over BO_BENCH_DUNNING_CONTRACTS (default 10000) overdue contracts.
"$VENV/bin/python" "$ROOT/tests/benchmarks/bench_dunning.py" --odoo-src "$ODOO_SRC" \
    -c "$ODOO_CONF" -d "$DB" --contracts "${BO_BENCH_DUNNING_CONTRACTS:-10000}"
