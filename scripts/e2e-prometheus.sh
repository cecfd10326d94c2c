#!/usr/bin/env bash
# End-to-end check of scrubd's metrics and alert rules against a real Prometheus server.
#
#   scripts/e2e-prometheus.sh                 # uses target/release/scrubd
#   SCRUBD=path/to/scrubd scripts/e2e-prometheus.sh
#   KEEP_TMP=1 scripts/e2e-prometheus.sh      # keep the temp dir (configs, logs, TSDB)
#
# 1. promtool: check and unit-test examples/prometheus/scrubd-alerts.yml, check prometheus.yml.
# 2. Start `scrubd run` (file source -> file sink, metrics on a free 127.0.0.1 port) and
#    `prometheus` (scrape and rule evaluation every 1s, the example alert rules loaded).
# 3. Append leaky lines (an alg=none JWT, a password) and check through Prometheus' HTTP API
#    that the counters moved by exactly the right amount, that ScrubdJwtAlgNone and
#    ScrubdSecretsSeen become active, and that no secret appears in any label, in /metrics,
#    in alerts or in the scrubbed output.
#
# Everything listens on 127.0.0.1 only, lives in a temp dir and is stopped on exit. All waits
# are bounded. Never skips: a missing tool is a failure (prometheus is installed with apt-get
# when running as root). Last line: "e2e-prometheus: N passed, M failed"; exit 1 on any failure.
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SCRUBD=${SCRUBD:-$ROOT/target/release/scrubd}
RULES=$ROOT/examples/prometheus/scrubd-alerts.yml
RULE_TESTS=$ROOT/examples/prometheus/scrubd-alerts.test.yml
PROM_EXAMPLE=$ROOT/examples/prometheus/prometheus.yml

# The leaky lines. JWT header {"alg":"none","typ":"JWT"}, payload {"sub":"42"}, no signature.
JWT_NONE='eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiI0MiJ9.'
PASSWORD='hunter2hunter2'
# Each of these must never show up in Prometheus, /metrics or the scrubbed output.
SECRETS=("hunter2" "eyJzdWIiOiI0MiJ9" "eyJhbGciOiJub25l")

PASSED=0
FAILED=0
TMP=""
SCRUBD_PID=""
PROM_PID=""

