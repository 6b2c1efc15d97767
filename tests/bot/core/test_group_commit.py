"""TinyDBStorage's group commit: writes that queue while a commit runs are committed together (one
apply), each still checked on its own (a refused write fails alone and leaves no trace), none
acknowledged before the group is on disk, and a failed apply fails the whole group, writing nothing.
Also the cheap paths around a turn: reads answered from the file cache, and the state change test."""

from __future__ import annotations

import asyncio
import errno
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogInstance, DialogState
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount

from bot.storage import files
from bot.storage.base import StorageUnavailableError
from bot.storage.tinydb_storage import ETagConflictError, TinyDBStorage
from bot.storage.turn import TurnConversationState, save_turn_state

WORKER = Path(__file__).with_name("storage_worker.py")


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[TinyDBStorage]:
    store = TinyDBStorage(tmp_path, committers=1)
    yield store
    store.close_sync()


class HeldFirstApply:
    """Commit.apply, holding the first apply until released, and recording how many files each
    apply writes (so the writes made meanwhile queue up into the next group)."""

    def __init__(self, fail_second: OSError | None = None) -> None:
        self.files_per_apply: list[int] = []
        self.release = threading.Event()
        self.fail_second = fail_second
        self._apply = files.Commit.apply

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def apply(commit: files.Commit) -> None:
            self.apply(commit)

        monkeypatch.setattr(files.Commit, "apply", apply)

    def apply(self, commit: files.Commit) -> None:
        self.files_per_apply.append(len(commit.staged))
        if len(self.files_per_apply) == 1:
            assert self.release.wait(10)
        elif len(self.files_per_apply) == 2 and self.fail_second is not None:
            raise self.fail_second
        self._apply(commit)

    async def first_apply_started(self) -> None:
        for _ in range(1000):
            if self.files_per_apply:
                return
            await asyncio.sleep(0.005)
        raise AssertionError("the first commit never reached apply")


async def _queued_behind_a_held_commit(storage: TinyDBStorage, held: HeldFirstApply,
                                       writes: list[dict[str, Any]]) -> list[Any]:
    """Write `first/item`, and while its commit is held, `writes` (each one `write` call)."""
    first = asyncio.create_task(storage.write({"first/item": {"n": 0}}))
    await held.first_apply_started()
    queued = [asyncio.create_task(storage.write(changes)) for changes in writes]
    await asyncio.sleep(0.05)  # every write is queued before the held commit ends
    assert not any(task.done() for task in queued)  # none acknowledged before its commit
    held.release.set()
    await first
    return await asyncio.gather(*queued, return_exceptions=True)


async def test_writes_queued_during_a_commit_are_committed_together_in_one_apply(
        storage: TinyDBStorage, monkeypatch: pytest.MonkeyPatch) -> None:
    held = HeldFirstApply()
    held.install(monkeypatch)
    outcomes = await _queued_behind_a_held_commit(
        storage, held, [{f"msteams/conversations/c{i}": {"n": i}} for i in range(5)])
    assert outcomes == [None] * 5
    assert held.files_per_apply == [1, 5]
    found = await storage.read([f"msteams/conversations/c{i}" for i in range(5)])
    assert {key: item["n"] for key, item in found.items()} == {f"msteams/conversations/c{i}": i
                                                               for i in range(5)}


async def test_a_stale_write_in_a_group_fails_alone_and_leaves_no_trace(
        storage: TinyDBStorage, monkeypatch: pytest.MonkeyPatch) -> None:
    await storage.write({"msteams/conversations/a": {"n": 1}, "msteams/conversations/b": {"n": 1}})
    stale = dict((await storage.read(["msteams/conversations/a"]))["msteams/conversations/a"])
    await storage.write({"msteams/conversations/a": {"n": 2}})  # `stale` is now out of date
    held = HeldFirstApply()
    held.install(monkeypatch)
    outcomes = await _queued_behind_a_held_commit(storage, held, [
        {"msteams/conversations/c": {"n": 3}},
        # One turn's commit of two keys, one of them stale: refused whole.
        {"msteams/conversations/b": {"n": 99}, "msteams/conversations/a": dict(stale, n=99)},
        {"msteams/conversations/d": {"n": 4}},
    ])
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], ETagConflictError)
    assert outcomes[1].key == "msteams/conversations/a"
    assert held.files_per_apply == [1, 2]  # c and d; nothing of the refused write
    found = await storage.read([f"msteams/conversations/{name}" for name in "abcd"])
    assert {key.rsplit("/", 1)[1]: item["n"] for key, item in found.items()} == {
        "a": 2, "b": 1, "c": 3, "d": 4}


