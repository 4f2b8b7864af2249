#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ (the cargo-fuzz layout, libFuzzer) for
# SECONDS each (default 10: the test command's short run), starting from the
# committed seeds in fuzz/corpus/TARGET. New inputs go to a scratch corpus,
# so a run never dirties the checkout; a crash is saved under
# fuzz/artifacts/TARGET/ and fails the run. A longer campaign, with ASan:
#   scripts/fuzz.sh 600 address
# (docs/TESTING.md). It builds with the flags `cargo fuzz build` uses, so
# cargo-fuzz itself need not be installed; the stable toolchain accepts the
# sanitizer flag with RUSTC_BOOTSTRAP=1 (no other toolchain can be installed
# on the CI machine).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$HOME/.cargo/bin:$PATH
seconds=${1:-10}
sanitizer=${2:-none}
triple=$(rustc -vV | sed -n 's/^host: //p')

flags="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
flags="$flags -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table"
flags="$flags -Cllvm-args=-sanitizer-coverage-trace-compares -Cllvm-args=-sanitizer-coverage-stack-depth"
flags="$flags --cfg fuzzing -Cdebug-assertions"
if [ "$sanitizer" != none ]; then
  flags="$flags -Zsanitizer=$sanitizer"
  export RUSTC_BOOTSTRAP=1
fi
# --target keeps the instrumentation off build scripts and proc macros.
RUSTFLAGS="$flags" cargo build --quiet --release --manifest-path fuzz/Cargo.toml \
  --target "$triple" --target-dir fuzz/target --bins
bin=fuzz/target/$triple/release

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=""
for src in fuzz/fuzz_targets/*.rs; do
  t=$(basename "$src" .rs)
  mkdir -p "$scratch/$t" "fuzz/corpus/$t" "fuzz/artifacts/$t"
  touch "$scratch/$t.log.start"
  # -rss_limit_mb: a decoder that balloons on hostile bytes is a finding too.
  if "$bin/$t" "$scratch/$t" "fuzz/corpus/$t" -max_total_time="$seconds" -rss_limit_mb=1024 \
    -max_len=65536 -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1 \
    > "$scratch/$t.log" 2>&1; then
    verdict=""
  else
    verdict=" FAILED"
    failed="$failed $t"
    tail -40 "$scratch/$t.log" >&2
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$scratch/$t.log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz $t: $runs runs in ${seconds}s$verdict"
  # libFuzzer saves an input that took over 10 s as slow-unit-*, and goes
  # on: a decoder or parser that hostile bytes keep busy that long is a
  # denial of service (a cron line once took 76 s). Said loudly, not failed:
  # a loaded machine makes slow units of ordinary inputs too.
  for s in $(find "fuzz/artifacts/$t" -name 'slow-unit-*' -newer "$scratch/$t.log.start" 2> /dev/null); do
    echo "fuzz $t: WARNING: slow input saved as $s; run it alone to time it" >&2
  done
done
if [ -n "$failed" ]; then
  echo "fuzz targets failed:$failed (inputs under fuzz/artifacts/; turn each into a regression test)" >&2
  exit 1
fi
