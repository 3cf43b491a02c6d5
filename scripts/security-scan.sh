#!/usr/bin/env bash
# security-scan.sh — run sqlmap and wapiti against a LOCAL, logged-in instance of tasi
# and print what they found.
#
# Usage (from anywhere; the script cds to the repository root):
#
#     bash scripts/security-scan.sh
#
# What it does, in order:
#   1. Installs its tools when they are missing: sqlmap from PyPI (`pip install sqlmap`)
#      and wapiti from Debian (`apt-get install wapiti`, falling back to
#      `pip install wapiti3` when the Debian package cannot be had).
#   2. Creates a scratch database `tasi_scan` on postgres://postgres@127.0.0.1:5432
#      (dropped first if present), imports the PeskAAS data from ../shared/data/peskaas
#      with ./target/release/tasi, adds an admin user scan@tasi.local with a random
#      password, and starts `tasi serve` on 127.0.0.1:18080 in the background.
#   3. Logs in with curl (GET /login, takes the hidden `csrf_token`, POSTs /login) and
#      checks that GET / then answers 200; the session cookie is `tasi`.
#   4. Runs sqlmap (batch, level 2, risk 1, PostgreSQL, 1 thread, --time-sec 2, redirects
#      ignored, each run under `timeout`) on the GET pages that take parameters and on
#      the path id of /landings/<uuid> (with the `*` marker). Only listed URLs are
#      tested: no crawling, no forms, so POST /logout is never sent.
#   5. Runs wapiti on http://127.0.0.1:18080/ with the same session cookie, /logout
#      excluded, a fixed list of modules that stay on the target (no ssrf/xxe/nikto/wapp,
#      which talk to outside hosts), bounded crawl and attack times, JSON report.
#      wapiti runs through a small launcher (written to the temp dir) that allows HTTP
#      requests to 127.0.0.1 only and fixes Debian wapiti 3.0.4's -x crash on Python 3.11.
#   6. Prints a summary per tool. The server is stopped and the database dropped on exit.
#
# Exit status: 0 when the scans ran, whatever they found (this is a report); 2 when the
# setup failed (tools, database, import, server, or login); 3 when a scanner gave no
# result (crashed, or no verdict in its log).
#
# Requirements: a release build (./target/release/tasi; built with `cargo build --release`
# if missing), PostgreSQL on 127.0.0.1:5432 reachable as user postgres without a
# password, curl, python3, and root (or sudo) for apt-get.
#
# Tunables (environment):
#   SCAN_PORT           port of the scanned server            (default 18080)
#   SCAN_DB             scratch database name                 (default tasi_scan)
#   SQLMAP_TIMEOUT      seconds per sqlmap run                 (default 600)
#   WAPITI_CRAWL_TIME   wapiti --max-scan-time (crawl), s      (default 180)
#   WAPITI_ATTACK_TIME  wapiti --max-attack-time per module, s (default 60)
#   WAPITI_TIMEOUT      hard limit on the whole wapiti run, s  (default 1500)
#   WAPITI_MODULES      wapiti -m list (default below)
#   KEEP_REPORTS=1      keep the work directory with all logs and reports
#
# Only 127.0.0.1 is ever targeted.

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT=$(pwd)

HOST=127.0.0.1
PORT=${SCAN_PORT:-18080}
BASE="http://$HOST:$PORT"
DB=${SCAN_DB:-tasi_scan}
PG_BASE="postgres://postgres@127.0.0.1:5432"
DATABASE_URL="$PG_BASE/$DB"
EMAIL=scan@tasi.local
SQLMAP_TIMEOUT=${SQLMAP_TIMEOUT:-600}
WAPITI_CRAWL_TIME=${WAPITI_CRAWL_TIME:-180}
WAPITI_ATTACK_TIME=${WAPITI_ATTACK_TIME:-60}
WAPITI_TIMEOUT=${WAPITI_TIMEOUT:-1500}
WAPITI_MODULES=${WAPITI_MODULES:-sql,blindsql,xss,permanentxss,exec,file,crlf,redirect,csrf,http_headers,cookieflags,csp,methods}
TASI=./target/release/tasi
DATA_DIR=../shared/data/peskaas

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tasi-security-scan.XXXXXX")
SERVER_PID=""
START_TS=$(date +%s)

