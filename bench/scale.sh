#!/usr/bin/env bash
# bench/scale.sh [FILES] [TOOL...]: many small files, Cairn beside restic.
#
#   FILES  corpus size in files (default 1000000), made by gen-small-files.py
#          (folders of 1,000 files, 0 to 4 KiB of text each, ~5% duplicates;
#          deterministic, seed 19)
#   TOOL   cairn and/or restic (default: both; restic only when on PATH)
#   env    SCALE_TMP  scratch folder (default /var/tmp/cairn-scale); the corpus,
#                     repositories and restores live there and are deleted at
#                     the end unless KEEP=1
#          CAIRN      the cairn binary (default: built here, release mode)
#          CARGO_TARGET_DIR  where that build goes (as cargo uses it)
#
# Per tool: init, backup, restore into an empty folder, verify --read-data
# (restic: check --read-data). Each step runs under /usr/bin/time -v and prints
# one row: wall seconds, CPU seconds (user + system) and peak RSS in MiB. Every
# restore is proven: `diff -r --no-dereference` against the corpus, and a
# comparison of type, mode, size and mtime of every entry; a mismatch fails the
# run. Absolute times drift with the machine's load; peak RSS does not.
set -euo pipefail
export LC_ALL=C TZ=UTC
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
FILES=${1:-1000000}; shift || true
TOOLS=("$@")
if [[ ${#TOOLS[@]} -eq 0 ]]; then
  TOOLS=(cairn)
  command -v restic > /dev/null && TOOLS+=(restic)
fi
WORK=${SCALE_TMP:-/var/tmp/cairn-scale}
PASS=bench-passphrase-0123456789
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
if [[ -z ${CAIRN:-} ]]; then
  (cd "$ROOT" && cargo build --release --locked -q -p cairn-cli)
  CAIRN=${CARGO_TARGET_DIR:-$ROOT/target}/release/cairn
fi

SRC=$WORK/corpus
cleanup() { [[ ${KEEP:-0} == 1 ]] || rm -rf "$WORK"; }
trap cleanup EXIT
rm -rf "$WORK"; mkdir -p "$WORK"
echo "# $(date -u +%FT%TZ) $FILES files, load $(cut -d' ' -f1-3 /proc/loadavg), scratch $WORK"
python3 "$HERE/gen-small-files.py" "$SRC" "$FILES" | sed 's/^/# corpus: /'

# run TOOL STEP CMD...: times the command, prints its row.
run() {
  local tool=$1 step=$2; shift 2
  local tf=$WORK/time.out log=$WORK/$tool.$step.log
  if ! /usr/bin/time -v -o "$tf" "$@" > "$log" 2>&1; then
    echo "$tool $step failed:" >&2; tail -20 "$log" >&2; exit 1
  fi
  awk -v tool="$tool" -v step="$step" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
    /User time/ { u = $2 } /System time/ { s = $2 }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "| %-6s | %-7s | %8.1f | %8.1f | %8.0f |\n", tool, step, w, u + s, rss }' "$tf"
}

# shellcheck source=restore-check.sh
. "$HERE/restore-check.sh"

# check TOOL DIR: the restore in DIR must equal the corpus.
check() {
  same_tree "$1" "$SRC" "$2" "$WORK"
  echo "| $1 | restore | content and metadata identical (diff -r, find -printf) |"
}

echo "| tool   | step    |   wall s |    cpu s | peak RSS MiB |"
echo "|---|---|---|---|---|"
for tool in "${TOOLS[@]}"; do
  repo=$WORK/repo-$tool out=$WORK/restore-$tool
  export HOME=$WORK/home-$tool XDG_CACHE_HOME=$WORK/home-$tool/.cache
  mkdir -p "$HOME"
  case $tool in
    cairn)
      export CAIRN_REPO=$repo CAIRN_PASSWORD=$PASS
      run cairn init "$CAIRN" init -q
      run cairn backup "$CAIRN" backup -q "$SRC"
      run cairn restore "$CAIRN" restore latest --target "$out" -q
      check cairn "$out"  # one folder backed up: its tree is the root
      run cairn verify "$CAIRN" verify --read-data -q
      ;;
    restic)
      export RESTIC_REPOSITORY=$repo RESTIC_PASSWORD=$PASS
      run restic init restic init
      run restic backup restic backup -q "$SRC"
      run restic restore restic restore latest --target "$out"
      check restic "$out/${SRC#/}"
      run restic verify restic check --read-data
      ;;
    *) echo "unknown tool $tool" >&2; exit 2 ;;
  esac
  rm -rf "$repo" "$out"
done
