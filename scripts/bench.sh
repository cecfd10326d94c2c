#!/usr/bin/env bash
# scripts/bench.sh -- throughput, CPU and peak-RSS benchmark of `scrubd filter` against baselines,
# on two generated mixes, and the daemon's CPU cost per GB against the filter's.
#
# Usage: scripts/bench.sh [--lines N] [--runs N] [--quick] [-h]
#   --lines N   lines in each generated log (default 1000000)
#   --runs N    alternated rounds (default 5, after 1 warm-up round)
#   --quick     smoke mode: 100000 lines, 2 rounds, no warm-up round, 1 filter run in the
#               daemon-cost step
#
# Environment:
#   SCRUBD      binary to benchmark (default: target/release/scrubd, built with
#               `cargo build --release`).  If set, nothing is built.  If
#               `$SCRUBD filter --help` fails, the binary is treated as a
#               STAND-IN (e.g. SCRUBD=cat) and run without the `filter`
#               argument; results are then labelled STAND-IN.
#   BENCH_OUT   where the report is written (default: benches/results-latest.md)
#   BENCH_DIR   where generated inputs go (default: a fresh temp dir, removed on
#               exit).  A given BENCH_DIR is kept, and inputs already in it are
#               reused (the generator is deterministic).
#   VRL_TARGET_DIR  cargo target dir of the VRL harness (default: target/vrl-redact)
#   DAEMON_RATE_MB  feed rate of the daemon-cost step, MB/s (default 20)
#   CARGO_BUILD_JOBS  cargo's own: set it to 1 on a shared host (the harness build is niced)
#
# Measures, in one run (see benches/README.md), on the realistic mix (gen_log.py --seed 42)
# and on the keyword-heavy mix (--leak-rate 0.3 --seed 7), each command once per round in
# a rotating order (benches/alternate.py; median wall time and CPU time of each):
#   cat|cat;  scrubd filter --threads 1, 2 and all (nproc; duplicates skipped);
#   the machine's ceiling for thread scaling: nproc independent `--threads 1` processes at
#   once, each on the whole log (nproc x one's time / their time);
#   the scan limit: Hyperscan (PyPI `hyperscan`, in a venv this script builds under
#   target/bench-venv) finding scrubd's prefilter keywords in the log held in memory,
#   one thread (benches/hyperscan_scan.py; scan time only);
#   rg -c;  rg -c -F -i over scrubd's keywords;  Vector's VRL `redact` with 4 regexes
#   (benches/vrl_redact, crate vrl, built here once under target/vrl-redact);
#   sed -E;  python3 benches/baseline_filter.py;
#   peak RSS (/usr/bin/time -v) of scrubd on the log, on a 4x larger log, on the
#   keyword-heavy log and on one 50 MiB line without a newline;
#   the daemon's cost: CPU s per GB of `scrubd run` (file -> file, fed at a steady rate)
#   next to `scrubd filter` on the same lines (benches/daemon_cpu.py).
# Prints a Markdown report and writes it to benches/results-latest.md.
set -euo pipefail

# The whole script is one function, so bash parses all of it before running any:
# editing this file while a benchmark runs cannot break the running instance.
main() {
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LINES=""
RUNS=""
QUICK=0
WARMUP=1
FILTER_RUNS=3
ONE_LINE_BYTES=$((50 * 1024 * 1024))
RSS_LIMIT_KIB=$((64 * 1024))
T_START=$(date +%s.%N)

die() { echo "bench.sh: ERROR: $*" >&2; exit 1; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }  # seconds since $1
note() { echo "bench.sh: $*" >&2; }
usage() { sed -n '2,39p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --lines) [ $# -ge 2 ] || die "--lines needs a value"; LINES="$2"; shift 2 ;;
        --lines=*) LINES="${1#--lines=}"; shift ;;
        --runs) [ $# -ge 2 ] || die "--runs needs a value"; RUNS="$2"; shift 2 ;;
        --runs=*) RUNS="${1#--runs=}"; shift ;;
        --quick) QUICK=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
if [ "$QUICK" = 1 ]; then
    LINES="${LINES:-100000}"; RUNS="${RUNS:-2}"; WARMUP=0; FILTER_RUNS=1
