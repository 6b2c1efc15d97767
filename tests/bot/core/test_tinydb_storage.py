"""TinyDBStorage honours the botbuilder Storage contract (the behaviours of botbuilder-testing's
StorageBaseTests), refuses stale writes, survives SIGKILL mid-write and concurrent writers."""

from __future__ import annotations

import asyncio
import contextlib
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

from bot.storage import files, layout, tinydb_storage
from bot.storage.files import CorruptFileError
from bot.storage.tinydb_storage import ETagConflictError, TinyDBStorage, collection_of

WORKER = Path(__file__).with_name("storage_worker.py")
sys.path.insert(0, str(WORKER.parent))
from storage_worker import one_shard_keys  # noqa: E402  (a script beside the tests, not a package)


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
    assert {p.name for p in tmp_path.glob("*.json")} == {layout.file_name_of("msteams/conversations/c1"),
                                                          layout.file_name_of("profiles/t1")}
    assert collection_of("msteams/users/u") == "msteams" and collection_of("plain") == "_default"
    assert layout.file_name_of("msteams/conversations/c1").startswith("msteams.")
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
# A marker key stored in the same shard file as the big item: one file, one atomic replace.
MARKER = next(key for key in (f"big/marker-{n}" for n in range(10_000))
              if layout.file_name_of(key) == layout.file_name_of("big/item"))


def _check_consistent(folder: Path) -> int:
    """The big item and its marker come from the same committed write; returns that generation."""
    data = json.loads((folder / layout.file_name_of("big/item")).read_text(encoding="utf-8"))
    docs = {doc["key"]: doc["value"] for doc in data["items"].values()}
    item, marker = docs["big/item"], docs[MARKER]
    assert hashlib.sha256(item["blob"].encode()).hexdigest() == item["digest"]
    assert item["generation"] == marker["generation"]
    return item["generation"]


def test_sigkill_while_writing_leaves_the_previous_file_intact(tmp_path: Path) -> None:
    generations = []
    for delay in (0.35, 0.5, 0.65, 0.8, 1.0):
        proc = subprocess.Popen([sys.executable, str(WORKER), "churn", str(tmp_path), MARKER],
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
    # Every worker starts incrementing at the same moment (after its slow start-up), so they
    # contend for the whole run even on a loaded machine; the bound is generous for the same reason.
    workers, times = 4, 15
    asyncio.run(_create(tmp_path, "jobs/counter"))
    procs = [subprocess.Popen([sys.executable, str(WORKER), "increment", str(tmp_path), "jobs/counter",
                               str(times)], stdout=subprocess.PIPE, text=True) for _ in range(workers)]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        (tmp_path / "start-increments").touch()
        assert [proc.wait(timeout=600) for proc in procs] == [0] * workers
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    result = asyncio.run(_read(tmp_path, ["jobs/counter"]))
    assert result["jobs/counter"]["count"] == workers * times


def test_processes_writing_different_keys_to_one_file_keep_each_others_writes(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, str(WORKER), "oneshard", str(tmp_path), f"p{n}", "30"])
             for n in range(3)]
    assert [proc.wait(timeout=600) for proc in procs] == [0, 0, 0]
    keys = [key for n in range(3) for key in one_shard_keys(f"p{n}", 30)]
    assert len(keys) == 90 and len({layout.file_name_of(key) for key in keys}) == 1
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
    assert os.path.exists(tmp_path / layout.file_name_of("x/k"))


async def _write_some(folder: Path) -> None:
    store = TinyDBStorage(folder)
    for i in range(5):
        await store.write({"x/k": {"i": i}})
    store.close()


# --- sharding: one small file per write, and the files of the single-file layout ---------------------
def _two_keys_in_different_shards(space: str) -> tuple[str, str]:
    first = f"{space}/k0"
    second = next(key for key in (f"{space}/k{n}" for n in range(1, 1000))
                  if layout.file_name_of(key) != layout.file_name_of(first))
    return first, second


