#!/usr/bin/env python3
"""gen-small-files.py DEST [COUNT] [SEED]: a corpus of many small files.

COUNT files (default 1,000,000) in folders of 1,000 (DEST/d0000/f000.txt ...),
each 0 to 4 KiB of text-like content (words, line breaks), about 5% of them
exact copies of an earlier file (dedup finds them) and a few empty. The same
COUNT and SEED (default 19) always give byte-identical trees, mtimes included,
so runs on different days and machines compare. Prints the tree's file count
and byte total when done.
"""
import os
import random
import sys

PER_DIR = 1000
MAX_SIZE = 4096
DUP_RATE = 0.05
MTIME = 1_700_000_000  # fixed, so the tree is reproducible


def word_pool(rng):
    """A few thousand pronounceable words: text that compresses like text."""
    cons, vows = "bcdfghjklmnprstvwz", "aeiou"
    words = set()
    while len(words) < 4000:
        n = rng.randint(1, 4)
        words.add("".join(rng.choice(cons) + rng.choice(vows) for _ in range(n)))
    return sorted(words)


def text_buffer(rng, size):
    """One long run of words and lines; files are slices of it."""
    words = word_pool(rng)
    out, n = [], 0
    while n < size:
        line = " ".join(rng.choices(words, k=rng.randint(3, 14))) + "\n"
        out.append(line)
        n += len(line)
    return "".join(out).encode()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    dest = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 19
    rng = random.Random(seed)
    buf = text_buffer(rng, 8 << 20)
    os.makedirs(dest, exist_ok=True)
    written = []  # (dir, name) of earlier files, sampled for duplicates
    total = 0
    dirs = []
    for i in range(count):
        d = os.path.join(dest, f"d{i // PER_DIR:04d}")
        if i % PER_DIR == 0:
            os.makedirs(d, exist_ok=True)
            dirs.append(d)
        path = os.path.join(d, f"f{i % PER_DIR:03d}.txt")
        r = rng.random()
        if written and r < DUP_RATE:
            src = written[rng.randrange(len(written))]
            with open(src, "rb") as f:
                data = f.read()
        elif r < DUP_RATE + 0.002:
            data = b""
        else:
            size = rng.randint(1, MAX_SIZE)
            # A header unique to the file, then a slice of shared text: each
            # file is its own blob, but they compress as text does.
            head = f"file {i} seed {seed}\n".encode()
            at = rng.randrange(len(buf) - MAX_SIZE)
            data = (head + buf[at : at + size])[:size]
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (MTIME, MTIME + i % 86400))
        total += len(data)
        if len(written) < 100_000:
            written.append(path)
        elif rng.random() < 0.01:
            written[rng.randrange(len(written))] = path
    for d in dirs + [dest]:
        os.utime(d, (MTIME, MTIME))
    print(f"{count} files, {total} bytes in {len(dirs)} folders under {dest}")


if __name__ == "__main__":
    main()
