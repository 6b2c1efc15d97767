"""Run the notification job in a process of its own (the two-process tests).

Usage: python notify_worker.py DATA_DIR MONTH START_ISO CONFIG_JSON [RUN_ID]
The clock starts at START_ISO and runs in real time; the summary is printed as JSON on stdout, the
job's log (INFO) goes to stderr.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sys
import time

from bot.config import Settings
from bot.notifications import run_notify
from bot.notifications.config import NotifyConfig
from bot.services import build_services


async def main(data_dir: str, month: str, start_iso: str, config_json: str,
               run_id: str | None = None) -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    start = dt.datetime.fromisoformat(start_iso)
    origin = time.monotonic()
    services = build_services(
        Settings(data_dir=data_dir), clock=lambda: start + dt.timedelta(seconds=time.monotonic() - origin)
    )
    services.extras["notify_config"] = NotifyConfig.model_validate_json(config_json)
    try:
        summary = await run_notify(services, month, run_id=run_id)
    finally:
        await services.close()
    print(summary.model_dump_json(), flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
