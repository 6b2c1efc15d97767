"""TinyDBStorage (real TinyDB files) honours the botbuilder Storage contract (the behaviours of
botbuilder-testing's StorageBaseTests), refuses stale writes, survives SIGKILL mid-write and concurrent
writers, keeps damage local, lists keys by prefix and migrates the older layout."""

from __future__ import annotations

import asyncio
import hashlib
import json
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
from tinydb import TinyDB

from bot.__main__ import main
from bot.storage import layout
from bot.storage.base import IF_ABSENT, DamagedItemError, iter_keys
from bot.storage.tinydb_storage import ETagConflictError, TinyDBStorage

WORKER = Path(__file__).with_name("storage_worker.py")


@pytest.fixture
def storage(tmp_path: Path) -> TinyDBStorage:
    store = TinyDBStorage(tmp_path)
    yield store
    store.close_sync()


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


async def test_store_item_objects_are_stored_as_plain_json_and_read_back_as_dicts(
        storage: TinyDBStorage) -> None:
    written = StoreItem(count=3, name="Ada", e_tag="*")
    await storage.write({"obj": written})
    item = (await storage.read(["obj"]))["obj"]
    assert item == {"count": 3, "name": "Ada", "e_tag": written.e_tag} and len(written.e_tag) == 32
    with pytest.raises(TypeError, match=r"item.when: datetime is not JSON"):
        await storage.write({"obj": {"when": __import__("datetime").datetime(2026, 1, 1)}})


async def test_crazy_keys_work(storage: TinyDBStorage) -> None:
    key = '!@#$%^&*()_+??><":QASD~`/../../etc/passwd'
    await storage.write({key: {"id": 1}})
    assert (await storage.read([key]))[key]["id"] == 1
    files = [path.relative_to(storage.items) for path in storage.items.rglob("*.json")]
    assert [str(path) for path in files] == [
        "%21%40%23%24%25%5E%26%2A%28%29_%2B%3F%3F%3E%3C%22%3AQASD%7E%60/%2E%2E/%2E%2E/etc/passwd.json"]


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



async def test_data_survives_a_restart_one_tinydb_file_per_key_and_per_tenant_history(tmp_path: Path) -> None:
    first = TinyDBStorage(tmp_path)
    await first.write({"msteams/conversations/a:1x": {"last_area": "data_ai"}, "profiles/t1": {"p": 1},
                       "history/t1/2026-01": {"h": 1}, "history/t1/months": {"months": ["2026-01"]}})
    first.close_sync()
    second = TinyDBStorage(tmp_path)
    got = await second.read(["msteams/conversations/a:1x", "profiles/t1", "history/t1/months"])
    assert got["msteams/conversations/a:1x"]["last_area"] == "data_ai" and got["profiles/t1"]["p"] == 1
    files = sorted(str(p.relative_to(tmp_path / "items")) for p in (tmp_path / "items").rglob("*.json"))
    assert files == ["history/t1.json", "msteams/conversations/a%3A1x.json", "profiles/t1.json"]
    history = TinyDB(tmp_path / "items/history/t1.json")  # a plain TinyDB opens it
    assert sorted(doc["key"] for doc in history.table("history").all()) == ["history/t1/2026-01",
                                                                             "history/t1/months"]
    history.close()
    second.close_sync()


async def test_if_absent_creates_once_and_refuses_an_existing_key(storage: TinyDBStorage) -> None:
    await storage.write({"notify/run/2026-01": {"n": 1, "e_tag": IF_ABSENT}})
    with pytest.raises(ETagConflictError):
        await storage.write({"notify/run/2026-01": {"n": 2, "e_tag": IF_ABSENT}})
    assert (await storage.read(["notify/run/2026-01"]))["notify/run/2026-01"]["n"] == 1


async def test_a_turn_commit_of_several_keys_is_refused_whole_on_one_conflict(storage: TinyDBStorage) -> None:
    await storage.write({"msteams/conversations/c": {"v": 1}, "msteams/users/u": {"v": 1}})
    stale = {"v": 2, "e_tag": "stale"}
    with pytest.raises(ETagConflictError):
        await storage.write({"msteams/users/u": {"v": 2}, "msteams/conversations/c": stale})
    got = await storage.read(["msteams/conversations/c", "msteams/users/u"])
    assert [got["msteams/conversations/c"]["v"], got["msteams/users/u"]["v"]] == [1, 1]


