#!/usr/bin/env python3
"""bench/count-proxy.py LISTEN_PORT UPSTREAM_PORT STATS_FILE: a TCP proxy on
127.0.0.1 that counts what an S3 client fetches from a server on loopback.

Per client connection it parses the HTTP/1.1 requests (method and path; the
bodies of PUTs are skipped by Content-Length) and counts, per kind of object
(the key's first folder: packs, index, snapshots, ...), the GET requests and
the bytes of the responses to them (headers and body, as the client reads
them). The totals are rewritten to STATS_FILE (JSON) after every response,
and each GET is logged to STATS_FILE.log (path, Range header, bytes);
`kill -USR1` resets both (bench/s3.sh does that before each step it counts).

Counting is done on the client's side of the stream only: responses are
attributed to requests in order, which HTTP/1.1 without pipelining
guarantees (neither restic nor OpenDAL pipelines).

With DELAY_MS set in the environment, each response waits that long before
it is passed back: a round trip to storage that is not on the same host
(connections are independent, so requests in flight at once wait together).
"""
import asyncio
import json
import os
import signal
import sys
from collections import defaultdict

LISTEN, UPSTREAM, STATS = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
stats = defaultdict(lambda: {"requests": 0, "bytes": 0})
DELAY = float(os.environ.get("DELAY_MS", "0")) / 1000


def reset(*_):
    stats.clear()
    save()
    open(STATS + ".log", "w").close()


def save():
    with open(STATS + ".tmp", "w") as f:
        json.dump(stats, f, sort_keys=True)
    os.replace(STATS + ".tmp", STATS)


def kind_of(path):
    # /bucket/kind/name?query -> kind ("/" for the bucket itself)
    parts = path.split("?")[0].strip("/").split("/")
    return parts[1] if len(parts) > 2 else (parts[1] if len(parts) == 2 else "/")


async def client_to_server(reader, writer, pending):
    """Copies requests through, noting each one's method and kind."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            writer.write(head)
            lines = head.decode("latin-1").split("\r\n")
            method, path = lines[0].split(" ")[:2]
            length, rng = 0, "-"
            for line in lines[1:]:
                k, _, v = line.partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v.strip())
                elif k.strip().lower() == "range":
                    rng = v.strip()
            pending.put_nowait((method, path.split("?")[0], rng))
            while length > 0:
                chunk = await reader.read(min(length, 1 << 20))
                if not chunk:
                    return
                writer.write(chunk)
                length -= len(chunk)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def server_to_client(reader, writer, pending):
    """Copies responses back, counting those to GETs by the request's kind."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            method, path, rng = await pending.get()
            if DELAY:
                await asyncio.sleep(DELAY)
            lines = head.decode("latin-1").split("\r\n")
            length, chunked = 0, False
            for line in lines[1:]:
                k, _, v = line.partition(":")
                k = k.strip().lower()
                if k == "content-length":
                    length = int(v.strip())
                elif k == "transfer-encoding" and "chunked" in v.lower():
                    chunked = True
            writer.write(head)
            total = len(head)
            if method == "HEAD":
                length = 0
            if chunked:
                while True:
                    size_line = await reader.readuntil(b"\r\n")
                    writer.write(size_line)
                    total += len(size_line)
                    n = int(size_line.split(b";")[0], 16)
                    body = await reader.readexactly(n + 2)
                    writer.write(body)
                    total += len(body)
                    if n == 0:
                        break
            else:
                while length > 0:
                    chunk = await reader.read(min(length, 1 << 20))
                    if not chunk:
                        return
                    writer.write(chunk)
                    total += len(chunk)
                    length -= len(chunk)
            await writer.drain()
            if method == "GET":
                s = stats[kind_of(path)]
                s["requests"] += 1
                s["bytes"] += total
                save()
                with open(STATS + ".log", "a") as f:
                    f.write(f"{path}\t{rng}\t{total}\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def handle(creader, cwriter):
    sreader, swriter = await asyncio.open_connection("127.0.0.1", UPSTREAM)
    pending = asyncio.Queue()
    await asyncio.gather(
        client_to_server(creader, swriter, pending),
        server_to_client(sreader, cwriter, pending),
    )


async def main():
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, reset)
    save()
    server = await asyncio.start_server(handle, "127.0.0.1", LISTEN)
    async with server:
        await server.serve_forever()


asyncio.run(main())
