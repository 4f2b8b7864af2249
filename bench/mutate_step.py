#!/usr/bin/env python3
"""mutate_step.py DIR STEP: a small deterministic change of the corpus for one
step of a long history: about 0.3% of the files get 4 KiB overwritten at the
start (same size), one new 1 MiB file appears and the one from three steps ago
goes. Changed files get a fresh mtime so every tool sees them as changed."""
import os, random, sys, time

root, step = sys.argv[1], int(sys.argv[2])
listing = os.path.join(os.path.dirname(root.rstrip('/')), 'files.list')
if not os.path.exists(listing):
    files = []
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p) and '/new-steps/' not in p:
                files.append(p)
    files.sort()
    with open(listing, 'w') as f:
        f.write('\n'.join(files))
files = open(listing).read().split('\n')
rng = random.Random(step)
now = time.time()
for i, p in enumerate(files):
    if i % 300 == step % 300 and os.path.getsize(p) > 0:
        with open(p, 'r+b') as f:
            f.write(rng.randbytes(min(4096, os.path.getsize(p))))
        os.utime(p, (now, now))
new = os.path.join(root, 'new-steps')
os.makedirs(new, exist_ok=True)
with open(os.path.join(new, f'step-{step}.bin'), 'wb') as f:
    f.write(rng.randbytes(1 << 20))
old = os.path.join(new, f'step-{step - 3}.bin')
if os.path.exists(old):
    os.remove(old)
