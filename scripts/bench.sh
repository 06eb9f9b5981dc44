#!/usr/bin/env bash
# Benchmarks: provision, build (or reuse) database sales_backoffice_bench,
# generate data and print figures. BO_BENCH_CONTRACTS (default 10000).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB=${BO_BENCH_DB:-sales_backoffice_bench}
provision
trap stop_pg EXIT
ensure_db "$DB" || die "could not create database $DB"
"$VENV/bin/python" "$ROOT/tests/benchmarks/bench_contracts.py" --odoo-src "$ODOO_SRC" \
    -c "$ODOO_CONF" -d "$DB" --contracts "${BO_BENCH_CONTRACTS:-10000}"
# Dunning by level: the run over BO_BENCH_DUNNING_CONTRACTS (default 10000) overdue contracts.
"$VENV/bin/python" "$ROOT/tests/benchmarks/bench_dunning.py" --odoo-src "$ODOO_SRC" \
    -c "$ODOO_CONF" -d "$DB" --contracts "${BO_BENCH_DUNNING_CONTRACTS:-10000}"