async def test_a_write_rewrites_only_the_shard_of_its_key(storage: TinyDBStorage) -> None:
    await storage.write({f"msteams/conversations/c{i}": {"i": i} for i in range(300)})
    shards = {path.name: path.stat().st_mtime_ns for path in storage.folder.glob("msteams.*.json")}
    assert 100 < len(shards) <= layout.SHARDS  # spread, and bounded
    await storage.write({"msteams/conversations/c7": {"i": 70}})
    changed = {path.name for path in storage.folder.glob("msteams.*.json")
               if path.stat().st_mtime_ns != shards[path.name]}
    assert changed == {layout.file_name_of("msteams/conversations/c7")}


async def test_a_conflict_on_one_shard_writes_nothing_on_the_others(storage: TinyDBStorage) -> None:
    first, second = _two_keys_in_different_shards("msteams")
    await storage.write({first: {"v": 1}, second: {"v": 1}})
    items = await storage.read([first, second])
    await storage.write({second: dict(items[second], v=2)})  # someone else's update
    with pytest.raises(ETagConflictError):
        await storage.write({first: dict(items[first], v=9), second: dict(items[second], v=9),
                             "msteams/new": {"v": 9}})
    after = await storage.read([first, second, "msteams/new"])
    assert (after[first]["v"], after[second]["v"]) == (1, 2) and "msteams/new" not in after


async def test_a_failure_while_writing_the_new_files_changes_no_file(storage: TinyDBStorage,
                                                                      monkeypatch) -> None:
    first, second = _two_keys_in_different_shards("msteams")
    await storage.write({first: {"v": 1}, second: {"v": 1}})
    before = {path.name: path.read_bytes() for path in storage.folder.glob("*.json")}
    real_stage, staged = files.JSONFile.stage, []

    def stage_then_fail(self: files.JSONFile, data: files.Data) -> str:
        if staged:
            raise OSError(28, "No space left on device")
        staged.append(self.path.name)
        return real_stage(self, data)

    monkeypatch.setattr(files.JSONFile, "stage", stage_then_fail)
    with pytest.raises(OSError, match="No space left"):
        await storage.write({first: {"v": 2, "e_tag": "*"}, second: {"v": 2, "e_tag": "*"}})
    monkeypatch.undo()
    assert {path.name: path.read_bytes() for path in storage.folder.glob("*.json")} == before
    assert not list(storage.folder.glob(".*.tmp"))
    after = await storage.read([first, second])
    assert (after[first]["v"], after[second]["v"]) == (1, 1)


async def test_a_write_over_several_shards_flushes_every_file_before_renaming_and_the_folder_once(
        storage: TinyDBStorage, monkeypatch) -> None:
    keys = [f"profiles/t{i}" for i in range(6)]
    shard_count = len({layout.file_name_of(key) for key in keys})
    assert shard_count > 2
    events: list[str] = []
    real_sync, real_dir, real_replace = files._sync_data, files._fsync_dir, files.os.replace
    monkeypatch.setattr(files, "_sync_data", lambda fd: (events.append("sync"), real_sync(fd)))
    monkeypatch.setattr(files, "_fsync_dir", lambda folder: (events.append("dir"), real_dir(folder)))
    monkeypatch.setattr(files.os, "replace", lambda a, b: (events.append("rename"), real_replace(a, b)))
    await storage.write({key: {"p": 1} for key in keys})
    monkeypatch.undo()
    assert events == ["sync"] * shard_count + ["rename"] * shard_count + ["dir"]


async def test_shards_are_tinydb_files(storage: TinyDBStorage) -> None:
    from tinydb import TinyDB

    await storage.write({"profiles/t1": {"p": 1}})
    with TinyDB(storage.folder / layout.file_name_of("profiles/t1")) as db:
        [document] = db.table("items").all()
    assert document["key"] == "profiles/t1" and document["value"] == {"p": 1}


async def test_a_corrupt_shard_is_reported_not_overwritten(tmp_path: Path) -> None:
    shard = tmp_path / layout.file_name_of("profiles/t1")
    shard.write_text("[1, 2", encoding="utf-8")
    store = TinyDBStorage(tmp_path)
    with pytest.raises(CorruptFileError, match="is not valid JSON"):
        await store.read(["profiles/t1"])
    with pytest.raises(CorruptFileError):
        await store.write({"profiles/t1": {"p": 1}})
    with pytest.raises(CorruptFileError):
        store.check_ready()
    assert shard.read_text(encoding="utf-8") == "[1, 2"
    store.close()