log() { printf '[scan %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[scan] SETUP FAILED: %s\n' "$*" >&2; exit 2; }

psql_admin() { psql "$PG_BASE/postgres" -v ON_ERROR_STOP=1 -qAtc "$1"; }

cleanup() {
    local rc=$?
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    psql_admin "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    if [[ "${KEEP_REPORTS:-0}" == 1 ]]; then
        echo "[scan] logs and reports kept in $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_root() { if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# ---------------------------------------------------------------- 1. tools
for tool in curl psql python3 timeout; do
    command -v "$tool" >/dev/null || die "$tool is required"
done

if ! command -v sqlmap >/dev/null; then
    log "installing sqlmap from PyPI"
    python3 -m pip install -q sqlmap || die "pip install sqlmap failed"
    hash -r
    command -v pyenv >/dev/null && pyenv rehash || true
fi
command -v sqlmap >/dev/null || die "sqlmap is not on PATH after install"

if ! command -v wapiti >/dev/null; then
    log "installing wapiti from Debian"
    if as_root apt-get update -qq && as_root apt-get install -y -qq wapiti >"$WORK/apt.log" 2>&1; then
        :
    else
        log "the Debian package wapiti is not available here; trying pip install wapiti3"
        python3 -m pip install -q wapiti3 || die "neither apt-get install wapiti nor pip install wapiti3 worked"
    fi
    hash -r
    command -v pyenv >/dev/null && pyenv rehash || true
fi
command -v wapiti >/dev/null || die "wapiti is not on PATH after install"
log "sqlmap $(sqlmap --version 2>/dev/null | tail -n1), $(wapiti --version 2>/dev/null | tail -n1)"

if [[ ! -x "$TASI" ]]; then
    log "no release binary; building it (cargo build --release)"
    cargo build --release
fi
[[ -d "$DATA_DIR" ]] || die "data directory $DATA_DIR not found (relative to $REPO_ROOT)"

# ---------------------------------------------------------------- 2. database, user, server
log "creating scratch database $DB"
psql_admin "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" || die "cannot reach postgres at $PG_BASE"
psql_admin "CREATE DATABASE \"$DB\"" || die "cannot create database $DB"

log "importing PeskAAS data"
DATABASE_URL="$DATABASE_URL" "$TASI" import peskaas "$DATA_DIR" >"$WORK/import.log" 2>&1 \
    || { tail -n 20 "$WORK/import.log" >&2; die "import failed"; }

PASSWORD="scan-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$PASSWORD" | DATABASE_URL="$DATABASE_URL" "$TASI" users add --email "$EMAIL" --admin \
    >"$WORK/users.log" 2>&1 || { cat "$WORK/users.log" >&2; die "users add failed"; }

if curl -s -o /dev/null --max-time 2 "$BASE/healthz"; then
    die "something already listens on $HOST:$PORT; set SCAN_PORT"
fi
log "starting tasi serve on $HOST:$PORT"
# Plain http on loopback: the session cookie cannot be Secure here.
TASI_SESSION_KEY="${TASI_SESSION_KEY:-$(head -c 64 /dev/urandom | od -An -tx1 | tr -d " \n")}" \
  DATABASE_URL="$DATABASE_URL" TASI_BIND="$HOST:$PORT" TASI_SECURE_COOKIES=false "$TASI" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
    curl -fs -o /dev/null --max-time 2 "$BASE/healthz" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$WORK/server.log" >&2; die "server exited"; }
    sleep 0.5
done
curl -fs -o /dev/null --max-time 2 "$BASE/healthz" || die "server did not answer /healthz"

# ---------------------------------------------------------------- 3. login
JAR="$WORK/cookies.txt"
log "logging in as $EMAIL"
curl -fsS -c "$JAR" -b "$JAR" "$BASE/login" -o "$WORK/login.html" || die "GET /login failed"
CSRF=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' "$WORK/login.html" | sed -n 1p)
[[ -n "$CSRF" ]] || die "no csrf_token in the login page"
LOGIN_CODE=$(curl -sS -c "$JAR" -b "$JAR" -o /dev/null -w '%{http_code} %{redirect_url}' \
    --data-urlencode "csrf_token=$CSRF" --data-urlencode "email=$EMAIL" \
    --data-urlencode "password=$PASSWORD" --data-urlencode "next=/" "$BASE/login")
log "POST /login -> $LOGIN_CODE"
# Netscape jar; HttpOnly cookies are on lines starting with '#HttpOnly_'.
SESSION=$(awk -F'\t' 'NF >= 7 && $6 == "tasi" { v = $7 } END { print v }' "$JAR")
[[ -n "$SESSION" ]] || die "no session cookie 'tasi' after login"
COOKIE="tasi=$SESSION"

check_logged_in() {
    local code
    code=$(curl -sS -o /dev/null -w '%{http_code}' --cookie "$COOKIE" "$BASE/")
    [[ "$code" == 200 ]]
}
check_logged_in || die "login did not work: GET / with the session cookie does not answer 200"
log "logged in (GET / -> 200)"

# A real landing id for the path-parameter test.
curl -fsS --cookie "$COOKIE" "$BASE/landings" -o "$WORK/landings.html" || die "GET /landings failed"
LANDING_ID=$(grep -oE '/landings/[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}' "$WORK/landings.html" | sed -n '1s#/landings/##p' || true)
[[ -n "$LANDING_ID" ]] || die "no /landings/<uuid> link in the landings list"
log "landing id for the path test: $LANDING_ID"

TRIP_ID=$(psql "$DATABASE_URL" -Atc "SELECT id FROM tracking.tracked_trips ORDER BY id LIMIT 1")
VESSEL_ID=$(psql "$DATABASE_URL" -Atc "SELECT id FROM tracking.vessels ORDER BY id LIMIT 1")
[[ -n "$TRIP_ID" && -n "$VESSEL_ID" ]] || die "no tracked trip or vessel was imported"

# ---------------------------------------------------------------- 4. sqlmap
SQLMAP_TARGETS=(
    "dashboard|$BASE/?municipality=Atauro"
    "landings-list|$BASE/landings?from=2018-01-01&to=2018-12-31&municipality=Atauro&site=6&gear=1&habitat=1&boat=1&flagged=1&flag=date.missing&page=1"
    "summary|$BASE/landings/summary?scope=national"
    "summary-csv|$BASE/landings/summary.csv?scope=national"
    "landing-path-id|$BASE/landings/${LANDING_ID}*"
    "tracking|$BASE/tracking?from=2018-01&to=2018-12&gear=1&boat=2&municipality=Atauro"
    "tracking-grid-csv|$BASE/tracking/grid.csv?from=2018-01&to=2018-12&gear=1&boat=2&municipality=Atauro"
    "tracking-trip-path-id|$BASE/tracking/trips/${TRIP_ID}*"
    "tracking-vessel-path-id|$BASE/tracking/vessels/${VESSEL_ID}*"
)
SQLMAP_SUMMARY="$WORK/sqlmap-summary.txt"
TOOL_FAILED=""
: >"$SQLMAP_SUMMARY"
first=1
for entry in "${SQLMAP_TARGETS[@]}"; do
    name=${entry%%|*}
    url=${entry#*|}
    plain=${url%\*}
    code=$(curl -sS -o /dev/null -w '%{http_code}' --cookie "$COOKIE" "$plain")
    # The session cookie is itself tested (level 2) on the first target only, to save time.
    cookie_opt=(--skip=tasi)
    if [[ $first == 1 ]]; then cookie_opt=(); first=0; fi
    log "sqlmap [$name] $url (baseline HTTP $code)"
    rc=0
    timeout "$SQLMAP_TIMEOUT" sqlmap -u "$url" --cookie "$COOKIE" "${cookie_opt[@]}" \
        --batch --level 2 --risk 1 --dbms PostgreSQL --threads 1 --time-sec 2 --timeout 15 \
        --ignore-redirects --flush-session --disable-coloring \
        --output-dir "$WORK/sqlmap/$name" >"$WORK/sqlmap-$name.log" 2>&1 || rc=$?
    {
        echo "== sqlmap [$name] $url (baseline HTTP $code, exit $rc$([[ $rc == 124 ]] && echo ', TIMED OUT'))"
        grep -E "do not appear to be injectable|does not seem to be injectable|is vulnerable|appears to be .*injectable|might be injectable|injection point|^Parameter:|^    Type:|^    Title:|^    Payload:|\[CRITICAL\]|\[ERROR\]|back-end DBMS|HTTP error codes detected|^[0-9]{3} \(.*\) - [0-9]+ times" \
            "$WORK/sqlmap-$name.log" | sed 's/^/   /' || echo "   (no verdict lines in the log)"
    } >>"$SQLMAP_SUMMARY"
    tail -n 4 "$SQLMAP_SUMMARY"
    if [[ $rc != 0 && $rc != 124 ]] || ! grep -qE "injectable|injection point" "$WORK/sqlmap-$name.log"; then
        TOOL_FAILED+=" sqlmap[$name]"
    fi
    check_logged_in || log "WARNING: the session is no longer valid after sqlmap [$name]"
done

# ---------------------------------------------------------------- 5. wapiti
COOKIE_JSON="$WORK/wapiti-cookie.json"
python3 - "$COOKIE_JSON" "$HOST" "$SESSION" <<'PY'
import json, sys
path, host, value = sys.argv[1:4]
cookie = {"value": value, "expires": None, "secure": False, "port": None, "version": 0}
json.dump({host: {"/": {"tasi": cookie}}}, open(path, "w"))
PY
WAPITI_REPORT="$WORK/wapiti-report.json"
# wapiti is run through a small launcher, never touching the installed files, that:
#  - lets HTTP requests go to 127.0.0.1 only (Debian's wapiti 3.0.4 builds every module,
#    even unselected ones, and its `wapp` module then tries to download a database from
#    the web; the launcher makes any such request fail at once);
#  - fixes Debian wapiti 3.0.4's -x (exclude) regex, 'pattern\Z(?ms)', which Python 3.11
#    rejects ("global flags not at the start"), so that -x /logout works.
# A stub apps.json in a private --store-config directory also stops that download.
WAPITI_PY=$(sed -n '1s/^#! *//p' "$(command -v wapiti)")
[[ -n "$WAPITI_PY" ]] || WAPITI_PY=python3
mkdir -p "$WORK/wapiti-config"
echo '{}' >"$WORK/wapiti-config/apps.json"
cat >"$WORK/wapiti-launcher.py" <<'PY'
import re
import sys
from importlib.metadata import entry_points
from urllib.parse import urlsplit

ALLOWED = {"127.0.0.1"}


def check(url):
    host = urlsplit(str(url)).hostname
    if host not in ALLOWED:
        print(f"[guard] blocked a request to {url}", file=sys.stderr)
        return False
    return True


try:
    import requests

    _send = requests.Session.send

    def send(self, request, **kwargs):
        if not check(request.url):
            raise requests.exceptions.ConnectionError(f"blocked: {request.url}")
        return _send(self, request, **kwargs)

    requests.Session.send = send
except ImportError:
    pass

try:
    import httpx

    for cls in (httpx.Client, httpx.AsyncClient):
        def wrap(orig):
            if cls is httpx.AsyncClient:
                async def send(self, request, *a, **k):
                    if not check(request.url):
                        raise httpx.ConnectError(f"blocked: {request.url}", request=request)
                    return await orig(self, request, *a, **k)
            else:
                def send(self, request, *a, **k):
                    if not check(request.url):
                        raise httpx.ConnectError(f"blocked: {request.url}", request=request)
                    return orig(self, request, *a, **k)
            return send
        cls.send = wrap(cls.send)
except ImportError:
    pass

try:
    import wapitiCore.net.crawler as crawler

    try:
        crawler.wildcard_translate("x*")
    except re.error:
        def wildcard_translate(pattern):
            body = "".join(".*" if ch == "*" else re.escape(ch) for ch in pattern)
            return re.compile("(?ms)" + body + r"\Z")

        crawler.wildcard_translate = wildcard_translate
except (ImportError, AttributeError):
    pass

eps = entry_points()
scripts = eps.select(group="console_scripts") if hasattr(eps, "select") else eps.get("console_scripts", [])
main = next(ep for ep in scripts if ep.name == "wapiti").load()
sys.argv[0] = "wapiti"
sys.exit(main())
PY
WAPITI_CMD=("$WAPITI_PY" "$WORK/wapiti-launcher.py")
log "wapiti on $BASE/ (modules: $WAPITI_MODULES; crawl ${WAPITI_CRAWL_TIME}s, ${WAPITI_ATTACK_TIME}s per module)"
rc=0
timeout "$WAPITI_TIMEOUT" "${WAPITI_CMD[@]}" -u "$BASE/" --scope folder -c "$COOKIE_JSON" \
    -x "$BASE/logout" -x "$BASE/logout*" \
    -m "$WAPITI_MODULES" -d 4 --max-files-per-dir 30 --max-links-per-page 40 \
    --max-scan-time "$WAPITI_CRAWL_TIME" --max-attack-time "$WAPITI_ATTACK_TIME" -t 15 \
    --endpoint "http://127.0.0.1:9/" --no-bugreport \
    --store-session "$WORK/wapiti-session" --store-config "$WORK/wapiti-config" --flush-session \
    -f json -o "$WAPITI_REPORT" -v 1 </dev/null >"$WORK/wapiti.log" 2>&1 || rc=$?
WAPITI_RC=$rc
SESSION_AFTER_WAPITI=valid
check_logged_in || SESSION_AFTER_WAPITI="NO LONGER VALID (results for logged-in pages may be partial)"

WAPITI_SUMMARY="$WORK/wapiti-summary.txt"
{
    echo "== wapiti $BASE/ (exit $WAPITI_RC$([[ $WAPITI_RC == 124 ]] && echo ', TIMED OUT'); session after scan: $SESSION_AFTER_WAPITI)"
    grep -E "Max .* time|Traceback|Error|\[guard\]" "$WORK/wapiti.log" | sort | uniq -c | sed 's/^/   /' || true
    if [[ -s "$WAPITI_REPORT" ]]; then
        python3 - "$WAPITI_REPORT" "$WORK/wapiti-session" <<'PY'
import glob, json, sqlite3, sys
report = json.load(open(sys.argv[1]))
for db in glob.glob(sys.argv[2] + "/*.db"):
    try:
        con = sqlite3.connect(db)
        n = con.execute("select count(*) from paths where evil = 0").fetchone()[0]
        m = con.execute("select count(*) from paths where evil = 0 and method = 'POST'").fetchone()[0]
        lo = con.execute("select count(*) from paths where path like '%/logout%'").fetchone()[0]
        print(f"   resources crawled (and attacked): {n}, of which POST forms: {m}; /logout among them: {lo}")
    except Exception:
        pass
for section in ("vulnerabilities", "anomalies"):
    items = report.get(section, {})
    total = sum(len(v) for v in items.values())
    print(f"   {section}: {total}")
    for category, found in sorted(items.items()):
        if found:
            print(f"     {category}: {len(found)}")
            for f in found[:5]:
                print(f"       - {f.get('method')} {f.get('path')} param={f.get('parameter')!r}: {f.get('info')}")
            if len(found) > 5:
                print(f"       ... and {len(found) - 5} more")
PY
    else
        TOOL_FAILED+=" wapiti"
        echo "   no report was written (see $WORK/wapiti.log)"
        tail -n 15 "$WORK/wapiti.log" | sed 's/^/   /'
    fi
} >"$WAPITI_SUMMARY"

# ---------------------------------------------------------------- 6. summary
echo
echo "================================ SECURITY SCAN SUMMARY ================================"
echo "target: $BASE (database $DB, user $EMAIL), took $(( $(date +%s) - START_TS ))s"
echo
cat "$SQLMAP_SUMMARY"
echo
cat "$WAPITI_SUMMARY"
echo
grep -ciE "panic|ERROR" "$WORK/server.log" | sed 's/^/server log lines with ERROR or panic: /' || true
grep -c 'http.target=/logout' "$WORK/server.log" | sed 's/^/requests to \/logout seen by the server: /' || true
echo "======================================================================================="
if [[ -n "$TOOL_FAILED" ]]; then
    echo "[scan] INCOMPLETE: no result from:$TOOL_FAILED (logs: rerun with KEEP_REPORTS=1)" >&2
    exit 3
fi
exit 0