log() { printf 'e2e-prometheus: %s\n' "$*" >&2; }
pass() { PASSED=$((PASSED + 1)); printf 'ok   %s\n' "$*"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$*"; }

stop_pid() { # stop_pid PID NAME: SIGTERM, wait up to 10s, then SIGKILL
    local pid=$1 name=$2 i
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
        sleep 0.1
    done
    log "$name (pid $pid) ignored SIGTERM for 10s; killing it"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

show_logs() {
    [ -n "$TMP" ] || return 0
    local f
    for f in "$TMP/scrubd.stderr" "$TMP/prometheus.log"; do
        [ -s "$f" ] || continue
        echo "----- last lines of $f -----"
        tail -n 25 "$f"
    done
}

summary() {
    echo "e2e-prometheus: $PASSED passed, $FAILED failed"
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_pid "$SCRUBD_PID" scrubd
    stop_pid "$PROM_PID" prometheus
    if [ "$FAILED" -gt 0 ] || [ "$rc" -ne 0 ]; then show_logs; fi
    if [ -n "$TMP" ]; then
        if [ -n "${KEEP_TMP:-}" ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
    fi
    summary
    if [ "$FAILED" -gt 0 ] && [ "$rc" -eq 0 ]; then rc=1; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

alive() { # alive PID NAME: false (and a loud message) if a process we started has exited
    [ -z "$1" ] && return 0
    kill -0 "$1" 2>/dev/null && return 0
    wait "$1" 2>/dev/null
    log "$2 (pid $1) exited early with status $?"
    return 1
}

die() { # a failure after which the rest cannot run
    fail "$*"
    exit 1
}

# ------------------------------------------------------------------ tools
need_prometheus() {
    if command -v prometheus >/dev/null && command -v promtool >/dev/null; then return 0; fi
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        log "prometheus/promtool missing: apt-get install -y prometheus"
        DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus >&2 ||
            { DEBIAN_FRONTEND=noninteractive apt-get update >&2 &&
              DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus >&2; } ||
            die "apt-get install -y prometheus failed"
        # The package may start a service on :9090; we never use that instance.
    fi
    command -v prometheus >/dev/null && command -v promtool >/dev/null ||
        die "prometheus and promtool are required (Debian: apt-get install prometheus; not root, so not installing)"
}

need_prometheus
command -v python3 >/dev/null || die "python3 is required"
[ -x "$SCRUBD" ] || die "no scrubd binary at $SCRUBD (cargo build --release, or set SCRUBD=)"
for f in "$RULES" "$RULE_TESTS" "$PROM_EXAMPLE"; do [ -f "$f" ] || die "missing $f"; done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/scrubd-e2e-prom.XXXXXX") || die "mktemp failed"

# HTTP + JSON helper (python3 stdlib only, 5s timeout per request).
cat > "$TMP/prom.py" <<'PY'
import json, sys, urllib.parse, urllib.request

def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode("utf-8", "replace")

def api(base, path, **params):
    q = urllib.parse.urlencode(params)
    d = json.loads(get(base + path + ("?" + q if q else "")))
    if d.get("status") != "success":
        raise SystemExit("API error: %s" % d)
    return d["data"]

cmd, base = sys.argv[1], sys.argv[2]
if cmd == "get":                      # get URL -> body
    sys.stdout.write(get(base))
elif cmd == "value":                  # value BASE EXPR -> the single sample's value, or "none"
    r = api(base, "/api/v1/query", query=sys.argv[3])["result"]
    if len(r) > 1:
        raise SystemExit("expected at most one series, got %d: %s" % (len(r), r))
    print(r[0]["value"][1] if r else "none")
elif cmd == "alerts":                 # alerts BASE -> one line per alert: name state labels
    for a in api(base, "/api/v1/alerts")["alerts"]:
        l = a["labels"]
        print(l.get("alertname"), a["state"],
              " ".join("%s=%s" % kv for kv in sorted(l.items()) if kv[0] != "alertname"))
elif cmd == "alerts-json":            # alerts-json BASE -> the raw alerts JSON
    print(json.dumps(api(base, "/api/v1/alerts")))
elif cmd == "labels-dump":            # every label value and every series Prometheus holds
    out = []
    for name in api(base, "/api/v1/labels"):
        out += ["%s=%s" % (name, v) for v in api(base, "/api/v1/label/%s/values" % name)]
    for s in api(base, "/api/v1/series", **{"match[]": '{__name__=~".+"}'}):
        out.append(json.dumps(s, sort_keys=True))
    print("\n".join(out))
else:
    raise SystemExit("unknown command " + cmd)
PY
py() { python3 "$TMP/prom.py" "$@"; }

# wait_until SECONDS DESCRIPTION COMMAND...: poll every 0.25s until COMMAND succeeds.
# Gives up early (and fails the run) if scrubd or prometheus exited.
wait_until() {
    local secs=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + secs))
    while [ "$SECONDS" -lt "$deadline" ]; do
        "$@" >/dev/null 2>&1 && return 0
        alive "$SCRUBD_PID" scrubd && alive "$PROM_PID" prometheus || return 1
        sleep 0.25
    done
    log "timed out after ${secs}s waiting for: $what"
    return 1
}

# Free ports: bind both at once so they differ, then release them.
read -r SCRUBD_PORT PROM_PORT < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
for s in ss: s.close()') || die "could not pick free ports"
METRICS_URL="http://127.0.0.1:$SCRUBD_PORT"
PROM="http://127.0.0.1:$PROM_PORT"

# ------------------------------------------------------------------ 1. promtool
if out=$(promtool check rules "$RULES" 2>&1); then pass "promtool check rules scrubd-alerts.yml"
else fail "promtool check rules scrubd-alerts.yml"; echo "$out"; fi
if out=$(promtool test rules "$RULE_TESTS" 2>&1); then pass "promtool test rules scrubd-alerts.test.yml"
else fail "promtool test rules scrubd-alerts.test.yml"; echo "$out"; fi
if out=$(promtool check config "$PROM_EXAMPLE" 2>&1); then pass "promtool check config examples/prometheus/prometheus.yml"
else fail "promtool check config examples/prometheus/prometheus.yml"; echo "$out"; fi

# ------------------------------------------------------------------ 2. scrubd
mkdir -p "$TMP/logs" "$TMP/out" "$TMP/state" "$TMP/tsdb"
LOG="$TMP/logs/app.log"
echo "service started, nothing secret here" > "$LOG"
cat > "$TMP/scrubd.toml" <<EOF
[state]
dir = "$TMP/state"

[metrics]
listen = "127.0.0.1:$SCRUBD_PORT"

[redact]
mode = "mask"
rules_dirs = []
disable = []

[[sources]]
name = "app"
type = "file"
include = ["$TMP/logs/*.log"]
start_at = "beginning"
sink = "scrubbed"

[[sinks]]
name = "scrubbed"
type = "file"
dir = "$TMP/out"
EOF
"$SCRUBD" run --config "$TMP/scrubd.toml" >"$TMP/scrubd.stdout" 2>"$TMP/scrubd.stderr" &
SCRUBD_PID=$!
scrubd_healthy() { py get "$METRICS_URL/healthz"; }
wait_until 15 "scrubd /healthz on $METRICS_URL" scrubd_healthy ||
    die "scrubd is not serving /healthz on $METRICS_URL (see scrubd.stderr below)"
pass "scrubd run serves /healthz on 127.0.0.1:$SCRUBD_PORT"

# ------------------------------------------------------------------ 3. prometheus
cat > "$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - "$RULES"
scrape_configs:
  - job_name: scrubd
    static_configs:
      - targets: ["127.0.0.1:$SCRUBD_PORT"]
EOF
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$TMP/prometheus.log" 2>&1 &
PROM_PID=$!
prom_ready() { py get "$PROM/-/ready"; }
wait_until 30 "prometheus /-/ready on $PROM" prom_ready ||
    die "prometheus is not ready on $PROM (see prometheus.log below)"

# expect EXPR VALUE: the query returns exactly one series with this value
has_value() { [ "$(py value "$PROM" "$1")" = "$2" ]; }
expect_within() { # expect_within SECS EXPR VALUE DESCRIPTION
    if wait_until "$1" "$2 == $3" has_value "$2" "$3"; then pass "$4"
    else fail "$4 (query $2: expected $3, got $(py value "$PROM" "$2" 2>&1))"; fi
}

wait_until 20 'up{job="scrubd"} == 1' has_value 'up{job="scrubd"}' 1 ||
    die "Prometheus did not scrape scrubd within 20s (up{job=\"scrubd\"} = $(py value "$PROM" 'up{job="scrubd"}' 2>&1))"
pass 'Prometheus scrapes scrubd: up{job="scrubd"} == 1'
expect_within 10 'sum(scrubd_lines_total{job="scrubd",source="app"})' 1 \
    'the clean first line is counted: scrubd_lines_total{source="app"} == 1'

BASE=$(py value "$PROM" 'sum(scrubd_redactions_total{job="scrubd"})')
case $BASE in none | "") die "sum(scrubd_redactions_total) has no value before the leak (got '$BASE')";; esac
BASE_NONE=$(py value "$PROM" 'sum(scrubd_jwt_total{job="scrubd",alg="none"})')
[ "$BASE_NONE" = 0 ] || fail "scrubd_jwt_total{alg=\"none\"} should start at 0 (got $BASE_NONE)"
log "before the leak: sum(scrubd_redactions_total) = $BASE"

# Nothing has leaked yet: the alerts must be quiet. (Waits a little: a rule evaluated before
# the first scrape may briefly show ScrubdAbsent as pending.)
quiet() { ! py alerts "$PROM" | grep -qE '^Scrubd(JwtAlgNone|SecretsSeen|Down|Absent) '; }
if wait_until 5 "no alerts before the leak" quiet; then
    pass "no ScrubdJwtAlgNone/SecretsSeen/Down/Absent alert before the leak"
else fail "alerts active before any leak: $(py alerts "$PROM" | tr '\n' ';')"; fi

# ------------------------------------------------------------------ 4. the leak
printf '%s\n' "Authorization: Bearer $JWT_NONE" "{\"password\": \"$PASSWORD\"}" >> "$LOG"
WANT=$(python3 -c "print(int(float('$BASE')) + 2)")   # one jwt + one password

expect_within 15 'sum(scrubd_redactions_total{job="scrubd"})' "$WANT" \
    "sum(scrubd_redactions_total) went from $BASE to $WANT (+2)"
expect_within 5 'sum(scrubd_redactions_total{job="scrubd",source="app",kind="jwt"})' 1 \
    'scrubd_redactions_total{source="app",kind="jwt"} == 1'
expect_within 5 'sum(scrubd_redactions_total{job="scrubd",source="app",kind="password"})' 1 \
    'scrubd_redactions_total{source="app",kind="password"} == 1'
expect_within 5 'sum(scrubd_jwt_total{job="scrubd",source="app",alg="none"})' 1 \
    'scrubd_jwt_total{alg="none"} == 1'
expect_within 5 'sum(scrubd_lines_redacted_total{job="scrubd",source="app"})' 2 \
    'scrubd_lines_redacted_total{source="app"} == 2'
# Settled: after a few more scrapes the total is still exactly +2 (nothing counted twice).
sleep 2
expect_within 1 'sum(scrubd_redactions_total{job="scrubd"})' "$WANT" \
    "sum(scrubd_redactions_total) stays at $WANT"

# ------------------------------------------------------------------ 5. alerts
alert_active() { # alert_active NAME LABEL=VALUE...: pending or firing with these labels
    local name=$1 line l ok
    shift
    while read -r line; do
        case $line in "$name pending "* | "$name firing "*) ;; *) continue;; esac
        ok=1
        for l in "$@"; do case " $line " in *" $l "*) ;; *) ok=0;; esac; done
        [ "$ok" = 1 ] && return 0
    done < <(py alerts "$PROM")
    return 1
}
check_alert() { # check_alert SECS NAME LABEL=VALUE...
    local secs=$1
    shift
    if wait_until "$secs" "alert $*" alert_active "$@"; then
        pass "alert $1 is $(py alerts "$PROM" | awk -v n="$1" '$1 == n {print $2; exit}'): ${*:2}"
    else fail "alert $1 never became pending/firing with ${*:2}; alerts: $(py alerts "$PROM" | tr '\n' ';')"; fi
}
check_alert 15 ScrubdJwtAlgNone job=scrubd source=app severity=critical
check_alert 10 ScrubdSecretsSeen job=scrubd source=app kind=jwt severity=warning
check_alert 10 ScrubdSecretsSeen job=scrubd source=app kind=password severity=warning
# An HS256 series exists at 0 and must not trigger anything; neither must a healthy target.
if py alerts "$PROM" | grep -qE '^ScrubdJwtAlgNone .*alg=|^Scrubd(Down|Absent|DroppingLines|SourceErrors|SinkErrors|CheckpointErrors) '; then
    fail "unexpected alerts: $(py alerts "$PROM" | tr '\n' ';')"
