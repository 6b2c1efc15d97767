"""File import speed, from receipt to preview card: prints figures (not a test).

    .venv/bin/python bench/bench_import.py [--runs 3]

A people file of 10,000 rows (target < 2 s) and an ACR file of 1,000,000 rows (target < 3 s), each
downloaded from a loopback server the way the bot fetches a Teams downloadUrl, then read, checked
against the saved profile, scored before and after, and laid out as the preview card (JSON). The ACR
file (~55 MB) is far over the chat's 10 MB limit, so the limit is raised here to measure the reading
itself; in chat, a file that large is refused before it is read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.imports.download import download
from bot.imports.preview import ReceivedFile, build_preview
from cards.import_cards import build_preview_card
from scoring import load_profile

CERTS = ["AZ-305", "AZ-104", "DP-300", "AI-102", "DP-100", "PL-300", "AZ-204", "AZ-700", "AZ-400", "AZ-140"]
SERVICES = [
    "Azure SQL Database",
    "Azure App Service",
    "Storage",
    "Azure Kubernetes Service",
    "Azure Functions",
    "Azure Cosmos DB",
    "Azure Synapse Analytics",
    "Azure Virtual Desktop",
    "Azure Monitor",
    "Azure Backup",
]
BASE = {
    "partner": {"id": "4412345", "name": "Contoso Ltd"},
    "as_of": "2026-10-31",
    "people": [
        {"id": f"p{i}", "name": f"Person {i}", "certifications": [CERTS[i % len(CERTS)]]} for i in range(500)
    ],
    "usage": {
        "eligible_customers_last_month": 5,
        "eligible_customers_same_month_last_year": 3,
        "acr_last_month": 112700.0,
        "acr_same_month_last_year": 100000.0,
        "deployed_services": ["Azure SQL Database"],
    },
}


def people_file(rows: int) -> bytes:
    rng = random.Random(1)
    lines = ["name,email,certification,expires"]
    for i in range(rows):
        person = i // 2
        lines.append(f"Person {person},person{person}@contoso.com,{rng.choice(CERTS)},2027-0{1 + i % 9}-01")
    return ("\n".join(lines) + "\n").encode()


def acr_file(rows: int) -> bytes:
    rng = random.Random(2)
    customers = [f"{rng.getrandbits(128):032x}" for _ in range(3000)]
    months = [f"{2025 + (m // 12)}-{m % 12 + 1:02d}" for m in range(22)]
    lines = ["customer,month,service,offer,association,usd"]
    for _ in range(rows):
        lines.append(
            f"{rng.choice(customers)},{rng.choice(months)},{rng.choice(SERVICES)},CSP,CSP_T1,"
            f"{rng.uniform(-50, 5000):.2f}"
        )
    return ("\n".join(lines) + "\n").encode()


async def receipt_to_card(url: str, settings: Settings, base, name: str) -> float:
    start = time.perf_counter()
    data = await download(url, settings)
    preview = build_preview(base, [ReceivedFile(name, data)], locale="en", tenant_id="bench")
    json.dumps(build_preview_card(preview.view, "en"))
    return time.perf_counter() - start


async def main(runs: int) -> None:
    bodies = {"people.csv": people_file(10_000), "acr.csv": acr_file(1_000_000)}
    app = web.Application()
    app.router.add_get("/{name}", lambda request: web.Response(body=bodies[request.match_info["name"]]))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    settings = Settings(
        import_allow_loopback_http=True, import_max_bytes=100 * 1024 * 1024, import_timeout_seconds=60
    )
    base = load_profile(BASE)
    try:
        print(f"{'file':<32}{'size':>10}{'median':>10}{'best':>10}{'target':>9}{'ratio':>8}")
        for name, label, target in (
            ("people.csv", "people, 10,000 rows", 2.0),
            ("acr.csv", "ACR records, 1,000,000 rows", 3.0),
        ):
            url = str(server.make_url(f"/{name}"))
            times = [await receipt_to_card(url, settings, base, name) for _ in range(runs)]
            median = statistics.median(times)
            print(
                f"{label:<32}{len(bodies[name]) / 1e6:>8.1f}MB{median:>9.2f}s{min(times):>9.2f}s"
                f"{target:>8.1f}s{median / target:>8.2f}"
            )
    finally:
        await server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    asyncio.run(main(parser.parse_args().runs))
