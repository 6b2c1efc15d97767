"""Run the notification job in a process of its own (the two-process tests).

Usage: python notify_worker.py DATA_DIR MONTH START_ISO CONFIG_JSON
The clock starts at START_ISO and runs in real time; the summary is printed as JSON.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time

from bot.config import Settings
from bot.notifications import run_notify
from bot.notifications.config import NotifyConfig
from bot.services import build_services


async def main(data_dir: str, month: str, start_iso: str, config_json: str) -> None:
    start = dt.datetime.fromisoformat(start_iso)
    origin = time.monotonic()
    services = build_services(
        Settings(data_dir=data_dir), clock=lambda: start + dt.timedelta(seconds=time.monotonic() - origin)
    )
    services.extras["notify_config"] = NotifyConfig.model_validate_json(config_json)
    try:
        summary = await run_notify(services, month)
    finally:
        await services.close()
    print(summary.model_dump_json(), flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
