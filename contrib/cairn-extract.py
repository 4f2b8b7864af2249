#!/usr/bin/env python3
"""A second reader of Cairn repositories, written from docs/FORMAT.md alone.

    python3 contrib/cairn-extract.py REPO                       # list snapshots
    python3 contrib/cairn-extract.py REPO SNAPSHOT|latest TARGET  # extract one

The passphrase comes from CAIRN_PASSWORD, a key file from CAIRN_KEY_FILE.
Needs the Python standard library plus `cryptography`, `blake3`, `zstandard`
and `argon2-cffi`. It reads folder repositories only, writes nothing into the
repository, and checks every object's authentication and id and every file's
SHA-256. It exists so that a repository outlives the tool, and so that any
disagreement between the spec and the binary shows up as a failed test.
"""

import errno
import hashlib
import hmac
import io
import json
import os
import re
import stat
import sys
from datetime import datetime

try:
    import argon2.low_level as argon2
    import blake3
    import zstandard
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCMSIV
except ImportError as e:  # pragma: no cover - depends on the machine
    sys.exit(f"cairn-extract: missing Python package ({e.name}); "
             "install cryptography, blake3, zstandard and argon2-cffi with pip")

MAX_BLOB = 64 << 20
MAX_PARTS = 65536  # FORMAT.md 10.1
MAX_DIR_BYTES = 4 * MAX_BLOB
BOUNDS = {4: 512 << 20, 5: 16 << 20}
MAX_DEPTH = 1024
HEX64 = re.compile(r"^[0-9a-f]{64}$")
SLOT_NAME = re.compile(r"^[0-9a-f]{32}$")
LABELS = {
    "aead": 32, "id/data": 32, "id/tree": 32, "id/trailer": 32, "id/index": 32,
    "id/snapshot": 32, "config-mac": 32, "retired": 32,
}
ID_LABEL = {1: "id/data", 2: "id/tree", 3: "id/trailer", 4: "id/index", 5: "id/snapshot"}


class Corrupt(Exception):
    """The repository holds something the format does not allow."""


def strict_json(raw, what):
    def no_duplicates(pairs):
        seen = {}
        for k, v in pairs:
            if k in seen:
                raise Corrupt(f"{what}: duplicate field {k!r}")
            seen[k] = v
        return seen
    try:
        return json.loads(raw, object_pairs_hook=no_duplicates)
    except (ValueError, UnicodeDecodeError) as e:
        raise Corrupt(f"{what}: not JSON ({e})") from None


def fields(obj, what, required, optional=()):
    if not isinstance(obj, dict):
        raise Corrupt(f"{what}: not a JSON object")
    unknown = set(obj) - set(required) - set(optional)
    missing = set(required) - set(obj)
    if unknown or missing:
        raise Corrupt(f"{what}: unknown fields {sorted(unknown)}, missing {sorted(missing)}")
    return obj


def uint(v, what, bits=64):
    if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < (1 << bits):
        raise Corrupt(f"{what}: not an unsigned {bits}-bit integer")
    return v


def hexbytes(s, n, what):
    if not isinstance(s, str) or len(s) != 2 * n or not re.fullmatch(r"[0-9a-fA-F]*", s):
        raise Corrupt(f"{what}: not {n} bytes of hex")
    return bytes.fromhex(s)


def hkdf(ikm, salt, info, length):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:length]


def epoch_keys(secret, repo_id):
    return {label: hkdf(secret, repo_id, f"cairn/v1/{label}".encode(), n)
            for label, n in LABELS.items()}


# -- storage (the folder backend's listing rules, §1) ------------------------

