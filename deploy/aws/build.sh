#!/usr/bin/env bash
# Build the Lambda zip: target/lambda/scrubd-lambda-<arch>.zip holding the scrubd binary as
# `bootstrap` (provided.al2023 runs it; started without arguments under that name, scrubd runs
# `scrubd lambda`). Everything comes from registries: cargo-lambda and zig from PyPI, crates
# from crates.io. ARCH=x86_64 (default) or arm64 (needs the aarch64-unknown-linux-gnu Rust
# target installed).
set -euo pipefail
cd "$(dirname "$0")/../.."

arch="${ARCH:-x86_64}"
case "$arch" in
    x86_64) target=x86_64-unknown-linux-gnu ;;
    arm64) target=aarch64-unknown-linux-gnu ;;
    *) echo "build.sh: ARCH must be x86_64 or arm64, not $arch" >&2; exit 2 ;;
esac

venv=target/lambda-venv
if ! "$venv/bin/cargo-lambda" lambda --version >/dev/null 2>&1; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'cargo-lambda==1.9.2'
fi
export PATH="$PWD/$venv/bin:$PATH"   # cargo-lambda finds zig as `python3 -m ziglang` here

# A small binary: no debug info, symbols stripped (the daemon's release profile keeps debug=1).
export CARGO_PROFILE_RELEASE_DEBUG=0 CARGO_PROFILE_RELEASE_STRIP=symbols
cargo lambda build --release --locked --bin scrubd --target "$target" --output-format zip
zip="target/lambda/scrubd-lambda-$arch.zip"
mv target/lambda/scrubd/bootstrap.zip "$zip"
ls -l "$zip"
