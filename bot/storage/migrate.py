"""`python -m bot migrate-storage --from tinydb --to blob` (or back): copy every item to the other store.

- Every key of the source is listed page by page (memory: one page) and copied with `IF_ABSENT`, so
  nothing in the target is ever replaced.
- Resumable and idempotent: an item already in the target with the same content counts as done; run
  it again after an interruption and it carries on.
- Refuses to overwrite newer data: a target item that differs from the source (written there after
  the switch, or changed in the source after an earlier copy) is kept and reported; the exit code
  says so, and the operator decides.
- Verifies: every source item is read back from the target and compared, and the counts are printed.
Run it with the service stopped (or before switching `STORAGE`), so that no turn changes the source
while it is copied.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.storage import codec
from bot.storage.base import IF_ABSENT, DamagedItemError, ETagConflictError, ItemStorage

PAGE = 200


@dataclass
class MigrationReport:
    source_items: int = 0
    copied: int = 0
    already_there: int = 0
    kept_in_target: list[str] = field(default_factory=list)  # the target differs: never overwritten
    damaged_in_source: list[str] = field(default_factory=list)
    verified: int = 0
    missing_after_copy: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return (not self.kept_in_target and not self.damaged_in_source and not self.missing_after_copy
                and self.verified == self.source_items)

    def lines(self) -> list[str]:
        out = [f"source items: {self.source_items}", f"copied: {self.copied}",
               f"already in the target (same content): {self.already_there}",
               f"kept in the target because it differs (not overwritten): {len(self.kept_in_target)}",
               f"damaged in the source (not copied): {len(self.damaged_in_source)}",
               f"verified in the target: {self.verified} of {self.source_items}"]
        out += [f"  differs in the target, kept: {key}" for key in self.kept_in_target]
        out += [f"  damaged in the source: {key}" for key in self.damaged_in_source]
        out += [f"  missing or different after the copy: {key}" for key in self.missing_after_copy]
        return out


def _content(item: Any) -> str:
    """An item's stored JSON, comparable across backends (its e_tag left out)."""
    return json.dumps(codec.encode(item), sort_keys=True, ensure_ascii=False)


async def _read_each(storage: ItemStorage, keys: list[str], damaged: list[str] | None) -> dict[str, Any]:
    """Read a page; a damaged item is listed (if asked) rather than stopping the whole copy."""
    try:
        return await storage.read(keys)
    except DamagedItemError:
        found: dict[str, Any] = {}
        for key in keys:
            try:
                found.update(await storage.read([key]))
            except DamagedItemError:
                if damaged is not None:
                    damaged.append(key)
        return found


async def migrate(source: ItemStorage, target: ItemStorage,
                  progress: Callable[[str], None] | None = None) -> MigrationReport:
    report = MigrationReport()
    continuation: str | None = None
    while True:
        page = await source.list_keys("", page_size=PAGE, continuation=continuation)
        if page.keys:
            await _copy_page(source, target, page.keys, report)
            if progress is not None:
                progress(f"... {report.source_items} items")
        if (continuation := page.continuation) is None:
            break
    await _verify(source, target, report)
    return report


async def _copy_page(source: ItemStorage, target: ItemStorage, keys: list[str],
                     report: MigrationReport) -> None:
    items = await _read_each(source, keys, report.damaged_in_source)
    report.source_items += len(items) + sum(1 for key in keys if key in report.damaged_in_source)
    existing = await _read_each(target, list(items), report.kept_in_target)
    copies: dict[str, Any] = {}
    for key, item in items.items():
        if key in report.kept_in_target:
            continue  # damaged in the target: left alone, reported
        if key in existing:
            if _content(existing[key]) == _content(item):
                report.already_there += 1
            else:
                report.kept_in_target.append(key)
            continue
        copy = codec.decode(codec.encode(item), IF_ABSENT)
        if not isinstance(copy, dict):
            raise TypeError(f"{key}: stored items are JSON objects, got {type(copy).__name__}")
        copies[key] = copy
    if not copies:
        return
    try:
        await target.write(copies)  # one batch: one commit on TinyDB, parallel uploads on blob
        report.copied += len(copies)
        return
    except ETagConflictError:
        pass  # some key was created in the target meanwhile: settle them one by one
    for key, copy in copies.items():
        try:
            await target.write({key: codec.decode(codec.encode(copy), IF_ABSENT)})
            report.copied += 1
        except ETagConflictError:  # there already (this batch, or someone else): never overwritten
            now = (await target.read([key])).get(key)
            if now is not None and _content(now) == _content(items[key]):
                report.already_there += 1
            else:
                report.kept_in_target.append(key)


async def _verify(source: ItemStorage, target: ItemStorage, report: MigrationReport) -> None:
    skipped = set(report.kept_in_target) | set(report.damaged_in_source)
    continuation: str | None = None
    while True:
        page = await source.list_keys("", page_size=PAGE, continuation=continuation)
        keys = [key for key in page.keys if key not in skipped]
        items = await _read_each(source, keys, None)
        copies = await _read_each(target, list(items), None)
        for key, item in items.items():
            if key in copies and _content(copies[key]) == _content(item):
                report.verified += 1
            else:
                report.missing_after_copy.append(key)
        if (continuation := page.continuation) is None:
            return