class Folder:
    def __init__(self, root):
        self.root = root

    def open(self, rel):
        try:
            fd = os.open(os.path.join(self.root, rel), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise Corrupt(f"{rel}: not a regular file (a symlink was put in its place)") from None
            raise
        return fd

    def read(self, rel):
        fd = self.open(rel)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise Corrupt(f"{rel}: not a regular file")
            with os.fdopen(fd, "rb", closefd=False) as f:
                return f.read()
        finally:
            os.close(fd)

    def read_range(self, rel, offset, length):
        fd = self.open(rel)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise Corrupt(f"{rel}: not a regular file")
            data = os.pread(fd, length, offset)
        finally:
            os.close(fd)
        if len(data) != length:
            raise Corrupt(f"{rel}: shorter than {offset + length} bytes")
        return data

    def names(self, folder, pattern):
        try:
            entries = list(os.scandir(os.path.join(self.root, folder)))
        except FileNotFoundError:
            return []
        # Every entry under an object's name, whatever it is: reading a
        # fifo, symlink or folder there then fails naming it (§1).
        return sorted(e.name for e in entries if pattern.fullmatch(e.name))


# -- sealed objects (§4, §5) ---------------------------------------------------

class Keys:
    def __init__(self, repo_id, epochs):
        self.repo_id = repo_id
        self.epochs = epochs  # list of key dicts, current first

    def open(self, kind, oid, sealed, bound, exact=None):
        if len(sealed) < 16:
            raise Corrupt(f"object {oid.hex()}: shorter than a tag")
        ad = b"cairn" + (1).to_bytes(4, "little") + self.repo_id + bytes([kind]) + oid
        for keys in self.epochs:
            try:
                frame = AESGCMSIV(keys["aead"]).decrypt(oid[:12], sealed, ad)
            except InvalidTag:
                continue
            plain = unframe(frame, bound, oid)
            if exact is not None and len(plain) != exact:
                raise Corrupt(f"object {oid.hex()}: {len(plain)} bytes, entry says {exact}")
            if blake3.blake3(plain, key=keys[ID_LABEL[kind]]).digest() != oid:
                raise Corrupt(f"object {oid.hex()}: content does not match its id")
            return plain
        raise Corrupt(f"object {oid.hex()} (kind {kind}): no key epoch authenticates it")


def zstd_frame_length(b):
    """Length of the zstd frame (RFC 8878 §3.1.1) at the start of `b`, or
    None when `b` does not start with a whole one."""
    if len(b) < 5 or b[:4] != b"\x28\xb5\x2f\xfd" or b[4] & 0x08:
        return None
    fhd = b[4]
    single = (fhd >> 5) & 1
    pos = 5 + (1 - single) + (0, 1, 2, 4)[fhd & 3] + (single, 2, 4, 8)[fhd >> 6]
    while True:
        if pos + 3 > len(b):
            return None
        header = int.from_bytes(b[pos:pos + 3], "little")
        kind, size = (header >> 1) & 3, header >> 3
        if kind == 3:
            return None
        pos += 3 + (1 if kind == 1 else size)
        if header & 1:
            break
    pos += 4 * ((fhd >> 2) & 1)
    return pos if pos <= len(b) else None


def unframe(frame, bound, oid):
    if not frame:
        raise Corrupt(f"object {oid.hex()}: empty frame")
    codec, payload = frame[0], frame[1:]
    if codec == 0:
        plain = payload
    elif codec == 1:
        # Exactly one frame (§4): the stream reader below would stop after
        # the first one and ignore what follows it.
        if zstd_frame_length(payload) != len(payload):
            raise Corrupt(f"object {oid.hex()}: the payload is not exactly one zstd frame")
        try:
            # Read one byte past the bound so that a bomb is refused without
            # ever being decoded further.
            reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(payload))
            parts, total = [], 0
            while total <= bound:
                part = reader.read(min(1 << 20, bound + 1 - total))
                if not part:
                    break
                parts.append(part)
                total += len(part)
            plain = b"".join(parts)
        except zstandard.ZstdError as e:
            raise Corrupt(f"object {oid.hex()}: bad zstd frame ({e})") from None
    else:
        raise Corrupt(f"object {oid.hex()}: unknown codec {codec}")
    if len(plain) > bound:
        raise Corrupt(f"object {oid.hex()}: larger than its bound")
    return plain


# -- config and key slots (§8, §9) -------------------------------------------

