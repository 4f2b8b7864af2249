#!/usr/bin/env bash
# bench/fleet.sh [fleet|history|s3open|s3cache|all]: a fleet of clients on one repository.
#
#  fleet    CLIENTS (default 8) client processes at once, each backing up its
#           own tree (a shared part every tree has, plus a part of its own) to
#           one S3 repository on a local S3 server (moto on loopback, started
#           here). Round 1: every tree's first backup; round 2: every client
#           backs up the next client's tree (all of it stored by someone
#           already). Then a prune. Reports that every client succeeded, the
#           total throughput of each round, and the bytes stored against the
#           sum of the inputs.
#  history  BACKUPS (default 10000) small backups (one new small file each,
#           so each writes one pack and one index file) to a folder
#           repository, PAR (default 2) at a time, unlocked by a key file (no
#           Argon2 per run). Then the time to `cairn list` and to back up an
#           unchanged tree (mostly opening the repository: listing and
#           reading every index file), before and after the prune that
#           consolidates the index, on the folder and on S3 (the same
#           objects uploaded to moto; one run each there). With PRUNE_EVERY=N
#           a prune (which consolidates the index files) runs after every N
#           backups, as an operator's maintenance would; a rerun continues
#           the history where it stopped (counting snapshot objects).
#  s3open   The history's repository (made by `history`) uploaded to moto:
#           `cairn list` and a backup of an unchanged tree, timed, with
#           BEFORE (another cairn binary, optional) and CAIRN alternating,
#           RUNS (3) times each; then each once through bench/count-proxy.py
#           for the GETs per kind of object, and once more through it with
#           DELAY_MS (default 10) added before each response, a round trip
#           to storage that is not on the same host.
#  s3cache  The history's repository uploaded to moto, read through
#           bench/count-proxy.py (one proxy per delay, 0 and DELAY_MS, so
#           the location and with it the cache folder stay the same):
#           `cairn list` cold (empty local cache) then warm, and a backup of
#           an unchanged tree cold then warm, for BEFORE (optional) and
#           CAIRN; time and GETs per kind of object for each.
#
#   env  BENCH_TMP (default /var/tmp/bench-fleet)  CLIENTS  SHARED_MB (32)
#        OWN_MB (8)  BACKUPS  PAR  PRUNE_EVERY (0: never)  BEFORE  DELAY_MS
#        CAIRN (a built binary; default: build one)
# Record the load average beside the numbers (it is printed).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
WHAT=${1:-all}
WORK=${BENCH_TMP:-/var/tmp/bench-fleet}
CLIENTS=${CLIENTS:-8}
SHARED_MB=${SHARED_MB:-32}
OWN_MB=${OWN_MB:-8}
BACKUPS=${BACKUPS:-10000}
PAR=${PAR:-2}
PY=$ROOT/.venv/bin/python
if [[ -z ${CAIRN:-} ]]; then
  (cd "$ROOT" && cargo build --release --locked -q -p cairn-cli)
  CAIRN=${CARGO_TARGET_DIR:-$ROOT/target}/release/cairn
fi
[[ -x $ROOT/.venv/bin/moto_server ]] || { python3 -m venv "$ROOT/.venv" && "$ROOT/.venv/bin/pip" install -q 'moto[server]'; }
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
mkdir -p "$WORK"
KEY=$WORK/key
[[ -f $KEY ]] || "$PY" -c 'import os; print(os.urandom(32).hex())' > "$KEY"
export CAIRN_KEY_FILE=$KEY CAIRN_STATE_DIR=$WORK/state
moto_pid=
proxy=
trap '[[ -n $moto_pid ]] && kill $moto_pid 2> /dev/null; [[ -n $proxy ]] && kill $proxy 2> /dev/null; true' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
secs() { "$PY" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$@"; }

start_moto() {
  port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$ROOT/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" > "$WORK/moto.log" 2>&1 &
  moto_pid=$!
  EP=http://127.0.0.1:$port
  for _ in $(seq 1 100); do curl -sf "$EP/moto-api/" > /dev/null && break; sleep 0.1; done
}

bucket_bytes() { # bucket [prefix]: bytes of the objects under prefix
  "$PY" - "$EP" "$1" "${2:-}" <<'PY'
import boto3, sys
s3 = boto3.client("s3", endpoint_url=sys.argv[1])
n = 0
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=sys.argv[2], Prefix=sys.argv[3]):
    n += sum(o["Size"] for o in page.get("Contents", []))
print(n)
PY
}

