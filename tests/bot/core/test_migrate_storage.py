"""`python -m bot migrate-storage --from tinydb --to blob` and back: every item copied, resumable,
idempotent, never overwriting what differs in the target, counts printed and verified."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from azurite import Azurite, azurite, blob_container  # noqa: F401 (fixtures)
from botbuilder.dialogs import DialogInstance, DialogState

from bot.config import Settings
from bot.storage.base import ItemStorage, iter_keys
from bot.storage.factory import open_storage
from bot.storage.migrate import migrate

DIALOG_KEY = "msteams/conversations/a:19:abc@thread.v2"


def items() -> dict[str, dict[str, object]]:
    """Fresh objects each time (a write sets its new e_tag on the objects it was given)."""
    return {
        "profiles/t1": {"profile": {"partner": {"name": "Contoso"}}},
        "history/t1/2026-10": {"scorecard": {"x": 1}},
        "notify/conversations/t1/a%3A19%3Aabc": {"subscribed": True},
        DIALOG_KEY: {"dialogState": DialogState([DialogInstance("intake", {"n": 1})])},
        **{f"msteams/users/u{n:03d}": {"n": n} for n in range(250)},  # two listing pages
    }


def settings_for(kind: str, tmp_path: Path, emulator: Azurite, container: str) -> Settings:
    return Settings(storage=kind, data_dir=tmp_path / "data", azure_storage_container=container,
                    azure_storage_connection_string=emulator.connection_string)


@pytest.fixture
async def stores(tmp_path: Path, azurite: Azurite, blob_container: str  # noqa: F811
                 ) -> AsyncIterator[dict[str, ItemStorage]]:
    opened = {kind: open_storage(settings_for(kind, tmp_path, azurite, blob_container))
              for kind in ("tinydb", "blob")}
    yield opened
    for store in opened.values():
        await store.close()


async def _contents(store: ItemStorage) -> dict[str, object]:
    keys = [key async for key in iter_keys(store, "")]
    items = await store.read(keys)
    return {key: {k: v for k, v in item.items() if k != "e_tag" and k != "dialogState"}
            for key, item in items.items()}


@pytest.mark.parametrize(("source", "target"), [("tinydb", "blob"), ("blob", "tinydb")])
async def test_every_item_is_copied_and_verified_and_a_rerun_copies_nothing(
        stores: dict[str, ItemStorage], source: str, target: str) -> None:
    await stores[source].write(items())
    report = await migrate(stores[source], stores[target])
    assert (report.source_items, report.copied, report.already_there, report.verified) == (254, 254, 0, 254)
    assert report.complete
    assert await _contents(stores[target]) == await _contents(stores[source])
    dialog = (await stores[target].read([DIALOG_KEY]))[DIALOG_KEY]["dialogState"]
    assert [(i.id, i.state) for i in dialog.dialog_stack] == [("intake", {"n": 1})]
    again = await migrate(stores[source], stores[target])
    assert (again.copied, again.already_there, again.verified, again.complete) == (0, 254, 254, True)


async def test_an_interrupted_copy_resumes_where_it_stopped(stores: dict[str, ItemStorage]) -> None:
    await stores["tinydb"].write(items())
    half = dict(list(items().items())[:200])  # what a first, interrupted run had copied
    await stores["blob"].write(half)
    report = await migrate(stores["tinydb"], stores["blob"])
    assert (report.copied, report.already_there, report.verified, report.complete) == (54, 200, 254, True)


async def test_newer_data_in_the_target_is_never_overwritten(stores: dict[str, ItemStorage]) -> None:
    await stores["tinydb"].write({"profiles/t1": {"v": "old"}, "profiles/t2": {"v": "same"}})
    await stores["blob"].write({"profiles/t1": {"v": "newer, written after the switch"}})
    report = await migrate(stores["tinydb"], stores["blob"])
    assert report.kept_in_target == ["profiles/t1"] and not report.complete
    assert (report.copied, report.verified, report.source_items) == (1, 1, 2)
    kept = (await stores["blob"].read(["profiles/t1"]))["profiles/t1"]
    assert kept["v"] == "newer, written after the switch"
    assert "  differs in the target, kept: profiles/t1" in report.lines()


def _cli(source: str, target: str, data_dir: Path, emulator: Azurite, container: str
         ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "STORAGE"))}
    env.update(DATA_DIR=str(data_dir), AZURE_STORAGE_CONNECTION_STRING=emulator.connection_string,
               AZURE_STORAGE_CONTAINER=container)
    return subprocess.run([sys.executable, "-m", "bot", "migrate-storage", "--from", source, "--to", target],
                          env=env, capture_output=True, text=True, timeout=120)


async def test_the_command_copies_there_and_back_and_prints_the_counts(
        tmp_path: Path, azurite: Azurite, blob_container: str) -> None:  # noqa: F811
    first = open_storage(settings_for("tinydb", tmp_path, azurite, blob_container))
    await first.write({"profiles/t1": {"v": 1}, "history/t1/months": {"months": ["2026-10"]}})
    await first.close()
    there = _cli("tinydb", "blob", tmp_path / "data", azurite, blob_container)
    assert there.returncode == 0, there.stderr
    assert "source items: 2" in there.stdout and "copied: 2" in there.stdout
    assert "verified in the target: 2 of 2" in there.stdout and "set STORAGE=blob" in there.stdout
    back = _cli("blob", "tinydb", tmp_path / "back", azurite, blob_container)
    assert back.returncode == 0 and "copied: 2" in back.stdout, back.stderr
    returned = open_storage(settings_for("tinydb", tmp_path / "back", azurite, blob_container).model_copy(
        update={"data_dir": tmp_path / "back"}))
    assert (await returned.read(["profiles/t1"]))["profiles/t1"]["v"] == 1
    await returned.close()
    same = _cli("tinydb", "tinydb", tmp_path / "data", azurite, blob_container)
    assert same.returncode == 2 and "both tinydb" in same.stderr