# Files as the single-file layout (commit a6835c1 and before) wrote them, byte for byte.
LEGACY_FILES = {
    "msteams.json": '{"items":{"1":{"key":"msteams/conversations/a:19%3Achat","e_tag":"0fa2a89870374c8c85c'
                    '607af2c462e88","codec":"json","value":{"last_area":"data_ai"}},"2":{"key":"msteams/use'
                    'rs/u1","e_tag":"fa67966ca0fc40198ddec162c9cff83a","codec":"jsonpickle","value":{"py/ob'
                    'ject":"botbuilder.core.storage.StoreItem","locale":"fr-FR"}}}}',
    "notify-3f.json": '{"items":{"1":{"key":"notify-3f/t1/c1","e_tag":"f43edf51934b42939bfaa8bf7522996a",'
                      '"codec":"json","value":{"subscribed":true}}}}',
    "profiles.json": '{"items":{"1":{"key":"profiles/contoso.example","e_tag":"c182b1520b0f4762b62990c55c9'
                     'd780b","codec":"json","value":{"profile":{"partner_id":"123"}}}}}',
}
LEGACY_KEYS = {"msteams/conversations/a:19%3Achat": "0fa2a89870374c8c85c607af2c462e88",
               "msteams/users/u1": "fa67966ca0fc40198ddec162c9cff83a",
               "notify-3f/t1/c1": "f43edf51934b42939bfaa8bf7522996a",
               "profiles/contoso.example": "c182b1520b0f4762b62990c55c9d780b"}


def _legacy_folder(folder: Path, conversations: int = 200) -> dict[str, dict]:
    """The old layout: the captured files above, plus many conversations and a history file."""
    for name, text in LEGACY_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    msteams = json.loads(LEGACY_FILES["msteams.json"])
    expected = {}
    for i in range(conversations):
        key = f"msteams/conversations/c{i}"
        msteams["items"][str(i + 3)] = {"key": key, "e_tag": f"etag{i}", "codec": "json",
                                        "value": {"i": i, "draft": "x" * 500}}
        expected[key] = {"i": i, "draft": "x" * 500, "e_tag": f"etag{i}"}
    (folder / "msteams.json").write_text(json.dumps(msteams), encoding="utf-8")
    history = {"items": {"1": {"key": "history/contoso.example/months", "e_tag": "h1", "codec": "json",
                               "value": {"months": ["2026-09", "2026-10"]}}}}
    (folder / "history.json").write_text(json.dumps(history), encoding="utf-8")
    expected["history/contoso.example/months"] = {"months": ["2026-09", "2026-10"], "e_tag": "h1"}
    return expected


async def test_data_of_the_single_file_layout_is_read_with_its_etags_and_moved_to_shards(
        tmp_path: Path) -> None:
    expected = _legacy_folder(tmp_path)
    store = TinyDBStorage(tmp_path)
    got = await store.read([*LEGACY_KEYS, *expected])
    assert {key: got[key].e_tag if key == "msteams/users/u1" else got[key]["e_tag"]
            for key in LEGACY_KEYS} == LEGACY_KEYS  # eTags kept: a turn in flight is no false conflict
    assert isinstance(got["msteams/users/u1"], StoreItem) and got["msteams/users/u1"].locale == "fr-FR"
    assert got["msteams/conversations/a:19%3Achat"]["last_area"] == "data_ai"
    assert got["notify-3f/t1/c1"]["subscribed"] is True
    assert got["profiles/contoso.example"]["profile"] == {"partner_id": "123"}
    assert {key: got[key] for key in expected} == expected
    for space in ("msteams", "notify-3f", "profiles", "history"):
        assert not (tmp_path / f"{space}.json").exists()
        assert (tmp_path / f"{space}.json.migrated").exists()  # the old file is kept as a backup
    # eTag semantics carry over: the old eTag is current until someone writes.
    conversation = got["msteams/conversations/c5"]
    await store.write({"msteams/conversations/c5": dict(conversation, i=50)})
    with pytest.raises(ETagConflictError):
        await store.write({"msteams/conversations/c5": dict(conversation, i=99)})
    store.close()

    restarted = TinyDBStorage(tmp_path)  # a restart reads the shards only
    again = await restarted.read([*LEGACY_KEYS, *expected])
    assert set(again) == set(LEGACY_KEYS) | set(expected)
    assert again["msteams/conversations/c5"]["i"] == 50
    restarted.close()


