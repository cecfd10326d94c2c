#!/usr/bin/env bash
# scripts/bench.sh -- throughput and peak-RSS benchmark of `scrubd filter` against baselines.
#
# Usage: scripts/bench.sh [--lines N] [--runs N] [--quick] [-h]
#   --lines N   lines in the generated log (default 1000000)
#   --runs N    hyperfine runs per command (default 5; 1 warm-up run is always done)
#   --quick     smoke mode: 100000 lines, 2 runs
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
#
# Measures, in one run (see benches/README.md):
#   wall time (hyperfine) of  cat|cat,  scrubd filter [--threads 1, 2, all],  rg -c,
#   rg -c -F -i over scrubd's keywords,  sed -E,  python3 benches/baseline_filter.py
#   over the same log;
#   the scan limit: Hyperscan (PyPI `hyperscan`, in a venv this script builds under
#   target/bench-venv) finding scrubd's prefilter keywords in the log held in memory,
#   one thread (benches/hyperscan_scan.py; scan time only);
#   peak RSS (/usr/bin/time -v) of scrubd on the log, on a 4x larger log,
#   and on one 50 MiB line without a newline.
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
ONE_LINE_BYTES=$((50 * 1024 * 1024))
RSS_LIMIT_KIB=$((64 * 1024))