# Deterministic trees: tree i = shared/ (the same in every tree) + own/ (its own).
make_trees() {
  "$PY" - "$WORK/trees" "$CLIENTS" "$SHARED_MB" "$OWN_MB" <<'PY'
import os, random, sys
root, n, shared_mb, own_mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def files(d, seed, mb):
    os.makedirs(d, exist_ok=True)
    r = random.Random(seed)
    for k in range(mb):  # 1 MiB files
        with open(os.path.join(d, f"f{k:04}.bin"), "wb") as f:
            f.write(r.randbytes(1 << 20))
for i in range(n):
    t = os.path.join(root, f"c{i}")
    if os.path.isdir(t):
        continue
    files(os.path.join(t, "shared"), 1, shared_mb)
    files(os.path.join(t, "own"), 100 + i, own_mb)
PY
}

fleet_round() { # round tree-offset: all clients at once; prints wall and failures
  local r=$1 off=$2 t0 t1 fails=0 pids=()
  t0=$(now)
  for ((i = 0; i < CLIENTS; i++)); do
    local j=$(((i + off) % CLIENTS))
    $CAIRN -r "$REPO" backup -q --host "client$i" --tag "c$j" "$WORK/trees/c$j" > "$WORK/client$i.log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
  t1=$(now)
  local wall; wall=$(secs "$t0" "$t1")
  local mib=$((CLIENTS * (SHARED_MB + OWN_MB)))
  echo "round $r: $CLIENTS clients at once, $((CLIENTS - fails)) succeeded; ${mib} MiB in ${wall} s = $("$PY" -c "print(f'{$mib / $wall:.1f}')") MiB/s total; stored now $(( $(bucket_bytes fleet data/) / 1048576 )) MiB (load $(load))"
  ((fails == 0)) || { cat "$WORK"/client*.log; exit 1; }
}

fleet() {
  echo "## fleet: $CLIENTS clients, trees of ${SHARED_MB} MiB shared + ${OWN_MB} MiB own"
  make_trees
  start_moto
  curl -sf -X PUT "$EP/fleet" > /dev/null
  REPO=s3:$EP/fleet
  $CAIRN -r "$REPO" init -q
  fleet_round 1 0
  fleet_round 2 1
  local t0; t0=$(now)
  $CAIRN -r "$REPO" prune -q --max-unused 0
  echo "prune: $(secs "$t0" "$(now)") s"
  local stored; stored=$(bucket_bytes fleet data/)
  local distinct=$(((SHARED_MB + CLIENTS * OWN_MB) * 1048576))
  local inputs=$((2 * CLIENTS * (SHARED_MB + OWN_MB) * 1048576))
  echo "after prune: data stored $((stored / 1048576)) MiB for $((distinct / 1048576)) MiB distinct; inputs over both rounds $((inputs / 1048576)) MiB (dedup $("$PY" -c "print(f'{$inputs / $stored:.2f}')")x)"
  $CAIRN -r "$REPO" verify -q
  echo "snapshots: $($CAIRN -r "$REPO" list --json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))'); verify: ok"
  kill $moto_pid; wait $moto_pid 2> /dev/null || true; moto_pid=
}

# Median of RUNS (3) runs of a command, in seconds.
timed3() {
  local ts=() n=${RUNS:-3}
  for ((k = 0; k < n; k++)); do
    local t0; t0=$(now)
    "$@" > /dev/null 2>&1 || { "$@"; exit 1; }
    ts+=("$(secs "$t0" "$(now)")")
  done
  printf '%s\n' "${ts[@]}" | sort -n | sed -n "$(((n + 1) / 2))p"
}

measure() { # label repo
  local files; files=$(index_count "$2")
  echo "$1: $files index files; list $(timed3 $CAIRN -r "$2" list) s; backup of an unchanged tree $(timed3 $CAIRN -r "$2" backup -q --tag probe "$WORK/probe") s (load $(load))"
}

index_count() {
  if [[ $1 == s3:* ]]; then
    "$PY" - "$EP" <<'PY'
import boto3, sys
s3 = boto3.client("s3", endpoint_url=sys.argv[1])
print(sum(p.get("KeyCount", 0) for p in s3.get_paginator("list_objects_v2").paginate(Bucket="history", Prefix="index/")))
PY
  elif [[ -d $1/index ]]; then
    find "$1/index" -type f ! -name '.*' | wc -l
  else
    echo 0
  fi
}

