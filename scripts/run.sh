#!/usr/bin/env bash
# Command one: provision everything and serve the web client.
#   BO_DB (default sales_backoffice), BO_HTTP_PORT (default 8069)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB=${BO_DB:-sales_backoffice}
PORT=${BO_HTTP_PORT:-8069}

provision
trap stop_pg EXIT
ensure_db "$DB" || die "could not create database $DB, see the log above"

log "Serving $DB on http://localhost:$PORT (login admin / admin; Ctrl-C stops)"
odoo_bin -d "$DB" --db-filter="^$DB\$" --http-port "$PORT"
