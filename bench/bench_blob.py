"""Blob storage against TinyDB: per-turn latency (p50/p99) and turns/s of the real service, with the
state on TinyDB (one instance), and on Azure Blob Storage (Azurite, the emulator) with one and with two
instances sharing it, side by side.

    .venv/bin/python bench/bench_blob.py [--seconds 8] [--conversations 8]

Each setup runs `python -m bot` processes on 127.0.0.1 (turns alternate between the instances), a
profile imported with `python -m bot import-profile`, and `--conversations` conversations each asking
"what is my score?" turn after turn; a turn's latency is the HTTP round trip of its activity (the bot
answers after its reply reached the mock Bot Connector here and its state is saved). Azurite needs
`npm ci` (scripts/e2e-setup). On a shared 2-core machine, Azurite, the instances and this generator
compete for the CPU: read the blob figures as an upper bound of the cost over a network store.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
AZURITE = ROOT / "node_modules" / ".bin" / "azurite-blob"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="  # Azurite's
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
PROFILE = {
    "partner": {"id": "4412345", "name": "Contoso Ltd", "market": "developed"},
    "as_of": "2026-10-31", "rules": "2023-H2",
    "people": [{"id": "p1", "name": "Ada", "certifications": ["AZ-305", "AZ-104", "DP-300"]},
               {"id": "p2", "name": "Grace", "certifications": ["AZ-305", "AZ-204", "AI-102"]}],
    "usage": {"eligible_customers_last_month": 12, "eligible_customers_same_month_last_year": 8,
              "acr_last_month": 152000.0, "acr_same_month_last_year": 100000.0,
              "deployed_services": ["Azure SQL Database", "Azure App Service"]},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Result:
    name: str
    latencies: list[float]
    seconds: float
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")


async def start_connector() -> tuple[web.AppRunner, str]:
    async def reply(_: web.Request) -> web.Response:
        return web.json_response({"id": "r"})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", reply)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}/"


def start_azurite(folder: Path | None) -> tuple[subprocess.Popen[bytes], str]:
    """Azurite on a free loopback port, its data in `folder` (None: in memory only)."""
    if not AZURITE.exists():
        sys.exit(f"Azurite is missing ({AZURITE}): run `bash scripts/e2e-setup` (npm ci)")
    port = free_port()
    where = ["--location", str(folder)] if folder is not None else ["--inMemoryPersistence"]
    command = [str(AZURITE), "--blobHost", "127.0.0.1", "--blobPort", str(port), *where,
               "--skipApiVersionCheck", "--silent", "--disableTelemetry"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    for _ in range(300):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            break
        time.sleep(0.05)
    return process, (f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={KEY};"
                     f"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;")


def stop(process: subprocess.Popen[Any]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(15)


def activity(service_url: str, conversation: str) -> dict[str, Any]:
    return {"type": "message", "id": conversation + str(time.monotonic_ns()), "serviceUrl": service_url,
            "channelId": "msteams", "from": {"id": "29:user", "name": "Ada"}, "locale": "en-US",
            "conversation": {"id": conversation, "conversationType": "personal", "tenantId": TENANT},
            "recipient": {"id": "28:bot", "name": "Partner Score"}, "text": "what is my score?",
            "channelData": {"tenant": {"id": TENANT}}}


async def run_setup(name: str, env: dict[str, str], instances: int, seconds: float, conversations: int,
                    service_url: str, folder: Path) -> Result:
    profile = folder / "profile.json"
    profile.write_text(json.dumps(PROFILE), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "bot", "import-profile", str(profile), "--tenant", TENANT],
                   env=env, check=True, capture_output=True)
    ports = [free_port() for _ in range(instances)]
    processes = [subprocess.Popen([sys.executable, "-m", "bot"], env={**env, "PORT": str(port)},
                                  start_new_session=True, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for port in ports]
    latencies: list[float] = []
    errors = 0
    try:
        async with aiohttp.ClientSession() as session:
            for port in ports:
                for _ in range(600):
                    with contextlib.suppress(aiohttp.ClientError):
                        async with session.get(f"http://127.0.0.1:{port}/healthz") as health:
                            if health.status == 200:
                                break
                    await asyncio.sleep(0.1)
            turn = 0

            async def one_conversation(index: int, until: float, record: bool) -> None:
                nonlocal turn, errors
                while time.monotonic() < until:
                    port = ports[turn % len(ports)]  # turns alternate between the instances
                    turn += 1
                    started = time.perf_counter()
                    async with session.post(f"http://127.0.0.1:{port}/api/messages",
                                            json=activity(service_url, f"bench-{name}-{index}")) as response:
                        await response.read()
                        ok = response.status in (200, 201)
                    if record:
                        if ok:
                            latencies.append(time.perf_counter() - started)
                        else:
                            errors += 1

            warm = time.monotonic() + 1.5  # first turns create the conversations: not measured
            await asyncio.gather(*(one_conversation(i, warm, False) for i in range(conversations)))
            started = time.monotonic()
            until = started + seconds
            await asyncio.gather(*(one_conversation(i, until, True) for i in range(conversations)))
            elapsed = time.monotonic() - started
    finally:
        for process in processes:
            stop(process)
    return Result(name, latencies, elapsed, errors)


async def bench(seconds: float, conversations: int) -> list[Result]:
    runner, service_url = await start_connector()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "STORAGE"))}
    base.update(HOST="127.0.0.1", LOG_LEVEL="ERROR", NOTIFY_DAY="28")
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            tiny = {**base, "STORAGE": "tinydb", "DATA_DIR": str(folder / "data")}
            results.append(await run_setup("TinyDB, 1 instance", tiny, 1, seconds, conversations,
                                           service_url, folder))
            azurite, connection = start_azurite(folder / "azurite")
            try:
                for count in (1, 2):
                    blob = {**base, "STORAGE": "blob", "AZURE_STORAGE_CONNECTION_STRING": connection,
                            "AZURE_STORAGE_CONTAINER": f"bench-{count}"}
                    results.append(await run_setup(f"blob (Azurite), {count} instance{'s' * (count > 1)}",
                                                   blob, count, seconds, conversations, service_url, folder))
            finally:
                stop(azurite)
    finally:
        await runner.cleanup()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--conversations", type=int, default=8)
    args = parser.parse_args()
    results = asyncio.run(bench(args.seconds, args.conversations))
    base = results[0]
    print(f"{args.conversations} conversations, {args.seconds:.0f} s per setup, 'what is my score?' turns")
    print(f"{'setup':<28}{'turns/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}"
          f"{'turns/s vs TinyDB':>19}{'p50 vs TinyDB':>15}{'errors':>8}")
    for result in results:
        mean = statistics.fmean(result.latencies) * 1000 if result.latencies else float("nan")
        print(f"{result.name:<28}{result.rate:>9.1f}{result.pct(0.5):>9.1f}{result.pct(0.99):>9.1f}{mean:>9.1f}"
              f"{result.rate / base.rate:>18.2f}x{result.pct(0.5) / base.pct(0.5):>14.2f}x{result.errors:>8}")


if __name__ == "__main__":
    main()
