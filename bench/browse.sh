#!/usr/bin/env bash
# ls, find and diff on a repository of 100 snapshots (docs/BENCHMARKS.md,
# issue 21): trees only, warm cache. The corpus is /usr/include (a copy),
# with a few files changed before each backup, so the snapshots share most
# trees and differ in a few directories, as a daily history does.
#
#   bench/browse.sh [SNAPSHOTS] [CAIRN_BINARY]
set -euo pipefail
n=${1:-100}
bin=$(realpath "${2:-target/release/cairn}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CAIRN_PASSWORD=bench CAIRN_STATE_DIR="$work/state" HOME="$work"
c=("$bin" -r "$work/repo")
cairn() { "${c[@]}" "$@"; }

cp -a /usr/include "$work/src"
cairn init > /dev/null
for i in $(seq 1 "$n"); do
  # A changing file at the root and one deep down, and a new file every 10th.
  echo "round $i" > "$work/src/cairn-bench.txt"
  echo "round $i" >> "$work/src/linux/cairn-bench.h"
  [ $((i % 10)) -eq 0 ] && echo "added $i" > "$work/src/x86_64-linux-gnu/added-$i.h"
  cairn backup -q "$work/src" > /dev/null
done
first=$(cairn list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
echo "snapshots: $(cairn list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')," \
  "files per snapshot: $(find "$work/src" -type f | wc -l)"

measure() {
  local name=$1; shift
  "${c[@]}" "$@" > /dev/null # warm: the page cache holds the packs read
  for _ in 1 2 3; do
    /usr/bin/time -f "$name	%e s	%M KiB" "${c[@]}" "$@" > /dev/null 2> "$work/t"
    tail -1 "$work/t"
  done
}
measure "ls latest" ls latest
measure "ls latest --recursive" ls latest --recursive
measure "find stdio.h (all)" find stdio.h
measure "find '*.h' (all)" find '*.h' --json
measure "diff first latest" diff "$first" latest