def read_config(store):
    raw = store.read("config")
    cfg = strict_json(raw, "config")
    if not isinstance(cfg, dict) or cfg.get("format") != "cairn-repository":
        raise Corrupt("not a cairn repository")
    version = cfg.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Corrupt("config: no valid format version")
    if version > 3:
        sys.exit(f"cairn-extract: repository format {version} is newer than this reader knows (3)")
    fields(cfg, "config", ["format", "version", "id", "chunker", "compression", "pack_size", "created"],
           ["worm", "key_epoch", "retired_keys", "mac"])
    fields(cfg["chunker"], "config.chunker", ["min", "avg", "max"])
    if cfg.get("worm") is not None:
        fields(cfg["worm"], "config.worm", ["mode", "retention_secs"])
    # Absent means the default (§8); a null does not, except for `worm`,
    # whose absence is itself spelled null by a JSON Option.
    uint(cfg.get("key_epoch", 1), "config.key_epoch", 32)
    if not isinstance(cfg.get("retired_keys", []), list):
        raise Corrupt("config.retired_keys: not an array")
    return cfg


def canonical_config(cfg):
    """The MAC's input, rebuilt from parsed values in struct order (§8)."""
    out = {
        "format": cfg["format"], "version": cfg["version"], "id": cfg["id"].lower(),
        "chunker": {k: cfg["chunker"][k] for k in ("min", "avg", "max")},
        "compression": cfg["compression"], "pack_size": cfg["pack_size"], "created": cfg["created"],
    }
    if cfg.get("worm") is not None:
        out["worm"] = {"mode": cfg["worm"]["mode"], "retention_secs": cfg["worm"]["retention_secs"]}
    if cfg.get("key_epoch", 1) != 1:
        out["key_epoch"] = cfg["key_epoch"]
    if cfg.get("retired_keys"):
        out["retired_keys"] = [{"epoch": r["epoch"], "sealed": r["sealed"].lower()}
                               for r in cfg["retired_keys"]]
    out["mac"] = ""
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode()


def credentials():
    creds = []
    if "CAIRN_PASSWORD" in os.environ:
        creds.append(("argon2id", os.environ["CAIRN_PASSWORD"].encode()))
    if "CAIRN_KEY_FILE" in os.environ:
        with open(os.environ["CAIRN_KEY_FILE"], encoding="utf-8") as f:
            line = next((ln.strip() for ln in f if ln.strip() and not ln.strip().startswith("#")), "")
        creds.append(("hkdf-sha256", hexbytes(line, 32, "key file")))
    if not creds:
        sys.exit("cairn-extract: no credential; set CAIRN_PASSWORD or CAIRN_KEY_FILE")
    return creds


def kek(kdf, secret):
    salt = hexbytes(kdf.get("salt"), 32, "slot salt")
    if kdf["algorithm"] == "hkdf-sha256":
        fields(kdf, "slot kdf", ["algorithm", "salt"])
        return hkdf(secret, salt, b"cairn/v1/keyfile-kek", 32)
    fields(kdf, "slot kdf", ["algorithm", "m_cost", "t_cost", "p_cost", "salt"])
    t, p, m = (uint(kdf[k], k, 32) for k in ("t_cost", "p_cost", "m_cost"))
    if not (1 <= t <= 64 and 1 <= p <= 64 and max(8, 8 * p) <= m <= 4194304):
        raise Corrupt("slot: argon2 parameters out of bounds")
    return argon2.hash_secret_raw(secret, salt, time_cost=t, memory_cost=m, parallelism=p,
                                  hash_len=32, type=argon2.Type.ID, version=19)


def slots(store):
    found = []
    for name in store.names("keys", SLOT_NAME):
        try:
            slot = strict_json(store.read(f"keys/{name}"), f"slot {name}")
            if slot.get("version") != 1:
                continue  # version 2 (external KEKs) needs services this reader does not call
            fields(slot, f"slot {name}", ["version", "id", "kind", "created", "kdf", "nonce", "wrapped"])
            if slot["id"] != name:
                continue
            found.append(slot)
        except Corrupt as e:
            print(f"cairn-extract: skipping slot {name}: {e}", file=sys.stderr)
    return sorted(found, key=lambda s: (s["created"], s["id"]))


