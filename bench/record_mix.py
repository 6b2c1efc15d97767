"""The ACR records the scoring benches score, and the services, offers and partner associations they are
drawn from (one mix for bench_scoring.py and bench_records.py, so both time the same records)."""

from __future__ import annotations

import random

SERVICES = [
    "Azure SQL Database",
    "Azure App Service",
    "Storage",
    "Virtual Machines",
    "Azure Functions",
    "Azure Kubernetes Service",
    "Azure Cosmos DB",
    "Key Vault",
    "Azure Monitor",
    "Virtual Machines Licenses",
]
OFFERS = ["Azure plan", "Azure plan", "Azure plan", "Trial", "Support"]
ASSOCIATIONS = ["CSP_T1", "CSP_T2", "DPOR", "PAL", "TPOR", "NONE"]


def record_rows(n: int, rng: random.Random | None = None) -> list[dict]:
    """`n` records over two years of history ending at the last complete month (the windows the rules
    look at); the same records for the same seed (42 unless `rng` is given)."""
    rng = rng or random.Random(42)
    months = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)][8:33]
    return [
        {
            "customer": f"tenant-{rng.randrange(20_000):05d}",
            "month": rng.choice(months),
            "service": rng.choice(SERVICES),
            "offer": rng.choice(OFFERS),
            "association": rng.choice(ASSOCIATIONS),
            "usd": round(rng.uniform(-50, 900), 2),
        }
        for _ in range(n)
    ]