die() { echo "bench.sh: ERROR: $*" >&2; exit 1; }
note() { echo "bench.sh: $*" >&2; }
usage() { sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

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
    LINES="${LINES:-100000}"; RUNS="${RUNS:-2}"
fi
LINES="${LINES:-1000000}"
RUNS="${RUNS:-5}"
[[ "$LINES" =~ ^[1-9][0-9]*$ ]] || die "--lines must be a positive integer, got '$LINES'"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, got '$RUNS'"

# ---------------------------------------------------------------- tools
ensure_tools() {
    local missing=()
    command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
    command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
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
    command -v hyperfine >/dev/null 2>&1 || die "hyperfine still missing"
    [ -x /usr/bin/time ] || die "/usr/bin/time (package 'time') still missing"
    command -v python3 >/dev/null 2>&1 || die "python3 missing"
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
    [ -n "$SCRUBD_RESOLVED" ] && [ -x "$SCRUBD_RESOLVED" ] || die "SCRUBD='$SCRUBD' is not an executable"
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
SCRUBD_LABEL="scrubd filter"
[ "$STANDIN" = 1 ] && SCRUBD_LABEL="STAND-IN ($(basename "$SCRUBD"))"

# ---------------------------------------------------------------- inputs
if [ -n "${BENCH_DIR:-}" ]; then
    mkdir -p "$BENCH_DIR"
    DIR="$(cd "$BENCH_DIR" && pwd)"
else
    DIR="$(mktemp -d "${TMPDIR:-/tmp}/scrubd-bench.XXXXXX")"
    trap 'rm -rf -- "$DIR"' EXIT
fi
LOG="$DIR/log-${LINES}.txt"
LOG4="$DIR/log-${LINES}x4.txt"
ONE="$DIR/one-line-${ONE_LINE_BYTES}.txt"
PAT_RG="$DIR/patterns.rg"
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
gen_once "$LOG" --lines "$LINES"
if ! [ -s "$LOG4" ]; then
    note "generating $LOG4 (4 concatenated copies)"
    cat "$LOG" "$LOG" "$LOG" "$LOG" > "$LOG4.tmp" && mv "$LOG4.tmp" "$LOG4"
fi
gen_once "$ONE" --one-line-bytes "$ONE_LINE_BYTES"
python3 "$PYBASE" --emit rg > "$PAT_RG"
if [ "$STANDIN" = 0 ]; then
    "$SCRUBD" rules --keywords > "$KEYWORDS" || die "'$SCRUBD rules --keywords' failed"
else
    "$ROOT/target/release/scrubd" rules --keywords > "$KEYWORDS" 2>/dev/null \
        || die "a STAND-IN run still needs target/release/scrubd for the keyword list"
fi
python3 "$PYBASE" --emit sed > "$PAT_SED"

LOG_BYTES=$(stat -c %s "$LOG")
LOG4_BYTES=$(stat -c %s "$LOG4")
ONE_BYTES=$(stat -c %s "$ONE")
[ "$(tail -c1 "$ONE" | od -An -c | tr -d ' ')" != '\n' ] || die "$ONE unexpectedly ends in a newline"
GEN_SUMMARY="$(cat "$LOG.summary")"
note "$GEN_SUMMARY"

# ---------------------------------------------------------------- timing
q() { printf '%q' "$1"; }
qcmd() { local s="" a; for a in "$@"; do s+="$(q "$a") "; done; printf '%s' "${s% }"; }

NAMES=(); CMDS=()
add() { NAMES+=("$1"); CMDS+=("$2"); }
add "cat | cat"                  "cat $(q "$LOG") | cat > /dev/null"
add "$SCRUBD_LABEL"              "$(qcmd "${FILTER[@]}") < $(q "$LOG") > /dev/null"
add "cat | $SCRUBD_LABEL"        "cat $(q "$LOG") | $(qcmd "${FILTER[@]}") > /dev/null"
NPROC=$(nproc)
if [ "$HAVE_THREADS" = 1 ]; then
    add "$SCRUBD_LABEL --threads 1" "$(qcmd "${FILTER[@]}" --threads 1) < $(q "$LOG") > /dev/null"
    [ "$NPROC" -gt 2 ] && add "$SCRUBD_LABEL --threads 2" "$(qcmd "${FILTER[@]}" --threads 2) < $(q "$LOG") > /dev/null"
fi
add "rg -c (count only)"         "rg -c -f $(q "$PAT_RG") $(q "$LOG") > /dev/null"
add "rg -c -F -i (scrubd keywords)" "rg -c -F -i -f $(q "$KEYWORDS") $(q "$LOG") > /dev/null"
add "sed -E"                     "sed -E -f $(q "$PAT_SED") < $(q "$LOG") > /dev/null"
add "python3 re.sub"             "python3 $(q "$PYBASE") < $(q "$LOG") > /dev/null"

# The scrubd commands must succeed once before minutes of timing start (hyperfine
# also stops on a failing command, but only when it gets to it).
for i in "${!CMDS[@]}"; do
    case "${NAMES[$i]}" in *"$SCRUBD_LABEL"*)
        bash -c "${CMDS[$i]}" || die "command failed: ${NAMES[$i]}: ${CMDS[$i]}" ;;
    esac
done

HF_JSON="$DIR/hyperfine.json"
HF_ARGS=(--shell=bash --warmup "$WARMUP" --runs "$RUNS" --export-json "$HF_JSON")
[ -t 2 ] || HF_ARGS+=(--style basic)
for i in "${!CMDS[@]}"; do HF_ARGS+=(-n "${NAMES[$i]}" "${CMDS[$i]}"); done
note "timing ${#CMDS[@]} commands: $WARMUP warm-up + $RUNS runs each over $LOG_BYTES bytes"
hyperfine "${HF_ARGS[@]}" >&2 || die "hyperfine failed"

note "the scan limit: Hyperscan over $(wc -l < "$KEYWORDS") keywords, $RUNS runs"
HS_JSON="$("$HS_PY" "$ROOT/benches/hyperscan_scan.py" "$KEYWORDS" "$LOG" --runs "$RUNS")" \
    || die "benches/hyperscan_scan.py failed"
note "hyperscan: $HS_JSON"

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
RSS_T1=""
[ "$HAVE_THREADS" = 1 ] && RSS_T1=$(rss_kib "$LOG" "${FILTER[@]}" --threads 1)
RSS_CAT=$(rss_kib "$LOG" cat)

# ---------------------------------------------------------------- sanity counts
REDACTED_LINES=$("${FILTER[@]}" < "$LOG" | { grep -c -F '[REDACTED:' || true; }) \
    || die "${FILTER[*]} < $LOG failed"
RG_LINES=$(rg -c -f "$PAT_RG" "$LOG" || true)

# ---------------------------------------------------------------- report
REPORT="$DIR/report.md"
export HS_JSON NPROC HF_JSON LOG_BYTES LOG4_BYTES ONE_BYTES LINES RUNS WARMUP STANDIN SCRUBD_LABEL SCRUBD \
    RSS_1 RSS_4 RSS_ONE RSS_T1 RSS_CAT RSS_LIMIT_KIB REDACTED_LINES RG_LINES GEN_SUMMARY HAVE_THREADS ROOT
python3 - > "$REPORT" <<'PY'
import json, os, platform, subprocess, datetime

e = os.environ
res = json.load(open(e["HF_JSON"]))["results"]
by = {r["command"]: r for r in res}
nbytes = int(e["LOG_BYTES"])
label = e["SCRUBD_LABEL"]
standin = e["STANDIN"] == "1"
cat_mean = by["cat | cat"]["mean"]
scr_mean = by[label]["mean"]
rg_name = "rg -c (count only)"

def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:
        return "?"

cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-").strip() or platform.processor()
rev = sh("cd \"$ROOT\" && git rev-parse --short HEAD 2>/dev/null") or "no commit"
dirty = " (dirty tree)" if sh("cd \"$ROOT\" && git status --porcelain 2>/dev/null | head -1") else ""
mib = lambda k: int(k) / 1024.0

out = []
p = out.append
p("# scrubd benchmark results (latest run)")
p("")
if standin:
    p("> **STAND-IN RUN: the binary measured as scrubd was `%s`, not scrubd. These figures say nothing about scrubd.**" % e["SCRUBD"])
    p("")
p("- date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
p("- machine: %s cores, %s; %s" % (os.cpu_count(), cpu, platform.platform()))
p("- tree: %s%s" % (rev, dirty))
p("- tools: %s; %s; %s; Python %s" % (sh("rg --version | head -1"), sh("sed --version | head -1"),
                                      sh("hyperfine --version"), platform.python_version()))
p("- input: %s lines, %.1f MB (%s)" % (e["LINES"], nbytes / 1e6, e["GEN_SUMMARY"].replace("gen_log: ", "")))
p("- timing: hyperfine, %s warm-up + %s runs each; mean wall time; MB = 10^6 bytes" % (e["WARMUP"], e["RUNS"]))
p("")
p("## Throughput")
p("")
p("| tool | mean s | ± s | MB/s | time ÷ scrubd time | throughput ÷ cat\\|cat |")
p("|---|---:|---:|---:|---:|---:|")
for r in res:
    m = r["mean"]
    p("| %s | %.3f | %.3f | %.0f | %.2f× | %.2f |" % (
        r["command"].replace("|", "\\|"), m, r["stddev"] or 0.0, nbytes / m / 1e6, m / scr_mean, cat_mean / m))
hs = json.loads(e["HS_JSON"])
hs_s = hs["median_s"]
p("| Hyperscan scan-only, %d keywords, in memory, 1 thread (the scan limit) | %.3f | | %.0f | %.2f× | |" % (
    hs["keywords"], hs_s, nbytes / hs_s / 1e6, hs_s / scr_mean))
p("")
p("time ÷ scrubd time > 1 means that tool is slower than scrubd. rg only counts matching lines (no rewriting). "
  "Hyperscan's time is its scan alone (median of %d, file already in memory), not a process's wall time." % len(hs["scan_s"]))
p("")
p("## Peak RSS of %s" % label)
p("")
p("| input | bytes | max RSS MiB |")
p("|---|---:|---:|")
p("| %s-line log | %d | %.1f |" % (e["LINES"], nbytes, mib(e["RSS_1"])))
p("| 4× log (%d lines) | %d | %.1f |" % (4 * int(e["LINES"]), int(e["LOG4_BYTES"]), mib(e["RSS_4"])))
p("| one line, no newline | %d | %.1f |" % (int(e["ONE_BYTES"]), mib(e["RSS_ONE"])))
if e["RSS_T1"]:
    p("| %s-line log, --threads 1 | %d | %.1f |" % (e["LINES"], nbytes, mib(e["RSS_T1"])))
p("| (reference: `cat` on the %s-line log) | %d | %.1f |" % (e["LINES"], nbytes, mib(e["RSS_CAT"])))
p("")
p("## Targets")
p("")
ok = lambda b: "PASS" if b else "**FAIL**"
rss_max = max(int(e[k]) for k in ("RSS_1", "RSS_4", "RSS_ONE", "RSS_T1") if e[k])
lim = int(e["RSS_LIMIT_KIB"])
p("| target | measured | |")
p("|---|---|---|")
p("| all cores (%s): wall ≤ 1.0 × cat\\|cat | %.2f × | %s |" % (e["NPROC"], scr_mean / cat_mean, ok(scr_mean <= cat_mean)))
t1 = by.get(label + " --threads 1")
if t1:
    r = hs_s / t1["mean"]
    p("| 1 thread: throughput ≥ 0.6 × Hyperscan scan-only | %.2f × | %s |" % (r, ok(r >= 0.6)))
    s = t1["mean"] / scr_mean
    p("| thread scaling (1 → %s threads) ≥ 0.9·N | %.2f × | %s |" % (e["NPROC"], s, ok(s >= 0.9 * int(e["NPROC"]))))
p("| faster than rg -c | rg time ÷ scrubd time = %.2f | %s |" % (by[rg_name]["mean"] / scr_mean, ok(scr_mean < by[rg_name]["mean"])))
p("| peak RSS ≤ 64 MiB, any input | max %.1f MiB | %s |" % (rss_max / 1024.0, ok(rss_max <= lim)))
p("| RSS flat in input size | 4× log ÷ 1× log = %.2f | %s |" % (int(e["RSS_4"]) / int(e["RSS_1"]), ok(int(e["RSS_4"]) <= int(e["RSS_1"]) * 1.25 + 1024)))
p("")
p("Sanity: lines containing `[REDACTED:` in %s output: %s; lines matched by `rg -c` with the baseline patterns: %s." % (
    label, e["REDACTED_LINES"], e["RG_LINES"]))
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
