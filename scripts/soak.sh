#!/usr/bin/env bash
# Soak test of the daemon: a release scrubd under steady writes, rename and copytruncate
# rotations, for --minutes N at --rate LINES_PER_S; checks lines in == lines out per file
# family, no secret in the output, flat RSS. Details: scripts/soak.py.
#
#   scripts/soak.sh                          # 1 minute at 2000 lines/s (the test command runs this)
#   scripts/soak.sh --minutes 60 --rate 2000 # the long run (needs ~0.6 GB in $TMPDIR)
#   KEEP_TMP=1 scripts/soak.sh               # keep the temp dir (config, logs, output, stderr)
#
# Last line: "soak: PASS ..." or "soak: FAIL ... :: reasons"; exit status 1 on failure.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SCRUBD=${SCRUBD:-}
if [ -z "$SCRUBD" ]; then
    cargo build --locked --release -q
    SCRUBD=$ROOT/target/release/scrubd
fi
exec python3 "$ROOT/scripts/soak.py" --scrubd "$SCRUBD" "$@"
