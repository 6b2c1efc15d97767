"""TinyDBStorage honours the botbuilder Storage contract (the behaviours of botbuilder-testing's
StorageBaseTests), refuses stale writes, survives SIGKILL mid-write and concurrent writers."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from botbuilder.core import ConversationState, MessageFactory, StoreItem, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import (
    DialogSet,
    PromptOptions,
    TextPrompt,
    WaterfallDialog,
    WaterfallStepContext,
)

from bot.storage.files import CorruptFileError
from bot.storage.tinydb_storage import ETagConflictError, TinyDBStorage, collection_of

WORKER = Path(__file__).with_name("storage_worker.py")


@pytest.fixture
def storage(tmp_path: Path) -> TinyDBStorage:
    store = TinyDBStorage(tmp_path)
    yield store
    store.close()


# --- the botbuilder contract -----------------------------------------------------------------------
async def test_reading_an_unknown_key_returns_an_empty_dict(storage: TinyDBStorage) -> None:
    assert await storage.read(["unknown"]) == {}


async def test_reading_or_writing_none_is_refused_with_the_sdk_messages(storage: TinyDBStorage) -> None:
    with pytest.raises(ValueError, match="Keys are required when reading"):
        await storage.read(None)
    with pytest.raises(ValueError, match="Changes are required when writing"):
        await storage.write(None)
    await storage.write({})  # no items: nothing to do, no error


async def test_created_items_read_back_with_an_etag(storage: TinyDBStorage) -> None:
    await storage.write({"createPoco": {"id": 1}, "createPocoStoreItem": {"id": 2, "e_tag": "*"}})
    items = await storage.read(["createPoco", "createPocoStoreItem"])
    assert items["createPoco"]["id"] == 1
    assert items["createPocoStoreItem"]["id"] == 2
    assert items["createPocoStoreItem"]["e_tag"] not in (None, "", "*")


async def test_store_item_objects_round_trip(storage: TinyDBStorage) -> None:
    await storage.write({"obj": StoreItem(count=3, name="Ada", e_tag="*")})
    item = (await storage.read(["obj"]))["obj"]
    assert isinstance(item, StoreItem)
    assert (item.count, item.name) == (3, "Ada")
    assert item.e_tag


async def test_crazy_keys_work(storage: TinyDBStorage) -> None:
    key = '!@#$%^&*()_+??><":QASD~`/../../etc/passwd'
    await storage.write({key: {"id": 1}})
    assert (await storage.read([key]))[key]["id"] == 1
    assert all(path.parent == storage.folder for path in storage.folder.glob("**/*.json"))


async def test_update_object_follows_the_etag_rules(storage: TinyDBStorage) -> None:
    await storage.write({"pocoItem": {"id": 1, "count": 1},
                         "pocoStoreItem": {"id": 1, "count": 1, "e_tag": "*"}})
    loaded = await storage.read(["pocoItem", "pocoStoreItem"])
    stale = dict(loaded["pocoStoreItem"])
    loaded["pocoItem"]["e_tag"] = None
    loaded["pocoItem"]["count"] += 1
    loaded["pocoStoreItem"]["count"] += 1
    await storage.write(loaded)  # current eTag: accepted
    reloaded = await storage.read(["pocoItem", "pocoStoreItem"])
    assert reloaded["pocoItem"]["count"] == 2 and reloaded["pocoStoreItem"]["count"] == 2

    stale["count"] = 123  # the eTag read before the update: refused, nothing changes
    with pytest.raises(ETagConflictError) as conflict:
        await storage.write({"pocoStoreItem": stale})
    assert "pocoStoreItem" in str(conflict.value) and "read it again" in str(conflict.value)
    assert (await storage.read(["pocoStoreItem"]))["pocoStoreItem"]["count"] == 2

    wildcard = {**stale, "count": 100, "e_tag": "*"}  # "*": last writer wins
    await storage.write({"pocoStoreItem": wildcard})
    assert (await storage.read(["pocoStoreItem"]))["pocoStoreItem"]["count"] == 100

    empty = {**wildcard, "e_tag": ""}
    with pytest.raises(ValueError, match="empty eTag"):
        await storage.write({"pocoStoreItem": empty})
    assert (await storage.read(["pocoStoreItem"]))["pocoStoreItem"]["count"] == 100


async def test_a_conflict_writes_nothing_of_the_batch(storage: TinyDBStorage) -> None:
    await storage.write({"a/1": {"v": 1}, "a/2": {"v": 1}})
    items = await storage.read(["a/1", "a/2"])
    await storage.write({"a/2": dict(items["a/2"], v=2)})
    with pytest.raises(ETagConflictError):
        await storage.write({"a/1": dict(items["a/1"], v=9), "a/2": dict(items["a/2"], v=9)})
    after = await storage.read(["a/1", "a/2"])
    assert (after["a/1"]["v"], after["a/2"]["v"]) == (1, 2)
    # Also across files: "b/..." and "z/..." live in other collections than "a/...".
    await storage.write({"z/1": {"v": 1}})
    z = (await storage.read(["z/1"]))["z/1"]
    await storage.write({"z/1": dict(z, v=2)})
    with pytest.raises(ETagConflictError):
        await storage.write({"b/1": {"v": 9}, "z/1": dict(z, v=9)})
    assert await storage.read(["b/1"]) == {} and (await storage.read(["z/1"]))["z/1"]["v"] == 2


async def test_the_writers_object_gets_the_new_etag_so_a_second_save_is_no_conflict(storage) -> None:
    await storage.write({"k": {"v": 1}})
    item = (await storage.read(["k"]))["k"]
    item["v"] = 2
    await storage.write({"k": item})
    item["v"] = 3
    await storage.write({"k": item})  # same turn, saved twice
    assert (await storage.read(["k"]))["k"]["v"] == 3


async def test_delete_removes_and_ignores_unknown_keys(storage: TinyDBStorage) -> None:
    await storage.write({"delete1": {"count": 1, "e_tag": "*"}, "batch2": {"count": 2}})
    await storage.delete(["delete1", "unknown_key"])
    assert set(await storage.read(["delete1", "batch2"])) == {"batch2"}


async def test_reads_are_copies(storage: TinyDBStorage) -> None:
    await storage.write({"k": {"nested": {"v": 1}}})
    first = (await storage.read(["k"]))["k"]
    first["nested"]["v"] = 99
    assert (await storage.read(["k"]))["k"]["nested"]["v"] == 1


async def test_data_survives_a_restart_and_keys_map_to_collection_files(tmp_path: Path) -> None:
    first = TinyDBStorage(tmp_path)
    await first.write({"msteams/conversations/c1": {"last_area": "data_ai"}, "profiles/t1": {"p": 1}})
    first.close()
    second = TinyDBStorage(tmp_path)
    got = await second.read(["msteams/conversations/c1", "profiles/t1"])
    assert got["msteams/conversations/c1"]["last_area"] == "data_ai" and got["profiles/t1"]["p"] == 1
    assert {p.name for p in tmp_path.glob("*.json")} == {"msteams.json", "profiles.json"}
    assert collection_of("msteams/users/u") == "msteams" and collection_of("plain") == "_default"
    second.close()


async def test_a_corrupt_file_is_reported_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "profiles.json").write_text('{"items": {"1": ', encoding="utf-8")
    store = TinyDBStorage(tmp_path)
    with pytest.raises(CorruptFileError, match=r"profiles\.json is not valid JSON"):
        await store.read(["profiles/t1"])
    with pytest.raises(CorruptFileError):
        await store.write({"profiles/t1": {"p": 1}})
    assert (tmp_path / "profiles.json").read_text(encoding="utf-8") == '{"items": {"1": '
    store.close()


async def test_dialog_state_persists_through_the_storage_across_a_restart(tmp_path: Path) -> None:
    """A waterfall dialog's stack (objects, not dicts) is saved and resumed by a new process."""

    def make_bot(store: TinyDBStorage):
        state = ConversationState(store)
        dialogs = DialogSet(state.create_property("dialogState"))

        async def ask(step: WaterfallStepContext):
            return await step.prompt("name", PromptOptions(prompt=MessageFactory.text("Your name?")))

        async def done(step: WaterfallStepContext):
            await step.context.send_activity(f"Hello {step.result}")
            return await step.end_dialog()

        dialogs.add(TextPrompt("name"))
        dialogs.add(WaterfallDialog("main", [ask, done]))

        async def logic(turn: TurnContext) -> None:
            dc = await dialogs.create_context(turn)
            result = await dc.continue_dialog()
            if not turn.responded and result.status.name == "Empty":
                await dc.begin_dialog("main")
            await state.save_changes(turn)

        return logic

    first = TinyDBStorage(tmp_path)
    adapter = TestAdapter(make_bot(first))
    await (await adapter.send("hi")).assert_reply("Your name?")
    first.close()
    second = TinyDBStorage(tmp_path)  # a restarted service, same data folder
    adapter.logic = make_bot(second)
    await (await adapter.send("Ada")).assert_reply("Hello Ada")
    second.close()


