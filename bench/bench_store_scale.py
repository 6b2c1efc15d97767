"""Cost of the TinyDB store as the number of stored tenants grows (issue 10 part 3).

For each size (default 1k, 10k, 100k tenants; each with a profile, a month of history, a
conversation state and a notification record), in a fresh process: start-up (open the store and
pass one health check), RSS after start, the health check p50, the first turn of a new
conversation and a turn in an existing one (p50/p99: read conversation state, user state, the
notification record and the profile, then one commit of the changed state). Seeding writes the
files directly (no fsync) to keep set-up short; the measured turns fsync for real.
Targets at 100k: start-up < 1 s, RSS < 200 MiB, new-conversation p99 < 50 ms.

    .venv/bin/python bench/bench_store_scale.py --sizes 1000 10000 100000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.storage import layout  # noqa: E402

STATE = {"tenant_id": "t", "last_area": "data_ai",
         "IntakeDialogState": {"$dialog_stack": [{"id": "intake", "state": {"intake": {"people": [
             {"name": f"Person {i}", "certifications": ["az-104", "az-305"]} for i in range(15)]}}}]}}


def _put(items: Path, key: str, value: dict) -> None:
    path = items / layout.relative_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = layout.space_of(key)
    data = json.loads(path.read_text()) if path.exists() else {table: {}}
    data[table][str(len(data[table]) + 1)] = {"key": key, "e_tag": "seed", "value": value}
    path.write_text(json.dumps(data))


def seed(folder: Path, tenants: int) -> None:
    items = folder / layout.ITEMS
    for n in range(tenants):
        tenant = f"tenant-{n:06d}"
        _put(items, f"profiles/{tenant}", {"profile": {"partner": {"name": tenant}}, "tenant": tenant})
        _put(items, f"history/{tenant}/2026-01", {"scorecard": {"total": n % 100}})
        _put(items, f"history/{tenant}/months", {"months": ["2026-01"]})
        _put(items, f"msteams/conversations/a:{tenant}", STATE)
        _put(items, f"notify/conversations/{tenant}/a%3A{tenant}", {"installed": True, "months": {}})


async def measure(folder: Path, tenants: int, turns: int) -> dict[str, float]:
    from bot.storage.tinydb_storage import TinyDBStorage

    started = time.perf_counter()
    store = TinyDBStorage(folder)
    await store.check_health()
    startup = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    health = []
    for _ in range(50):
        t0 = time.perf_counter()
        await store.check_health()
        health.append(time.perf_counter() - t0)

    async def turn(conversation: str, tenant: str) -> float:
        t0 = time.perf_counter()
        keys = [f"msteams/conversations/{conversation}", f"msteams/users/u-{conversation}",
                f"notify/conversations/{tenant}/a%3A{conversation}", f"profiles/{tenant}"]
        found = await store.read(keys)
        state = found.get(keys[0]) or {"tenant_id": tenant}
        state["last_area"] = "infrastructure" if state.get("last_area") == "data_ai" else "data_ai"
        changes = {keys[0]: state}
        if keys[2] not in found:
            changes[keys[2]] = {"installed": True, "months": {}, "e_tag": "!absent"}
        await store.write(changes)
        return time.perf_counter() - t0

    new = [await turn(f"new-{i}", f"tenant-{(i * 7919) % tenants:06d}") for i in range(turns)]
    existing = [await turn(f"a:tenant-{(i * 104729) % tenants:06d}", f"tenant-{(i * 104729) % tenants:06d}")
                for i in range(turns)]
    await store.close()
    q = lambda xs, p: statistics.quantiles(xs, n=100)[p - 1] * 1000  # noqa: E731
    return {"startup_s": startup, "rss_mib": rss, "health_p50_ms": statistics.median(health) * 1000,
            "new_p50_ms": q(new, 50), "new_p99_ms": q(new, 99),
            "existing_p50_ms": q(existing, 50), "existing_p99_ms": q(existing, 99)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(measure(Path(args.child[0]), int(args.child[1]), args.turns))))
        return
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            seed(Path(tmp), size)
            print(f"seeded {size} tenants in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
            command = [sys.executable, __file__, "--turns", str(args.turns), "--child", tmp, str(size)]
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            rows.append((size, json.loads(out)))
    names = list(rows[0][1])
    print(f"{'tenants':>8} " + " ".join(f"{name:>16}" for name in names))
    for size, figures in rows:
        print(f"{size:>8} " + " ".join(f"{figures[name]:>16.2f}" for name in names))


if __name__ == "__main__":
    main()
