#!/usr/bin/env bash
# bench/index-memory.sh [BLOBS]: bytes per blob of the in-memory index with a
# synthetic index of BLOBS entries (default 10,000,000), built as opening a
# repository builds it. Prints the example's own figures and the peak RSS
# from /usr/bin/time. Target: at most 64 bytes per blob (issue 19).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BLOBS=${1:-10000000}
(cd "$ROOT" && cargo build --release --locked -q -p cairn-core --example index_memory)
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/index_memory
/usr/bin/time -v -o /tmp/index-memory.time "$BIN" "$BLOBS"
awk -F': ' -v n="$BLOBS" '/Maximum resident set size/ {
  printf "peak RSS %.0f MiB, %.1f bytes per blob at the peak (merges copy the array)\n", $2 / 1024, $2 * 1024 / n }' /tmp/index-memory.time
