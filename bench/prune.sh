#!/usr/bin/env bash
# bench/prune.sh [N]: the same history of N snapshots (default 100) of the
# shared corpus, with a small change between snapshots (mutate_step.py), in
# Cairn and in restic; then each removes the older half (keep-last N/2) and
# prunes, timed with peak RSS. Results: bench/results/prune-*.tsv and a
# summary on stdout.
#   env  BENCH_DATA (default /var/tmp/corpus)  BENCH_TMP (default /var/tmp/bench-prune)
#        CAIRN_BIN: a cairn binary to use instead of building one
#        CAIRN_BASE: a second (older) cairn binary that keeps its own history in
#        the same run ("cairn-base" rows), for before/after comparisons
#        BENCH_SIZES_ONLY=1: stop after the history and the prune (no read-back)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$(for d in "$ROOT/../shared/bench" "$ROOT/../../shared/bench"; do
  [[ -d $d ]] && { cd "$d" && pwd; break; }
done)}
N=${1:-100}
DATA=${BENCH_DATA:-/var/tmp/corpus}
WORK=${BENCH_TMP:-/var/tmp/bench-prune}
command -v restic > /dev/null && command -v /usr/bin/time > /dev/null ||
  { apt-get update -qq && apt-get install -y -qq restic time > /dev/null; }
if [[ -n ${CAIRN_BIN:-} ]]; then CAIRN=$CAIRN_BIN; else
  (cd "$ROOT" && cargo build --release --locked -p cairn-cli)
  CAIRN=${CARGO_TARGET_DIR:-$ROOT/target}/release/cairn
fi
BASE=${CAIRN_BASE:-}
[[ -d $DATA ]] || bash "$SHARED/make-dataset.sh" "$DATA"
export CAIRN_REPO=$WORK/cairn CAIRN_PASSWORD=bench RESTIC_REPOSITORY=$WORK/restic RESTIC_PASSWORD=bench
OUT=$HERE/results/prune-$(date -u +%Y%m%dT%H%M%S).tsv
mkdir -p "$HERE/results"
printf 'tool\tstep\twall_s\tmaxrss_kib\n' > "$OUT"
# BENCH_REUSE=1: keep the history built by an earlier run (saved under
# $WORK/pristine) and only time forget/prune again.
timed() { # tool step cmd...
  local t=$1 s=$2; shift 2
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" > "$WORK/out.$t.$s" 2>&1 || { cat "$WORK/out.$t.$s"; exit 1; }
  read -r wall rss < "$WORK/time"
  printf '%s\t%s\t%s\t%s\n' "$t" "$s" "$wall" "$rss" >> "$OUT"
}
if [[ ${BENCH_REUSE:-0} == 1 && -d $WORK/pristine ]]; then
  rm -rf "$WORK/cairn" "$WORK/restic" "$WORK/cairn-base"
  cp -a "$WORK/pristine/"cairn* "$WORK/pristine/restic" "$WORK/"
  N=$(cat "$WORK/pristine/n")
else
rm -rf "$WORK"; mkdir -p "$WORK"
cp -a "$DATA" "$WORK/src"
$CAIRN init -q 2> /dev/null
[[ -z $BASE ]] || CAIRN_REPO=$WORK/cairn-base $BASE init -q 2> /dev/null
restic init -q
for ((i = 1; i <= N; i++)); do
  python3 "$HERE/mutate_step.py" "$WORK/src" "$i"
  ts=$(date -u -d "2026-01-01 + $i hours" +%Y-%m-%dT%H:%M:%SZ)
  rts=$(date -u -d "2026-01-01 + $i hours" '+%Y-%m-%d %H:%M:%S')
  timed cairn backup "$CAIRN" backup -q --host bench --now "$ts" "$WORK/src"
  [[ -z $BASE ]] || CAIRN_REPO=$WORK/cairn-base timed cairn-base backup "$BASE" backup -q --host bench --now "$ts" "$WORK/src"
  timed restic backup restic backup -q --host bench --time "$rts" "$WORK/src"
  ((i == 1)) && du -sb "$WORK"/cairn* "$WORK/restic"
  ((i % 10 == 0)) && echo "step $i of $N"
done
mkdir -p "$WORK/pristine"; cp -a "$WORK/"cairn* "$WORK/restic" "$WORK/pristine/"; echo "$N" > "$WORK/pristine/n"
fi
repos=("$WORK/cairn" "$WORK/restic"); [[ -z $BASE ]] || repos+=("$WORK/cairn-base")
du -sb "${repos[@]}"
sync; echo 3 > /proc/sys/vm/drop_caches 2> /dev/null || true
timed cairn forget-prune "$CAIRN" forget -q --keep-last $((N / 2)) --prune
[[ -z $BASE ]] || CAIRN_REPO=$WORK/cairn-base timed cairn-base forget-prune "$BASE" forget -q --keep-last $((N / 2)) --prune
timed restic forget-prune restic forget -q --keep-last $((N / 2)) --prune
du -sb "${repos[@]}"
[[ ${BENCH_SIZES_ONLY:-0} == 1 ]] && exit 0
timed cairn verify "$CAIRN" verify --read-data -q
timed restic check restic check --read-data -q
python3 - "$OUT" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
def pick(tool, step):
    return [r for r in rows if r['tool'] == tool and r['step'] == step]
print(f"| step | cairn | restic | cairn/restic |\n|---|---|---|---|")
for step in ['backup', 'forget-prune', 'verify', 'check']:
    c, r = pick('cairn', step), pick('restic', step if step != 'verify' else 'check')
    if step == 'check' or not c or not r:
        continue
    cw = statistics.median(float(x['wall_s']) for x in c); rw = statistics.median(float(x['wall_s']) for x in r)
    cm = max(int(x['maxrss_kib']) for x in c) / 1024; rm = max(int(x['maxrss_kib']) for x in r) / 1024
    label = 'median backup' if step == 'backup' else step
    print(f"| {label}, s | {cw:.2f} | {rw:.2f} | {cw / rw:.2f} |")
    print(f"| {label}, peak RSS MiB | {cm:.0f} | {rm:.0f} | {cm / rm:.2f} |")
PY
echo "rows: $OUT"
