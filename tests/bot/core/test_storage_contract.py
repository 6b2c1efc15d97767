"""The storage contract (bot/storage/base.py), run against both backends: TinyDB files and Azure Blob
Storage (on Azurite). eTags, create-if-absent, concurrent writers (also through two storage objects,
as two instances would), large items, paged prefix listing, health check."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from azurite import Azurite, azurite, blob_container  # noqa: F401 (fixtures)
from botbuilder.core import StoreItem
from botbuilder.dialogs import DialogInstance, DialogState

from bot.config import Settings
from bot.storage.base import IF_ABSENT, ETagConflictError, ItemStorage, iter_keys
from bot.storage.factory import open_storage

Opener = Callable[[], ItemStorage]


@pytest.fixture(params=["tinydb", "blob"])
async def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Opener]:
    """Opens storage objects over ONE store (a data folder, or a blob container), as the service's
    instances and the CLI each do; every one is closed at the end."""
    if request.param == "blob":
        emulator: Azurite = request.getfixturevalue("azurite")
        settings = Settings(storage="blob", azure_storage_connection_string=emulator.connection_string,
                            azure_storage_container=request.getfixturevalue("blob_container"))
    else:
        settings = Settings(storage="tinydb", data_dir=tmp_path / "data")
    opened: list[ItemStorage] = []

    def opener() -> ItemStorage:
        opened.append(open_storage(settings))
        return opened[-1]

    yield opener
    for store in opened:
        await store.close()


@pytest.fixture
def storage(open_store: Opener) -> ItemStorage:
    return open_store()


async def _conflict(write: Awaitable[None]) -> ETagConflictError:
    with pytest.raises(ETagConflictError) as refused:
        await write
    return refused.value


# --- items and eTags ---------------------------------------------------------------------------------
async def test_reading_an_unknown_key_returns_nothing(storage: ItemStorage) -> None:
    assert await storage.read(["profiles/nobody"]) == {}


async def test_none_arguments_are_refused_with_the_sdk_messages(storage: ItemStorage) -> None:
    with pytest.raises(ValueError, match="Keys are required when reading"):
        await storage.read(None)
    with pytest.raises(ValueError, match="Changes are required when writing"):
        await storage.write(None)
    await storage.write({})


async def test_a_created_item_reads_back_with_a_real_etag(storage: ItemStorage) -> None:
    await storage.write({"profiles/t1": {"name": "Contoso", "people": [1, 2]}})
    item = (await storage.read(["profiles/t1"]))["profiles/t1"]
    assert {k: v for k, v in item.items() if k != "e_tag"} == {"name": "Contoso", "people": [1, 2]}
    assert item["e_tag"] not in (None, "", "*", IF_ABSENT)


async def test_an_update_needs_the_current_etag_and_a_stale_one_changes_nothing(storage: ItemStorage) -> None:
    await storage.write({"k/1": {"count": 1}})
    first = (await storage.read(["k/1"]))["k/1"]
    stale = dict(first)
    first["count"] = 2
    await storage.write({"k/1": first})
    stale["count"] = 99
    refused = await _conflict(storage.write({"k/1": stale}))
    assert refused.key == "k/1" and "read it again" in str(refused)
    assert (await storage.read(["k/1"]))["k/1"]["count"] == 2
    await storage.write({"k/1": {**stale, "count": 100, "e_tag": "*"}})  # "*": last writer wins
    assert (await storage.read(["k/1"]))["k/1"]["count"] == 100
    with pytest.raises(ValueError, match="empty eTag"):
        await storage.write({"k/1": {"count": 5, "e_tag": ""}})
    assert (await storage.read(["k/1"]))["k/1"]["count"] == 100


async def test_an_etag_for_a_key_that_does_not_exist_is_a_conflict(storage: ItemStorage) -> None:
    await storage.write({"k/gone": {"v": 1}})
    item = (await storage.read(["k/gone"]))["k/gone"]
    await storage.delete(["k/gone"])
    await _conflict(storage.write({"k/gone": item}))
    assert await storage.read(["k/gone"]) == {}


async def test_if_absent_creates_once_and_never_replaces(storage: ItemStorage) -> None:
    await storage.write({"notify/run/2026-11": {"by": "first", "e_tag": IF_ABSENT}})
    refused = await _conflict(storage.write({"notify/run/2026-11": {"by": "second", "e_tag": IF_ABSENT}}))
    assert refused.key == "notify/run/2026-11"
    assert (await storage.read(["notify/run/2026-11"]))["notify/run/2026-11"]["by"] == "first"


async def test_the_writers_object_gets_the_new_etag(storage: ItemStorage) -> None:
    item = {"v": 1, "e_tag": IF_ABSENT}
    await storage.write({"k/same-turn": item})
    assert item["e_tag"] not in (IF_ABSENT, "*")
    item["v"] = 2
    await storage.write({"k/same-turn": item})  # saved twice in one turn: no false conflict
    obj = StoreItem(v=1)
    await storage.write({"k/object": obj})
    assert obj.e_tag not in (None, "*")
    assert (await storage.read(["k/same-turn"]))["k/same-turn"]["v"] == 2


async def test_a_conflict_in_a_batch_writes_none_of_it(storage: ItemStorage) -> None:
    await storage.write({"a/1": {"v": 1}, "b/1": {"v": 1}})
    items = await storage.read(["a/1", "b/1"])
    await storage.write({"b/1": dict(items["b/1"], v=2)})
    await _conflict(storage.write({"a/1": dict(items["a/1"], v=9), "b/1": dict(items["b/1"], v=9),
                                   "c/1": {"v": 9}}))
    after = await storage.read(["a/1", "b/1", "c/1"])
    assert (after["a/1"]["v"], after["b/1"]["v"], "c/1" in after) == (1, 2, False)


async def test_delete_removes_and_ignores_unknown_keys(storage: ItemStorage) -> None:
    await storage.write({"d/1": {"v": 1}, "d/2": {"v": 2}})
    await storage.delete(["d/1", "d/unknown"])
    assert set(await storage.read(["d/1", "d/2"])) == {"d/2"}


async def test_reads_are_private_copies(storage: ItemStorage) -> None:
    await storage.write({"k/nested": {"nested": {"v": 1}}})
    (await storage.read(["k/nested"]))["k/nested"]["nested"]["v"] = 99
    assert (await storage.read(["k/nested"]))["k/nested"]["nested"]["v"] == 1


KEYS_WITH_ODD_CHARACTERS = [
    "msteams/conversations/a:19:abc@thread.v2;messageid=1",
    "notify/conversations/t/../../etc/passwd",
    "notify/conversations/t/./dot.",
    "notify/conversations/t/spaces and ünïcode 한국어 繁體",
    "notify/conversations/t/percent%2Fslash?query#frag",
]


async def test_keys_with_any_characters_round_trip_and_list(storage: ItemStorage) -> None:
    await storage.write({key: {"key": key} for key in KEYS_WITH_ODD_CHARACTERS})
    found = await storage.read(KEYS_WITH_ODD_CHARACTERS)
    assert {key: item["key"] for key, item in found.items()} == {k: k for k in KEYS_WITH_ODD_CHARACTERS}
    listed = [key async for key in iter_keys(storage, "notify/conversations/t/")]
    assert sorted(listed) == sorted(KEYS_WITH_ODD_CHARACTERS[1:])


async def test_dialog_state_round_trips(storage: ItemStorage) -> None:
    state = {"dialogState": DialogState([DialogInstance("intake", {"draft": {"people": ["Ada"]}})])}
    await storage.write({"msteams/conversations/c1": state})
    read = (await storage.read(["msteams/conversations/c1"]))["msteams/conversations/c1"]
    stack = read["dialogState"].dialog_stack
    assert [(i.id, i.state) for i in stack] == [("intake", {"draft": {"people": ["Ada"]}})]


# --- concurrency ---------------------------------------------------------------------------------------
async def _increment(storage: ItemStorage, key: str, times: int) -> int:
    conflicts = 0
    for _ in range(times):
        while True:
            item = (await storage.read([key]))[key]
            item["count"] += 1
            await asyncio.sleep(0)  # let the other writers read the same version
            try:
                await storage.write({key: item})
                break
            except ETagConflictError:
                conflicts += 1
    return conflicts


async def test_concurrent_writers_on_two_instances_lose_no_update(open_store: Opener) -> None:
    first, second = open_store(), open_store()
    await first.write({"counter/c": {"count": 0}})
    conflicts = await asyncio.gather(*(_increment(store, "counter/c", 15)
                                       for store in (first, second, first, second)))
    assert (await second.read(["counter/c"]))["counter/c"]["count"] == 60
    assert sum(conflicts) > 0  # the writers really raced


async def test_concurrent_creators_on_two_instances_create_exactly_once(open_store: Opener) -> None:
    first, second = open_store(), open_store()

    async def create(store: ItemStorage, n: int) -> bool:
        try:
            await store.write({"claims/2026-11": {"owner": n, "e_tag": IF_ABSENT}})
            return True
        except ETagConflictError:
            return False

    won = await asyncio.gather(*(create(store, n) for n in range(10) for store in (first, second)))
    assert won.count(True) == 1
    winner = won.index(True) // 2
    assert (await first.read(["claims/2026-11"]))["claims/2026-11"]["owner"] == winner


# --- large items -----------------------------------------------------------------------------------------
async def test_a_large_item_round_trips_whole_and_a_stale_large_write_is_refused(
        storage: ItemStorage) -> None:
    blob = "".join(f"{n:08d}" for n in range(750_000))  # 6 MB of text
    digest = hashlib.sha256(blob.encode()).hexdigest()
    await storage.write({"big/item": {"blob": blob, "digest": digest}})
    item = (await storage.read(["big/item"]))["big/item"]
    assert hashlib.sha256(item["blob"].encode()).hexdigest() == digest
    stale = dict(item)
    await storage.write({"big/item": dict(item, blob=blob[::-1])})
    await _conflict(storage.write({"big/item": dict(stale, blob="x")}))
    assert (await storage.read(["big/item"]))["big/item"]["blob"] == blob[::-1]


# --- listing -------------------------------------------------------------------------------------------
async def test_listing_pages_through_one_prefix_only(storage: ItemStorage) -> None:
    wanted = [f"notify/conversations/t1/c{n:02d}" for n in range(23)]
    others = ["notify/conversations/t2/c00", "notify/conversations-old/x", "notify/run/2026-11",
              "profiles/t1"]
    await storage.write({key: {"v": 1} for key in wanted + others})
    seen: list[str] = []
    continuation, pages = None, 0
    while True:
        page = await storage.list_keys("notify/conversations/t1/", page_size=5, continuation=continuation)
        assert len(page.keys) <= 5
        seen += page.keys
        pages += 1
        if (continuation := page.continuation) is None:
            break
    assert sorted(seen) == wanted and len(seen) == len(set(seen)) and pages >= 5
    every = [key async for key in iter_keys(storage, "notify/conversations/")]
    assert sorted(every) == sorted([*wanted, "notify/conversations/t2/c00"])
    assert sorted([key async for key in iter_keys(storage, "")]) == sorted(wanted + others)


async def test_listing_refuses_a_prefix_that_is_not_a_segment_and_forgets_deleted_keys(
        storage: ItemStorage) -> None:
    with pytest.raises(ValueError, match="ends with '/'"):
        await storage.list_keys("notify/conv")
    await storage.write({"l/a": {"v": 1}, "l/b": {"v": 1}})
    await storage.delete(["l/a"])
    assert [key async for key in iter_keys(storage, "l/")] == ["l/b"]
    assert (await storage.list_keys("empty/")).keys == []


# --- health ----------------------------------------------------------------------------------------------
async def test_the_health_check_passes_and_leaves_no_item_behind(storage: ItemStorage) -> None:
    await storage.check_health()
    await storage.check_health()
    assert [key async for key in iter_keys(storage, "")] == []
