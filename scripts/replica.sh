#!/usr/bin/env bash
# Odoo on a primary and a streaming replica of the throwaway cluster.
#
#   scripts/replica.sh          provision, copy the cluster with pg_basebackup
#                               into .cache/pg/replica (a hot standby on its own
#                               socket and port), serve Odoo with
#                               db_replica_host/db_replica_port pointing at it
#                               (BO_WORKERS, BO_DB, BO_HTTP_PORT as for make run);
#                               Ctrl-C stops Odoo and both servers
#   scripts/replica.sh reset    zero the statement counters of both servers
#   scripts/replica.sh stats    statements run on each server since the reset
#                               (pg_stat_statements: reads, writes, rows)
#
# BO_REPLICA_PG_PORT: the standby's port (default: the primary's + 1).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB=${BO_DB:-sales_backoffice}
PORT=${BO_HTTP_PORT:-8069}
ACTION=${1:-serve}

external_pg && die "scripts/replica.sh works on the throwaway cluster only (unset PGHOST/PGPORT/PGUSER)"
provision
PGDIR=$(dirname "$PGDATA_DIR")
REPLICA_DIR=$PGDIR/replica
REPLICA_SOCKET=$PG_SOCKET_DIR-replica
REPLICA_PORT=${BO_REPLICA_PG_PORT:-$((DB_PORT + 1))}
REPLICA_STARTED=""
PG_OPTS="-c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"

stop_all() {
    # Without its standby, the primary must not wait for one.
    if [ -n "${SYNC_SET:-}" ]; then
        db_query postgres "ALTER SYSTEM RESET synchronous_standby_names" >/dev/null || true
        db_query postgres "SELECT pg_reload_conf()" >/dev/null || true
    fi
    if [ -n "$REPLICA_STARTED" ]; then
        log "Stopping the replica"
        as_pg "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null 2>&1 || true
    fi
    stop_pg
}
trap stop_all EXIT

on_server() { # host port sql -> rows, tab separated
    DB_HOST=$1 DB_PORT=$2 "$VENV/bin/python" - "$DB" "$3" <<'PY'
import os, sys
import psycopg2
conn = psycopg2.connect(dbname=sys.argv[1], host=os.environ["DB_HOST"], port=os.environ["DB_PORT"], user=os.environ["DB_USER"])
conn.autocommit = True
with conn.cursor() as cr:
    cr.execute(sys.argv[2])
    if cr.description:
        for row in cr.fetchall():
            print("\t".join(str(v) for v in row))
PY
}

STATS_SQL="SELECT CASE WHEN query ~* '^\\s*(with\\s.*)?select' AND query !~* 'for (update|no key update|share)' THEN 'read' ELSE 'write/other' END AS kind,
       SUM(calls), SUM(rows)
  FROM pg_stat_statements JOIN pg_database d ON d.oid = dbid
 WHERE d.datname = current_database()
 GROUP BY 1 ORDER BY 1"
DBSTATS_SQL="SELECT xact_commit, tup_returned, tup_fetched, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = current_database()"

case $ACTION in
    stats)
        trap - EXIT
        for server in "primary $DB_HOST $DB_PORT" "replica $REPLICA_SOCKET $REPLICA_PORT"; do
            set -- $server
            echo "== $1 ($2 port $3)"
            echo "   statements (pg_stat_statements): kind, calls, rows"
            on_server "$2" "$3" "$STATS_SQL" | sed 's/^/   /'
            echo "   pg_stat_database: xact_commit, tup_returned, tup_fetched, rows written"
            on_server "$2" "$3" "$DBSTATS_SQL" | sed 's/^/   /'
        done
        exit 0 ;;
    reset)
        trap - EXIT
        for server in "$DB_HOST $DB_PORT" "$REPLICA_SOCKET $REPLICA_PORT"; do
            set -- $server
            on_server "$1" "$2" "SELECT pg_stat_statements_reset(), pg_stat_reset()" >/dev/null
        done
        log "Counters reset on the primary and the replica"
        exit 0 ;;
    serve) ;;
    *) die "usage: scripts/replica.sh [serve|stats|reset]" ;;
esac

# The primary needs pg_stat_statements loaded to count its statements.
if [ "$(db_query postgres 'SHOW shared_preload_libraries')" != "pg_stat_statements" ]; then
    log "Restarting the primary with pg_stat_statements"
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDIR/server.log" -w -t 60 \
        -o "-k $PG_SOCKET_DIR -p $DB_PORT $PG_OPTS" restart >/dev/null || die "PostgreSQL did not restart, see $PGDIR/server.log"
    BO_PG_STARTED=$PGDATA_DIR
fi
LOGFILE=$CACHE/logs/odoo-$DB-replica.log
mkdir -p "$(dirname "$LOGFILE")"
ensure_db "$DB" --logfile "$LOGFILE" || die "could not create database $DB, see $LOGFILE"
db_query "$DB" "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null

if [ ! -f "$REPLICA_DIR/PG_VERSION" ]; then
    log "Copying the cluster into $REPLICA_DIR (pg_basebackup, streaming standby)"
    as_pg rm -rf "$REPLICA_DIR.tmp"
    as_pg "$PG_BIN/pg_basebackup" -D "$REPLICA_DIR.tmp" -R -X stream -c fast \
        -h "$PG_SOCKET_DIR" -p "$DB_PORT" -U "$DB_USER" >"$PGDIR/basebackup.log" 2>&1 \
        || die "pg_basebackup failed, see $PGDIR/basebackup.log"
    as_pg mv "$REPLICA_DIR.tmp" "$REPLICA_DIR"
fi
as_pg mkdir -p "$REPLICA_SOCKET"
if ! as_pg "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" status >/dev/null 2>&1; then
    log "Starting the replica on socket $REPLICA_SOCKET port $REPLICA_PORT"
    as_pg "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -l "$PGDIR/replica.log" -w -t 120 \
        -o "-k $REPLICA_SOCKET -p $REPLICA_PORT -c hot_standby=on $PG_OPTS" \
        start >/dev/null || die "the replica did not start, see $PGDIR/replica.log"
    REPLICA_STARTED=$REPLICA_DIR
fi
[ "$(on_server "$REPLICA_SOCKET" "$REPLICA_PORT" 'SELECT pg_is_in_recovery()')" = "True" ] \
    || die "the server on $REPLICA_SOCKET is not a standby"
log "Replica streaming: $(db_query postgres "SELECT state || ' (' || application_name || ')' FROM pg_stat_replication LIMIT 1")"

# Read-your-writes for the few writes a read-only request reads right after
# (a workbook the browser downloads through /web/content): such a transaction
# sets synchronous_commit = remote_apply and its commit waits for the standby
# to apply it. Every other commit keeps the cluster's synchronous_commit.
db_query postgres "ALTER SYSTEM SET synchronous_standby_names = '*'" >/dev/null
db_query postgres "SELECT pg_reload_conf()" >/dev/null
SYNC_SET=1

export BO_REPLICA_HOST=$REPLICA_SOCKET BO_REPLICA_PORT=$REPLICA_PORT
server_args "$PORT"
log "Odoo's log: $LOGFILE"
log "Serving http://localhost:$PORT (database $DB), read-only requests on the replica (Ctrl-C stops)"
odoo_bin -d "$DB" --db-filter="^$DB\$" --http-port "$PORT" --logfile "$LOGFILE" "${SERVER_ARGS[@]}"
