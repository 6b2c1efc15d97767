"""Subprocess helper for the storage tests (run as a script, not collected by pytest).

`increment DIR KEY N`: prints "ready", waits for DIR/start-increments, then makes N optimistic
read-modify-write increments of KEY (retrying on eTag conflicts).
`churn DIR MARKER`: rewrites a large, self-checking item and a MARKER key with the same generation
forever (the parent SIGKILLs it mid-write).
`distinct DIR PREFIX N [SPACE]`: writes N distinct keys `SPACE/PREFIX-i` (SPACE: "shared").
`together DIR N`: forever, N concurrent writes (keys `msteams/conversations/c<i>`) of one generation
at a time, printing "<i> <generation>" as each write returns (so they share group commits).
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
from pathlib import Path

from bot.storage.tinydb_storage import ETagConflictError, TinyDBStorage

START = "start-increments"  # created by the test once every worker is ready


async def increment(folder: str, key: str, times: int) -> None:
    storage = TinyDBStorage(folder)
    await storage.read([key])  # imports and first parse done before the start line
    print("ready", flush=True)
    start = Path(folder) / START
    while not start.exists():  # all workers start together, however slow their start-up was
        await asyncio.sleep(0.01)
    for _ in range(times):
        while True:
            item = (await storage.read([key]))[key]
            item["count"] += 1
            try:
                await storage.write({key: item})
                break
            except ETagConflictError:
                continue
    storage.close_sync()


def payload(generation: int) -> dict:
    blob = f"{generation:08d}" * 200_000  # 1.6 MB: a write takes long enough to be interrupted
    return {"generation": generation, "blob": blob, "digest": hashlib.sha256(blob.encode()).hexdigest()}


async def churn(folder: str, marker: str) -> None:
    storage = TinyDBStorage(folder)
    generation = 0
    while True:
        generation += 1
        await storage.write({"history/big/item": payload(generation), marker: {"generation": generation}})
        print(generation, flush=True)


async def together(folder: str, count: int) -> None:
    storage = TinyDBStorage(folder)

    async def write(index: int, generation: int) -> None:
        await storage.write({f"msteams/conversations/c{index}": {"generation": generation}})
        print(index, generation, flush=True)

    generation = 0
    while True:
        generation += 1
        await asyncio.gather(*(write(index, generation) for index in range(count)))


async def distinct(folder: str, prefix: str, times: int, space: str = "shared") -> None:
    storage = TinyDBStorage(folder)
    for index in range(times):
        await storage.write({f"{space}/{prefix}-{index}": {"index": index}})
    storage.close_sync()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "increment":
        asyncio.run(increment(args[0], args[1], int(args[2])))
    elif command == "churn":
        asyncio.run(churn(args[0], args[1]))
    elif command == "together":
        asyncio.run(together(args[0], int(args[1])))
    elif command == "distinct":
        asyncio.run(distinct(args[0], args[1], int(args[2]), *args[3:]))
    else:
        raise SystemExit(f"unknown command {command}")
