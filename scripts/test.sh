#!/usr/bin/env bash
# The project's test command (README, "Set-up"): installs what the tests need,
# then runs every test of the workspace. Safe to run on a fresh machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$HOME/.cargo/bin:$PATH

need() { command -v "$1" > /dev/null 2>&1; }
# coreutils' sha256sum checks manifests; setpriv runs the unreadable-file test
# as an unprivileged user when the tests run as root; GNU tar and zstd read
# back what `cairn export` writes.
if ! need sha256sum || ! need setpriv || ! need tar || ! need zstd || ! need diff; then
  if need apt-get; then
    apt-get update -qq && apt-get install -y -qq coreutils util-linux tar zstd diffutils > /dev/null
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --locked "$@" 2>&1 | tee "$log" || status=$?
# One closing line for the whole workspace (cargo prints one per test binary,
# and the last is often an empty doc-test run).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "workspace: %d passed, %d failed\n", p, f }' "$log"
exit $status
