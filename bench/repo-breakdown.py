#!/usr/bin/env python3
"""repo-breakdown.py cairn|restic REPO: where a repository's bytes go.

Cairn (needs CAIRN_PASSWORD and the second reader's Python packages): blob
bytes by kind (raw, stored, per-blob seal overhead), pack trailers and
footers, packs no index lists, index files, snapshots, the data chunk size
distribution, and for trees the share of the JSON taken by each field and
what the trees would take at other zstd levels.

restic (needs RESTIC_REPOSITORY and RESTIC_PASSWORD, `restic` on PATH): blob
bytes by type from its index files, pack headers, index files, snapshots and
the chunk size distribution. Prints one JSON document.
"""
import collections
import importlib.util
import json
import os
import statistics
import subprocess
import sys

MIB = 1 << 20


def tree_of(root):
    sizes = collections.Counter()
    for d, _, names in os.walk(root):
        top = os.path.relpath(d, root).split(os.sep)[0]
        for n in names:
            sizes[top] += os.lstat(os.path.join(d, n)).st_size
    return sizes


def distribution(raw):
    raw = sorted(raw)
    if not raw:
        return {}
    q = statistics.quantiles(raw, n=10) if len(raw) > 1 else raw * 9
    return {"count": len(raw), "mean": round(statistics.fmean(raw)), "p10": round(q[0]),
            "p50": round(q[4]), "p90": round(q[8]), "max": raw[-1]}


def cairn(path):
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("extract", os.path.join(here, "..", "contrib", "cairn-extract.py"))
    ex = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ex)
    import zstandard
    repo = ex.Repo(path)
    kinds = {1: "data", 2: "tree"}
    out = {"folders_bytes": dict(tree_of(path))}
    per = {k: {"count": 0, "raw": 0, "stored": 0} for k in kinds.values()}
    in_packs = collections.Counter()
    for kind, pack, _off, stored, raw in repo.index.values():
        p = per[kinds[kind]]
        p["count"] += 1
        p["raw"] += raw
        p["stored"] += stored
        in_packs[pack] += stored
    for p in per.values():
        p["seal_overhead"] = 17 * p["count"]  # codec byte + GCM-SIV tag
    out["blobs"] = per
    pack_bytes, unindexed = 0, 0
    for d, _, names in os.walk(os.path.join(path, "data")):
        for n in names:
            size = os.lstat(os.path.join(d, n)).st_size
            if n in in_packs:
                pack_bytes += size
            else:
                unindexed += size
    out["packs"] = {"indexed": len(in_packs), "bytes": pack_bytes, "unindexed_bytes": unindexed,
                    "trailers_and_footers": pack_bytes - sum(in_packs.values())}
    out["chunks"] = distribution([raw for kind, _, _, _, raw in repo.index.values() if kind == 1])
    # Trees: which fields take the bytes, and what other encodings would
    # store, on a sample (every k-th tree id in sorted order) that is scaled
    # to the whole: stored totals above are exact, these are estimates.
    tree_ids = sorted(b for b, (kind, *_rest) in repo.index.items() if kind == 2)
    step = max(1, len(tree_ids) // 2000)
    sample = tree_ids[::step]
    fields, plain_total, nodes, lists = collections.Counter(), 0, 0, 0
    encoders = {
        "zstd 3 (data encoder)": zstandard.ZstdCompressor(level=3),
        "zstd 9, min match 7 (tree encoder)": zstandard.ZstdCompressor(
            compression_params=zstandard.ZstdCompressionParameters.from_level(9, min_match=7)),
        "zstd 19": zstandard.ZstdCompressor(level=19),
    }
    sizes = collections.Counter()
    for blob in sample:
        plain = repo.blob(2, blob)
        plain_total += len(plain)
        for name, enc in encoders.items():
            sizes[name] += len(enc.compress(plain))
        doc = json.loads(plain)
        if "parts" in doc:  # a split directory's list of parts (FORMAT.md 10.1)
            lists += 1
            continue
        for node in doc["nodes"]:
            nodes += 1
            for k, v in node.items():
                fields[k] += len(json.dumps(v, separators=(",", ":"))) + len(k) + 4
            node.pop("sha256", None)
        slim = json.dumps(doc, separators=(",", ":")).encode()
        sizes["what if: no sha256, tree encoder"] += len(
            encoders["zstd 9, min match 7 (tree encoder)"].compress(slim))
    scale = per["tree"]["raw"] / plain_total if plain_total else 0
    out["trees"] = {"sampled": len(sample), "of": len(tree_ids), "nodes_sampled": nodes,
                    "lists_of_parts_sampled": lists,
                    "stored_per_node": round(per["tree"]["stored"] / (nodes * scale)) if nodes else 0,
                    "estimated_stored_whole": {k: round(v * scale) for k, v in sizes.items()},
                    "field_share_of_plain": {k: round(v / sum(fields.values()), 3)
                                             for k, v in fields.most_common()}}
    return out


def restic(path):
    def run(*args):
        return subprocess.run(["restic", "--no-lock", *args], check=True, capture_output=True).stdout

    per = {t: {"count": 0, "raw": 0, "stored": 0} for t in ("data", "tree")}
    chunks, in_packs = [], collections.Counter()
    for idx in run("list", "index").split():
        doc = json.loads(run("cat", "index", idx.decode()))
        for pack in doc["packs"]:
            for b in pack["blobs"]:
                p = per[b["type"]]
                raw = b.get("uncompressed_length", b["length"])
                p["count"] += 1
                p["raw"] += raw
                p["stored"] += b["length"]
                in_packs[pack["id"]] += b["length"]
                if b["type"] == "data":
                    chunks.append(raw)
    pack_bytes = 0
    for d, _, names in os.walk(os.path.join(path, "data")):
        for n in names:
            if n in in_packs:
                pack_bytes += os.lstat(os.path.join(d, n)).st_size
    return {"folders_bytes": dict(tree_of(path)), "blobs": per,
            "packs": {"indexed": len(in_packs), "bytes": pack_bytes,
                      "headers": pack_bytes - sum(in_packs.values())},
            "chunks": distribution(chunks)}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("cairn", "restic"):
        sys.exit(__doc__.splitlines()[0])
    print(json.dumps((cairn if sys.argv[1] == "cairn" else restic)(sys.argv[2]), indent=1))
