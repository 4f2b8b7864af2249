#!/usr/bin/env bash
# `cairn copy` beside `restic copy` (docs/BENCHMARKS.md, issue 21): one
# repository of each tool holding a backup of the corpus, copied into a fresh
# second folder repository of the same tool, in alternating order, each
# copy under /usr/bin/time (wall, max RSS). The destination is emptied before
# every round, so each copy moves everything (the first copy of a replica);
# a second, no-op copy is timed too (what a scheduled replica run costs when
# nothing changed).
#
#   bench/copy.sh [CORPUS] [CAIRN_BINARY] [ROUNDS]
#
# CORPUS defaults to /usr/include (a copy is not needed: both tools only read
# it); restic from Debian (apt-get install restic). Repositories go to
# BENCH_TMP (default /var/tmp/bench-copy), removed at the end.
set -euo pipefail
corpus=${1:-/usr/include}
bin=$(realpath "${2:-target/release/cairn}")
rounds=${3:-3}
command -v restic > /dev/null || { echo "copy.sh: restic is required (apt-get install restic)" >&2; exit 2; }
work=${BENCH_TMP:-/var/tmp/bench-copy}
rm -rf "$work"; mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
export CAIRN_PASSWORD=bench CAIRN_STATE_DIR="$work/state" HOME="$work"
export RESTIC_PASSWORD=bench RESTIC_FROM_PASSWORD=bench RESTIC_CACHE_DIR="$work/restic-cache"

echo "corpus: $corpus ($(du -sh "$corpus" | cut -f1), $(find "$corpus" -type f | wc -l) files)"
echo "cairn: $("$bin" --version); restic: $(restic version | cut -d' ' -f2)"
"$bin" -q -r "$work/cairn-src" init > /dev/null 2>&1
"$bin" -r "$work/cairn-src" backup -q "$corpus" > /dev/null
restic -q -r "$work/restic-src" init > /dev/null 2>&1
restic -q -r "$work/restic-src" backup "$corpus" > /dev/null

timed() { # timed LABEL CMD...: one line "LABEL<TAB>wall s<TAB>max RSS KiB"
  local label=$1; shift
  /usr/bin/time -f "$label	%e s	%M KiB" "$@" > /dev/null 2> "$work/t" || { cat "$work/t" >&2; return 1; }
  tail -n 1 "$work/t"
}

cairn_round() {
  # A new destination at the same path: forget its pin (docs/KEYS.md) too.
  rm -rf "$work/cairn-dst" "$work/state"
  "$bin" -q -r "$work/cairn-dst" init > /dev/null 2>&1
  timed "cairn copy (all)" "$bin" -q -r "$work/cairn-src" copy --to "$work/cairn-dst"
  timed "cairn copy (again, nothing new)" "$bin" -q -r "$work/cairn-src" copy --to "$work/cairn-dst"
}

restic_round() {
  rm -rf "$work/restic-dst"
  # The same chunker parameters, so the copy deduplicates as the source does.
  restic -q -r "$work/restic-dst" init --from-repo "$work/restic-src" --copy-chunker-params > /dev/null
  timed "restic copy (all)" restic -q -r "$work/restic-dst" copy --from-repo "$work/restic-src"
  timed "restic copy (again, nothing new)" restic -q -r "$work/restic-dst" copy --from-repo "$work/restic-src"
}

for i in $(seq 1 "$rounds"); do
  echo "### round $i, load $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ $((i % 2)) -eq 1 ]; then cairn_round; restic_round; else restic_round; cairn_round; fi
done
