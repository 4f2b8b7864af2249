#!/usr/bin/env bash
# Runs every DR runbook in docs/ops/ for real: for each one, a scratch folder,
# a small source tree, a repository with a few backups, the disaster itself
# (source deleted, files encrypted, passphrase lost, a pack damaged, WORM
# retention lapsed, a PostgreSQL database dropped, the primary repository
# lost with only a replica left), then the runbook's
# ```sh runbook blocks in order under `set -euo pipefail`, then checks of the
# outcome. Prints `runbook NAME: ok`
# per runbook; exits 1 if any failed.
#
#   scripts/runbooks.sh [CAIRN_BINARY] [RUNBOOK...]
#
# CAIRN_BINARY defaults to target/release/cairn, target/debug/cairn, or `cairn`
# on PATH. RUNBOOK names (lost-host, ransomware, ...) select a subset.
# Needs bash, coreutils, diffutils and python3; restore-a-database also needs
# Debian's PostgreSQL (package postgresql; scripts/test.sh installs it) and
# setpriv (util-linux). age-keygen is used when installed; without it the
# escrow identity is made by a few lines of Python.
# KEEP=1 keeps the scratch folders of passing runbooks too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

bin=${1:-}
[ $# -gt 0 ] && shift
if [ -z "$bin" ]; then
  for b in target/release/cairn target/debug/cairn "$(command -v cairn || true)"; do
    if [ -n "$b" ] && [ -x "$b" ]; then bin=$b && break; fi
  done
fi
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "runbooks: no cairn binary (give its path as the first argument)" >&2
  exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
for tool in python3 sha256sum diff awk; do
  command -v "$tool" > /dev/null || { echo "runbooks: $tool is required" >&2; exit 2; }
done

top=$(mktemp -d "${TMPDIR:-/tmp}/cairn-runbooks.XXXXXX")
mkdir -p "$top/bin"
ln -s "$bin" "$top/bin/cairn"
# The runbooks call `cairn` by name; nothing else of the caller's environment
# (CAIRN_*, AWS_*, VAULT_*) reaches them.
run_path="$top/bin:$PATH"

runbook_env=()

# ---------------------------------------------------------------- helpers

fail() {
  echo "runbook $name: FAILED: $*" >&2
  return 1
}

# cn ARGS: cairn as the harness (setup and checks), with the scenario's
# repository and, when set, its passphrase file.
cn() {
  env -i PATH="$run_path" HOME="$s/home" CAIRN_REPO="$s/repo" \
    ${pass:+"CAIRN_PASSWORD_FILE=$pass"} cairn -q "$@"
}

# A small source tree (about 3 MiB): text, binary, nested and empty folders,
# a symlink, a hard link, a name with a space and one with non-ASCII letters,
# an executable and a private file.
make_tree() {
  local d=$1
  mkdir -p "$d/docs" "$d/photos/2026" "$d/db" "$d/bin" "$d/empty dir"
  printf 'quarterly report\n' > "$d/docs/report.txt"
  printf 'minutes of the meeting\n' > "$d/docs/meeting notes.txt"
  printf 'caf\xc3\xa9 menu\n' > "$d/docs/caf$(printf '\xc3\xa9').txt"
  for i in 1 2 3; do head -c 524288 /dev/urandom > "$d/photos/2026/img$i.jpg"; done
  head -c 1572864 /dev/urandom > "$d/db/data.bin"
  ln "$d/db/data.bin" "$d/db/data.hardlink"
  chmod 600 "$d/db/data.bin"
  ln -s ../docs/report.txt "$d/bin/report"
  printf '#!/bin/sh\necho hello\n' > "$d/bin/run.sh"
  chmod 755 "$d/bin/run.sh"
  touch -d '2024-02-29 12:00:00' "$d/docs/report.txt"
}

# A tree's signature: type, mode, size, content hash or link target, mtime
# (files), link count, for every entry; two trees are equal when these are.
sig() {
  python3 - "$1" << 'EOF'
import hashlib, os, stat, sys
root = sys.argv[1]
for dp, dns, fns in sorted(os.walk(root)):
    for n in sorted(dns + fns):
        p = os.path.join(dp, n)
        st = os.lstat(p)
        rel = os.path.relpath(p, root)
        if stat.S_ISREG(st.st_mode):
            h = hashlib.sha256(open(p, "rb").read()).hexdigest()
            print(rel, "file", oct(st.st_mode), st.st_size, h, st.st_mtime_ns, st.st_nlink)
        elif stat.S_ISLNK(st.st_mode):
            print(rel, "link", os.readlink(p))
        else:
            print(rel, "other", oct(st.st_mode))
EOF
}

same_tree() { # same_tree EXPECTED ACTUAL
  diff -r --no-dereference "$1" "$2" > "$s/diff.txt" 2>&1 ||
    { cat "$s/diff.txt" >&2; fail "$2 differs from $1 (diff -r)"; return 1; }
  sig "$1" > "$s/sig.expected"
  sig "$2" > "$s/sig.actual"
  diff "$s/sig.expected" "$s/sig.actual" >&2 ||
    fail "$2 differs from $1 in modes, mtimes or links"
}

# Snapshot ids (full), oldest first.
snapshots() { cn list --json | python3 -c 'import json,sys; [print(s["id"]) for s in json.load(sys.stdin)]'; }

# An age identity: age-keygen when installed, else X25519 and bech32 in
# Python (the same file format: a comment with the public key, then the
# AGE-SECRET-KEY-1 line).
age_identity() { # age_identity FILE -> prints the recipient
  if command -v age-keygen > /dev/null; then
    age-keygen -o "$1" 2> /dev/null
    age-keygen -y "$1"
    return
  fi
  python3 - "$1" << 'EOF'
import os, sys
P = 2**255 - 19
def x25519(k, u):
    k = bytearray(k); k[0] &= 248; k[31] &= 127; k[31] |= 64
    k, u = int.from_bytes(k, "little"), int.from_bytes(u, "little")
    x2, z2, x3, z3, swap = 1, 0, u, 1, 0
    for t in reversed(range(255)):
        b = (k >> t) & 1
        if swap ^ b: x2, x3, z2, z3 = x3, x2, z3, z2
        swap = b
        A, B, C, D = (x2 + z2) % P, (x2 - z2) % P, (x3 + z3) % P, (x3 - z3) % P
        AA, BB, DA, CB = A * A % P, B * B % P, D * A % P, C * B % P
        E = (AA - BB) % P
        x3, z3 = (DA + CB) ** 2 % P, u * (DA - CB) ** 2 % P
        x2, z2 = AA * BB % P, E * (AA + 121665 * E) % P
    if swap: x2, z2 = x3, z3
    return (x2 * pow(z2, P - 2, P) % P).to_bytes(32, "little")
def bech32(hrp, data):
    cs = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    d, acc, bits = [], 0, 0
    for x in data:
        acc, bits = (acc << 8) | x, bits + 8
        while bits >= 5:
            bits -= 5; d.append((acc >> bits) & 31)
    if bits: d.append((acc << (5 - bits)) & 31)
    c = 1
    for v in [ord(h) >> 5 for h in hrp] + [0] + [ord(h) & 31 for h in hrp] + d + [0] * 6:
        top, c = c >> 25, (c & 0x1FFFFFF) << 5 ^ v
        for i, g in enumerate((0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)):
            c ^= g if (top >> i) & 1 else 0
    c ^= 1
    return hrp + "1" + "".join(cs[x] for x in d + [(c >> 5 * (5 - i)) & 31 for i in range(6)])
sk = os.urandom(32)
pub = bech32("age", x25519(sk, (9).to_bytes(32, "little")))
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
os.write(fd, ("# public key: %s\n%s\n" % (pub, bech32("age-secret-key-", sk).upper())).encode())
print(pub)
EOF
}

# Extracts the ```sh runbook blocks of docs/ops/NAME.md and runs them in one
# bash, with only PATH, HOME, REPO, SRC, TARGET and WORK set, plus the
# NAME=VALUE words a scenario puts in runbook_env (a database's connection).
run_runbook() {
  local md="$root/docs/ops/$name.md"
  [ -f "$md" ] || { fail "$md not found"; return 1; }
  awk -v md="$md" '
    /^```sh runbook[ \t]*$/ { inb = 1; n++; printf "echo \"### %s: block %d (line %d)\"\n", md, n, NR + 1; next }
    inb && /^```/ { inb = 0; next }
    inb { print }
    END { if (inb) { print "echo unterminated block >&2; exit 1" } }
  ' "$md" > "$s/runbook.body"
  local blocks
  blocks=$(grep -c '^echo "### ' "$s/runbook.body" || true)
  [ "$blocks" -gt 0 ] || { fail "no \`\`\`sh runbook blocks in $md"; return 1; }
  { echo 'set -euo pipefail'; echo 'set -x'; cat "$s/runbook.body"; } > "$s/runbook.sh"
  if ! (cd "$s/work" && env -i PATH="$run_path" HOME="$s/home" LANG=C.UTF-8 \
    REPO="$s/repo" SRC="$s/src" TARGET="$s/restore/target" WORK="$s/work" \
    ${runbook_env[@]+"${runbook_env[@]}"} \
    bash "$s/runbook.sh" > "$s/runbook.log" 2>&1); then
    echo "---- last lines of $s/runbook.log" >&2
    tail -n 40 "$s/runbook.log" >&2
    fail "a command in $(grep '^### ' "$s/runbook.log" | tail -n 1 | cut -c5-) failed"
    return 1
  fi
  echo "ran $blocks blocks of $md"
}

# ---------------------------------------------------------------- scenarios
# Each: setup (repository, backups, disaster), run_runbook, checks.

scenario_lost_host() {
  make_tree "$s/src"
  cn init
  cn backup "$s/src" --tag nightly
  printf 'added on day two\n' > "$s/src/docs/day2.txt"
  cn backup "$s/src" --tag nightly
  head -c 262144 /dev/urandom >> "$s/src/db/data.bin"
  cn backup "$s/src" --tag nightly
  local latest
  latest=$(snapshots | tail -n 1)
  cp -a "$s/src" "$s/reference"
  # The disaster: the host and its data are gone. The operator has the
  # repository and the passphrase (from the password manager).
  rm -rf "$s/src"
  cp "$pass" "$s/work/passphrase"

  run_runbook || return 1

  same_tree "$s/reference" "$s/restore/target" || return 1
  grep -q "snapshot to restore: $latest" "$s/runbook.log" ||
    { fail "the runbook did not pick the newest snapshot $latest"; return 1; }
  cn list --json | python3 -c 'import json,sys; s=json.load(sys.stdin)[-1]; sys.exit(0 if s["protected"] else 1)' ||
    fail "the restored snapshot is not protected"
}

scenario_ransomware() {
  make_tree "$s/src"
  cn init --worm software --worm-retention 1d
  cn backup "$s/src" --tag nightly
  printf 'added on day two\n' > "$s/src/docs/day2.txt"
  cn backup "$s/src" --tag nightly
  local good
  good=$(snapshots | tail -n 1)
  cp -a "$s/src" "$s/reference"
  # The infection: every file encrypted in place and renamed, a ransom note.
  python3 - "$s/src" << 'EOF'
import os, sys
for dp, dns, fns in os.walk(sys.argv[1]):
    for n in fns:
        p = os.path.join(dp, n)
        if os.path.islink(p):
            continue
        size = os.path.getsize(p)
        os.chmod(p, 0o600)
        with open(p, "wb") as f:
            f.write(os.urandom(size))
        os.rename(p, p + ".locked")
open(os.path.join(sys.argv[1], "README-RANSOM.txt"), "w").write("pay up\n")
EOF
  # The infected host's scheduled backups keep running ...
  cn backup "$s/src" --tag nightly
  cn backup "$s/src" --tag nightly
  # ... and the attacker, with the host's passphrase, tries to make forget
  # delete the history (WORM keeps it: nothing is removed).
  cn forget --keep-last 1 > /dev/null 2>&1 || true
  cn forget "$good" > /dev/null 2>&1 || true
  [ "$(snapshots | wc -l)" = 4 ] || { fail "setup: the attacker's forget removed snapshots"; return 1; }
  cp "$pass" "$s/work/passphrase" # the leaked passphrase: the only one the operator has

  run_runbook || return 1

  same_tree "$s/reference" "$s/restore/target" || return 1
  grep -q "last clean snapshot: $good" "$s/runbook.log" ||
    { fail "the runbook did not pick the last clean snapshot $good"; return 1; }
  local code=0
  cn list > /dev/null 2>&1 || code=$?
  [ "$code" = 4 ] || { fail "the leaked passphrase still opens the repository (exit $code)"; return 1; }
  pass="$s/work/new-passphrase"
  cn list --json | python3 -c '
import json, sys
snaps = json.load(sys.stdin)
prot = [s["id"] for s in snaps if s["protected"]]
assert len(snaps) == 4, "snapshots: %d, expected 4 (the encrypted ones are evidence)" % len(snaps)
assert prot == [sys.argv[1]], "protected: %s, expected only %s" % (prot, sys.argv[1])
' "$good" || { fail "after the runbook: wrong snapshots or protection"; return 1; }
  cn keys status --json | python3 -c '
import json, sys
kinds = [s["kind"] for s in json.load(sys.stdin)["slots"]]
assert kinds == ["passphrase"], kinds
' || fail "expected exactly one (new) passphrase slot"
}

scenario_lost_passphrase() {
  make_tree "$s/src"
  cn init
  # Set-up as the guide says: an escrow identity made offline, only its
  # recipient given to cairn; the identity goes into the safe.
  local recipient
  recipient=$(age_identity "$s/safe-escrow-identity.txt")
  cn keys add --age-recipient "$recipient"
  cn backup "$s/src" --tag nightly
  printf 'added on day two\n' > "$s/src/docs/day2.txt"
  cn backup "$s/src" --tag nightly
  # The disaster: the passphrase is gone. The operator fetches the identity.
  mv "$pass" "$s/lost-passphrase"
  pass=""
  cp "$s/safe-escrow-identity.txt" "$s/work/escrow-identity.txt"

  run_runbook || return 1

  same_tree "$s/src" "$s/restore/target" || return 1
  [ ! -e "$s/work/escrow-identity.txt" ] || { fail "the working copy of the identity was left behind"; return 1; }
  local code=0
  pass="$s/lost-passphrase" cn list > /dev/null 2>&1 || code=$?
  [ "$code" = 4 ] || { fail "the lost passphrase still opens the repository (exit $code)"; return 1; }
  pass="$s/work/new-passphrase" cn list > /dev/null || { fail "the new passphrase does not open"; return 1; }
  cn --age-identity "$s/safe-escrow-identity.txt" list > /dev/null ||
    { fail "the escrow identity no longer opens"; return 1; }
  cn --age-identity "$s/safe-escrow-identity.txt" keys status --json | python3 -c '
import json, sys
kinds = sorted(s["kind"] for s in json.load(sys.stdin)["slots"])
assert kinds == ["age", "passphrase"], kinds
' || fail "expected one age and one (new) passphrase slot"
}

scenario_corrupted_repository() {
  make_tree "$s/src"
  cn init
  cn backup "$s/src" --tag nightly # 1: stays intact
  (cd "$s/repo/data" && find . -type f | sort) > "$s/packs.before"
  head -c 1048576 /dev/urandom > "$s/src/photos/2026/img4.jpg"
  cn backup "$s/src" --tag nightly # 2: img4.jpg, in the pack damaged below
  (cd "$s/repo/data" && find . -type f | sort) > "$s/packs.after"
  printf 'day three\n' > "$s/src/docs/day3.txt"
  cn backup "$s/src" --tag nightly # 3: still uses img4.jpg
  cn backup "$s/src" --tag nightly # 4: nothing changed: the same root tree as 3
  local ids pack
  mapfile -t ids < <(snapshots)
  # The biggest pack the second backup wrote holds img4.jpg's data; flip one
  # byte in its middle (inside that data, not in a tree).
  pack=$(comm -13 "$s/packs.before" "$s/packs.after" | (cd "$s/repo/data" && xargs ls -S) | head -n 1)
  [ -n "$pack" ] || { fail "setup: the second backup wrote no pack"; return 1; }
  python3 - "$s/repo/data/$pack" << 'EOF'
import os, sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xFF
os.chmod(p, 0o600)
open(p, "wb").write(b)
os.chmod(p, 0o400)
EOF
  cp "$pass" "$s/work/passphrase"

  run_runbook || return 1

  printf '%s\n' "${ids[1]}" "${ids[2]}" "${ids[3]}" > "$s/damaged.expected"
  diff "$s/damaged.expected" "$s/work/damaged-snapshots.txt" >&2 ||
    { fail "the runbook did not identify exactly snapshots 2, 3 and 4 as damaged"; return 1; }
  # Saved: everything but the damaged file.
  local saved="$s/restore/target/${ids[3]:0:8}"
  if [ ! -f "$saved/docs/day3.txt" ] || [ ! -f "$saved/db/data.bin" ]; then
    fail "the salvage restore of ${ids[3]:0:8} is missing intact files"
    return 1
  fi
  [ ! -e "$saved/photos/2026/img4.jpg" ] ||
    { fail "the damaged file was restored under its real name"; return 1; }
  same_tree "$s/src" "$s/restore/target/after-repair" || return 1
  cn verify --read-data > /dev/null || { fail "the repository still has damage"; return 1; }
  cn list --json | python3 -c '
import json, sys
ids = [s["id"] for s in json.load(sys.stdin)]
assert len(ids) == 2 and ids[0] == sys.argv[1], ids
' "${ids[0]}" || fail "expected the intact first snapshot and one new snapshot"
}

scenario_expired_worm() {
  make_tree "$s/src"
  # Software grade with a drill-sized period: 30 s, so maintenance is due
  # every 10 s. Nobody runs it.
  cn init --worm software --worm-retention 30s
  cn backup "$s/src" --tag nightly
  printf 'added on day two\n' > "$s/src/docs/day2.txt"
  cn backup "$s/src" --tag nightly
  # Wait until every hold has lapsed.
  local wait
  wait=$(cn list --json | python3 -c '
import datetime, json, sys
until = max(datetime.datetime.fromisoformat(s["retained_until"].replace("Z", "+00:00")) for s in json.load(sys.stdin))
print(max(0, int((until - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 2))
')
  sleep "$wait"
  cn list --json | python3 -c '
import datetime, json, sys
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
assert all(s.get("retained_until", "") < now for s in json.load(sys.stdin)), "setup: holds have not lapsed"
'
  cp "$pass" "$s/work/passphrase"

  run_runbook || return 1

  cn list --json | python3 -c '
import datetime, json, sys
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
snaps = json.load(sys.stdin)
assert len(snaps) == 3, "expected one new snapshot, have %d" % len(snaps)
assert snaps[-1].get("retained_until", "") > now, "the newest snapshot is not held"
assert "worm-reanchor" in snaps[-1]["tags"], snaps[-1]["tags"]
' || { fail "no held snapshot after the runbook"; return 1; }
  # (The runbook itself checks, right after its maintenance, that nothing is
  # left to extend; here, seconds later, that would depend on the machine's
  # speed with a 30 s period.)
  cn maintenance --dry-run --json | python3 -c '
import json, sys
m = json.load(sys.stdin)
assert m["retained_snapshots"] == 1, m
' || { fail "maintenance sees no retained snapshot"; return 1; }
  # Every pack is used by the newest snapshot (the backups only added data),
  # so every pack must have a ledger record in the future.
  python3 - "$s/repo" << 'EOF' || { fail "a pack the newest snapshot needs is not held"; return 1; }
import os, sys, time
repo = sys.argv[1]
packs = {n for _, _, fns in os.walk(os.path.join(repo, "data")) for n in fns}
held = set()
for r in os.listdir(os.path.join(repo, "retention")):
    until, kind, name = r.split("-", 2)
    if kind == "p" and int(until) > time.time():
        held.add(name)
assert packs and packs <= held, "not held: %s" % sorted(packs - held)
EOF
  same_tree "$s/src" "$s/restore/target"
}

# A real PostgreSQL server (Debian's, as installed by scripts/test.sh) in the
# scratch folder, a database backed up as `pg_dump -Fc` through
# --stdin-from-command, the database dropped, and the runbook restoring it
# into a fresh database. The tables are compared before and after.
scenario_restore_a_database() {
  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1)
  # Not a skip: a machine without PostgreSQL cannot prove this runbook, and
  # the test command installs it.
  [ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] ||
    { fail "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb; apt-get install postgresql, as scripts/test.sh does)"; return 1; }
  command -v setpriv > /dev/null || { fail "setpriv (util-linux) is required"; return 1; }
  # initdb and postgres refuse to run as root: the server runs as the
  # package's postgres user, or nobody when there is none. Not local: the
  # EXIT trap below uses as_pg after this function has returned.
  pguser=postgres pggroup=postgres
  id -u postgres > /dev/null 2>&1 || { pguser=nobody; pggroup=nogroup; }
  as_pg() { setpriv --reuid="$pguser" --regid="$pggroup" --clear-groups -- "$@"; }
  if [ "$(id -u)" != 0 ]; then as_pg() { "$@"; }; fi

  # The scratch folders are private (mktemp -d is 0700); the server's user
  # must reach its data folder inside, so both get search (not read) rights.
  chmod o+x "$top" "$s"
  local pg="$s/pg"
  mkdir -p "$pg/sock"
  chown -R "$pguser:$pggroup" "$pg" 2> /dev/null || true
  # The port only names the Unix socket (nothing listens on TCP:
  # listen_addresses is empty); a free one all the same, in case the socket
  # folder is ever shared.
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "$pgbin/initdb" -D "$pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > "$pg/initdb.log" 2>&1 ||
    { cat "$pg/initdb.log" >&2; fail "setup: initdb failed"; return 1; }
  # Stop the server however the scenario ends (this function runs in its own
  # subshell, so the trap is this scenario's only). The paths are expanded
  # now: the trap runs after this function's locals are gone.
  trap "as_pg $(printf %q "$pgbin/pg_ctl") -D $(printf %q "$pg/data") -m fast -w stop > /dev/null 2>&1 || true" EXIT
  trap 'exit 130' INT TERM
  as_pg "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k '$pg/sock' -p $port" start > /dev/null ||
    { tail -n 20 "$pg/server.log" >&2; fail "setup: the PostgreSQL server did not start"; return 1; }

  # Clients run as root (trust authentication on the private socket), with
  # the server's own client tools first on PATH: pg_restore must be at least
  # as new as the pg_dump that wrote the archive.
  local conn=(PGHOST="$pg/sock" PGPORT="$port" PGUSER=postgres)
  run_path="$pgbin:$run_path"
  sql() { env "${conn[@]}" "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
  cn init
  sql -d postgres -c 'CREATE DATABASE app'
  sql -d app << 'SQL'
CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, city text, joined date);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer int REFERENCES customers, total numeric(10,2), note text);
CREATE INDEX orders_customer ON orders (customer);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
INSERT INTO customers (name, city, joined) VALUES
  ('Ada Lovelace', 'London', '2024-02-29'),
  ('Zoë Ångström', 'Göteborg', '2025-01-01'),
  ('東京 商事', '東京', NULL);
INSERT INTO orders (customer, total, note)
  SELECT 1 + i % 3, (i * 7.31)::numeric(10,2), CASE WHEN i % 5 = 0 THEN 'café crème, "quoted"' || E'\ttab' END
  FROM generate_series(1, 500) AS i;
SQL
  # Backups as an operator's timer runs them: cairn runs pg_dump (as the
  # server's user, as a real cron job or unit would) and stores its output as
  # app.dump. Two of them, so the runbook must pick the newest.
  local dump="env ${conn[*]} setpriv --reuid=$pguser --regid=$pggroup --clear-groups -- $pgbin/pg_dump -Fc app"
  [ "$(id -u)" = 0 ] || dump="env ${conn[*]} $pgbin/pg_dump -Fc app"
  cn backup --stdin-from-command "$dump" --stdin-filename app.dump --tag db
  sql -d app -c "INSERT INTO customers (name, city) VALUES ('added on day two', 'Zürich')"
  cn backup --stdin-from-command "$dump" --stdin-filename app.dump --tag db
  local latest
  latest=$(snapshots | tail -n 1)
  # What the tables held at the last backup, row by row, in a fixed order.
  tables() {
    sql -d "$1" -c 'SELECT * FROM customers ORDER BY id' \
      -c 'SELECT * FROM orders ORDER BY id' \
      -c 'SELECT count(*), sum(total) FROM big_orders' \
      -c "SELECT nextval('customers_id_seq'), nextval('orders_id_seq')"
  }
  tables app > "$s/tables.expected"
  # The disaster: the database is gone (dropped by mistake).
  sql -d postgres -c 'DROP DATABASE app'
  cp "$pass" "$s/work/passphrase"
  runbook_env=("${conn[@]}" DB=app NEWDB=app_restored)

  run_runbook || return 1

  grep -q "snapshot to restore: $latest" "$s/runbook.log" ||
    { fail "the runbook did not pick the newest snapshot $latest"; return 1; }
  tables app_restored > "$s/tables.actual" || { fail "the restored database cannot be read"; return 1; }
  diff "$s/tables.expected" "$s/tables.actual" >&2 ||
    { fail "the restored tables differ from the backed-up ones"; return 1; }
  [ "$(wc -l < "$s/tables.expected")" -gt 500 ] || fail "setup: the comparison saw too few rows"
}

# A replica filled by `cairn copy` under its own passphrase (as a
# `[[replica]]` of `cairn serve` fills it), a newer backup the replica never
# got, then the primary repository deleted. The runbook restores the
# replica's newest copy and seeds a new primary from it.
scenario_restore_from_replica() {
  make_tree "$s/src"
  cn init
  cn backup "$s/src" --tag nightly
  printf 'added on day two\n' > "$s/src/docs/day2.txt"
  cn backup "$s/src" --tag nightly
  printf 'replica passphrase %s\n' "$name" > "$s/work/replica-passphrase"
  env -i PATH="$run_path" HOME="$s/home" CAIRN_PASSWORD_FILE="$s/work/replica-passphrase" \
    cairn -q -r "$s/replica" init
  cn copy --to "$s/replica" --to-password-file "$s/work/replica-passphrase"
  cp -a "$s/src" "$s/reference"
  # Backed up after the last copy: lost with the primary, as the runbook says.
  printf 'added on day three\n' > "$s/src/docs/day3.txt"
  cn backup "$s/src" --tag nightly
  # The disaster: the primary's storage is gone (and the source with it).
  rm -rf "$s/repo" "$s/src"
  runbook_env=(REPLICA="$s/replica")
  local copied
  copied=$(env -i PATH="$run_path" HOME="$s/home" CAIRN_PASSWORD_FILE="$s/work/replica-passphrase" \
    cairn -q -r "$s/replica" list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')

  run_runbook || return 1

  same_tree "$s/reference" "$s/restore/target" || return 1
  grep -q "snapshot to restore: $copied" "$s/runbook.log" ||
    { fail "the runbook did not pick the replica's newest snapshot $copied"; return 1; }
  grep -q "primary: exit 5" "$s/runbook.log" || { fail "the runbook did not see the primary gone"; return 1; }
  env -i PATH="$run_path" HOME="$s/home" CAIRN_PASSWORD_FILE="$s/work/replica-passphrase" \
    cairn -q -r "$s/work/new-primary" list --json | python3 -c '
import json, sys
snaps = json.load(sys.stdin)
assert len(snaps) == 2, "the new primary holds %d snapshots, expected the 2 of the replica" % len(snaps)
' || fail "the new primary was not seeded from the replica"
}

# ---------------------------------------------------------------- main

all=(lost-host ransomware lost-passphrase corrupted-repository expired-worm restore-a-database restore-from-replica)
if [ $# -gt 0 ]; then selected=("$@"); else selected=("${all[@]}"); fi

failed=()
start_all=$SECONDS
for name in "${selected[@]}"; do
  fn="scenario_${name//-/_}"
  if ! declare -F "$fn" > /dev/null; then
    echo "runbook $name: FAILED: no such runbook (have: ${all[*]})" >&2
    failed+=("$name")
    continue
  fi
  s="$top/$name"
  mkdir -p "$s/home" "$s/work" "$s/restore"
  pass="$s/passphrase"
  printf 'correct horse battery staple %s\n' "$name" > "$pass"
  chmod 600 "$pass"
  t0=$SECONDS
  # Not inside `if`: errexit would be off in the subshell.
  set +e
  (set -euo pipefail; "$fn") > "$s/harness.log" 2>&1
  rc=$?
  set -e
  if [ $rc = 0 ]; then
    echo "runbook $name: ok ($((SECONDS - t0))s)"
    [ "${KEEP:-}" = 1 ] || rm -rf "$s"
  else
    echo "---- $s/harness.log" >&2
    tail -n 40 "$s/harness.log" >&2
    echo "runbook $name: FAILED ($((SECONDS - t0))s; scratch kept in $s)" >&2
    failed+=("$name")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "runbooks: ${#failed[@]} failed: ${failed[*]} (total $((SECONDS - start_all))s)" >&2
  exit 1
fi
[ "${KEEP:-}" = 1 ] || rm -rf "$top"
echo "runbooks: all ${#selected[@]} passed in $((SECONDS - start_all))s"
