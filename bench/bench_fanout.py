"""Fan-out benchmark of the monthly notification job (issue 5).

10,000 subscribed conversations (default: 10 tenants x 1,000) go through the mock Bot Connector
(a separate process on 127.0.0.1, so its CPU is not counted) which answers 5% of first attempts
with 429 (half with `Retry-After: 0`, half without, so the job's jittered backoff applies). The job
runs for real: TinyDB storage under a temp folder, claims with eTags, the CloudAdapter, per-tenant
token buckets. Prints wall time, throughput, the rate-limited lower bound, CPU time of the bot
process and whether every conversation got exactly one message.

    .venv/bin/python bench/bench_fanout.py                       # 10 tenants x 1,000 at 30/s each
    .venv/bin/python bench/bench_fanout.py --storage memory      # the job alone, no disk fsyncs
    .venv/bin/python bench/bench_fanout.py --tenants 100         # 100 x 100: the throughput ceiling
    .venv/bin/python bench/bench_fanout.py --rates 5 10 20 40 80  # limited by the rate, not storage:
        # one run per per-tenant rate (fresh store each), achieved sends/s next to the configured rate
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HELPERS = ROOT / "tests" / "bot" / "notifications"
sys.path[:0] = [str(ROOT), str(HELPERS)]

from botbuilder.core import MemoryStorage  # noqa: E402
from notify_helpers import MockConnector, activity, profile  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.notifications import run_notify  # noqa: E402
from bot.notifications.config import NotifyConfig  # noqa: E402
from bot.notifications.models import ConversationRecord  # noqa: E402
from bot.notifications.references import reference_of  # noqa: E402
from bot.notifications.store import ref_key  # noqa: E402
from bot.services import build_services  # noqa: E402

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


async def serve_connector(port_file: str, share_429: float) -> None:
    mock = await MockConnector(random_429=share_429).start()
    Path(port_file).write_text(mock.url)
    await asyncio.Event().wait()


def _start_connector(share_429: float, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port_file = folder / "connector.url"
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve-connector", str(port_file), "--share-429", str(share_429)]
    )
    for _ in range(200):
        if port_file.exists() and port_file.read_text():
            return process, port_file.read_text()
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("the mock connector did not start")


def _stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url + "_stats", timeout=30) as response:
        return json.loads(response.read())


async def _seed(services: Any, url: str, tenants: int, per_tenant: int) -> None:
    """Install records straight into storage in batches (what on_activity writes, one per conversation;
    the job finds them by listing their prefix)."""
    storage = services.storage
    batch: dict[str, Any] = {}
    for n in range(tenants):
        tenant = f"tenant-{n:03d}"
        await services.profiles.put(tenant, profile())
        for i in range(per_tenant):
            conversation = f"a:{tenant}-{i:05d}"
            act = activity(
                "installationUpdate", action="add", tenant=tenant, conversation=conversation, service_url=url
            )
            record = ConversationRecord(
                tenant_id=tenant,
                conversation_id=conversation,
                reference=reference_of(act, conversation),
                updated_at=NOW,
            )
            batch[ref_key(tenant, conversation)] = record.model_dump(mode="json")
            if len(batch) >= 2000:
                await storage.write(batch)
                batch = {}
    if batch:
        await storage.write(batch)


async def sweep(args: argparse.Namespace) -> int:
    """One run per rate of `--rates`: while the sends/s follow the configured rate, storage is not
    the limit; where they stop following is the ceiling (CPU or storage)."""
    rows = []
    for rate in args.rates:
        run_args = argparse.Namespace(**{**vars(args), "rate": rate})
        started = time.perf_counter()
        status = await bench(run_args)
        rows.append((rate, run_args.achieved, status, time.perf_counter() - started))
    # The job walks one storage page (500 records, grouped by tenant) at a time, its tenants at once:
    # the pace it can follow is the per-tenant rate x the tenants of a page.
    print(f"\n{'rate/tenant':>12}{'achieved/s':>12}{'achieved/rate':>15}")
    for rate, achieved, status, _ in rows:
        print(f"{rate:>12g}{achieved:>12.0f}{achieved / rate:>14.2f}x"
              + ("" if status == 0 else "  (NOT exactly once)"))
    return max(status for _, _, status, _ in rows)


async def bench(args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    connector, url = _start_connector(args.share_429, folder)
    # "memory": botbuilder's MemoryStorage, to measure the job itself without the disk's fsyncs.
    storage = MemoryStorage() if args.storage == "memory" else None
    services = build_services(Settings(data_dir=folder / "data"), storage=storage, clock=lambda: NOW)
    services.extras["notify_config"] = NotifyConfig(
        rate_per_second=args.rate, max_tries=args.max_tries, concurrency=args.concurrency
    )
    try:
        per_tenant = args.conversations // args.tenants
        total = per_tenant * args.tenants
        started = time.perf_counter()
        await _seed(services, url, args.tenants, per_tenant)
        print(
            f"seeded {total} conversations in {args.tenants} tenants in {time.perf_counter() - started:.1f}s"
        )
        wall, cpu = time.perf_counter(), time.process_time()
        summary = await run_notify(services, "2026-11")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        stats = _stats(url)
    finally:
        await services.close()
        connector.kill()
    delivered = stats["delivered"]
    once = len(delivered) == total and all(count == 1 for count in delivered.values())
    floor = (per_tenant - 1) / args.rate  # the rate-limited lower bound (tenants run in parallel)
    print(summary)
    print(f"connector: {stats['requests']} requests, statuses {stats['statuses']}")
    print(f"delivered exactly once: {'yes' if once else 'NO'} ({len(delivered)} of {total} conversations)")
    print(
        f"wall {wall:.1f}s, throughput {summary.sent / wall:.0f} messages/s "
        f"(configured {args.rate:g}/s per tenant x {args.tenants} tenants = {args.rate * args.tenants:g}/s)"
    )
    print(f"rate-limited lower bound {floor:.1f}s: wall is {wall / floor:.2f}x the bound" if floor else "")
    args.achieved = summary.sent / wall
    print(
        f"bot CPU {cpu:.1f}s = {1000 * cpu / max(1, total):.2f} ms per conversation, "
        f"{100 * cpu / wall:.0f}% of one core over the run"
    )
    return 0 if once and summary.sent == total else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--tenants", type=int, default=10)
    parser.add_argument("--rate", type=float, default=30.0, help="NOTIFY_RATE_PER_SECOND (per tenant)")
    parser.add_argument("--rates", type=float, nargs="+", help="a sweep: one run per per-tenant rate")
    parser.add_argument("--share-429", type=float, default=0.05)
    parser.add_argument("--max-tries", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=64, help="sends in flight (all tenants)")
    parser.add_argument("--storage", choices=["tinydb", "memory"], default="tinydb")
    parser.add_argument("--serve-connector", metavar="PORT_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_connector:
        asyncio.run(serve_connector(args.serve_connector, args.share_429))
        return 0
    return asyncio.run(sweep(args) if args.rates else bench(args))


if __name__ == "__main__":
    sys.exit(main())
