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
#   env  BENCH_COPY_TO=s3  copy into S3 (moto on loopback, from the worktree's
#        .venv, started here; a fresh bucket per round) instead of a folder
#   env  BENCH_COPY_ALSO=OTHER_CAIRN_BINARY  time that binary too, in the same
#        rounds from the same source repository (a before/after A/B)
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
export CAIRN_PASSWORD=bench CAIRN_STATE_DIR="$work/state" HOME="$work"
export RESTIC_PASSWORD=bench RESTIC_FROM_PASSWORD=bench RESTIC_CACHE_DIR="$work/restic-cache"

to=${BENCH_COPY_TO:-folder}
moto_pid=
trap '[[ -n $moto_pid ]] && kill $moto_pid 2> /dev/null; rm -rf "$work"' EXIT
if [[ $to == s3 ]]; then
  moto=$(dirname "$0")/../.venv/bin/moto_server
  [[ -x $moto ]] || { echo "copy.sh: $moto is missing (scripts/test.sh installs it)" >&2; exit 2; }
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$moto" -H 127.0.0.1 -p "$port" > "$work/moto.log" 2>&1 &
  moto_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/moto-api/" > /dev/null && break; sleep 0.1; done
  export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
fi
dest() { # dest TOOL ROUND: where this round's copy goes
  if [[ $to == s3 ]]; then echo "s3:http://127.0.0.1:$port/$1-dst-$2"; else echo "$work/$1-dst"; fi
}

echo "destination: $to"
echo "corpus: $corpus ($(du -sh "$corpus" | cut -f1), $(find "$corpus" -type f | wc -l) files)"
echo "cairn: $("$bin" --version); restic: $(restic version | cut -d' ' -f2)"
"$bin" -q -r "$work/cairn-src" init > /dev/null 2>&1
"$bin" -r "$work/cairn-src" backup -q "$corpus" > /dev/null
restic -q -r "$work/restic-src" init > /dev/null 2>&1
restic -q -r "$work/restic-src" backup "$corpus" > /dev/null

timed() { # timed LABEL CMD...: one line "LABEL<TAB>wall s<TAB>user s<TAB>sys s<TAB>max RSS KiB"
  local label=$1; shift
  /usr/bin/time -f "$label	%e s	%U user	%S sys	%M KiB" "$@" > /dev/null 2> "$work/t" || { cat "$work/t" >&2; return 1; }
  tail -n 1 "$work/t"
}

cairn_round() { # cairn_round ROUND [BINARY LABEL]
  local d b=${2:-$bin} l=${3:-cairn} tag=${3:+-also}; d=$(dest "cairn$tag" "$1")
  # A new destination at the same path: forget its pin (docs/KEYS.md) too.
  rm -rf "$work/cairn$tag-dst" "$work/state"
  # cairn does not create buckets (a typo would otherwise make a new one).
  [[ $to == s3 ]] && curl -sf -X PUT "http://127.0.0.1:$port/cairn$tag-dst-$1" > /dev/null
  "$b" -q -r "$d" init > /dev/null
  timed "$l copy (all)" "$b" -q -r "$work/cairn-src" copy --to "$d"
  timed "$l copy (again, nothing new)" "$b" -q -r "$work/cairn-src" copy --to "$d"
  rm -rf "$work/cairn$tag-dst"
}
also_round() { # also_round ROUND: BENCH_COPY_ALSO's binary, if given
  [[ -z ${BENCH_COPY_ALSO:-} ]] || cairn_round "$1" "$(realpath "$BENCH_COPY_ALSO")" "cairn (also: $(basename "$BENCH_COPY_ALSO"))"
}

restic_round() { # restic_round ROUND
  local d; d=$(dest restic "$1")
  rm -rf "$work/restic-dst"
  # The same chunker parameters, so the copy deduplicates as the source does.
  restic -q -r "$d" init --from-repo "$work/restic-src" --copy-chunker-params > /dev/null
  timed "restic copy (all)" restic -q -r "$d" copy --from-repo "$work/restic-src"
  timed "restic copy (again, nothing new)" restic -q -r "$d" copy --from-repo "$work/restic-src"
}

for i in $(seq 1 "$rounds"); do
  echo "### round $i, load $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ $((i % 2)) -eq 1 ]; then cairn_round "$i"; restic_round "$i"; also_round "$i"
  else also_round "$i"; restic_round "$i"; cairn_round "$i"; fi
done
