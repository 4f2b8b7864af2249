#!/usr/bin/env bash
# bench/s3.sh [ROUNDS]: first backup and full restore of the shared corpus by
# Cairn to a local folder, Cairn to S3 and restic to S3, the S3 ones against
# the same local S3 server (moto on loopback, started here), in one run with
# the order rotated between rounds. Each S3 restore is then repeated through
# bench/count-proxy.py (untimed: the proxy costs CPU) to count the GETs and
# the bytes it fetched from the packs. Results: bench/results/s3-*.tsv and a
# summary on stdout.
#   env  BENCH_DATA (default /var/tmp/corpus)  BENCH_TMP (default /var/tmp/bench-s3)
#        CAIRN_BIN (a cairn binary; default: a release build, into
#        CARGO_TARGET_DIR if set)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$(for d in "$ROOT/../shared/bench" "$ROOT/../../shared/bench"; do
  [[ -d $d ]] && { cd "$d" && pwd; break; }
done)}
ROUNDS=${1:-2}
DATA=${BENCH_DATA:-/var/tmp/corpus}
WORK=${BENCH_TMP:-/var/tmp/bench-s3}
command -v restic > /dev/null && command -v /usr/bin/time > /dev/null ||
  { apt-get update -qq && apt-get install -y -qq restic time > /dev/null; }
CAIRN=${CAIRN_BIN:-}
if [[ -z $CAIRN ]]; then
  (cd "$ROOT" && cargo build --release --locked -p cairn-cli)
  CAIRN=${CARGO_TARGET_DIR:-$ROOT/target}/release/cairn
fi
[[ -d $DATA ]] || bash "$SHARED/make-dataset.sh" "$DATA"
[[ -x $ROOT/.venv/bin/moto_server ]] || { python3 -m venv "$ROOT/.venv" && "$ROOT/.venv/bin/pip" install -q 'moto[server]'; }
mkdir -p "$HERE/results"
OUT=$HERE/results/s3-$(date -u +%Y%m%dT%H%M%S).tsv
printf 'round\ttool\tstep\twall_s\tmaxrss_kib\tload1\n' > "$OUT"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export CAIRN_PASSWORD=bench RESTIC_PASSWORD=bench
moto_pid= proxy_pid=
trap '[[ -n $moto_pid ]] && kill $moto_pid 2> /dev/null; [[ -n $proxy_pid ]] && kill $proxy_pid 2> /dev/null' EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

timed() { # round tool step cmd...
  local r=$1 t=$2 s=$3; shift 3
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" > "$WORK/out" 2>&1 || { cat "$WORK/out"; exit 1; }
  read -r wall rss < "$WORK/time"
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$s" "$wall" "$rss" "$load" >> "$OUT"
  echo "$t $s: ${wall}s, $((rss / 1024)) MiB (load $load)"
}
counted() { # round tool repository-through-the-proxy restore-args...: GETs and bytes of packs
  local r=$1 t=$2; shift 2
  rm -rf "$WORK/counted"
  kill -USR1 "$proxy_pid"; sleep 0.5
  "$@" > "$WORK/out" 2>&1 || { cat "$WORK/out"; exit 1; }
  python3 - "$WORK/stats.json" "$r" "$t" >> "$OUT" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])).get("data", {"requests": 0, "bytes": 0})
