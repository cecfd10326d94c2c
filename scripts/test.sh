#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls exactly this). Needs only a Rust toolchain;
# everything else it uses is installed here.
#
# Tiers: plain `cargo test` is the fast tier (only Rust needed: no root, moto, promtool,
# systemd-analyze or faketime). This script is the full tier: it installs those tools and runs
# the tests that need them with `--features external-tests`, where a missing tool fails the
# test (never skips it).
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step prints the free disk space: CI hosts' disks are small and a full one must be
# visible as such.
step() { printf '\n==> %s\n' "$*"; df -h . | awk 'NR == 2 { print "    (disk: " $4 " free)" }'; }

# On CI (a fresh clone, built once) incremental compilation only costs disk, and each build
# directory is deleted once no later step needs it. Locally both are kept for fast rebuilds.
ci=${CI:-}
if [ -n "$ci" ]; then export CARGO_INCREMENTAL=0; fi

step "format and lints: cargo fmt --check, cargo clippy -D warnings"
cargo fmt --check
(cd fuzz && cargo fmt --check) # the fuzz crate is a workspace of its own
cargo clippy --locked --all-targets --features external-tests -- -D warnings

step "tools the tests use: promtool and prometheus (Prometheus' own checker and server), systemd-analyze, systemd-journal-remote, faketime"
missing=()
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
command -v mkfifo >/dev/null 2>&1 || missing+=(coreutils)
[ -x /usr/bin/time ] || missing+=(time)
[ -x /lib/systemd/systemd-journal-remote ] || missing+=(systemd-journal-remote)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
promtool --version | head -1
systemd-analyze --version | head -1

step "moto's server (a real CloudWatch Logs API implementation) for the CloudWatch tests"
# Pinned, into a venv under target/ (rebuilt from PyPI on a clean clone); the tests start it.
if ! target/moto-venv/bin/moto_server --help >/dev/null 2>&1; then
    rm -rf target/moto-venv
    python3 -m venv target/moto-venv
    target/moto-venv/bin/pip install --quiet --disable-pip-version-check 'moto[server]==5.2.5'
fi
target/moto-venv/bin/python -c 'import moto; print("moto", moto.__version__)'
export SCRUBD_MOTO_SERVER="$PWD/target/moto-venv/bin/moto_server"

step "cfn-lint (PyPI) on the AWS deployment template"
# Pinned, into a venv under target/ like moto; a template that does not lint fails the suite.
if ! target/cfn-venv/bin/cfn-lint --version >/dev/null 2>&1; then
    rm -rf target/cfn-venv
    python3 -m venv target/cfn-venv
    target/cfn-venv/bin/pip install --quiet --disable-pip-version-check 'cfn-lint==1.58.0'
fi
target/cfn-venv/bin/cfn-lint --version
target/cfn-venv/bin/cfn-lint deploy/aws/scrubd.yaml
bash -n deploy/aws/build.sh

step "unit, property, corpus, CLI, daemon, CloudWatch and Lambda tests"
mkdir -p target
cargo test --locked --all-targets --features external-tests --no-fail-fast 2>&1 | tee target/test.log
grep -q "test result: ok" target/test.log
if grep -q "test result: FAILED" target/test.log; then exit 1; fi
if [ -n "$ci" ]; then rm -rf target/debug; fi

step "built-in rules: scrubd check (examples + keyword coverage proofs)"
cargo build --locked --release
./target/release/scrubd check

step "README's main command: the example leaky log through the filter"
out=$(./target/release/scrubd filter --stats < examples/leaky.log 2>target/stats.log)
test "$(printf '%s\n' "$out" | wc -l)" -eq "$(wc -l < examples/leaky.log)"
grep -q "redactions=" target/stats.log

step "soak: one minute of writes and rotations against a release scrubd (scripts/soak.sh)"
SCRUBD=target/release/scrubd scripts/soak.sh --minutes 1 | tee target/soak.log
grep -q "^soak: PASS" target/soak.log

step "alert rules and the real Prometheus server scraping a real scrubd"
SCRUBD=target/release/scrubd scripts/e2e-prometheus.sh | tee target/e2e-prometheus.log
grep -q "e2e-prometheus: [0-9]* passed, 0 failed" target/e2e-prometheus.log

step "fuzz targets: a short smoke run of each over its committed corpus"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
# cargo-fuzz needs nightly-only flags (sanitizer coverage); RUSTC_BOOTSTRAP lets this stable
# toolchain accept them for the fuzz build only.
for t in engine rules config; do
    RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$t" "fuzz/corpus/$t" -- -max_total_time=15 -rss_limit_mb=2048 2>&1 | tail -1
done
if [ -n "$ci" ]; then rm -rf fuzz/target; fi

step "benchmarks stay runnable: criterion compiles, bench.sh --quick runs"
cargo bench --locked --no-run
BENCH_OUT=target/bench-smoke.md scripts/bench.sh --quick >/dev/null
test -s target/bench-smoke.md
python3 benches/daemon_bench.py --seconds 1 --rate 2000 --burst-lines 20000 | tee target/daemon-smoke.md
grep -q "in 2000 / out 2000 / leaked 0" target/daemon-smoke.md
grep -q "in 20000 / out 20000 / leaked 0" target/daemon-smoke.md
target/moto-venv/bin/python benches/cloudwatch_bench.py --idle-seconds 5 --seconds 3 --rate 100 --burst 2000 | tee target/cloudwatch-smoke.md
grep -Eq "in ([0-9]+) / out \1 / leaked 0" target/cloudwatch-smoke.md
# The release binary as Lambda starts it (named bootstrap, no arguments) against the bench's
# Runtime API: init, Firehose invocations, cold start.
mkdir -p target/bootstrap-smoke && ln -sf ../release/scrubd target/bootstrap-smoke/bootstrap
python3 benches/lambda_bench.py --scrubd target/bootstrap-smoke/bootstrap --no-cgroup --memory 1024 \
    --invocations 2 --events 1000 --cold-starts 2 | tee target/lambda-smoke.md
grep -q "^| 1024 MB" target/lambda-smoke.md

passed=$(grep -Eo "test result: ok. [0-9]+ passed" target/test.log | awk '{s+=$4} END {print s}')
echo
echo "scrubd test suite: ${passed} passed, 0 failed"
