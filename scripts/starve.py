#!/usr/bin/env python3
"""Greedy clients against a pipeline, beside a normal one (issue 21 part 6), on loopback only.

    starve.py URL PID [--posts N] [--idle N] [--slow N] [--held N] [--held-bytes B] [--limit S]

Runs the normal client twice: first alone (quiet), then while IDLE connections send nothing,
SLOW connections send a request head one byte a second, and HELD connections each declare a
64 MiB body, send HELD_BYTES of it and hold the rest; each greedy connection opens again when
the pipeline closes it. The greedy connections run in a process of their own. The normal client POSTs one small message at a time on one keep-alive
connection, POSTS times per phase, and times each answer. Prints one line per phase and a
summary: p50/p99 of each, the ratio of the loaded p99 to the quiet one, how many normal posts
were not answered 202 (and why), and the pipeline's peak RSS (VmHWM of PID). Everything stops
after LIMIT seconds whatever happens.
"""

import argparse
import asyncio
import json
import multiprocessing as mp
import resource
import sys
import time
from collections import Counter
from urllib.parse import urlparse


def rss_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Normal:
    """One keep-alive connection posting one message at a time."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.conn = None
        self.errors = {}

    async def post(self, n):
        body = json.dumps({"subject": "bench.starve", "payload": {"n": n}}).encode()
        req = (
            f"POST /v1/messages HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        began = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = await asyncio.open_connection(self.host, self.port)
            r, w = self.conn
            w.write(req)
            await w.drain()
            head = await r.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            close = False
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    length = int(v)
                if k.strip().lower() == b"connection" and v.strip().lower() == b"close":
                    close = True
            await r.readexactly(length)
            if close:
                w.close()
                self.conn = None
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as e:
            self.conn = None
            status = type(e).__name__
        took = time.perf_counter() - began
        if status != 202:
            self.errors[status] = self.errors.get(status, 0) + 1
        return took

    async def run(self, posts):
        lat = []
        for n in range(posts):
            lat.append(await self.post(n))
        lat.sort()
        return lat


def pct(lat, p):
    return lat[min(len(lat) - 1, int(len(lat) * p))] * 1000


async def greedy(kind, host, port, counts, held_bytes):
    """One greedy connection, opened again whenever the pipeline closes it."""
    chunk = b" " * 65536
    while True:
        try:
            r, w = await asyncio.open_connection(host, port)
        except OSError:
            counts["connect_failed"] += 1
            await asyncio.sleep(0.1)
            continue
        counts[kind + "_opened"] += 1
        try:
            if kind == "slow":
                head = f"POST /v1/messages HTTP/1.1\r\nHost: {host}:{port}\r\nX-Slow: ".encode()
                for b in head:
                    w.write(bytes([b]))
                    await w.drain()
                    await asyncio.sleep(1)
            elif kind == "held":
                w.write(
                    (
                        f"POST /v1/messages HTTP/1.1\r\nHost: {host}:{port}\r\n"
                        f"Content-Type: application/json\r\nContent-Length: {64 << 20}\r\n\r\n"
                    ).encode()
                )
                sent = 0
                while sent < held_bytes:
                    w.write(chunk)
                    await w.drain()
                    sent += len(chunk)
                counts["held_sent"] += 1
            # Hold until the pipeline answers or closes.
            data = await r.read(4096)
            if data.startswith(b"HTTP/1.1 "):
                counts[f"{kind}_answered_{data[9:12].decode()}"] += 1
        except asyncio.TimeoutError:
            pass
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            w.close()
        await asyncio.sleep(0.05)


async def greedy_main(host, port, a, ready, stop, out):
    counts = Counter()
    tasks = []
    for kind, n in (("idle", a.idle), ("slow", a.slow), ("held", a.held)):
        for _ in range(n):
            tasks.append(asyncio.create_task(greedy(kind, host, port, counts, a.held_bytes)))
    loop = asyncio.get_running_loop()
    # Ready once every connection opened (and the held bodies were sent).
    for _ in range(600):
        await asyncio.sleep(0.1)
        if counts["idle_opened"] >= a.idle and counts["held_sent"] >= a.held:
            break
    ready.set()
    await loop.run_in_executor(None, stop.wait)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    out.put(dict(counts))


def greedy_process(host, port, a, ready, stop, out):
    asyncio.run(greedy_main(host, port, a, ready, stop, out))


async def main(a):
    u = urlparse(a.url)
    host, port = u.hostname, u.port
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("starve.py: loopback only")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = a.idle + a.slow + a.held + 256
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(need, soft)), hard))
    rss_before = rss_kib(a.pid, "VmRSS")

    quiet = await Normal(host, port).run(a.posts)
    print(f"quiet:  {a.posts} posts, p50 {pct(quiet, 0.5):.2f} ms, p99 {pct(quiet, 0.99):.2f} ms")

    # The greedy clients run in a process of their own: the normal client's times are the
    # pipeline's, not this event loop's.
    ctx = mp.get_context("spawn")
    ready, stop, out = ctx.Event(), ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=greedy_process, args=(host, port, a, ready, stop, out))
    proc.start()
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, ready.wait, 60)
    await asyncio.sleep(2)
    rss_loaded = rss_kib(a.pid, "VmRSS")
    normal = Normal(host, port)
    loaded = await normal.run(a.posts)
    rss_after = rss_kib(a.pid, "VmRSS")
    stop.set()
    counts = await loop.run_in_executor(None, out.get, True, 60)
    proc.join(10)
    print(
        f"loaded: {a.posts} posts, p50 {pct(loaded, 0.5):.2f} ms, p99 {pct(loaded, 0.99):.2f} ms; "
        f"beside {a.idle} idle, {a.slow} slow-head and {a.held} held-body connections "
        f"({a.held_bytes >> 20} MiB sent of 64 MiB declared)"
    )
    print("greedy: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(
        f"normal client, not 202: {sum(normal.errors.values())}"
        + (f" ({', '.join(f'{k}: {v}' for k, v in normal.errors.items())})" if normal.errors else "")
    )
    ratio = pct(loaded, 0.99) / pct(quiet, 0.99)
    print(
        f"RESULT p99_quiet_ms={pct(quiet, 0.99):.2f} p99_loaded_ms={pct(loaded, 0.99):.2f} "
        f"ratio={ratio:.2f} errors={sum(normal.errors.values())} "
        f"rss_start_mib={rss_before / 1024:.0f} rss_loaded_mib={max(rss_loaded, rss_after) / 1024:.0f} "
        f"rss_peak_mib={rss_kib(a.pid, 'VmHWM') / 1024:.0f}"
    )


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("pid", type=int)
    ap.add_argument("--posts", type=int, default=3000)
    ap.add_argument("--idle", type=int, default=3000)
    ap.add_argument("--slow", type=int, default=1000)
    ap.add_argument("--held", type=int, default=20)
    ap.add_argument("--held-bytes", type=int, default=8 << 20)
    ap.add_argument("--limit", type=float, default=300)
    args = ap.parse_args()
    try:
        asyncio.run(asyncio.wait_for(main(args), timeout=args.limit))
    except asyncio.TimeoutError:
        sys.exit("starve.py: the time limit passed before the run finished")