async def test_two_writes_of_one_version_in_a_group_the_first_wins_the_second_conflicts(
        storage: TinyDBStorage, monkeypatch: pytest.MonkeyPatch) -> None:
    await storage.write({"msteams/conversations/x": {"n": 0}})
    read = (await storage.read(["msteams/conversations/x"]))["msteams/conversations/x"]
    held = HeldFirstApply()
    held.install(monkeypatch)
    outcomes = await _queued_behind_a_held_commit(storage, held, [
        {"msteams/conversations/x": dict(read, n=1)}, {"msteams/conversations/x": dict(read, n=2)}])
    assert outcomes[0] is None
    assert isinstance(outcomes[1], ETagConflictError)
    assert (await storage.read(["msteams/conversations/x"]))["msteams/conversations/x"]["n"] == 1


async def test_a_failed_apply_fails_every_write_of_its_group_and_writes_nothing(
        storage: TinyDBStorage, monkeypatch: pytest.MonkeyPatch) -> None:
    held = HeldFirstApply(fail_second=OSError(errno.ENOSPC, "No space left on device"))
    held.install(monkeypatch)
    outcomes = await _queued_behind_a_held_commit(
        storage, held, [{"msteams/conversations/e": {"n": 1}}, {"msteams/conversations/f": {"n": 2}}])
    assert [type(outcome) for outcome in outcomes] == [StorageUnavailableError] * 2
    assert [str(outcome) for outcome in outcomes] == [
        "storage is full: could not save (no space left on the disk)"] * 2
    assert await storage.read(["msteams/conversations/e", "msteams/conversations/f"]) == {}
    assert (await storage.read(["first/item"]))["first/item"]["n"] == 0


def test_sigkill_during_concurrent_writes_keeps_every_acknowledged_write(tmp_path: Path) -> None:
    for delay in (0.3, 0.6, 0.9):
        proc = subprocess.Popen([sys.executable, str(WORKER), "together", str(tmp_path), "16"],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        proc.stdout.readline()  # the first write acknowledged
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        acknowledged: dict[str, int] = {}
        for line in proc.stdout.read().splitlines():
            index, generation = line.split()
            key = f"msteams/conversations/c{index}"
            acknowledged[key] = max(acknowledged.get(key, 0), int(generation))
        store = TinyDBStorage(tmp_path)
        try:
            stored = asyncio.run(store.read(list(acknowledged)))
        finally:
            store.close_sync()
        assert acknowledged
        behind = {key: (stored.get(key, {}).get("generation"), generation)
                  for key, generation in acknowledged.items()
                  if stored.get(key, {}).get("generation", 0) < generation}
        assert behind == {}


async def test_a_cached_read_sees_another_stores_write_at_once(tmp_path: Path) -> None:
    here, there = TinyDBStorage(tmp_path), TinyDBStorage(tmp_path)  # two processes' caches
    try:
        await here.write({"msteams/conversations/z": {"n": 1}})
        assert (await here.read(["msteams/conversations/z"]))["msteams/conversations/z"]["n"] == 1
        item = (await there.read(["msteams/conversations/z"]))["msteams/conversations/z"]
        await there.write({"msteams/conversations/z": dict(item, n=2)})
        assert (await here.read(["msteams/conversations/z"]))["msteams/conversations/z"]["n"] == 2
    finally:
        here.close_sync()
        there.close_sync()


def _turn(adapter: TestAdapter) -> TurnContext:
    return TurnContext(adapter, Activity(
        type=ActivityTypes.message, channel_id="msteams", text="hi",
        conversation=ConversationAccount(id="conv-1"), from_property=ChannelAccount(id="29:ada"),
        recipient=ChannelAccount(id="28:bot")))


async def test_a_turn_that_changes_no_state_writes_nothing_and_any_change_is_saved(
        storage: TinyDBStorage) -> None:
    state, adapter = TurnConversationState(storage), TestAdapter()
    key = "msteams/conversations/conv-1"
    await storage.write({key: {"memories": {"29:ada": {"areas": ["data_ai"], "at": 1.5}},
                               "dialog_state": DialogState([DialogInstance("intake", {"step": 2})])}})

    async def turn(change: Any) -> int:
        context = _turn(adapter)
        await state.load(context)
        change(state.get(context))
        return await save_turn_state(context, [state], storage)

    assert await turn(lambda s: None) == 0
    assert await turn(lambda s: s["memories"]["29:ada"]["areas"].append("infra")) == 1
    assert await turn(lambda s: s["memories"]["29:ada"].update(at=1.5)) == 0  # the same value
    assert await turn(lambda s: s["dialog_state"].dialog_stack[0].state.update(step=3)) == 1
    saved = (await storage.read([key]))[key]
    assert saved["memories"]["29:ada"]["areas"] == ["data_ai", "infra"]
    assert saved["dialog_state"].dialog_stack[0].state == {"step": 3}