fi
LINES="${LINES:-1000000}"
RUNS="${RUNS:-5}"
[[ "$LINES" =~ ^[1-9][0-9]*$ ]] || die "--lines must be a positive integer, got '$LINES'"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, got '$RUNS'"
DAEMON_RATE_MB="${DAEMON_RATE_MB:-20}"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- tools
ensure_tools() {
    local missing=()
    command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
    [ -x /usr/bin/time ] || missing+=(time)
    if [ ${#missing[@]} -gt 0 ]; then
        note "installing missing packages: ${missing[*]}"
        local sudo=()
        if [ "$(id -u)" != 0 ]; then
            command -v sudo >/dev/null 2>&1 || die "need root or sudo to apt-get install ${missing[*]}"
            sudo=(sudo)
        fi
        command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install ${missing[*]} by hand"
        "${sudo[@]}" apt-get update || die "apt-get update failed"
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y "${missing[@]}" \
            || die "apt-get install ${missing[*]} failed"
    fi
    command -v rg >/dev/null 2>&1 || die "rg (ripgrep) still missing"
    [ -x /usr/bin/time ] || die "/usr/bin/time (package 'time') still missing"
    command -v python3 >/dev/null 2>&1 || die "python3 missing"
    command -v cargo >/dev/null 2>&1 || die "cargo missing (the VRL harness is built here)"
    command -v sed >/dev/null 2>&1 || die "sed missing"
    sed --version 2>/dev/null | grep -q 'GNU sed' || die "GNU sed required (sed -E with \\b)"
    HS_PY="$ROOT/target/bench-venv/bin/python"
    if ! "$HS_PY" -c 'import hyperscan' 2>/dev/null; then
        note "installing hyperscan (PyPI) into target/bench-venv"
        python3 -m venv "$ROOT/target/bench-venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
        "$ROOT/target/bench-venv/bin/pip" install -q hyperscan || die "pip install hyperscan failed"
    fi
    "$HS_PY" -c 'import hyperscan' || die "hyperscan still missing from target/bench-venv"
}
ensure_tools

# ---------------------------------------------------------------- scrubd
STANDIN=0
if [ -z "${SCRUBD:-}" ]; then
    SCRUBD="$ROOT/target/release/scrubd"
    note "building: cargo build --release"
    (cd "$ROOT" && cargo build --release) || die "cargo build --release failed"
    [ -x "$SCRUBD" ] || die "$SCRUBD not found after build"
    HELP="$("$SCRUBD" filter --help 2>&1)" || die "'$SCRUBD filter --help' failed: is the filter subcommand there?"
    FILTER=("$SCRUBD" filter)
else
    SCRUBD_RESOLVED="$(command -v -- "$SCRUBD" || true)"
    { [ -n "$SCRUBD_RESOLVED" ] && [ -x "$SCRUBD_RESOLVED" ]; } || die "SCRUBD='$SCRUBD' is not an executable"
    SCRUBD="$SCRUBD_RESOLVED"
    # A real scrubd accepts `filter` on a line of input (note `cat filter --help`
    # succeeds, `echo x | cat filter` does not).
    if echo 'scrubd bench probe' | "$SCRUBD" filter >/dev/null 2>&1 \
            && HELP="$("$SCRUBD" filter --help 2>&1 </dev/null)"; then
        FILTER=("$SCRUBD" filter)
    else
        STANDIN=1
        HELP=""
        FILTER=("$SCRUBD")
        note "WARNING: '$SCRUBD filter' does not work as a filter; treating '$SCRUBD' as a STAND-IN run without 'filter'."
        note "WARNING: the figures labelled scrubd below are NOT scrubd's."
    fi
fi
HAVE_THREADS=0
if [ "$STANDIN" = 0 ] && grep -q -- '--threads' <<<"$HELP"; then
    HAVE_THREADS=1
fi
HAVE_RUN=0
if [ "$STANDIN" = 0 ] && "$SCRUBD" run --help >/dev/null 2>&1; then
    HAVE_RUN=1
fi
SCRUBD_LABEL="scrubd filter"
[ "$STANDIN" = 1 ] && SCRUBD_LABEL="STAND-IN ($(basename "$SCRUBD"))"

# ---------------------------------------------------------------- the VRL harness
# Built once; later runs find it up to date (cargo's own check, well under a second).
VRL_MANIFEST="$ROOT/benches/vrl_redact/Cargo.toml"
VRL_TARGET="${VRL_TARGET_DIR:-$ROOT/target/vrl-redact}"
VRL_BIN="$VRL_TARGET/release/vrl-redact"
[ -f "$VRL_MANIFEST" ] || die "$VRL_MANIFEST missing"
note "building the VRL harness (benches/vrl_redact, niced; the first build takes minutes)"
T0=$(date +%s.%N)
CARGO_TARGET_DIR="$VRL_TARGET" nice -n 19 cargo build --release --locked --quiet \
    --manifest-path "$VRL_MANIFEST" || die "building benches/vrl_redact failed"
VRL_BUILD_S=$(since "$T0")
[ -x "$VRL_BIN" ] || die "$VRL_BIN not found after build"
note "VRL harness ready after ${VRL_BUILD_S} s"

# ---------------------------------------------------------------- inputs
if [ -n "${BENCH_DIR:-}" ]; then
    mkdir -p "$BENCH_DIR"
    DIR="$(cd "$BENCH_DIR" && pwd)"
else
    DIR="$(mktemp -d "${TMPDIR:-/tmp}/scrubd-bench.XXXXXX")"
    trap 'rm -rf -- "$DIR"' EXIT
fi
LOG="$DIR/log-${LINES}.txt"
HEAVY="$DIR/heavy-${LINES}.txt"
LOG4="$DIR/log-${LINES}x4.txt"
ONE="$DIR/one-line-${ONE_LINE_BYTES}.txt"
PAT_RG="$DIR/patterns.rg"
PAT_VRL="$DIR/patterns-vrl.rg"
KEYWORDS="$DIR/keywords.txt"
PAT_SED="$DIR/patterns.sed"
GEN="$ROOT/benches/gen_log.py"
PYBASE="$ROOT/benches/baseline_filter.py"
[ -f "$GEN" ] || die "$GEN missing"
[ -f "$PYBASE" ] || die "$PYBASE missing"

gen_once() {  # gen_once OUT ARGS...  (atomic: reuse only a completed file)
    local out="$1"; shift
    if [ -s "$out" ] && [ -s "$out.summary" ]; then
        note "reusing $out"
        return
    fi
    note "generating $out"
    python3 "$GEN" "$@" --out "$out.tmp" 2>"$out.summary.tmp" || { cat "$out.summary.tmp" >&2; die "gen_log.py failed"; }
    mv "$out.tmp" "$out"; mv "$out.summary.tmp" "$out.summary"
}
gen_once "$LOG" --lines "$LINES" --seed 42
gen_once "$HEAVY" --lines "$LINES" --leak-rate 0.3 --seed 7
if ! [ -s "$LOG4" ]; then
    note "generating $LOG4 (4 concatenated copies)"
    cat "$LOG" "$LOG" "$LOG" "$LOG" > "$LOG4.tmp" && mv "$LOG4.tmp" "$LOG4"
fi
gen_once "$ONE" --one-line-bytes "$ONE_LINE_BYTES"
python3 "$PYBASE" --emit rg > "$PAT_RG"
"$VRL_BIN" --emit-patterns > "$PAT_VRL" || die "'$VRL_BIN --emit-patterns' failed"
if [ "$STANDIN" = 0 ]; then
    "$SCRUBD" rules --keywords > "$KEYWORDS" || die "'$SCRUBD rules --keywords' failed"
else
    "$ROOT/target/release/scrubd" rules --keywords > "$KEYWORDS" 2>/dev/null \
        || die "a STAND-IN run still needs target/release/scrubd for the keyword list"
fi
python3 "$PYBASE" --emit sed > "$PAT_SED"

LOG_BYTES=$(stat -c %s "$LOG")
HEAVY_BYTES=$(stat -c %s "$HEAVY")
LOG4_BYTES=$(stat -c %s "$LOG4")
ONE_BYTES=$(stat -c %s "$ONE")
[ "$(tail -c1 "$ONE" | od -An -c | tr -d ' ')" != '\n' ] || die "$ONE unexpectedly ends in a newline"
GEN_SUMMARY="$(cat "$LOG.summary")"
HEAVY_SUMMARY="$(cat "$HEAVY.summary")"
note "$GEN_SUMMARY"
note "$HEAVY_SUMMARY"

# ---------------------------------------------------------------- timing
q() { printf '%q' "$1"; }
qcmd() { local s="" a; for a in "$@"; do s+="$(q "$a") "; done; printf '%s' "${s% }"; }

NPROC=$(nproc)
THREADS=()
if [ "$HAVE_THREADS" = 1 ]; then
    for t in 1 2 "$NPROC"; do
        case " ${THREADS[*]} " in *" $t "*) ;; *) THREADS+=("$t") ;; esac
    done
