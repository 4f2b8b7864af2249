#!/usr/bin/env bash
# The full kill -9 matrix: every command that changes a repository killed
# before each of its writes and deletes in turn, plus 40 time-based kills of
# restore and backup (crates/cairn-cli/tests/kill_matrix.rs). The test
# command runs a sample of the same points; record this run's result in
# docs/TESTING.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$HOME/.cargo/bin:$PATH
CAIRN_KILL_MATRIX=full cargo test --locked -p cairn-cli --test kill_matrix -- --test-threads 1 "$@"
