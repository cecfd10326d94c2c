#!/usr/bin/env bash
# benches/same_output.sh -- a speed change must not change output.
#
# Usage: benches/same_output.sh REF_BINARY [NEW_BINARY] [EXTRA_INPUT...]
#   Runs `filter --threads 1` (and `--threads 2` for the new binary) of both
#   binaries on every tests/corpus/*.log, tests/scanners/*.log and each extra
#   input (e.g. generated bench logs) and fails on the first byte difference.
#   NEW_BINARY defaults to target/release/scrubd.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REF="${1:?usage: same_output.sh REF_BINARY [NEW_BINARY] [INPUT...]}"
NEW="${2:-$ROOT/target/release/scrubd}"
shift $(( $# >= 2 ? 2 : 1 ))
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail=0
n=0
for f in "$ROOT"/tests/corpus/*.log "$ROOT"/tests/scanners/*.log "$@"; do
    "$REF" filter --threads 1 < "$f" > "$TMP/ref" 2>/dev/null || true
    for t in 1 2; do
        "$NEW" filter --threads "$t" < "$f" > "$TMP/new" 2>/dev/null || true
        if ! cmp -s "$TMP/ref" "$TMP/new"; then
            echo "DIFFERS (--threads $t): $f" >&2
            cmp "$TMP/ref" "$TMP/new" | head -1 >&2 || true
            fail=1
        fi
    done
    n=$((n + 1))
done
[ "$fail" = 0 ] && echo "same output on $n inputs" || { echo "OUTPUT CHANGED" >&2; exit 1; }
