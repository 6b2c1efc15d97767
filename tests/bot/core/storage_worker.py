"""Subprocess helper for the storage tests (run as a script, not collected by pytest).

`increment DIR KEY N`: N optimistic read-modify-write increments of KEY (retrying on eTag conflicts).
`churn DIR`: rewrites a large, self-checking item forever (the parent SIGKILLs it mid-write).
`distinct DIR PREFIX N`: writes N distinct keys into the same collection file.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys

from bot.storage.tinydb_storage import ETagConflictError, TinyDBStorage


async def increment(folder: str, key: str, times: int) -> None:
    storage = TinyDBStorage(folder)
    for _ in range(times):
        while True:
            item = (await storage.read([key]))[key]
            item["count"] += 1
            try:
                await storage.write({key: item})
                break
            except ETagConflictError:
                continue
    storage.close()


def payload(generation: int) -> dict:
    blob = f"{generation:08d}" * 200_000  # 1.6 MB: a write takes long enough to be interrupted
    return {"generation": generation, "blob": blob, "digest": hashlib.sha256(blob.encode()).hexdigest()}


async def churn(folder: str) -> None:
    storage = TinyDBStorage(folder)
    generation = 0
    while True:
        generation += 1
        await storage.write({"big/item": payload(generation), "big/marker": {"generation": generation}})
        print(generation, flush=True)


async def distinct(folder: str, prefix: str, times: int) -> None:
    storage = TinyDBStorage(folder)
    for index in range(times):
        await storage.write({f"shared/{prefix}-{index}": {"index": index}})
    storage.close()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "increment":
        asyncio.run(increment(args[0], args[1], int(args[2])))
    elif command == "churn":
        asyncio.run(churn(args[0]))
    elif command == "distinct":
        asyncio.run(distinct(args[0], args[1], int(args[2])))
    else:
        raise SystemExit(f"unknown command {command}")