print(f"{sys.argv[2]}\t{sys.argv[3]}\tpack-gets\t{s['requests']}\t0\t-")
print(f"{sys.argv[2]}\t{sys.argv[3]}\tpack-mib\t{s['bytes'] / 2**20:.1f}\t0\t-")
PY
  tail -2 "$OUT" | cut -f2-4 | tr '\n' ' '; echo
  rm -rf "$WORK/counted"
}
run_tool() { # round tool
  local r=$1 t=$2 target=$WORK/restore-$2
  rm -rf "$target"
  cat "$(find "$DATA" -type f | head -1)" > /dev/null
  case $t in
    cairn-fs)
      rm -rf "$WORK/fs"; $CAIRN -r "$WORK/fs" init -q 2> /dev/null
      timed "$r" "$t" backup $CAIRN -r "$WORK/fs" backup -q "$DATA"
      timed "$r" "$t" restore $CAIRN -r "$WORK/fs" restore latest -q -t "$target" ;;
    cairn-s3)
      curl -sf -X PUT "$EP/cairn-$r" > /dev/null
      $CAIRN -r "s3:$EP/cairn-$r" init -q 2> /dev/null
      timed "$r" "$t" backup $CAIRN -r "s3:$EP/cairn-$r" backup -q "$DATA"
      timed "$r" "$t" restore $CAIRN -r "s3:$EP/cairn-$r" restore latest -q -t "$target"
      counted "$r" "$t" $CAIRN -r "s3:$PROXY/cairn-$r" restore latest -q -t "$WORK/counted" ;;
    restic-s3)
      curl -sf -X PUT "$EP/restic-$r" > /dev/null
      restic -r "s3:$EP/restic-$r" init -q
      timed "$r" "$t" backup restic -r "s3:$EP/restic-$r" backup -q "$DATA"
      timed "$r" "$t" restore restic -r "s3:$EP/restic-$r" restore latest -q --target "$target"
      counted "$r" "$t" restic -r "s3:$PROXY/restic-$r" restore latest -q --target "$WORK/counted" ;;
  esac
  rm -rf "$target"
}
tools=(cairn-fs cairn-s3 restic-s3)
for ((i = 0; i < ROUNDS; i++)); do
  rm -rf "$WORK"; mkdir -p "$WORK"
  # A fresh server per round: moto keeps everything in memory.
  [[ -n $moto_pid ]] && kill $moto_pid 2> /dev/null && wait $moto_pid 2> /dev/null || true
  [[ -n $proxy_pid ]] && kill $proxy_pid 2> /dev/null && wait $proxy_pid 2> /dev/null || true
  port=$(free_port) pport=$(free_port)
  "$ROOT/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" > "$WORK/../moto-bench.log" 2>&1 &
  moto_pid=$!
  python3 "$HERE/count-proxy.py" "$pport" "$port" "$WORK/stats.json" > "$WORK/../proxy-bench.log" 2>&1 &
  proxy_pid=$!
  EP=http://127.0.0.1:$port PROXY=http://127.0.0.1:$pport
  for _ in $(seq 1 100); do curl -sf "$EP/moto-api/" > /dev/null && break; sleep 0.1; done
  order=()
  for ((k = 0; k < ${#tools[@]}; k++)); do order+=("${tools[$(((k + i) % ${#tools[@]}))]}"); done
  echo "### round $((i + 1)): ${order[*]}"
  for t in "${order[@]}"; do run_tool "$((i + 1))" "$t"; done
done
python3 - "$OUT" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
med = lambda t, s, k: statistics.median(float(r[k]) for r in rows if r['tool'] == t and r['step'] == s)
print("| step | cairn fs | cairn s3 | restic s3 | cairn s3 / restic s3 |\n|---|---|---|---|---|")
for s in ['backup', 'restore']:
    a, b, c = (med(t, s, 'wall_s') for t in ['cairn-fs', 'cairn-s3', 'restic-s3'])
    print(f"| {s}, s | {a:.1f} | {b:.1f} | {c:.1f} | {b / c:.2f} |")
    a, b, c = (med(t, s, 'maxrss_kib') / 1024 for t in ['cairn-fs', 'cairn-s3', 'restic-s3'])
    print(f"| {s} peak RSS, MiB | {a:.0f} | {b:.0f} | {c:.0f} | {b / c:.2f} |")
for s, what in [('pack-gets', 'restore pack GETs'), ('pack-mib', 'restore pack bytes fetched, MiB')]:
    b, c = (med(t, s, 'wall_s') for t in ['cairn-s3', 'restic-s3'])
    print(f"| {what} | - | {b:.0f} | {c:.0f} | {b / c:.2f} |")
PY
echo "rows: $OUT"
