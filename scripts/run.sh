#!/usr/bin/env bash
# Command one: provision everything and serve the web client.
#   BO_DB (default sales_backoffice), BO_HTTP_PORT (default 8069)
#   BO_WORKERS=N serves in Odoo's prefork mode (N HTTP workers, a cron worker,
#   the bus on BO_GEVENT_PORT); see server_args in common.sh and README.md.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB=${BO_DB:-sales_backoffice}
PORT=${BO_HTTP_PORT:-8069}

provision
trap stop_pg EXIT
log "Python virtualenv ready ($VENV)"
log "PostgreSQL ready (${DB_HOST:-local socket}, port $DB_PORT)"
# Odoo's own log goes to a file: the terminal shows the steps and the URL.
LOGFILE=$CACHE/logs/odoo-$DB.log
mkdir -p "$(dirname "$LOGFILE")"
log "Odoo's log: $LOGFILE"
ensure_db "$DB" --logfile "$LOGFILE" || die "could not create database $DB, see $LOGFILE"
log "Database $DB ready with sales_backoffice and its demo data"

server_args "$PORT"
if [ "${BO_WORKERS:-0}" -gt 0 ]; then
    log "Prefork mode: $BO_WORKERS HTTP workers, ${BO_CRON_WORKERS:-1} cron worker, bus (websocket) on port $BO_GEVENT_PORT"
fi
[ -z "${BO_REPLICA_HOST:-}" ] || log "Read-only requests go to the replica at $BO_REPLICA_HOST port ${BO_REPLICA_PORT:-$DB_PORT}"

cat >&2 <<EOF

    Sales Back Office is at http://localhost:$PORT  (Ctrl-C stops)

    Demo logins (password = login):
      admin               administrator
      backoffice          Back Office User      (also backoffice2)
      backoffice_manager  Back Office Manager
      salesperson         salesperson           (also salesperson2)
      billing             invoicing
      customer_portal     customer portal user  (/my/contracts)

EOF
odoo_bin -d "$DB" --db-filter="^$DB\$" --http-port "$PORT" --logfile "$LOGFILE" "${SERVER_ARGS[@]}"