fi
scrubd_name() {  # scrubd_name THREADS  (empty: the stand-in / no --threads row)
    if [ -z "$1" ]; then printf '%s' "$SCRUBD_LABEL"
    elif [ "$1" = "$NPROC" ]; then printf '%s --threads %s (all)' "$SCRUBD_LABEL" "$1"
    else printf '%s --threads %s' "$SCRUBD_LABEL" "$1"; fi
}
if [ "$HAVE_THREADS" = 1 ]; then
    SCR_ONE="$(scrubd_name 1)"; SCR_ALL="$(scrubd_name "$NPROC")"
else
    SCR_ONE="$(scrubd_name "")"; SCR_ALL="$SCR_ONE"
fi
VRL_NAME="VRL redact, 4 regexes (vrl-redact)"
HS_NAME="Hyperscan scan-only, in memory (the scan limit)"
CEIL_NAME="$NPROC × $(scrubd_name 1) at once, each on the whole input (machine ceiling)"

spec_for() {  # spec_for INPUT SPEC_JSON  -- the commands of one mix, for benches/alternate.py
    local in="$1" spec="$2" t
    local rows=()
    row() { rows+=("$1" "$2" "${3:-0}"); }
    row "cat | cat"                    "cat $(q "$in") | cat > /dev/null"
    if [ "$HAVE_THREADS" = 1 ]; then
        for t in "${THREADS[@]}"; do
            row "$(scrubd_name "$t")"  "$(qcmd "${FILTER[@]}" --threads "$t") < $(q "$in") > /dev/null"
        done
    else
        row "$(scrubd_name "")"        "$(qcmd "${FILTER[@]}") < $(q "$in") > /dev/null"
    fi
    # The machine's own ceiling for the scaling target: N independent one-thread processes,
    # which share nothing, at once. N × one's time ÷ their time is what N cores give here.
    if [ "$HAVE_THREADS" = 1 ] && [ "$NPROC" -gt 1 ]; then
        row "$CEIL_NAME"               "for i in \$(seq $NPROC); do $(qcmd "${FILTER[@]}" --threads 1) < $(q "$in") > /dev/null & done; wait"
    fi
    row "$HS_NAME"                     "$(q "$HS_PY") $(q "$ROOT/benches/hyperscan_scan.py") $(q "$KEYWORDS") $(q "$in") --runs 1" 1
    row "rg -c (count only)"           "rg -c -f $(q "$PAT_RG") $(q "$in") > /dev/null"
    row "rg -c -F -i (scrubd keywords)" "rg -c -F -i -f $(q "$KEYWORDS") $(q "$in") > /dev/null"
    row "$VRL_NAME"                    "$(q "$VRL_BIN") < $(q "$in") > /dev/null"
    row "sed -E"                       "sed -E -f $(q "$PAT_SED") < $(q "$in") > /dev/null"
    row "python3 re.sub"               "python3 $(q "$PYBASE") < $(q "$in") > /dev/null"
    python3 -c 'import json, sys
a = sys.argv[2:]
json.dump([{"name": a[i], "cmd": a[i + 1], "self_timed": a[i + 2] == "1"} for i in range(0, len(a), 3)],
          open(sys.argv[1], "w"), indent=1)' "$spec" "${rows[@]}"
}

