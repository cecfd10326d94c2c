#!/usr/bin/env bash
# benches/compare.sh -- old engine vs new engine vs `cat | cat`, strictly alternated (alternate.py).
#
# Usage: benches/compare.sh OLD_BINARY [NEW_BINARY]
#   NEW_BINARY defaults to target/release/scrubd (built by the caller).
# Environment:
#   BENCH_DIR  where the generated inputs live (default /tmp/scrubd-bench; reused when present)
#   RUNS       rounds (default 9; 2 warm-up rounds); each round runs every command once
#   LINES      lines of the realistic mix (default 1000000, ~270 MB)
#   REPORT_ONLY  set: only print the report from the JSON of an earlier run
#   MIXES      which inputs (default "realistic heavy")
#
# Inputs (benches/gen_log.py, deterministic): the realistic mix (1 % leaky lines, --seed 42)
# and a keyword-heavy mix (30 % leaky lines, --seed 7, 300,000 lines). For each input,
# benches/alternate.py runs the commands round by round, each once per round, the rotation
# starting one command further each round: cat|cat, old and new engine with --threads 1 and 2.
# (hyperfine runs each command's runs in a row, so drift on a shared host over the minute lands
# on one command: it read a build whose instruction count had not moved as 17 % slower.)
# Prints the medians, MB/s and the ratios the README records. Run on an otherwise idle machine.
set -euo pipefail

# One function, so bash parses all of it before running: editing the file cannot break a run.
main() {
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OLD="${1:?usage: compare.sh OLD_BINARY [NEW_BINARY]}"
NEW="${2:-$ROOT/target/release/scrubd}"
DIR="${BENCH_DIR:-/tmp/scrubd-bench}"
RUNS="${RUNS:-9}"
LINES="${LINES:-1000000}"
command -v python3 >/dev/null || { echo "compare.sh: needs python3" >&2; exit 1; }
mkdir -p "$DIR"
REAL="$DIR/realistic-$LINES.log"
HEAVY="$DIR/heavy-300000.log"
[ -s "$REAL" ] || python3 "$ROOT/benches/gen_log.py" --lines "$LINES" --seed 42 --out "$REAL" --quiet
[ -s "$HEAVY" ] || python3 "$ROOT/benches/gen_log.py" --lines 300000 --seed 7 --leak-rate 0.3 --out "$HEAVY" --quiet
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); old=$OLD new=$NEW"
for mix in ${MIXES:-realistic heavy}; do
    case "$mix" in realistic) input="$REAL" ;; heavy) input="$HEAVY" ;; *) echo "unknown mix $mix" >&2; exit 1 ;; esac
    json="$DIR/$(basename "$input" .log).json"
    spec="$DIR/$(basename "$input" .log).spec.json"
    python3 - "$spec" "$input" "$OLD" "$NEW" <<'PY'
import json, shlex, sys
spec, inp, old, new = sys.argv[1:]
q = shlex.quote
cmds = [("cat|cat", "cat %s | cat > /dev/null" % q(inp))]
for t in ("1", "2"):
    for name, b in (("old", old), ("new", new)):
        cmds.append(("%s t%s" % (name, t), "%s filter --threads %s < %s > /dev/null" % (q(b), t, q(inp))))
json.dump([{"name": n, "cmd": c} for n, c in cmds], open(spec, "w"), indent=1)
PY
    [ -n "${REPORT_ONLY:-}" ] ||
    python3 "$ROOT/benches/alternate.py" "$spec" --runs "$RUNS" --warmup 2 --json "$json"
    python3 - "$json" "$(stat -L -c %s "$input")" "$(basename "$input")" <<'PY'
import json, sys
res = {r["name"]: r for r in json.load(open(sys.argv[1]))["results"]}
size = int(sys.argv[2]) / 1e6
med = {k: v["median_s"] for k, v in res.items()}
cpu = {k: v["cpu_median_s"] for k, v in res.items()}
print("wall: median of the alternated rounds; CPU: median user + system seconds of the whole")
print("pipeline. On a loaded host compare CPU; wall ratios only mean something on an idle one.")
print(f"\n### {sys.argv[3]} ({size:.0f} MB)\n")
print("| command | wall median | CPU median | MB/s (wall) | wall × cat\\|cat |")
print("|---|---|---|---|---|")
for k in res:
    name = k.replace("|", "\\|")
    print(f"| {name} | {med[k]:.3f} s | {cpu[k]:.3f} s | {size / med[k]:.0f} | {med[k] / med['cat|cat']:.2f} |")
print()
for t in ("t1", "t2"):
    print(f"- new/old wall, {t}: {med['new ' + t] / med['old ' + t]:.2f}×")
for t in ("t1", "t2"):
    print(f"- new/old CPU, {t}: {cpu['new ' + t] / cpu['old ' + t]:.2f}×")
for e in ("old", "new"):
    print(f"- {e} scaling 1→2 threads: {med[e + ' t1'] / med[e + ' t2']:.2f}×")
PY
done
}
main "$@"