def unlock(store, cfg):
    repo_id = hexbytes(cfg["id"], 32, "config id")
    tried = []
    for slot in slots(store):
        kdf = slot["kdf"]
        for algorithm, secret in credentials():
            if not isinstance(kdf, dict) or kdf.get("algorithm") != algorithm:
                continue
            ad = b"cairn/v1/keyslot" + repo_id + slot["id"].encode()
            try:
                master = AESGCMSIV(kek(kdf, secret)).decrypt(
                    hexbytes(slot["nonce"], 12, "slot nonce"), hexbytes(slot["wrapped"], 48, "wrapped"), ad)
            except InvalidTag:
                tried.append(f"{slot['id']}: wrong credential")
                continue
            keys = epoch_keys(master, repo_id)
            mac = blake3.blake3(canonical_config(cfg), key=keys["config-mac"]).hexdigest()
            if mac != str(cfg.get("mac", "")).lower():
                tried.append(f"{slot['id']}: config MAC does not match (edited config or an old epoch's slot)")
                continue
            return Keys(repo_id, [keys] + retired(cfg, keys, repo_id))
    sys.exit("cairn-extract: no key slot opens with the given credential: " + "; ".join(tried or ["no slot fits"]))


def retired(cfg, current, repo_id):
    epoch = cfg.get("key_epoch", 1)
    out = []
    for r in cfg.get("retired_keys", []):
        fields(r, "retired key", ["epoch", "sealed"])
        old = uint(r["epoch"], "retired epoch", 32)
        ad = b"cairn/v1/retired" + repo_id + epoch.to_bytes(4, "little") + old.to_bytes(4, "little")
        nonce = old.to_bytes(4, "little") + bytes(8)
        secret = AESGCMSIV(current["retired"]).decrypt(nonce, hexbytes(r["sealed"], 48, "retired"), ad)
        out.append(epoch_keys(secret, repo_id))
    return out


# -- index, snapshots, trees (§6, §7, §10, §11) -------------------------------

def parse_entries(buf, pos):
    if pos + 4 > len(buf):
        raise Corrupt("entry list cut short")
    count = int.from_bytes(buf[pos:pos + 4], "little")
    pos += 4
    if count > 1 << 22 or pos + 45 * count > len(buf):
        raise Corrupt("entry count out of bounds")
    entries = []
    for _ in range(count):
        kind = buf[pos]
        blob = bytes(buf[pos + 1:pos + 33])
        off, stored, raw = (int.from_bytes(buf[pos + k:pos + k + 4], "little") for k in (33, 37, 41))
        if kind not in (1, 2) or raw > MAX_BLOB or not 17 <= stored <= MAX_BLOB + 64:
            raise Corrupt("index entry out of range")
        entries.append((kind, blob, off, stored, raw))
        pos += 45
    return entries, pos


def load_index(store, keys):
    where = {}
    for name in store.names("index", HEX64):
        plain = keys.open(4, bytes.fromhex(name), store.read(f"index/{name}"), BOUNDS[4])
        if len(plain) < 12 or plain[:8] != b"CAIRNIX1":
            raise Corrupt(f"index {name}: bad magic")
        packs = int.from_bytes(plain[8:12], "little")
        if packs > 1 << 22:
            raise Corrupt(f"index {name}: too many packs")
        pos = 12
        for _ in range(packs):
            pack = plain[pos:pos + 32].hex()
            entries, pos = parse_entries(plain, pos + 32)
            for kind, blob, off, stored, raw in entries:
                where.setdefault(blob, (kind, pack, off, stored, raw))
        if pos != len(plain):
            raise Corrupt(f"index {name}: trailing bytes")
    return where


