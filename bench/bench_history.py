"""Score history costs: prints figures (not a test).

    .venv/bin/python bench/bench_history.py

1. What a save changed (`profile_changes`) for a profile with 1,000,000 ACR records, unchanged and
   with one amount changed, beside scoring the same profile (target: well under the scoring time).
2. Reading a tenant's history (`history_for`) from TinyDB with 24 months of snapshots (one monthly and
   10 saved changes a month), and the qualification window over it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "cards"), str(ROOT / "tests" / "shared")]

from card_fixtures import contoso_data  # noqa: E402

from bot.history import ScoreHistoryStore, history_for  # noqa: E402
from bot.storage.tinydb_storage import TinyDBStorage  # noqa: E402
from scoring import load_profile, score_profile  # noqa: E402
from scoring.history import SnapshotKind, add_months, profile_changes  # noqa: E402
from scoring.window import qualification_window  # noqa: E402


def timed(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def records_part() -> None:
    rng = random.Random(7)
    rows = [
        {"customer": f"c{i % 5000}", "month": f"2026-{i % 9 + 1:02d}", "service": "Azure SQL Database",
         "offer": "CSP", "association": "CSP_T1", "usd": round(rng.random() * 100, 2)}
        for i in range(1_000_000)
    ]
    data = {"partner": {"id": "1"}, "as_of": "2026-10-31", "people": [], "acr_records": rows}
    before, same = load_profile(data), load_profile(data)
    rows[500_000] = {**rows[500_000], "usd": rows[500_000]["usd"] + 1}
    changed = load_profile(data)
    score = timed(lambda: score_profile(before), 3)
    unchanged = timed(lambda: profile_changes(before, same))
    one = timed(lambda: profile_changes(before, changed))
    print("1,000,000 ACR records")
    print(f"  score_profile                       {score * 1000:8.1f} ms")
    for label, value in (("records unchanged ", unchanged), ("one amount changed", one)):
        print(f"  profile_changes, {label}  {value * 1000:8.1f} ms  ({value / score:.2f} x scoring)")


async def history_part() -> None:
    with tempfile.TemporaryDirectory() as folder:
        storage = TinyDBStorage(Path(folder))
        card = score_profile(load_profile(contoso_data()))
        store = ScoreHistoryStore(storage)
        start = time.perf_counter()
        for back in range(24):
            month = add_months("2026-10", -back)
            await store.record("t", card, SnapshotKind.MONTHLY, month=month)
            for _ in range(10):
                await store.record("t", card, SnapshotKind.CHANGE, month=month)
        written = time.perf_counter() - start
        reads = []
        for _ in range(5):
            start = time.perf_counter()
            history = await history_for(storage, "t")
            reads.append(time.perf_counter() - start)
        window = timed(lambda: qualification_window(card, history), 20)
        await storage.close()
    print(f"24 months x (1 monthly + 10 changes) = {history.snapshots} snapshots in TinyDB")
    print(f"  record, mean per snapshot           {written / 264 * 1000:8.1f} ms")
    print(f"  history_for (read + build)          {statistics.median(reads) * 1000:8.1f} ms")
    print(f"  qualification_window                {window * 1000:8.3f} ms")


if __name__ == "__main__":
    records_part()
    asyncio.run(history_part())
    print(f"(run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)")