# The scrubd commands must succeed once before minutes of timing start.
if [ "$HAVE_THREADS" = 1 ]; then
    "${FILTER[@]}" --threads 1 < "$LOG" > /dev/null || die "${FILTER[*]} --threads 1 < $LOG failed"
else
    "${FILTER[@]}" < "$LOG" > /dev/null || die "${FILTER[*]} < $LOG failed"
fi

REAL_JSON="$DIR/alternate-realistic.json"
HEAVY_JSON="$DIR/alternate-heavy.json"
T_TIMING=$(date +%s.%N)
for mix in realistic heavy; do
    if [ "$mix" = realistic ]; then in="$LOG"; json="$REAL_JSON"; else in="$HEAVY"; json="$HEAVY_JSON"; fi
    spec_for "$in" "$DIR/spec-$mix.json"
    note "timing the $mix mix ($(stat -c %s "$in") bytes): $WARMUP warm-up + $RUNS rounds, commands alternated"
    python3 "$ROOT/benches/alternate.py" "$DIR/spec-$mix.json" --runs "$RUNS" --warmup "$WARMUP" --json "$json" \
        || die "benches/alternate.py failed on the $mix mix"
done
TIMING_S=$(since "$T_TIMING")

# ---------------------------------------------------------------- peak RSS
rss_kib() {  # rss_kib INPUT ARGS...  -> Maximum resident set size (KiB) of ARGS < INPUT
    local in="$1"; shift
    local tf="$DIR/time-v.txt"
    /usr/bin/time -v -o "$tf" "$@" < "$in" > /dev/null || die "failed under /usr/bin/time: $* < $in"
    awk -F': *' '/Maximum resident set size/ {print $2}' "$tf"
}
note "measuring peak RSS"
RSS_1=$(rss_kib "$LOG" "${FILTER[@]}")
RSS_4=$(rss_kib "$LOG4" "${FILTER[@]}")
RSS_ONE=$(rss_kib "$ONE" "${FILTER[@]}")
RSS_HEAVY=$(rss_kib "$HEAVY" "${FILTER[@]}")
RSS_T1=""
[ "$HAVE_THREADS" = 1 ] && RSS_T1=$(rss_kib "$LOG" "${FILTER[@]}" --threads 1)
RSS_CAT=$(rss_kib "$LOG" cat)
RSS_VRL=$(rss_kib "$LOG" "$VRL_BIN")