class Repo:
    def __init__(self, path):
        self.store = Folder(path)
        cfg = read_config(self.store)
        self.keys = unlock(self.store, cfg)
        self.index = load_index(self.store, self.keys)

    def blob(self, kind, blob_id):
        loc = self.index.get(blob_id)
        if loc is None or loc[0] != kind:
            raise Corrupt(f"blob {blob_id.hex()} (kind {kind}) is not in the index")
        _, pack, off, stored, raw = loc
        sealed = self.store.read_range(f"data/{pack[:2]}/{pack}", off, stored)
        return self.keys.open(kind, blob_id, sealed, MAX_BLOB, exact=raw)

    def snapshots(self):
        out = []
        for name in self.store.names("snapshots", HEX64):
            sealed = self.store.read(f"snapshots/{name}")
            if len(sealed) > BOUNDS[5] + 64:
                raise Corrupt(f"snapshot {name}: too large")
            meta = strict_json(self.keys.open(5, bytes.fromhex(name), sealed, BOUNDS[5]), f"snapshot {name}")
            if not isinstance(meta, dict) or meta.get("version") != 1:
                sys.exit(f"cairn-extract: snapshot {name} has a newer version than this reader knows")
            fields(meta, f"snapshot {name}", ["version", "time", "host", "paths", "tree", "incomplete",
                                             "stats", "program"], ["spec", "tags", "parent", "errors"])
            out.append((parse_time(meta["time"]), name, meta))
        return [(name, meta) for _, name, meta in sorted(out)]

    def tree(self, tree_id):
        """A directory's nodes; a split directory (FORMAT.md 10.1) joined from its parts."""
        doc = strict_json(self.blob(2, hexbytes(tree_id, 32, "tree id")), f"tree {tree_id}")
        if not isinstance(doc, dict) or "parts" not in doc:
            return self.nodes(doc, tree_id)
        fields(doc, f"tree {tree_id}", ["parts"])
        parts = doc["parts"]
        if not isinstance(parts, list) or not 1 <= len(parts) <= MAX_PARTS:
            raise Corrupt(f"tree {tree_id}: the list of parts is not 1 to {MAX_PARTS} ids")
        nodes, total = [], 0
        for part_id in parts:
            plain = self.blob(2, hexbytes(part_id, 32, "part id"))
            total += len(plain)
            if total > MAX_DIR_BYTES:
                raise Corrupt(f"tree {tree_id}: its parts exceed {MAX_DIR_BYTES} bytes")
            part = self.nodes(strict_json(plain, f"part {part_id}"), part_id)
            if not part:
                raise Corrupt(f"tree {tree_id}: part {part_id} is empty")
            if nodes and part[0][0] <= nodes[-1][0]:
                raise Corrupt(f"tree {tree_id}: parts overlap or are out of order")
            nodes.extend(part)
        return nodes

    def nodes(self, doc, tree_id):
        fields(doc, f"tree {tree_id}", ["nodes"])
        nodes, last = [], None
        for node in doc["nodes"]:
            fields(node, "node", ["name", "type", "mode", "uid", "gid", "mtime_ns", "ctime_ns", "inode", "dev",
                                  "nlink"], ["size", "sha256", "content", "subtree", "target", "rdev"])
            name = raw_name(node["name"])
            if not name or name in (b".", b"..") or b"/" in name or b"\0" in name:
                raise Corrupt(f"tree {tree_id}: unsafe name {name!r}")
            if last is not None and name <= last:
                raise Corrupt(f"tree {tree_id}: names out of order")
            last = name
            nodes.append((name, node))
        return nodes


def parse_time(text):
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)", str(text))
    if not m:
        raise Corrupt(f"snapshot time {text!r} is not RFC 3339")
    base = datetime.fromisoformat(m.group(1) + ("+00:00" if m.group(3) == "Z" else m.group(3)))
    return int(base.timestamp()) * 10**9 + int((m.group(2) or "0").ljust(9, "0"))


def raw_name(name):
    if isinstance(name, str):
        return name.encode()
    fields(name, "name", ["hex"])
    if not re.fullmatch(r"(?:[0-9a-fA-F]{2})*", name["hex"]):
        raise Corrupt("name: bad hex")
    return bytes.fromhex(name["hex"])


# -- extraction -----------------------------------------------------------------