async def test_listing_pages_through_a_prefix_and_resumes_after_the_last_key(storage: TinyDBStorage) -> None:
    keys = [f"notify/conversations/t{t}/19:c{c}@thread.v2" for t in range(7) for c in range(3)]
    for key in keys:
        await storage.write({key: {"k": key}})
    await storage.write({"profiles/t1": {"p": 1}, "history/t1/2026-01": {"h": 1}})
    page = await storage.list_keys("notify/conversations/", page_size=4)
    assert len(page.keys) == 4 and page.continuation is not None
    listed = [key async for key in iter_keys(storage, "notify/conversations/", page_size=4)]
    assert sorted(listed) == sorted(keys) and len(listed) == len(set(listed))
    assert sorted([k async for k in iter_keys(storage, "notify/conversations/t3/")]) == sorted(keys[9:12])
    assert [k async for k in iter_keys(storage, "history/t1/")] == ["history/t1/2026-01"]
    everything = [k async for k in iter_keys(storage, "", page_size=5)]
    assert sorted(everything) == sorted([*keys, "profiles/t1", "history/t1/2026-01"])
    with pytest.raises(ValueError, match="ends with '/'"):
        await storage.list_keys("notify/conv")


async def test_a_truncated_file_affects_only_its_keys_and_is_never_written_over(tmp_path: Path,
                                                                                  caplog) -> None:
    store = TinyDBStorage(tmp_path)
    await store.write({"profiles/t1": {"p": 1}, "profiles/t2": {"p": 2}})
    damaged = tmp_path / "items/profiles/t1.json"
    damaged.write_bytes(damaged.read_bytes()[:10])
    with pytest.raises(DamagedItemError, match=r"'profiles/t1' is damaged \(not valid JSON") as raised:
        await store.read(["profiles/t1"])
    assert str(tmp_path) not in str(raised.value) and raised.value.location == "items/profiles/t1.json"
    assert str(damaged) in caplog.text  # the operator finds the file in the log
    with pytest.raises(DamagedItemError):
        await store.write({"profiles/t1": {"p": 3}})
    assert (await store.read(["profiles/t2"]))["profiles/t2"]["p"] == 2
    await store.write({"profiles/t2": {"p": 4}})
    await store.check_health()  # the store works: healthy
    assert len(damaged.read_bytes()) == 10
    store.close_sync()


async def test_a_zero_byte_file_is_damaged_not_an_empty_database(storage: TinyDBStorage,
                                                                 tmp_path: Path) -> None:
    await storage.write({"history/t1/months": {"months": ["2026-01"]}})
    (tmp_path / "items/history/t1.json").write_bytes(b"")
    with pytest.raises(DamagedItemError, match=r"empty \(0 bytes\)"):
        await storage.read(["history/t1/months"])
    with pytest.raises(DamagedItemError):
        await storage.write({"history/t1/2026-02": {"h": 1}})
    assert (tmp_path / "items/history/t1.json").read_bytes() == b""


def test_check_storage_lists_then_quarantines_damaged_files(tmp_path: Path, monkeypatch, capsys) -> None:
    async def fill() -> None:
        store = TinyDBStorage(tmp_path)
        await store.write({"profiles/t1": {"p": 1}, "profiles/t2": {"p": 2}})
        await store.close()

    asyncio.run(fill())
    (tmp_path / "items/profiles/t1.json").write_bytes(b"")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert main(["check-storage"]) == 1
    out = capsys.readouterr().out
    assert "damaged: items/profiles/t1.json: the file is empty (0 bytes) (keys: profiles/t1)" in out
    assert main(["check-storage", "--quarantine"]) == 0
    assert "-> quarantined as quarantine/" in capsys.readouterr().out
    assert not (tmp_path / "items/profiles/t1.json").exists()
    assert [p.read_bytes() for p in (tmp_path / "quarantine").rglob("t1.json")] == [b""]
    assert main(["check-storage"]) == 0
    assert asyncio.run(_read(tmp_path, ["profiles/t1", "profiles/t2"])) == {
        "profiles/t2": {"p": 2, "e_tag": ANY_ETAG}}


