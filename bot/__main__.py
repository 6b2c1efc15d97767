"""`python -m bot` (the service), `python -m bot import-profile FILE --tenant ID` (or `--people FILE`,
`--records FILE` with a preview and `--yes` to apply), `python -m bot notify [--month YYYY-MM]`,
`python -m bot check-storage [--quarantine]`, `python -m bot export-tenant --tenant ID`,
`python -m bot erase-tenant --tenant ID --yes`, `python -m bot migrate-storage --from tinydb --to blob`
(or back).
Exit codes: 0 ok, 1 damaged items found (check-storage) or items a migration would not overwrite,
2 invalid input, settings or unusable storage."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from aiohttp import web

_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Partner Score Assistant bot service.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the bot service (the default)")
    imp = sub.add_parser("import-profile", help="store a partner profile for a Teams tenant")
    imp.add_argument("profile", type=Path, nargs="?", help="profile JSON file (see ARCHITECTURE.md)")
    imp.add_argument("--tenant", required=True, help="the Teams tenant id (channelData.tenant.id)")
    imp.add_argument("--people", type=Path, help="people and certifications, CSV or .xlsx (see README)")
    imp.add_argument("--records", type=Path, help="ACR records (or Partner Center AzureUsage), CSV or .xlsx")
    imp.add_argument("--yes", action="store_true", help="with --people/--records: apply the preview")
    notify = sub.add_parser("notify", help="run the monthly notification job once, now")
    notify.add_argument("--month", help="the month to notify, YYYY-MM (default: the month due)")
    check = sub.add_parser("check-storage", help="list damaged stored items (reads every item)")
    check.add_argument("--quarantine", action="store_true",
                       help="move each damaged item into the store's quarantine (never deleted)")
    export = sub.add_parser("export-tenant", help="print everything held for a tenant as one JSON document")
    export.add_argument("--tenant", required=True, help="the Teams tenant id (channelData.tenant.id)")
    erase = sub.add_parser("erase-tenant", help="erase everything held for a tenant")
    erase.add_argument("--tenant", required=True, help="the Teams tenant id (channelData.tenant.id)")
    erase.add_argument("--yes", action="store_true", help="confirm: the erasure cannot be undone")
    migrate = sub.add_parser("migrate-storage", help="copy every stored item to the other backend")
    migrate.add_argument("--from", dest="source", required=True, choices=["tinydb", "blob"])
    migrate.add_argument("--to", dest="target", required=True, choices=["tinydb", "blob"])
    return parser


def _check_tenant(tenant: str) -> str | None:
    """The error message for a tenant id that is not one, else None."""
    if _TENANT.match(tenant):
        return None
    return (f"--tenant {tenant!r} is not a tenant id (letters, digits, '-', '.', '_'; "
            "e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47)")


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def build_app(settings: Settings) -> web.Application:
    """The service's app, as `serve` starts it.

    Start-up makes ~200k long-lived objects (modules, models, the catalog) and almost no garbage:
    the collector's passes over them cost a tenth of the start-up, and later every full pass walked
    them again in the middle of a turn (~100 ms: the turns' p99). So no collection while starting;
    then they are frozen out of the collector (the garbage left among them is a few KB)."""
    gc.disable()
    try:
        from bot.app import create_app
        from bot.services import build_services

        _configure_logging(settings)
        app = create_app(build_services(settings))
    finally:
        gc.freeze()
        gc.enable()
    return app


def serve(settings: Settings) -> int:
    from bot.app import SERVICES_KEY
    from bot.server import serve as serve_http

    app = build_app(settings)
    mode = "local mode, no authentication" if settings.local_mode else f"app id {settings.app_id}"
    logging.getLogger("bot").info("listening on %s:%s (%s), data in %s", settings.host, settings.port,
                                  mode, app[SERVICES_KEY].storage.describe())
    serve_http(app, settings.host, settings.port)
    return 0


async def import_profile(settings: Settings, path: Path, tenant: str) -> int:
    from bot.services import utc_now
    from bot.storage.base import StorageError
    from bot.storage.factory import open_storage
    from bot.stores import ProfileStore
    from bot.trust.versions import VersionStore
    from scoring import ProfileError, load_profile

    tenant = tenant.strip()
    if problem := _check_tenant(tenant):
        return _fail(problem)
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
    # A storage failure is told in one line below; the storage's own log line would repeat it.
    logging.basicConfig(level=logging.CRITICAL)
    try:
        storage = open_storage(settings)
    except (StorageError, OSError) as error:
        return _fail(f"the store cannot be opened: {_storage_problem(error)}")
    try:
        # A new version like any change (via "command line"), so it can be listed and undone.
        versions = VersionStore(storage, ProfileStore(storage), utc_now, settings.version_retention_months)
        entry = await versions.save(tenant, profile, via="command_line")
    except (StorageError, OSError) as error:
        return _fail(f"the profile was not stored: {_storage_problem(error)}")
    finally:
        await storage.close()
    name = profile.partner.name or profile.partner.id
    print(f"stored the profile of {name} ({len(profile.people)} people, as of {profile.as_of}) "
          f"for tenant {tenant} in {storage.describe()} as version {entry.number}")
    return 0


async def export_tenant(settings: Settings, tenant: str) -> int:
    from bot.services import build_services
    from bot.trust.tenant_data import TenantData

    tenant = tenant.strip()
    if problem := _check_tenant(tenant):
        return _fail(problem)
    services = build_services(settings)
    try:
        document = await TenantData(services.storage, services.clock).export(tenant)
    finally:
        await services.close()
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


async def erase_tenant(settings: Settings, tenant: str, yes: bool) -> int:
    from bot.services import build_services
    from bot.trust.tenant_data import TenantData

    tenant = tenant.strip()
    if problem := _check_tenant(tenant):
        return _fail(problem)
    if not yes:
        return _fail(f"erasing tenant {tenant} cannot be undone; run `python -m bot export-tenant "
                     f"--tenant {tenant}` first if the data is wanted, then add --yes")
    services = build_services(settings)
    try:
        counts = await TenantData(services.storage, services.clock).erase(tenant)
    finally:
        await services.close()
    print(f"erased tenant {tenant}: profile {counts['profile']}, versions {counts['versions']}, "
          f"score history months {counts['score_history_months']}, conversations {counts['conversations']}")
    return 0


async def import_files(settings: Settings, tenant: str, people: Path | None, records: Path | None,
                       apply: bool) -> int:
    """The chat's file import from the command line: the same preview, printed; `--yes` applies it."""
    import datetime as dt

    from bot.imports import ImportProblem, ReceivedFile, apply_import, build_preview
    from bot.imports.chat import problem_text
    from bot.storage.factory import open_storage
    from bot.stores import ProfileStore
    from cards.import_cards import preview_text

    tenant = tenant.strip()
    if not _TENANT.match(tenant):
        return _fail(f"--tenant {tenant!r} is not a tenant id")
    files = []
    for path, kind in ((people, "people"), (records, "acr")):
        if path is None:
            continue
        try:
            files.append(ReceivedFile(path.name, path.read_bytes(), expected=kind))
        except OSError as error:
            return _fail(f"{path}: cannot read it ({error})")
    storage = open_storage(settings)
    try:
        store = ProfileStore(storage)
        try:
            base = await store.get(tenant)
        except ValueError as error:
            return _fail(f"the saved profile of tenant {tenant} does not load: {error}")
        try:
            preview = build_preview(base, files, locale="en", tenant_id=tenant,
                                    today=dt.datetime.now(dt.UTC).date())
        except ImportProblem as problem:
            return _fail(problem_text("en", problem))
        print(preview_text(preview.view, "en"))
        if not apply:
            print("nothing was saved; run again with --yes to apply")
            return 0
        try:
            # A new version like any change (via "file import"), so it can be listed and undone.
            from bot.services import utc_now
            from bot.trust.versions import VersionStore

            versions = VersionStore(storage, store, utc_now, settings.version_retention_months)

            async def save(profile: Any) -> None:
                await versions.save(tenant, profile, via="file_import")

            await apply_import(store, tenant, preview, save)
        except ImportProblem as problem:
            return _fail(problem_text("en", problem))
    finally:
        await storage.close()
    print(f"saved for tenant {tenant} in {storage.describe()}")
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
    from bot.storage.base import StorageError

    _configure_logging(settings)
    try:
        services = build_services(settings)
    except (StorageError, OSError) as error:
        return _fail(f"the store cannot be opened: {_storage_problem(error)}")
    try:
        summary = await run_notify(services, month)
    except MonthNotDueError as error:
        return _fail(str(error))
    except (StorageError, OSError) as error:
        return _fail(f"the notification run stopped: {_storage_problem(error)}; run it again to finish")
    finally:
        await services.close()
    print(summary)
    return 0


def _storage_problem(error: BaseException) -> str:
    """One line for a storage failure (a damaged item, a full disk...), without a traceback."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error).splitlines()[0] if str(error) else type(error).__name__


async def check_storage(settings: Settings, quarantine: bool) -> int:
    from bot.storage.base import StorageError
    from bot.storage.factory import open_storage

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        storage = open_storage(settings)
    except (StorageError, OSError) as error:
        return _fail(f"the store cannot be opened: {_storage_problem(error)}")
    try:
        damaged = await storage.scan_damaged()
        for entry in damaged:
            keys = f" (keys: {', '.join(entry.keys)})" if entry.keys else ""
            line = f"damaged: {entry.location}: {entry.problem}{keys}"
            if quarantine:
                line += f" -> quarantined as {await storage.quarantine(entry)}"
            print(line)
    except (StorageError, OSError) as error:
        return _fail(f"the store cannot be checked: {_storage_problem(error)}")
    finally:
        await storage.close()
    if not damaged:
        print(f"no damaged items in {storage.describe()}")
        return 0
    verb = "quarantined" if quarantine else "found (run with --quarantine to move them aside)"
    print(f"{len(damaged)} damaged item(s) {verb}")
    return 0 if quarantine else 1


async def migrate_storage(source_kind: str, target_kind: str) -> int:
    from bot.storage.base import StorageError
    from bot.storage.factory import open_storage
    from bot.storage.migrate import migrate

    if source_kind == target_kind:
        return _fail(f"--from and --to are both {source_kind}; name two different stores")
    try:  # each side's own settings (DATA_DIR; AZURE_STORAGE_*), checked like at start-up
        source_settings = load_settings(storage=source_kind)
        target_settings = load_settings(storage=target_kind)
    except SettingsError as error:
        return _fail(str(error))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    source, target = open_storage(source_settings), open_storage(target_settings)
    print(f"copying every item from {source.describe()} to {target.describe()}")
    try:
        report = await migrate(source, target, progress=print)
    except (StorageError, OSError) as error:
        return _fail(f"the copy stopped: {_storage_problem(error)}; nothing in the target was "
                     "overwritten: run the same command again to carry on")
    finally:
        await source.close()
        await target.close()
    print("\n".join(report.lines()))
    if not report.complete:
        print("error: the copy is not complete (see above); nothing in the target was overwritten",
              file=sys.stderr)
        return 1
    print(f"done: the {target_kind} store holds every item; set STORAGE={target_kind} and restart")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "migrate-storage":
        return asyncio.run(migrate_storage(args.source, args.target))
    try:
        settings = load_settings()
    except SettingsError as error:
        return _fail(str(error))
    if args.command == "import-profile":
        if args.people or args.records:
            if args.profile is not None:
                return _fail("give a profile JSON file or --people/--records, not both")
            return asyncio.run(import_files(settings, args.tenant, args.people, args.records, args.yes))
        if args.profile is None:
            return _fail("import-profile needs a profile JSON file, or --people/--records")
        return asyncio.run(import_profile(settings, args.profile, args.tenant))
    if args.command == "check-storage":
        return asyncio.run(check_storage(settings, args.quarantine))
    if args.command == "notify":
        return asyncio.run(notify(settings, args.month))
    if args.command == "export-tenant":
        return asyncio.run(export_tenant(settings, args.tenant))
    if args.command == "erase-tenant":
        return asyncio.run(erase_tenant(settings, args.tenant, args.yes))
    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())