async def test_the_first_use_of_a_space_is_a_write_or_a_delete(tmp_path: Path) -> None:
    expected = _legacy_folder(tmp_path)
    store = TinyDBStorage(tmp_path)
    await store.write({"msteams/conversations/new": {"n": 1}})  # first touch of msteams: a write
    await store.delete(["profiles/contoso.example"])  # first touch of profiles: a delete
    got = await store.read([*expected, "msteams/conversations/new", "profiles/contoso.example"])
    assert "profiles/contoso.example" not in got and got["msteams/conversations/new"]["n"] == 1
    assert all(got[key] == value for key, value in expected.items())
    store.close()


async def test_a_migration_cut_off_before_retiring_the_old_file_is_finished_without_going_back(
        tmp_path: Path) -> None:
    expected = _legacy_folder(tmp_path)
    # As if a process had copied c1 into its shard and died; the shard copy was then updated.
    shard = tmp_path / layout.file_name_of("msteams/conversations/c1")
    shard.write_text(json.dumps({"items": {"1": {"key": "msteams/conversations/c1", "e_tag": "newer",
                                                 "codec": "json", "value": {"i": 100}}}}), "utf-8")
    store = TinyDBStorage(tmp_path)
    got = await store.read(list(expected))
    assert got["msteams/conversations/c1"] == {"i": 100, "e_tag": "newer"}
    assert all(got[key] == value for key, value in expected.items() if key != "msteams/conversations/c1")
    store.close()


def test_two_processes_starting_on_the_old_layout_migrate_it_once_and_lose_nothing(tmp_path: Path) -> None:
    expected = _legacy_folder(tmp_path, conversations=2000)
    procs = [subprocess.Popen([sys.executable, str(WORKER), "distinct", str(tmp_path), f"p{n}", "20",
                               "msteams"]) for n in range(2)]
    assert [proc.wait(timeout=600) for proc in procs] == [0, 0]
    new_keys = [f"msteams/p{n}-{i}" for n in range(2) for i in range(20)]
    got = asyncio.run(_read(tmp_path, [*expected, *new_keys]))
    assert {key: got[key] for key in expected} == expected and set(new_keys) <= set(got)
    assert not (tmp_path / "msteams.json").exists() and (tmp_path / "msteams.json.migrated").exists()


async def test_a_writer_is_not_fooled_by_a_repeated_file_stamp(tmp_path: Path) -> None:
    """inode, mtime and size can repeat (a reused inode within one mtime tick): a process whose cache
    still looks current must not overwrite another process's write."""
    ours, theirs = TinyDBStorage(tmp_path), TinyDBStorage(tmp_path)
    await ours.write({"msteams/c": {"v": 1}})
    stale = (await ours.read(["msteams/c"]))["msteams/c"]
    await theirs.write({"msteams/c": {"v": 2, "e_tag": "*"}})
    shard = ours._shard(layout.file_name_of("msteams/c")).file
    data, _stamp, digest = shard._state
    shard._state = (data, files._stamp(shard.path), digest)  # the collision: same stamp as on disk
    with pytest.raises(ETagConflictError):
        await ours.write({"msteams/c": dict(stale, v=3)})
    assert (await ours.read(["msteams/c"]))["msteams/c"]["v"] == 2  # and the cache is refreshed
    ours.close()
    theirs.close()


async def test_a_write_over_thousands_of_shards_holds_a_bounded_number_of_locks(storage: TinyDBStorage,
                                                                                  monkeypatch) -> None:
    held, most = [0], [0]
    real_locked = files.locked

    @contextlib.contextmanager
    def counting(path: Path):
        with real_locked(path):
            held[0] += 1
            most[0] = max(most[0], held[0])
            try:
                yield
            finally:
                held[0] -= 1

    monkeypatch.setattr(tinydb_storage, "locked", counting)
    keys = {f"notify-{n % 256:02x}/t/c{n}": {"n": n} for n in range(3000)}
    await storage.write(keys)
    assert len({layout.file_name_of(key) for key in keys}) > 2000
    assert most[0] <= layout.LOCK_STRIPES
    assert len(await storage.read(list(keys))) == 3000
    assert not list(storage.folder.glob("*.json.lock"))
