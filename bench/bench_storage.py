"""Cost of one conversation-state write and read in `TinyDBStorage` as the number of stored
conversations grows (10, 1,000, 10,000 by default).

Each conversation holds a realistic 2-4 KB state (dialog stack, intake draft, last area) under
`msteams/conversations/<id>`, the key space botbuilder's ConversationState uses in Teams. For each
size the bench prints, over `--turns` turns on random conversations:
- write: read-modify-write of one conversation with its eTag (what `save_changes` does), p50/p90;
- read (cached): reading one conversation when no other process changed anything;
- read (after another process wrote): the file was replaced by another writer, so it is re-parsed;
plus the bytes rewritten by one write (the size of the file holding the key) and the file count.
Runs on a temp folder (same disk as /tmp); fsync is real.

    .venv/bin/python bench/bench_storage.py
    .venv/bin/python bench/bench_storage.py --sizes 10 1000 --turns 50
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.storage.tinydb_storage import TinyDBStorage  # noqa: E402

PREFIX = "msteams/conversations/"


def conversation_state(rng: random.Random, index: int) -> dict[str, Any]:
    """A Teams conversation's state: a dialog stack with an intake draft of a few people."""

    def word(n: int) -> str:
        return "".join(rng.choices(string.ascii_letters, k=n))

    people = [{"id": f"p{i}", "name": f"{word(6)} {word(9)}", "email": f"{word(8)}@contoso.example",
               "certifications": [f"AZ-{rng.randint(100, 999)}" for _ in range(rng.randint(2, 5))],
               "role": rng.choice(["technical", "sales"])} for i in range(rng.randint(12, 24))]
    return {
        "last_area": rng.choice(["data_ai", "infrastructure", "digital_app", "security"]),
        "locale": "en-US",
        "DialogState": {"dialogStack": [{"id": "intake", "state": {
            "section": "people", "step": rng.randint(0, 9), "draft": {
                "partner_id": f"{index:07d}", "people": people,
                "usage": [{"month": f"2026-{m:02d}", "acr": rng.randint(1000, 90000)} for m in range(1, 13)],
            }}}]},
    }


async def _timed(action: Awaitable[Any]) -> float:
    start = time.perf_counter()
    await action
    return (time.perf_counter() - start) * 1000


def _fmt(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"p50 {statistics.median(ordered):7.2f} ms  p90 {p90:7.2f} ms"


async def measure(size: int, turns: int, rng: random.Random) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as folder:
        storage = TinyDBStorage(folder)
        other = TinyDBStorage(folder)  # another process's view of the same folder
        states = [conversation_state(rng, i) for i in range(size)]
        fill_start = time.perf_counter()
        for start in range(0, size, 1000):  # batched: filling is not what is measured
            await storage.write({f"{PREFIX}c{i}": dict(states[i], e_tag="*")
                                 for i in range(start, min(size, start + 1000))})
        fill_s = time.perf_counter() - fill_start
        sizes = [p.stat().st_size for p in Path(folder).glob("*.json")]
        avg_state = sum(sizes) / size

        writes, cached, reloaded, rewritten = [], [], [], []
        for _ in range(turns):
            key = f"{PREFIX}c{rng.randrange(size)}"
            item = (await storage.read([key]))[key]
            item["last_area"] = rng.choice(["data_ai", "security"])
            writes.append(await _timed(storage.write({key: item})))
            newest = max(Path(folder).glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
            rewritten.append(newest.stat().st_size)
            cached.append(await _timed(storage.read([key])))
            # Another process writes the same key; our next read must see it (re-parse its file).
            await other.write({key: dict(item, last_area="infrastructure", e_tag="*")})
            reloaded.append(await _timed(storage.read([key])))
        await storage.close()
        await other.close()
        print(f"{size:>6} conversations ({avg_state / 1024:.1f} KB each on disk, {len(sizes)} files, "
              f"filled in {fill_s:.1f} s)")
        print(f"         write one conversation        {_fmt(writes)}   "
              f"rewrites {statistics.median(rewritten) / 1024:,.0f} KB")
        print(f"         read (cached)                 {_fmt(cached)}")
        print(f"         read (after another writer)   {_fmt(reloaded)}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000])
    parser.add_argument("--turns", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(7)
    for size in args.sizes:
        await measure(size, args.turns, rng)


if __name__ == "__main__":
    asyncio.run(main())
