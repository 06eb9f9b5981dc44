# shellcheck shell=bash
# Shared provisioning for scripts/run.sh and scripts/test.sh: Odoo source,
# virtualenv, throwaway PostgreSQL cluster, Odoo configuration, databases.
# Sourced, never executed. Every step reuses what already exists.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${BO_CACHE:-$ROOT/.cache}
PYTHON=${PYTHON:-python3}
VENV=$CACHE/venv
ODOO_CONF=$CACHE/odoo.conf
ODOO_NIGHTLY_URL=https://nightly.odoo.com/19.0/nightly/src/odoo_19.0.latest.tar.gz
# PostgreSQL servers this script started, stopped again on exit.
BO_PG_STARTED=""

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- Odoo source -------------------------------------------------------------
odoo_present() { [ -f "$1/odoo-bin" ] && [ -d "$1/addons/sale" ] && [ -d "$1/odoo/addons/base" ]; }

find_odoo() {
    # Runs before anything is created, so a missing Odoo leaves nothing behind.
    if [ -n "${ODOO_SRC:-}" ]; then
        odoo_present "$ODOO_SRC" || die "Odoo 19.0 Community not found at ODOO_SRC=$ODOO_SRC (expected odoo-bin, odoo/ and addons/ there). Set ODOO_SRC to an Odoo 19.0 source tree."
        return
    fi
    ODOO_SRC=/opt/odoo/19.0
    odoo_present "$ODOO_SRC" && return
    if odoo_present "$CACHE/odoo-19.0"; then ODOO_SRC=$CACHE/odoo-19.0; return; fi
    log "Odoo not at ODOO_SRC=$ODOO_SRC; trying the official 19.0 nightly source"
    local tmp
    tmp=$(mktemp -d)
    if command -v curl >/dev/null \
        && curl -fsSL --connect-timeout 15 -o "$tmp/odoo.tar.gz" "$ODOO_NIGHTLY_URL" 2>/dev/null \
        && mkdir -p "$tmp/src" && tar -xzf "$tmp/odoo.tar.gz" -C "$tmp/src" --strip-components=1 \
        && odoo_present "$tmp/src"; then
        mkdir -p "$CACHE"
        mv "$tmp/src" "$CACHE/odoo-19.0"
        rm -rf "$tmp"
        ODOO_SRC=$CACHE/odoo-19.0
        return
    fi
    rm -rf "$tmp"
    die "Odoo 19.0 Community not found at ODOO_SRC=$ODOO_SRC and it could not be downloaded. Set ODOO_SRC to an Odoo 19.0 source tree (see README.md)."
}

# --- Python virtualenv ---------------------------------------------------------
ensure_venv() {
    local stamp want
    want=$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/constraints.txt" | sha256sum | cut -c1-16)
    stamp=$VENV/.bo-requirements
    if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return
    fi
    log "Installing Python dependencies into $VENV"
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV" || die "could not create a virtualenv with $PYTHON (install python3-venv)"
    "$VENV/bin/python" -m pip install -q --upgrade pip wheel setuptools
    "$VENV/bin/python" -m pip install -q -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt" -c "$ROOT/constraints.txt"
    echo "$want" >"$stamp"
}