class Extractor:
    def __init__(self, repo, root):
        self.repo = repo
        self.root = root  # the target folder's descriptor
        self.links = {}  # (dev, inode) -> (sha256, size, path components from the target)
        self.files = 0
        self.bytes = 0
        self.too_deep = 0

    def directory(self, tree_id, dfd, path, depth):
        """Extracts tree `tree_id` into the open folder `dfd`, which is
        `path` below the target. One descriptor per level is open at a
        time, so a wide folder cannot exhaust them."""
        dirs = []
        for name, node in self.repo.tree(tree_id):
            kind = node["type"]
            if kind == "dir":
                if depth + 1 > MAX_DEPTH:
                    print(f"cairn-extract: skipping {name!r}: deeper than {MAX_DEPTH}", file=sys.stderr)
                    self.too_deep += 1
                    continue
                os.mkdir(name, 0o700, dir_fd=dfd)
                sub = open_dir(name, dfd)
                try:
                    self.directory(node["subtree"], sub, path + [name], depth + 1)
                finally:
                    os.close(sub)
                dirs.append((name, node))
            elif kind == "file":
                self.file(name, node, dfd, path)
            elif kind == "symlink":
                os.symlink(raw_name(node["target"]), name, dir_fd=dfd)
            elif kind == "fifo":
                os.mkfifo(name, node["mode"] & 0o777, dir_fd=dfd)
            else:
                print(f"cairn-extract: skipping {name!r}: {kind} nodes are not extracted", file=sys.stderr)
        for name, node in dirs:  # after the children, so their writes do not move the mtime
            sub = open_dir(name, dfd)
            try:
                os.fchmod(sub, node["mode"] & 0o7777)
                os.utime(sub, ns=(node["mtime_ns"], node["mtime_ns"]))
            finally:
                os.close(sub)

    def file(self, name, node, dfd, path):
        key = (node["dev"], node["inode"])
        digest, size = hexbytes(node["sha256"], 32, f"{name!r}: sha256").hex(), node.get("size", 0)
        first = self.links.get(key) if node["nlink"] > 1 else None
        if first and first[:2] == (digest, size):
            # Every folder on the way is one this run created (a tree holds
            # one entry per name), so the relative path cannot meet a link.
            os.link(b"/".join(first[2]), name, src_dir_fd=self.root, dst_dir_fd=dfd,
                    follow_symlinks=False)
            return
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=dfd)
        h, written = hashlib.sha256(), 0
        try:
            for blob in node.get("content", []):
                data = self.repo.blob(1, hexbytes(blob, 32, f"{name!r}: content id"))
                h.update(data)
                os.write(fd, data)
                written += len(data)
            if h.hexdigest() != digest or written != size:
                os.unlink(name, dir_fd=dfd)  # never leave wrong bytes under the file's name
                raise Corrupt(f"{name!r}: content does not match its SHA-256 or size")
            os.fchmod(fd, node["mode"] & 0o7777)
            os.utime(fd, ns=(node["mtime_ns"], node["mtime_ns"]))
        finally:
            os.close(fd)
        if node["nlink"] > 1 and key not in self.links:
            self.links[key] = (digest, size, path + [name])
        self.files += 1
        self.bytes += written


def open_dir(name, dfd):
    return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dfd)


def select(snaps, wanted):
    if wanted == "latest":
        if not snaps:
            sys.exit("cairn-extract: the repository has no snapshots")
        return snaps[-1]
    hits = [s for s in snaps if s[0].startswith(wanted.lower())]
    if len(hits) != 1:
        sys.exit(f"cairn-extract: {len(hits)} snapshots match {wanted!r}; give more of the id")
    return hits[0]


def main(argv):
    if len(argv) not in (2, 4):
        sys.exit(__doc__.strip().splitlines()[2] + "\n" + __doc__.strip().splitlines()[3])
    repo = Repo(argv[1])
    snaps = repo.snapshots()
    if len(argv) == 2:
        for name, meta in snaps:
            print(f"{name[:16]}  {meta['time']}  {meta['host']}  {' '.join(meta['paths'])}"
                  f"  {meta['stats']['files']} files")
        return
    name, meta = select(snaps, argv[2])
    os.makedirs(argv[3], exist_ok=True)
    root = os.open(argv[3], os.O_RDONLY | os.O_DIRECTORY)
    if os.listdir(root):
        sys.exit(f"cairn-extract: {argv[3]} is not empty; extract into an empty folder")
    ex = Extractor(repo, root)
    ex.directory(meta["tree"], root, [], 0)
    if ex.too_deep:
        # As the binary's restore: the rest is extracted, the run fails (§10).
        sys.exit(f"cairn-extract: {ex.too_deep} folder(s) nested deeper than {MAX_DEPTH} levels were not "
                 "extracted; everything else was")
    print(f"extracted snapshot {name[:16]}: {ex.files} files, {ex.bytes} bytes, every SHA-256 checked")


if __name__ == "__main__":
    # One Python frame per folder level: room for FORMAT.md's depth limit.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * MAX_DEPTH))
    try:
        main(sys.argv)
    except Corrupt as e:
        sys.exit(f"cairn-extract: corrupt repository: {e}")
