#!/usr/bin/env bash
# The full power-loss matrix: backup, prune, `keys add` and rotate-master
# recorded under strace, and every distinct state a power cut after each
# of their calls could leave checked (crates/cairn-cli/tests/power_loss.rs).
# The test command checks a spread of the same points; record this run's
# result in docs/TESTING.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$HOME/.cargo/bin:$PATH
CAIRN_POWER_LOSS=full cargo test --locked -p cairn-cli --test power_loss -- --test-threads 1 --nocapture "$@"