# ---------------------------------------------------------------- sanity counts
# scrubd's redacted lines next to rg's count of the baseline families; and the VRL harness
# must change exactly the lines rg finds with its four regexes (a VRL row that redacts
# nothing would time the wrong thing).
count_out() {  # count_out STRING INPUT CMD...  -> lines of CMD < INPUT containing STRING
    local s="$1" in="$2"; shift 2
    "$@" < "$in" | { grep -c -F -- "$s" || true; }
}
REDACTED_LINES=$(count_out '[REDACTED:' "$LOG" "${FILTER[@]}")
REDACTED_HEAVY=$(count_out '[REDACTED:' "$HEAVY" "${FILTER[@]}")
RG_LINES=$(rg -c -f "$PAT_RG" "$LOG" || true)
RG_HEAVY=$(rg -c -f "$PAT_RG" "$HEAVY" || true)
VRL_LINES=$(count_out '[REDACTED]' "$LOG" "$VRL_BIN")
VRL_HEAVY=$(count_out '[REDACTED]' "$HEAVY" "$VRL_BIN")
RG_VRL_LINES=$(rg -c -f "$PAT_VRL" "$LOG" || true)
RG_VRL_HEAVY=$(rg -c -f "$PAT_VRL" "$HEAVY" || true)
for pair in "$VRL_LINES:$RG_VRL_LINES:$LOG" "$VRL_HEAVY:$RG_VRL_HEAVY:$HEAVY"; do
    IFS=: read -r got want file <<<"$pair"
    [ "${got:-0}" -gt 0 ] || die "the VRL harness redacted no line of $file"
    [ "$got" = "$want" ] || die "the VRL harness redacted $got lines of $file, rg -c finds $want with its regexes"
done

# ---------------------------------------------------------------- daemon cost
DAEMON_JSON=""
if [ "$HAVE_RUN" = 1 ]; then
    note "daemon cost: scrubd run (file -> file) fed at $DAEMON_RATE_MB MB/s vs scrubd filter, CPU s per GB"
    DAEMON_JSON="$(python3 "$ROOT/benches/daemon_cpu.py" --scrubd "$SCRUBD" --log "$LOG" \
        --rate-mb "$DAEMON_RATE_MB" --filter-runs "$FILTER_RUNS" --json)" || die "benches/daemon_cpu.py failed"
    note "daemon: $DAEMON_JSON"