class _AnyETag:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and len(other) == 32


ANY_ETAG = _AnyETag()


async def test_disk_full_while_saving_writes_nothing_and_says_so(storage: TinyDBStorage, monkeypatch) -> None:
    import errno

    from bot.storage import files
    from bot.storage.base import StorageUnavailableError

    await storage.write({"profiles/t1": {"p": 1}})

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "_sync_data", full)
    with pytest.raises(StorageUnavailableError, match="storage is full"):
        await storage.write({"profiles/t1": {"p": 2}, "profiles/t9": {"p": 9}})
    monkeypatch.undo()
    assert await storage.read(["profiles/t1", "profiles/t9"]) == {"profiles/t1": {"p": 1, "e_tag": ANY_ETAG}}
    assert list((storage.items / ".tmp").iterdir()) == []


DIALOG_STATE = "botbuilder.dialogs.dialog_state.DialogState"


async def test_format_1_shards_are_migrated_once_with_their_etags_and_notify_keys_renamed(
        tmp_path: Path) -> None:
    legacy = {
        "profiles.a1.json": [{"key": "profiles/t1", "e_tag": "p1", "codec": "json", "value": {"p": 1}}],
        "notify-3f.07.json": [{"key": "notify-3f/t1/a%3A1", "e_tag": "n1", "codec": "json",
                               "value": {"installed": True}}],
        "notify.00.json": [{"key": "notify/index", "e_tag": "i", "codec": "json", "value": {"refs": {}}}],
        "msteams.10.json": [{"key": "msteams/conversations/c", "e_tag": "c1", "codec": "jsonpickle",
                             "value": {"DialogState": {"py/object": DIALOG_STATE, "_dialog_stack": []},
                                       "last_area": "data_ai"}}],
    }
    for name, docs in legacy.items():
        (tmp_path / name).write_text(json.dumps({"items": {str(i + 1): d for i, d in enumerate(docs)}}))
    (tmp_path / "history.json").write_bytes(b"")  # damaged: left in place, reported
    store = TinyDBStorage(tmp_path)
    got = await store.read(["profiles/t1", "notify/conversations/t1/a%3A1", "notify/index",
                            "msteams/conversations/c"])
    assert got["profiles/t1"] == {"p": 1, "e_tag": "p1"}
    assert got["notify/conversations/t1/a%3A1"] == {"installed": True, "e_tag": "n1"}
    assert "notify/index" not in got
    assert got["msteams/conversations/c"]["last_area"] == "data_ai"
    assert sorted(p.name for p in (tmp_path / "legacy").iterdir()) == sorted(legacy)
    assert [p.name for p in tmp_path.glob("*.json")] == ["history.json"]
    assert [e.location for e in await store.scan_damaged()] == ["history.json"]
    store.close_sync()
    stored = json.loads((tmp_path / "items/msteams/conversations/c.json").read_text())
    assert stored["msteams"]["1"]["value"]["DialogState"] == {"$dialog_stack": []}  # plain JSON now


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
    first.close_sync()
    second = TinyDBStorage(tmp_path)  # a restarted service, same data folder
    adapter.logic = make_bot(second)
    await (await adapter.send("Ada")).assert_reply("Hello Ada")
    second.close_sync()


# --- durability and concurrency ----------------------------------------------------------------------
# The big item and its marker live in one file (one tenant's history): one atomic replace.
ITEM, MARKER = "history/big/item", "history/big/marker"


def _check_consistent(folder: Path) -> int:
    """The big item and its marker come from the same committed write; returns that generation."""
    data = json.loads((folder / "items" / layout.relative_path(ITEM)).read_text(encoding="utf-8"))
    docs = {doc["key"]: doc["value"] for doc in data["history"].values()}
    item, marker = docs[ITEM], docs[MARKER]
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


async def _create(folder: Path, key: str) -> None:
    store = TinyDBStorage(folder)
    await store.write({key: {"count": 0}})
    store.close_sync()


async def _read(folder: Path, keys: list[str]) -> dict:
    store = TinyDBStorage(folder)
    try:
        return await store.read(keys)
    finally:
        store.close_sync()
