#!/usr/bin/env bash
# bench/api.sh [SNAPSHOTS] [SECONDS]: latency and throughput of
# `GET /api/v1/dr/snapshots` on loopback, against a repository holding
# SNAPSHOTS (default 1000) snapshots. The snapshots are real backups of a
# small tree (one file changes each time), made with a key file so each
# takes milliseconds. The load generator is Python (keep-alive connections,
# one per thread, 4 threads), reading whole responses without parsing them.
# Results: bench/results/api-*.tsv and a summary on stdout.
#   env  BENCH_TMP (default /var/tmp/bench-api)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
N=${1:-1000}
SECS=${2:-20}
WORK=${BENCH_TMP:-/var/tmp/bench-api}
(cd "$ROOT" && cargo build --release --locked -p cairn-cli)
CAIRN=$ROOT/target/release/cairn
mkdir -p "$HERE/results" "$WORK"
OUT=$HERE/results/api-$(date -u +%Y%m%dT%H%M%S).tsv

repo=$WORK/repo-$N
key=$WORK/key
src=$WORK/src
if [[ ! -f $repo/.complete ]]; then
  rm -rf "$repo" "$src"
  mkdir -p "$src/docs"
  python3 -c 'import secrets; print(secrets.token_hex(32))' > "$key"
  for i in $(seq 1 20); do head -c 20000 /dev/urandom > "$src/docs/f$i"; done
  "$CAIRN" -q -r "$repo" --key-file "$key" init
  echo "making $N snapshots in $repo"
  for i in $(seq 1 "$N"); do
    echo "$i" > "$src/counter"
    "$CAIRN" -q -r "$repo" --key-file "$key" backup --tag "t$((i % 7))" --now "$(date -u -d "2026-01-01 +$i hours" +%Y-%m-%dT%H:%M:%SZ)" "$src"
  done
  touch "$repo/.complete"
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
state=$WORK/state
rm -rf "$state"; mkdir -p "$state"
cat > "$WORK/cairn.toml" << EOF
listen = "127.0.0.1:$port"
audit-log = "$state/audit.jsonl"
tokens = "$state/tokens.json"
[repository.main]
location = "$repo"
key-file = "$key"
[[spec]]
name = "docs"
repository = "main"
paths = ["$src"]
EOF
token=$("$CAIRN" token create --config "$WORK/cairn.toml" --role analyst --name bench)
"$CAIRN" serve --config "$WORK/cairn.toml" > "$WORK/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2> /dev/null' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done

python3 - "$port" "$token" "$SECS" "$N" "$OUT" << 'PY'
import http.client, statistics, sys, threading, time, json
port, token, secs, n, out = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
path = "/api/v1/dr/snapshots"
hdr = {"Authorization": "Bearer " + token}

def get(c):
    c.request("GET", path, headers=hdr)
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        raise SystemExit(f"status {r.status}: {body[:200]!r}")
    return body

# The first listing decodes every snapshot (cold cache); measured alone.
c = http.client.HTTPConnection("127.0.0.1", port)
t = time.perf_counter(); body = get(c); cold = time.perf_counter() - t
rows = len(json.loads(body)["data"])
assert rows == n, f"expected {n} snapshots, got {rows}"
size = len(body)
for _ in range(20):
    get(c)

lat, lock = [], threading.Lock()
stop = time.perf_counter() + secs
def worker():
    c = http.client.HTTPConnection("127.0.0.1", port)
    mine = []
    while time.perf_counter() < stop:
        t = time.perf_counter(); get(c); mine.append(time.perf_counter() - t)
    with lock:
        lat.extend(mine)
threads = [threading.Thread(target=worker) for _ in range(4)]
start = time.perf_counter()
for th in threads: th.start()
for th in threads: th.join()
wall = time.perf_counter() - start

# Single-connection latency, no contention.
one = []
for _ in range(200):
    t = time.perf_counter(); get(c); one.append(time.perf_counter() - t)

q = lambda v, p: statistics.quantiles(v, n=100)[p - 1] * 1000
res = {
    "snapshots": n, "response_bytes": size, "cold_ms": cold * 1000,
    "single_p50_ms": q(one, 50), "single_p99_ms": q(one, 99),
    "loaded_p50_ms": q(lat, 50), "loaded_p99_ms": q(lat, 99),
    "requests": len(lat), "req_per_s": len(lat) / wall,
}
with open(out, "w") as f:
    f.write("\t".join(res) + "\n" + "\t".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in res.values()) + "\n")
print(f"GET {path} with {n} snapshots ({size / 1024:.0f} KiB per response)")
print(f"  cold (first listing, decodes every snapshot): {res['cold_ms']:.0f} ms")
print(f"  one connection: p50 {res['single_p50_ms']:.1f} ms, p99 {res['single_p99_ms']:.1f} ms")
print(f"  4 connections, {secs:.0f} s: p50 {res['loaded_p50_ms']:.1f} ms, p99 {res['loaded_p99_ms']:.1f} ms, {res['req_per_s']:.0f} requests/s")
PY
echo "server RSS: $(($(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024)) MiB (peak)"