# --- PostgreSQL ------------------------------------------------------------------
external_pg() { [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; }

find_pg_bin() {
    if [ -n "${PG_BIN:-}" ]; then
        [ -x "$PG_BIN/initdb" ] || die "PG_BIN=$PG_BIN has no initdb"
        return
    fi
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then PG_BIN=$d; return; fi
    done
    die "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin. Install PostgreSQL (apt-get install postgresql), set PG_BIN, or point PGHOST/PGPORT/PGUSER at a running server."
}

# Run a command as the cluster owner: PostgreSQL refuses to run as root.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

ensure_pg() {
    if external_pg; then
        DB_HOST=${PGHOST:-}
        DB_PORT=${PGPORT:-5432}
        DB_USER=${PGUSER:-$(id -un)}
        DB_PASSWORD=${PGPASSWORD:-}
        log "Using the PostgreSQL server from PG* variables (host=${DB_HOST:-local socket} port=$DB_PORT user=$DB_USER)"
        return
    fi
    find_pg_bin
    PG_OS_USER=${BO_PG_OS_USER:-postgres}
    local pgdir=$CACHE/pg
    if [ "$(id -u)" = 0 ]; then
        id "$PG_OS_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
        mkdir -p "$pgdir"
        chown "$PG_OS_USER" "$pgdir"
        # The cluster owner must reach the cache folder; fall back to /var/tmp if a parent is private.
        if ! runuser -u "$PG_OS_USER" -- test -w "$pgdir"; then
            pgdir=/var/tmp/sales_backoffice-pg-$(echo "$CACHE" | sha256sum | cut -c1-12)
            mkdir -p "$pgdir"
            chown "$PG_OS_USER" "$pgdir"
        fi
    fi
    mkdir -p "$pgdir"
    PGDATA_DIR=$pgdir/data
    PG_SOCKET_DIR=$pgdir/run
    # A unix socket path is limited to 107 bytes.
    if [ ${#PG_SOCKET_DIR} -gt 80 ]; then
        PG_SOCKET_DIR=/tmp/bo-pg-$(echo "$pgdir" | sha256sum | cut -c1-12)
    fi
    DB_HOST=$PG_SOCKET_DIR
    DB_PORT=${BO_PG_PORT:-5432}
    DB_USER=odoo
    DB_PASSWORD=""
    as_pg mkdir -p "$PG_SOCKET_DIR"
    if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
        log "Creating a throwaway PostgreSQL cluster in $PGDATA_DIR"
        as_pg rm -rf "$PGDATA_DIR.tmp"
        as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR.tmp" -U "$DB_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 \
            || die "initdb failed, see $pgdir/initdb.log"
        as_pg mv "$PGDATA_DIR.tmp" "$PGDATA_DIR"
    fi
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
        log "Starting PostgreSQL on socket $PG_SOCKET_DIR"
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$pgdir/server.log" -w -t 60 \
            -o "-k $PG_SOCKET_DIR -c listen_addresses= -p $DB_PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null || die "PostgreSQL did not start, see $pgdir/server.log"
        BO_PG_STARTED=$PGDATA_DIR
    fi
}

stop_pg() {
    if [ -n "$BO_PG_STARTED" ]; then
        log "Stopping the PostgreSQL server this run started"
        as_pg "$PG_BIN/pg_ctl" -D "$BO_PG_STARTED" -m fast -w stop >/dev/null 2>&1 || true
        BO_PG_STARTED=""
    fi
}

# --- Odoo ------------------------------------------------------------------------
write_odoo_conf() {
    mkdir -p "$CACHE/filestore"
    cat >"$ODOO_CONF" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ROOT
data_dir = $CACHE/filestore
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
${DB_PASSWORD:+db_password = $DB_PASSWORD}
admin_passwd = admin
list_db = False
http_interface = 127.0.0.1
CONF
}

# odoo_bin [COMMAND] ARGS: odoo-bin with the project's configuration. A
# subcommand (shell, i18n, module, db, populate...) must come first, before the
# configuration that its own parser reads; the addons path goes in front of it
# so commands of the project's addons are found. help, scaffold, deploy and
# upgrade_code take no configuration file.
odoo_bin() {
    local odoo=("$VENV/bin/python" "$ODOO_SRC/odoo-bin")
    if [ $# -eq 0 ] || [ -z "$1" ] || [ "${1#-}" != "$1" ]; then
        "${odoo[@]}" -c "$ODOO_CONF" "$@"
        return
    fi
    local command=$1
    shift
    case $command in
        help | scaffold | deploy | upgrade_code)
            "${odoo[@]}" "--addons-path=$ODOO_SRC/addons,$ROOT" "$command" "$@" ;;
        *)
            "${odoo[@]}" "--addons-path=$ODOO_SRC/addons,$ROOT" "$command" -c "$ODOO_CONF" "$@" ;;
    esac
}

# --- Serving for a larger team (BO_WORKERS) --------------------------------------
# server_args PORT: fills the array SERVER_ARGS with the serving options.
# BO_WORKERS unset or 0: Odoo's threaded mode (one process, fine for a few
# users). BO_WORKERS=N: Odoo's prefork mode: N HTTP worker processes, one cron
# worker, and the gevent process for the bus (websocket) on BO_GEVENT_PORT
# (default PORT+3, as 8072 is to 8069). The limits are Odoo's options
# (a worker past the soft memory limit is recycled after its request, one past
# the hard limit or the time limits is killed); BO_DB_MAXCONN bounds the
# connections of each process. BO_REPLICA_HOST/BO_REPLICA_PORT send the
# read-only requests to a streaming replica (db_replica_host, Odoo 18+).
server_args() {
    local port=$1
    SERVER_ARGS=()
    local workers=${BO_WORKERS:-0}
    case $workers in '' | *[!0-9]*) die "BO_WORKERS must be a number, not '$workers'" ;; esac
    if [ "$workers" -gt 0 ]; then
        BO_GEVENT_PORT=${BO_GEVENT_PORT:-$((port + 3))}
        SERVER_ARGS+=(
            --workers "$workers"
            --max-cron-threads "${BO_CRON_WORKERS:-1}"
            --gevent-port "$BO_GEVENT_PORT"
            --limit-memory-soft "${BO_LIMIT_MEMORY_SOFT:-$((1024 * 1024 * 1024))}"
            --limit-memory-hard "${BO_LIMIT_MEMORY_HARD:-$((1536 * 1024 * 1024))}"
            --limit-time-cpu "${BO_LIMIT_TIME_CPU:-600}"
            --limit-time-real "${BO_LIMIT_TIME_REAL:-1200}"
            --limit-request "${BO_LIMIT_REQUEST:-65536}"
            --db_maxconn "${BO_DB_MAXCONN:-16}"
        )
    fi
    if [ -n "${BO_REPLICA_HOST:-}" ]; then
        SERVER_ARGS+=(--db_replica_host "$BO_REPLICA_HOST" --db_replica_port "${BO_REPLICA_PORT:-$DB_PORT}")
    fi
}

# psql-free database helpers through psycopg2 from the venv.
db_query() { # db sql -> first column of first row, or empty
    "$VENV/bin/python" - "$@" <<'PY'
import os, sys
import psycopg2
db, sql = sys.argv[1], sys.argv[2]
kw = dict(dbname=db, host=os.environ["DB_HOST"] or None, port=os.environ["DB_PORT"], user=os.environ["DB_USER"])
if os.environ.get("DB_PASSWORD"):
    kw["password"] = os.environ["DB_PASSWORD"]
try:
    conn = psycopg2.connect(**kw)
except psycopg2.OperationalError:
    sys.exit(0)
conn.autocommit = True
with conn.cursor() as cr:
    cr.execute(sql)
    if cr.description:
        row = cr.fetchone()
        print(row[0] if row else "")
PY
}

drop_db() {
    db_query postgres "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
    rm -rf "$CACHE/filestore/filestore/$1" "$CACHE/db-$1.hash"
}

module_hash() { (cd "$ROOT" && find sales_backoffice -type f ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16); }

module_state() { db_query "$1" "SELECT state FROM ir_module_module WHERE name = 'sales_backoffice'" 2>/dev/null || true; }

# ensure_db DB [extra odoo args]: the database with the module and demo data,
# installed when absent, updated when the module's files changed since.
ensure_db() {
    local db=$1
    shift
    local state
    state=$(module_state "$db")
    if [ "$state" != "installed" ]; then
        [ -z "$state" ] || log "Database $db is incomplete (module state '${state}'); recreating it"
        drop_db "$db"
        log "Creating database $db with sales_backoffice and its demo data"
        if ! odoo_bin -d "$db" -i sales_backoffice --with-demo --stop-after-init "$@"; then
            drop_db "$db"
            return 1
        fi
        [ "$(module_state "$db")" = "installed" ] || { drop_db "$db"; die "sales_backoffice did not install in $db"; }
    elif [ "$(cat "$CACHE/db-$db.hash" 2>/dev/null)" != "$(module_hash)" ]; then
        log "Module files changed since $db was built; updating sales_backoffice"
        odoo_bin -d "$db" -u sales_backoffice --stop-after-init "$@" || return 1
    fi
    module_hash >"$CACHE/db-$db.hash"
}

provision() {
    # Everything that can be missing is checked before anything is created.
    find_odoo
    external_pg || find_pg_bin
    mkdir -p "$CACHE"
    ensure_venv
    ensure_pg
    export DB_HOST DB_PORT DB_USER DB_PASSWORD ODOO_SRC
    write_odoo_conf
}
