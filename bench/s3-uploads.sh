#!/usr/bin/env bash
# bench/s3-uploads.sh BIN...: peak RSS and wall time of a first backup of the
# corpus to S3 (moto on loopback, started here), for each cairn binary given,
# with --uploads 4 (the S3 default) and 1, alternating binaries, ROUNDS times.
# Each backup goes to a fresh bucket, without the local cache; moto is reset
# after each. Prints one line per backup with the load average.
#   env  BENCH_DATA (default /var/tmp/corpus)  ROUNDS (default 2)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${BENCH_DATA:-/var/tmp/corpus}
[[ $# -gt 0 ]] || { echo "usage: $0 CAIRN_BINARY..." >&2; exit 2; }
[[ -x $ROOT/.venv/bin/moto_server ]] || { python3 -m venv "$ROOT/.venv" && "$ROOT/.venv/bin/pip" install -q 'moto[server]'; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
"$ROOT/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" > "$log" 2>&1 &
moto=$!
trap 'kill $moto; rm -f "$log"' EXIT
EP=http://127.0.0.1:$port
for _ in $(seq 1 100); do curl -sf "$EP/moto-api/" > /dev/null && break; sleep 0.1; done
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
export CAIRN_PASSWORD=bench CAIRN_NO_CACHE=1
for _ in $(seq 1 "${ROUNDS:-2}"); do
  for bin in "$@"; do
    for u in 4 1; do
      b=up$u-$RANDOM
      curl -sf -X PUT "$EP/$b" > /dev/null
      "$bin" -r "s3:$EP/$b" init -q 2> /dev/null
      /usr/bin/time -f "$bin --uploads $u: %e s, %M KiB (load $(cut -d' ' -f1 /proc/loadavg))" \
        "$bin" -r "s3:$EP/$b" backup -q --uploads "$u" "$DATA"
      curl -sf -X POST "$EP/moto-api/reset" > /dev/null
    done
  done
done
