#!/usr/bin/env bash
# bench/rss-sample.sh OUT CMD...: runs CMD and samples its resident memory
# (VmRSS) every 0.1 s into OUT, one "seconds KiB" line per sample, then
# prints the highest sample and when it came. /usr/bin/time gives the exact
# peak; this shows *when* a command peaks (how docs/BENCHMARKS.md found the
# two late jumps of the million-file backup). A spike shorter than 0.1 s can
# fall between samples.
set -uo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 OUT CMD..." >&2; exit 2; }
out=$1
shift
"$@" &
pid=$!
t0=$(date +%s.%N)
: > "$out"
while kill -0 "$pid" 2> /dev/null; do
  r=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2> /dev/null)
  [[ -n $r ]] && echo "$(echo "$(date +%s.%N) - $t0" | bc) $r" >> "$out"
  sleep 0.1
done
wait "$pid"
status=$?
sort -k2 -n "$out" | tail -1 | awk '{printf "peak sample %.0f MiB at %.1f s", $2 / 1024, $1}'
tail -1 "$out" | awk '{printf " of %.1f s\n", $1}'
exit $status