else
    note "no daemon-cost step: '$SCRUBD run --help' does not work (stand-in?)"
fi

# ---------------------------------------------------------------- report
REPORT="$DIR/report.md"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
TOTAL_S=$(since "$T_START")
export NPROC REAL_JSON HEAVY_JSON LOG_BYTES HEAVY_BYTES LOG4_BYTES ONE_BYTES LINES RUNS WARMUP STANDIN \
    SCRUBD_LABEL SCRUBD SCR_ONE SCR_ALL VRL_NAME HS_NAME CEIL_NAME HAVE_THREADS ROOT \
    RSS_1 RSS_4 RSS_ONE RSS_HEAVY RSS_T1 RSS_CAT RSS_VRL RSS_LIMIT_KIB \
    REDACTED_LINES REDACTED_HEAVY RG_LINES RG_HEAVY VRL_LINES VRL_HEAVY RG_VRL_LINES RG_VRL_HEAVY \
    GEN_SUMMARY HEAVY_SUMMARY DAEMON_JSON LOAD_START LOAD_END VRL_BUILD_S TIMING_S TOTAL_S QUICK
python3 - > "$REPORT" <<'PY'
import json, os, platform, subprocess, datetime

e = os.environ
standin = e["STANDIN"] == "1"
nproc = int(e["NPROC"])
one, alln = e["SCR_ONE"], e["SCR_ALL"]


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:
        return "?"


def load(path):
    doc = json.load(open(path))
    return doc, {r["name"]: r for r in doc["results"]}


cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-").strip() or platform.processor()
rev = sh("cd \"$ROOT\" && git rev-parse --short HEAD 2>/dev/null") or "no commit"
dirty = " (dirty tree)" if sh("cd \"$ROOT\" && git status --porcelain 2>/dev/null | head -1") else ""
vrl = sh("grep -A1 'name = \"vrl\"' \"$ROOT/benches/vrl_redact/Cargo.lock\" | sed -n 's/version = //p' | tr -d '\"'")
mib = lambda k: int(k) / 1024.0
ok = lambda b: "PASS" if b else "**FAIL**"
esc = lambda s: s.replace("|", "\\|")
mixes = [("realistic", "realistic mix", e["REAL_JSON"], int(e["LOG_BYTES"]), e["GEN_SUMMARY"]),
         ("heavy", "keyword-heavy mix", e["HEAVY_JSON"], int(e["HEAVY_BYTES"]), e["HEAVY_SUMMARY"])]
data = {k: load(path) for k, _, path, _, _ in mixes}

out = []
p = out.append
p("# scrubd benchmark results (latest run)")
p("")
if standin:
    p("> **STAND-IN RUN: the binary measured as scrubd was `%s`, not scrubd. These figures say nothing about scrubd.**" % e["SCRUBD"])
    p("")
