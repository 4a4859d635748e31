"""Streams chat completions through one path and measures them as a client sees them (llm-stream-bench.sh).

  sse_load.py ttft HOST PORT CONCURRENCY SECONDS   one stream after another on each of CONCURRENCY workers: time to
                                                   the first event carrying output, events received; prints JSON
  sse_load.py hold HOST PORT STREAMS SECONDS       opens STREAMS streams at once, holds them SECONDS (long answers),
                                                   prints JSON with how many were open when the time was up

Raw sockets and asyncio, one process: what it measures is the proxy, not a client library.
"""
import asyncio
import json
import re
import sys
import time

BODY = json.dumps({"model": "demo-llm", "messages": [{"role": "user", "content": "hello"}], "max_tokens": 64,
                   "stream": True, "stream_options": {"include_usage": True}}).encode()
FIRST = re.compile(rb'"content":"[^"]')


def request(host, port):
    return (b"POST /v1/chat/completions HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
            b"Connection: close\r\nContent-Length: %d\r\n\r\n" % (host.encode(), port, len(BODY))) + BODY


async def one(host, port):
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(request(host, port))
    await writer.drain()
    seen = b""
    first = None
    events = 0
    while True:
        chunk = await reader.read(65536)
        if not chunk:
            break
        events += chunk.count(b"data: ")
        if first is None:
            seen += chunk
            if FIRST.search(seen):
                first = time.perf_counter() - start
        if b"data: [DONE]" in chunk:
            break
    writer.close()
    return first, events


async def ttft(host, port, concurrency, seconds):
    until = time.perf_counter() + seconds
    firsts, totals = [], [0]

    async def worker():
        while time.perf_counter() < until:
            first, events = await one(host, port)
            if first is not None:
                firsts.append(first)
            totals[0] += events
    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    firsts.sort()
    q = lambda p: round(firsts[min(len(firsts) - 1, int(p * len(firsts)))] * 1000, 3) if firsts else None
    return {"streams": len(firsts), "ttft_p50_ms": q(0.5), "ttft_p90_ms": q(0.9), "ttft_p99_ms": q(0.99),
            "events_per_s": round(totals[0] / elapsed, 1)}


async def hold(host, port, streams, seconds):
    opened = [0]

    async def keep():
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(request(host, port))
        await writer.drain()
        first = await reader.read(65536)
        if first:
            opened[0] += 1
        try:
            await asyncio.wait_for(reader.read(-1), timeout=seconds)
        except asyncio.TimeoutError:
            pass
        writer.close()
    await asyncio.gather(*(keep() for _ in range(streams)), return_exceptions=True)
    return {"opened": opened[0]}


if __name__ == "__main__":
    mode, host, port, n, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    result = asyncio.run(ttft(host, port, n, seconds) if mode == "ttft" else hold(host, port, n, seconds))
    print(json.dumps(result))
