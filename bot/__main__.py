"""`python -m bot` (the service), `python -m bot import-profile FILE --tenant ID`,
`python -m bot notify [--month YYYY-MM]`. Exit codes: 0 ok, 2 invalid input or settings."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings, SettingsError, load_settings

_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Partner Score Assistant bot service.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the bot service (the default)")
    imp = sub.add_parser("import-profile", help="store a partner profile for a Teams tenant")
    imp.add_argument("profile", type=Path, help="profile JSON file (see ARCHITECTURE.md)")
    imp.add_argument("--tenant", required=True, help="the Teams tenant id (channelData.tenant.id)")
    notify = sub.add_parser("notify", help="run the monthly notification job once, now")
    notify.add_argument("--month", help="the month to notify, YYYY-MM (default: the month due)")
    return parser


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def serve(settings: Settings) -> int:
    from bot.app import create_app
    from bot.server import serve as serve_http
    from bot.services import build_services

    _configure_logging(settings)
    app = create_app(build_services(settings))
    mode = "local mode, no authentication" if settings.local_mode else f"app id {settings.app_id}"
    logging.getLogger("bot").info("listening on %s:%s (%s), data in %s", settings.host, settings.port,
                                  mode, settings.data_dir.resolve())
    serve_http(app, settings.host, settings.port)
    return 0


async def import_profile(settings: Settings, path: Path, tenant: str) -> int:
    from bot.storage.tinydb_storage import TinyDBStorage
    from bot.stores import ProfileStore
    from scoring import ProfileError, load_profile

    tenant = tenant.strip()
    if not _TENANT.match(tenant):
        return _fail(f"--tenant {tenant!r} is not a tenant id (letters, digits, '-', '.', '_'; "
                     "e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47)")
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _fail(f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as error:
        return _fail(f"{path}: cannot read it ({error})")
    try:
        data: Any = json.loads(raw)
    except ValueError as error:
        return _fail(f"{path}: not valid JSON ({error})")
    try:
        profile = load_profile(data)
    except ProfileError as error:
        print(f"error: {path}: the profile was refused, nothing was stored:\n{error}", file=sys.stderr)
        return 2
    storage = TinyDBStorage(settings.data_dir)
    try:
        await ProfileStore(storage).put(tenant, profile)
    finally:
        storage.close()
    name = profile.partner.name or profile.partner.id
    print(f"stored the profile of {name} ({len(profile.people)} people, as of {profile.as_of}) "
          f"for tenant {tenant} in {settings.data_dir}")
    return 0


async def notify(settings: Settings, month: str | None) -> int:
    from bot.notifications import MonthNotDueError, run_notify
    from bot.services import build_services
    from bot.stores import check_month

    if month is not None:
        try:
            check_month(month)  # the month format of the score history keys
        except ValueError:
            return _fail(f"--month {month!r} is not a month; use YYYY-MM, e.g. 2026-10")
    _configure_logging(settings)
    services = build_services(settings)
    try:
        summary = await run_notify(services, month)
    except MonthNotDueError as error:
        return _fail(str(error))
    finally:
        await services.close()
    print(summary)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        return _fail(str(error))
    if args.command == "import-profile":
        return asyncio.run(import_profile(settings, args.profile, args.tenant))
    if args.command == "notify":
        return asyncio.run(notify(settings, args.month))
    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())