# --- durability and concurrency ----------------------------------------------------------------------
def _check_consistent(folder: Path) -> int:
    """The big item and its marker come from the same committed write; returns that generation."""
    data = json.loads((folder / "big.json").read_text(encoding="utf-8"))
    docs = {doc["key"]: doc["value"] for doc in data["items"].values()}
    item, marker = docs["big/item"], docs["big/marker"]
    assert hashlib.sha256(item["blob"].encode()).hexdigest() == item["digest"]
    assert item["generation"] == marker["generation"]
    return item["generation"]


def test_sigkill_while_writing_leaves_the_previous_file_intact(tmp_path: Path) -> None:
    generations = []
    for delay in (0.35, 0.5, 0.65, 0.8, 1.0):
        proc = subprocess.Popen([sys.executable, str(WORKER), "churn", str(tmp_path)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        proc.stdout.readline()  # at least one generation committed
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        printed = [int(line) for line in proc.stdout.read().split()]
        generation = _check_consistent(tmp_path)
        # What is on disk is a whole committed write, at least the last one the writer reported.
        assert generation >= (printed[-1] if printed else 1)
        generations.append(generation)
        leftovers = list(tmp_path.glob(".*.tmp"))
        for leftover in leftovers:  # a kill mid-write may leave its temp file; never the real one
            leftover.unlink()
    assert len(generations) == 5


async def test_concurrent_turns_incrementing_one_key_never_lose_an_update(storage: TinyDBStorage) -> None:
    async def increment() -> None:
        while True:
            item = (await storage.read(["counter"]))["counter"]
            await asyncio.sleep(0)  # let other turns read the same version
            item["count"] += 1
            try:
                await storage.write({"counter": item})
                return
            except ETagConflictError:
                continue

    await storage.write({"counter": {"count": 0}})  # creation itself has no eTag to compare
    await asyncio.gather(*(increment() for _ in range(40)))
    assert (await storage.read(["counter"]))["counter"]["count"] == 40


async def test_concurrent_writes_to_many_keys_all_land(storage: TinyDBStorage) -> None:
    await asyncio.gather(*(storage.write({f"msteams/conversations/c{i}": {"i": i}}) for i in range(60)))
    keys = [f"msteams/conversations/c{i}" for i in range(60)]
    got = await storage.read(keys)
    assert [got[key]["i"] for key in keys] == list(range(60))


def test_processes_incrementing_one_key_never_lose_an_update(tmp_path: Path) -> None:
    asyncio.run(_create(tmp_path, "jobs/counter"))
    procs = [subprocess.Popen([sys.executable, str(WORKER), "increment", str(tmp_path), "jobs/counter", "25"])
             for _ in range(4)]
    assert [proc.wait(timeout=120) for proc in procs] == [0, 0, 0, 0]
    result = asyncio.run(_read(tmp_path, ["jobs/counter"]))
    assert result["jobs/counter"]["count"] == 100


def test_processes_writing_different_keys_to_one_file_keep_each_others_writes(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, str(WORKER), "distinct", str(tmp_path), f"p{n}", "30"])
             for n in range(3)]
    assert [proc.wait(timeout=120) for proc in procs] == [0, 0, 0]
    keys = [f"shared/p{n}-{i}" for n in range(3) for i in range(30)]
    result = asyncio.run(_read(tmp_path, keys))
    assert sorted(result) == sorted(keys)


async def _create(folder: Path, key: str) -> None:
    store = TinyDBStorage(folder)
    await store.write({key: {"count": 0}})
    store.close()


async def _read(folder: Path, keys: list[str]) -> dict:
    store = TinyDBStorage(folder)
    try:
        return await store.read(keys)
    finally:
        store.close()


def test_no_temp_file_is_left_after_normal_writes(tmp_path: Path) -> None:
    asyncio.run(_write_some(tmp_path))
    assert not list(tmp_path.glob(".*.tmp"))
    assert os.path.exists(tmp_path / "x.json")


async def _write_some(folder: Path) -> None:
    store = TinyDBStorage(folder)
    for i in range(5):
        await store.write({"x/k": {"i": i}})
    store.close()