else pass "no other scrubd alert is active (Down, Absent, DroppingLines, *Errors)"; fi

# ------------------------------------------------------------------ 6. no secrets anywhere
scan() { # scan DESCRIPTION FILE: FILE must contain none of SECRETS
    local s hit=""
    for s in "${SECRETS[@]}"; do grep -qF -- "$s" "$2" && hit="$hit $s"; done
    if [ -z "$hit" ]; then pass "$1 contains no secret"; else fail "$1 contains secret text:$hit"; fi
}
if py labels-dump "$PROM" > "$TMP/prom-labels.txt" && [ -s "$TMP/prom-labels.txt" ]; then
    scan "every label value and series in Prometheus" "$TMP/prom-labels.txt"
else fail "could not list Prometheus labels and series"; fi
n=$(py value "$PROM" 'count({__name__=~".+", kind=~".*hunter2.*"} or {__name__=~".+", source=~".*hunter2.*"} or {__name__=~".+", alg=~".*hunter2.*"})')
if [ "$n" = none ]; then pass "no series has a label matching .*hunter2.*"
else fail "series with hunter2 in a label exist: count=$n"; fi
if py alerts-json "$PROM" > "$TMP/alerts.json"; then scan "the alerts (labels and annotations)" "$TMP/alerts.json"
else fail "could not fetch /api/v1/alerts"; fi
if py get "$METRICS_URL/metrics" > "$TMP/metrics.txt" && grep -q '^scrubd_redactions_total' "$TMP/metrics.txt"; then
    if grep -q hunter2 "$TMP/metrics.txt"; then fail "scrubd /metrics contains hunter2"
    else pass "grep hunter2 on scrubd /metrics finds nothing"; fi
    scan "scrubd /metrics" "$TMP/metrics.txt"
else fail "could not fetch scrubd /metrics"; fi
OUT="$TMP/out/app.log"
[ -f "$OUT" ] || OUT=$(find "$TMP/out" -type f -name app.log | head -n 1)
if [ -n "$OUT" ] && [ -f "$OUT" ] && grep -qF '[REDACTED:password]' "$OUT" && grep -qF '[REDACTED:jwt]' "$OUT"; then
    scan "the scrubbed output $(basename "$OUT")" "$OUT"
else fail "scrubbed output in $TMP/out lacks [REDACTED:password]/[REDACTED:jwt]: $(find "$TMP/out" -type f | tr '\n' ' ')"; fi

[ "$FAILED" -eq 0 ]
