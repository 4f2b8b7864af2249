#!/usr/bin/env bash
# Regenerates the shell completions and man pages in contrib/ from the
# binary's own clap definitions. The test `docs_generated` fails when what is
# committed differs from what the binary generates: run this after changing
# any option or help text, and commit the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --quiet --locked -p cairn-cli
bin=${CARGO_TARGET_DIR:-target}/debug/cairn
mkdir -p contrib/completions
for shell in bash zsh fish; do
  "$bin" completions "$shell" > "contrib/completions/cairn.$shell"
done
rm -rf contrib/man
"$bin" man contrib/man
echo "wrote contrib/completions and contrib/man"
