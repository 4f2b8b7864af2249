#!/usr/bin/env bash
# bench/run.sh [RUNS] [TOOL...]: Cairn beside restic and borg on the shared
# benchmark corpus, in one run, with the tool order rotated between rounds.
#
#   RUNS   rounds (default 3); TOOLS default: cairn restic borg
#   env    BENCH_DATA  corpus folder (default /var/tmp/corpus, built if missing)
#          BENCH_TMP   scratch for repositories (default /var/tmp/bench-peers)
#          SHARED      the shared kit (default ../../shared/bench from this file)
#
# It builds cairn in release mode, installs restic/borg (Debian packages) when
# absent, builds the corpus with make-dataset.sh, then runs the shared
# peers.sh with a `cairn` tool added (the kit is copied to a scratch folder and
# the tool's functions are inserted there; nothing of the kit is committed
# here). Results: bench/results/*.tsv and a markdown summary on stdout.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$(for d in "$ROOT/../shared/bench" "$ROOT/../../shared/bench"; do
  [[ -d $d ]] && { cd "$d" && pwd; break; }
done)}
RUNS=${1:-3}; shift || true
TOOLS=("$@"); [[ ${#TOOLS[@]} -gt 0 ]] || TOOLS=(cairn restic borg)
DATA=${BENCH_DATA:-/var/tmp/corpus}

command -v restic > /dev/null && command -v borg > /dev/null && command -v /usr/bin/time > /dev/null ||
  { apt-get update -qq && apt-get install -y -qq restic borgbackup zstd time > /dev/null; }
(cd "$ROOT" && cargo build --release --locked -p cairn-cli)
CAIRN=$ROOT/target/release/cairn
[[ -d $DATA ]] || bash "$SHARED/make-dataset.sh" "$DATA"

KIT=$HERE/work/kit
rm -rf "$KIT"; mkdir -p "$KIT" "$HERE/results"
cp "$SHARED"/*.sh "$SHARED"/*.py "$KIT"/
# The cairn tool, in peers.sh's plug-in shape (see its header).
cat > "$KIT/cairn-tool.sh" <<TOOL
cairn_env()     { export CAIRN_REPO=\$REPO CAIRN_PASSWORD=\$PASS; }
cairn_version() { $CAIRN --version; }
cairn_init()    { CMD=($CAIRN init -q \${VARIANT:+--compression \$VARIANT}); }
cairn_backup()  { CMD=($CAIRN backup -q "\$SRC"); }
cairn_restore() { CMD=($CAIRN restore latest --target "\$RESTORE" -q); }
cairn_check()   { CMD=($CAIRN verify --read-data -q); }
TOOL
sed -i '/^# Measurement$/i source "$HERE/cairn-tool.sh"' "$KIT/peers.sh"
grep -q 'cairn-tool.sh' "$KIT/peers.sh" || { echo "could not add cairn to peers.sh" >&2; exit 1; }

STAMP=$(date -u +%Y%m%dT%H%M%S)
for ((i = 0; i < RUNS; i++)); do
  order=()
  for ((k = 0; k < ${#TOOLS[@]}; k++)); do order+=("${TOOLS[$(((k + i) % ${#TOOLS[@]}))]}"); done
  echo "### round $((i + 1)) of $RUNS, order: ${order[*]}, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  bash "$KIT/peers.sh" -o "$HERE/results/peers-$STAMP.tsv" -r "r$((i + 1))-$STAMP" "$DATA" "${order[@]}"
done
python3 "$KIT/summarize.py" "$HERE/results/peers-$STAMP.tsv" /dev/null --ref=restic