p("- date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
p("- machine: %s cores, %s; %s; load average %s at the start, %s at the end" % (
    os.cpu_count(), cpu, platform.platform(), e["LOAD_START"], e["LOAD_END"]))
p("- tree: %s%s" % (rev, dirty))
p("- tools: %s; %s; Python %s; hyperscan (PyPI) in target/bench-venv; vrl %s (benches/vrl_redact)" % (
    sh("rg --version | head -1"), sh("sed --version | head -1"), platform.python_version(), vrl or "?"))
for k, name, _, nbytes, summary in mixes:
    p("- %s: %s lines, %.1f MB (%s)" % (name, e["LINES"], nbytes / 1e6, summary.replace("gen_log: ", "")))
p("- timing: benches/alternate.py, %s warm-up round(s) + %s rounds; each round runs every command once, "
  "in an order rotated by one each round; median wall time; CPU = user + system of the whole pipeline, "
  "median; MB = 10^6 bytes" % (e["WARMUP"], e["RUNS"]))
p("- run time: %.0f s in all, %.0f s of it timing; the VRL harness build took %.1f s in this run" % (
    float(e["TOTAL_S"]), float(e["TIMING_S"]), float(e["VRL_BUILD_S"])))
if e["QUICK"] == "1":
    p("- **--quick: a smoke run (small inputs, 2 rounds); the ratios are rough**")
p("")

for k, name, _, nbytes, _ in mixes:
    _, by = data[k]
    cat = by["cat | cat"]["median_s"]
    ref = by[one]["median_s"]
    p("## Throughput: %s" % name)
    p("")
    p("| tool | median s | min s | CPU s | MB/s | time ÷ %s time | throughput ÷ cat\\|cat |" % esc(one))
    p("|---|---:|---:|---:|---:|---:|---:|")
    for r in data[k][0]["results"]:
        m = r["median_s"]
        c = "%.3f" % r["cpu_median_s"] if r["cpu_median_s"] is not None else "–"
        # The ceiling row's processes read the input N times over: its MB/s counts all of it.
        copies = nproc if r["name"] == e["CEIL_NAME"] else 1
        p("| %s | %.3f | %.3f | %s | %.0f | %.2f× | %.2f |" % (esc(r["name"]), m, r["min_s"], c,
                                                           copies * nbytes / m / 1e6, m / ref, cat / m))
    p("")
    if e["HAVE_THREADS"] == "1":
        s = ["%s: %.2f×" % (n.split("--threads ")[1], ref / by[n]["median_s"]) for n in by
             if n.startswith(e["SCRUBD_LABEL"] + " --threads") and n != one]
        p("Thread scaling (time with 1 thread ÷ time with N): %s." % "; ".join(s))
        if e["CEIL_NAME"] in by:
            p("Machine ceiling (%d independent one-thread processes at once: %d × one's time ÷ their time): "
              "%.2f×." % (nproc, nproc, nproc * ref / by[e["CEIL_NAME"]]["median_s"]))
        p("")
p("time ÷ … > 1 means that tool is slower than scrubd on one thread. rg only counts matching lines (no "
  "rewriting). Hyperscan's time is its scan alone (one scan per round, file already in memory, database "
  "compiled before), not a process's wall time, and it has no CPU figure. The VRL row is Vector's `redact` "
  "with four regexes (jwt, bearer, url-query, key-value; benches/vrl_redact) on one thread.")
p("")
p("## Peak RSS of %s" % e["SCRUBD_LABEL"])
p("")
p("| input | bytes | max RSS MiB |")
p("|---|---:|---:|")
p("| %s-line log | %d | %.1f |" % (e["LINES"], int(e["LOG_BYTES"]), mib(e["RSS_1"])))
p("| 4× log (%d lines) | %d | %.1f |" % (4 * int(e["LINES"]), int(e["LOG4_BYTES"]), mib(e["RSS_4"])))
p("| keyword-heavy log | %d | %.1f |" % (int(e["HEAVY_BYTES"]), mib(e["RSS_HEAVY"])))
p("| one line, no newline | %d | %.1f |" % (int(e["ONE_BYTES"]), mib(e["RSS_ONE"])))
if e["RSS_T1"]:
    p("| %s-line log, --threads 1 | %d | %.1f |" % (e["LINES"], int(e["LOG_BYTES"]), mib(e["RSS_T1"])))
p("| (reference: `cat` on the %s-line log) | %d | %.1f |" % (e["LINES"], int(e["LOG_BYTES"]), mib(e["RSS_CAT"])))
p("| (reference: vrl-redact on the %s-line log) | %d | %.1f |" % (e["LINES"], int(e["LOG_BYTES"]), mib(e["RSS_VRL"])))
p("")

d = json.loads(e["DAEMON_JSON"]) if e["DAEMON_JSON"] else None
if d:
    p("## Daemon cost: CPU per GB, `scrubd run` vs `scrubd filter`")
    p("")
    p("benches/daemon_cpu.py on the %s-line realistic log: the daemon (file source → file sink) is fed at "
      "%.0f MB/s; its CPU is utime + stime from /proc/PID/stat before and after the load (until the last "
      "line is out); the filter's is the child's rusage (median of %d)." % (e["LINES"], d["rate_mb_s"], len(d["filter_cpu_s"])))
    p("")
    p("| process | CPU s | CPU s per GB |")
    p("|---|---:|---:|")
    p("| `scrubd run`, fed over %.1f s, all out after %.1f s | %.3f | %.2f |" % (
        d["daemon_feed_s"], d["daemon_total_s"], d["daemon_cpu_s"], d["daemon_cpu_s_per_gb"]))
    p("| `scrubd filter` | %.3f | %.2f |" % (sorted(d["filter_cpu_s"])[len(d["filter_cpu_s"]) // 2], d["filter_cpu_s_per_gb"]))
    p("| `scrubd filter --threads 1` | %.3f | %.2f |" % (sorted(d["filter_t1_cpu_s"])[len(d["filter_t1_cpu_s"]) // 2], d["filter_t1_cpu_s_per_gb"]))
    p("")
    p("Daemon output byte-identical to the filter's: %s; daemon peak RSS %.1f MiB." % (
        "yes" if d["daemon_output_same_as_filter"] else "**NO**", d["daemon_rss_kib"] / 1024))
    p("")

p("## Targets")
p("")
rss_max = max(int(e[k]) for k in ("RSS_1", "RSS_4", "RSS_ONE", "RSS_HEAVY", "RSS_T1") if e[k])
lim = int(e["RSS_LIMIT_KIB"])
p("| target | measured | |")
p("|---|---|---|")
_, rb = data["realistic"]
_, hb = data["heavy"]
cat = rb["cat | cat"]["median_s"]
scr_all = rb[alln]["median_s"]
p("| all cores (%d): wall ≤ 1.0 × cat\\|cat | %.2f × | %s |" % (nproc, scr_all / cat, ok(scr_all <= cat)))
if e["HAVE_THREADS"] == "1":
    r = rb[e["HS_NAME"]]["median_s"] / rb[one]["median_s"]
    p("| 1 thread: throughput ≥ 0.6 × Hyperscan scan-only | %.2f × | %s |" % (r, ok(r >= 0.6)))
    for k, name, _, _, _ in mixes:
        by = data[k][1]
        s = by[one]["median_s"] / by[alln]["median_s"]
        c = (" (machine ceiling %.2f ×)" % (nproc * by[one]["median_s"] / by[e["CEIL_NAME"]]["median_s"])
             if e["CEIL_NAME"] in by else "")
        p("| %s: thread scaling (1 → %d threads) ≥ 0.9·N | %.2f ×%s | %s |" % (name, nproc, s, c, ok(s >= 0.9 * nproc)))
rg = rb["rg -c (count only)"]["median_s"]
p("| faster than rg -c (all cores) | rg time ÷ scrubd time = %.2f | %s |" % (rg / scr_all, ok(scr_all < rg)))
v = hb[e["VRL_NAME"]]["median_s"] / hb[alln]["median_s"]
p("| keyword-heavy mix: scrubd (all threads) ≥ 4× VRL redact throughput | %.2f × | %s |" % (v, ok(v >= 4)))
if d:
    p("| daemon CPU per GB ≤ 1.5 × filter's | %.2f × | %s |" % (d["ratio"], ok(d["ratio"] <= d["limit"])))
p("| peak RSS ≤ 64 MiB, any input | max %.1f MiB | %s |" % (rss_max / 1024.0, ok(rss_max <= lim)))
p("| RSS flat in input size | 4× log ÷ 1× log = %.2f | %s |" % (int(e["RSS_4"]) / int(e["RSS_1"]), ok(int(e["RSS_4"]) <= int(e["RSS_1"]) * 1.25 + 1024)))
p("")
p("Sanity: lines containing `[REDACTED:` in %s output: %s (realistic), %s (keyword-heavy); lines matched by "
  "`rg -c` with the baseline patterns: %s, %s. Lines the VRL harness redacted: %s, %s; `rg -c` with its four "
  "regexes: %s, %s." % (e["SCRUBD_LABEL"], e["REDACTED_LINES"], e["REDACTED_HEAVY"], e["RG_LINES"], e["RG_HEAVY"],
                        e["VRL_LINES"], e["VRL_HEAVY"], e["RG_VRL_LINES"], e["RG_VRL_HEAVY"]))
if standin:
    p("")
    p("**STAND-IN RUN: targets above are not meaningful.**")
print("\n".join(out))
PY

OUT_FILE="${BENCH_OUT:-$ROOT/benches/results-latest.md}"
cp "$REPORT" "$OUT_FILE"
cat "$REPORT"
note "written $OUT_FILE"
[ -n "${BENCH_DIR:-}" ] && note "inputs kept in $DIR"
exit 0
}

main "$@"
