#!/usr/bin/env bash
# bench/restore-ab.sh FILES ROUNDS BIN...: restore and verify of many small
# files, several cairn binaries (say, before and after a change) beside
# restic, in one run, in rotated order.
#
#   FILES   corpus size in files (gen-small-files.py, seed 19, as scale.sh)
#   ROUNDS  restores per tool (the order rotates each round)
#   BIN     cairn binaries; the repository is made by the first (they must
#           read the same format); restic joins when on PATH
#   env     SCALE_TMP   corpus and repositories (default /var/tmp/cairn-ab)
#           RESTORE_TMP where restores go, one at a time (default
#                       /dev/shm/cairn-ab: tmpfs, so the disk's state (an
#                       ext4 without journal skips recently freed inodes
#                       when it makes new ones) does not favour whichever
#                       restore runs first)
#
# One row per step: wall seconds, CPU seconds (user + system) and peak RSS
# (/usr/bin/time -v), with the load average at its start. Every tool's first
# restore is compared with the corpus (diff -r, then type, mode, size and
# mtime of every entry); a mismatch fails the run.
set -euo pipefail
export LC_ALL=C TZ=UTC
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FILES=${1:?FILES}; ROUNDS=${2:?ROUNDS}; shift 2
BINS=("$@")
[[ ${#BINS[@]} -gt 0 ]] || { echo "give at least one cairn binary" >&2; exit 2; }
WORK=${SCALE_TMP:-/var/tmp/cairn-ab}
OUT=${RESTORE_TMP:-/dev/shm/cairn-ab}
PASS=bench-passphrase-0123456789
SRC=$WORK/corpus
cleanup() { rm -rf "$WORK" "$OUT"; }
trap cleanup EXIT
rm -rf "$WORK" "$OUT"; mkdir -p "$WORK" "$OUT"
echo "# $(date -u +%FT%TZ) $FILES files, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$HERE/gen-small-files.py" "$SRC" "$FILES" | sed 's/^/# corpus: /'

export HOME=$WORK/home XDG_CACHE_HOME=$WORK/home/.cache
mkdir -p "$HOME"
export CAIRN_REPO=$WORK/repo-cairn CAIRN_PASSWORD=$PASS
"${BINS[0]}" init -q > /dev/null
"${BINS[0]}" backup -q "$SRC"
TOOLS=()
for i in "${!BINS[@]}"; do TOOLS+=("cairn$i"); done
if command -v restic > /dev/null; then
  export RESTIC_REPOSITORY=$WORK/repo-restic RESTIC_PASSWORD=$PASS
  restic init -q > /dev/null
  restic backup -q "$SRC" > /dev/null
  TOOLS+=(restic)
fi
for i in "${!BINS[@]}"; do echo "# cairn$i = ${BINS[$i]}"; done

# run TOOL STEP CMD...: times the command, prints its row.
run() {
  local tool=$1 step=$2; shift 2
  local tf=$WORK/time.out log=$WORK/$tool.$step.log load
  load=$(cut -d' ' -f1 /proc/loadavg)
  if ! /usr/bin/time -v -o "$tf" "$@" > "$log" 2>&1; then
    echo "$tool $step failed:" >&2; tail -20 "$log" >&2; exit 1
  fi
  awk -v tool="$tool" -v step="$step" -v load="$load" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "| %-7s | %-7s | %8.1f | %8.1f | %6.1f | %8.0f | %s |\n", tool, step, w, u + s, u, rss, load }' "$tf"
}

# shellcheck source=restore-check.sh
. "$HERE/restore-check.sh"
check() { same_tree "$1" "$SRC" "$2" "$WORK"; }

restore() {
  local tool=$1 round=$2 out=$OUT/$1
  case $tool in
    cairn*)
      run "$tool" restore "${BINS[${tool#cairn}]}" restore latest --target "$out" -q
      [[ $round -gt 0 ]] || check "$tool" "$out" ;;
    restic)
      run restic restore restic restore latest --target "$out"
      [[ $round -gt 0 ]] || check restic "$out/${SRC#/}" ;;
  esac
  rm -rf "$out"
}

echo "| tool    | step    |   wall s |    cpu s | user s | peak RSS MiB | load |"
echo "|---|---|---|---|---|---|---|"
n=${#TOOLS[@]}
for ((r = 0; r < ROUNDS; r++)); do
  for ((k = 0; k < n; k++)); do restore "${TOOLS[(k + r) % n]}" "$r"; done
done
for ((k = 0; k < n; k++)); do
  tool=${TOOLS[k]}
  case $tool in
    cairn*) run "$tool" verify "${BINS[${tool#cairn}]}" verify --read-data -q ;;
    restic) run restic verify restic check --read-data ;;
  esac
done
echo "# checked: every tool's first restore equals the corpus (diff -r, find -printf)"