snapshot_count() {
  if [[ -d $1/snapshots ]]; then
    find "$1/snapshots" -type f ! -name '.*' | wc -l
  else
    echo 0
  fi
}

upload() { # folder -> bucket "history", 16 at a time
  "$PY" - "$EP" "$1" <<'PY'
import boto3, os, sys
from concurrent.futures import ThreadPoolExecutor
s3 = boto3.client("s3", endpoint_url=sys.argv[1])
root = sys.argv[2]
paths = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
         if not f.startswith(".") and os.path.relpath(d, root).split(os.sep)[0] != "locks"]
def put(p):
    s3.upload_file(p, "history", os.path.relpath(p, root))
with ThreadPoolExecutor(16) as ex:
    list(ex.map(put, paths))
PY
}

history() {
  echo "## history: $BACKUPS small backups, $PAR at a time"
  local repo=$WORK/history
  mkdir -p "$WORK/probe"
  echo probe > "$WORK/probe/p"
  if [[ ! -f $repo/config ]]; then
    $CAIRN -r "$repo" init -q
  fi
  local have; have=$(snapshot_count "$repo")
  local t0; t0=$(now)
  worker() { # w: backups have+w, have+w+PAR, ... up to $upto
    local w=$1 d=$WORK/h-src-$1
    for ((k = have + w; k < upto; k += PAR)); do
      mkdir -p "$d"; rm -f "$d"/*
      echo "backup $k $RANDOM" > "$d/n$k"
      $CAIRN -r "$repo" backup -q --tag h "$d" || exit 1
      ((k % 500 == 0)) && echo "  $k backups ($(secs "$t0" "$(now)") s, load $(load))"
    done
    true
  }
  local start=$have step=${PRUNE_EVERY:-0} upto
  ((step > 0)) || step=$BACKUPS
  while ((have < BACKUPS)); do
    upto=$(((have / step + 1) * step))
    ((upto < BACKUPS)) || upto=$BACKUPS
    local pids=()
    for ((w = 0; w < PAR; w++)); do worker "$w" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p"; done
    have=$(snapshot_count "$repo")
    if ((have < BACKUPS)); then
      local p0; p0=$(now)
      $CAIRN -r "$repo" prune -q
      echo "  prune at $have backups: $(secs "$p0" "$(now)") s, $(index_count "$repo") index files left (load $(load))"
    fi
  done
  echo "made $((BACKUPS - start)) backups in $(secs "$t0" "$(now)") s"
  # The probe tree once, so every timed backup of it finds it unchanged.
  $CAIRN -r "$repo" backup -q --tag probe "$WORK/probe"
  rm -rf "$WORK/history-before"
  cp -a "$repo" "$WORK/history-before"
  measure "folder, before prune" "$repo"
  t0=$(now)
  $CAIRN -r "$repo" prune
  echo "prune (consolidation): $(secs "$t0" "$(now)") s"
  measure "folder, after prune" "$repo"
  start_moto
  curl -sf -X PUT "$EP/history" > /dev/null
  upload "$WORK/history-before"
  # One run each on S3: before the prune, each open is thousands of GETs.
  RUNS=1 measure "s3, before prune" "s3:$EP/history"
  t0=$(now)
  $CAIRN -r "s3:$EP/history" prune -q
  echo "s3 prune (consolidation): $(secs "$t0" "$(now)") s"
  RUNS=1 measure "s3, after prune" "s3:$EP/history"
}

# A counting proxy in front of moto (bench/count-proxy.py) with DELAY_MS=$1:
# sets proxy (its pid) and pport.
start_proxy() {
  pport=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  DELAY_MS=$1 "$PY" "$HERE/count-proxy.py" "$pport" "${EP##*:}" "$WORK/stats.json" > "$WORK/proxy.log" 2>&1 &
  proxy=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$pport/moto-api/" > /dev/null && break; sleep 0.1; done
}

# The GETs per kind of object (JSON) that `$@` makes through a counting
# proxy in front of moto, with DELAY_MS before each response; and its time.
counted() { # delay_ms command...
  local d=$1 out; shift
  start_proxy "$d"
  out=$(through "${@//@EP@/http://127.0.0.1:$pport}") || true
  kill $proxy; wait $proxy 2> /dev/null || true
  proxy=
  echo "$out"
}

# The history's repository (made by `history`) uploaded to a new moto.
history_on_moto() {
  local repo=$WORK/history
  [[ -f $repo/config ]] || { echo "no history at $repo: run '$0 history' first" >&2; exit 1; }
  echo "## $1: $(snapshot_count "$repo") snapshots, $(index_count "$repo") index files"
  mkdir -p "$WORK/probe"
  echo probe > "$WORK/probe/p"
  start_moto
  curl -sf -X PUT "$EP/history" > /dev/null
  local t0; t0=$(now)
  upload "$repo"
  echo "uploaded in $(secs "$t0" "$(now)") s"
}

s3open() {
  history_on_moto s3open
  local bins=("$CAIRN") labels=(after)
  [[ -n ${BEFORE:-} ]] && bins=("$BEFORE" "$CAIRN") labels=(before after)
  local n=${RUNS:-3}
  for ((r = 0; r < n; r++)); do
    for ((b = 0; b < ${#bins[@]}; b++)); do
      # Alternate which goes first, so a change of load hits both.
      local i=$(((b + r) % ${#bins[@]}))
      local bin=${bins[$i]} label=${labels[$i]}
      local t1; t1=$(now)
      $bin -r "s3:$EP/history" list > /dev/null
      local l; l=$(secs "$t1" "$(now)")
      t1=$(now)
      $bin -r "s3:$EP/history" backup -q --tag probe "$WORK/probe"
      echo "run $((r + 1)) $label: list $l s; backup of an unchanged tree $(secs "$t1" "$(now)") s (load $(load))"
    done
  done
  for ((i = 0; i < ${#bins[@]}; i++)); do
    for d in 0 "${DELAY_MS:-10}"; do
      echo "${labels[$i]}, ${d} ms before each response: list $(counted "$d" "${bins[$i]}" -r "s3:@EP@/history" list); backup $(counted "$d" "${bins[$i]}" -r "s3:@EP@/history" backup -q --tag probe "$WORK/probe") (load $(load))"
    done
  done
}

# One command through the proxy started by start_proxy (its counts reset first): time and GETs.
through() { # command...
  kill -USR1 "$proxy"; sleep 0.3
  local t0; t0=$(now)
  "$@" > /dev/null 2>&1 || { echo failed: "$@"; exit 1; }
  local t; t=$(secs "$t0" "$(now)")
  sleep 0.3
  echo "$t s, GETs $("$PY" -c 'import json,sys; print({k: v["requests"] for k, v in sorted(json.load(open(sys.argv[1])).items())})' "$WORK/stats.json")"
}

s3cache() {
  history_on_moto s3cache
  local bins=("$CAIRN") labels=(after)
  [[ -n ${BEFORE:-} ]] && bins=("$BEFORE" "$CAIRN") labels=(before after)
  for d in 0 "${DELAY_MS:-10}"; do
    start_proxy "$d"
    local r=s3:http://127.0.0.1:$pport/history
    for ((i = 0; i < ${#bins[@]}; i++)); do
      local bin=${bins[$i]} label="${labels[$i]}, ${d} ms"
      export CAIRN_CACHE_DIR=$WORK/cache
      rm -rf "$CAIRN_CACHE_DIR"
      echo "$label: list, cold: $(through "$bin" -r "$r" list) (load $(load))"
      echo "$label: list, warm: $(through "$bin" -r "$r" list) (load $(load))"
      rm -rf "$CAIRN_CACHE_DIR"
      echo "$label: backup, cold: $(through "$bin" -r "$r" backup -q --tag probe "$WORK/probe") (load $(load))"
      echo "$label: backup, warm: $(through "$bin" -r "$r" backup -q --tag probe "$WORK/probe") (load $(load))"
      [[ $label == after* ]] && echo "$label: list --no-cache: $(through "$bin" -r "$r" list --no-cache) (load $(load))"
      du -sh "$CAIRN_CACHE_DIR" 2> /dev/null | sed "s/^/$label: cache folder /" || true
    done
    kill $proxy; wait $proxy 2> /dev/null || true
    proxy=
  done
}

echo "load at start: $(load)"
case $WHAT in
  fleet) fleet ;;
  history) history ;;
  s3open) s3open ;;
  s3cache) s3cache ;;
  all) fleet; history ;;
  *) echo "usage: $0 [fleet|history|s3open|s3cache|all]" >&2; exit 2 ;;
esac
