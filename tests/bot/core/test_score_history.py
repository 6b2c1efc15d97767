"""The score history kept per tenant: a snapshot at every saved change of the profile (with what
changed) and one per month from the monthly job; never back-filled; concurrent writers all land."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from azurite import azurite, blob_container  # noqa: F401 (fixtures)
from botbuilder.core import MemoryStorage
from botcore_helpers import OTHER_TENANT, PROFILE, TENANT
from card_fixtures import qualified_data

from bot.config import Settings
from bot.history import MAX_CHANGES_PER_MONTH, ScoreHistoryStore, history_for, window_for
from bot.storage.blob import BlobStorage
from bot.storage.tinydb_storage import TinyDBStorage
from bot.stores import HistoryStore, ProfileStore
from scoring import load_profile, score_profile
from scoring.history import SnapshotKind
from scoring.ids import Area
from scoring.window import Standing


@pytest.fixture(params=["tinydb", "memory", "blob"])
async def storage(request, tmp_path: Path):
    if request.param == "memory":
        yield MemoryStorage()
        return
    if request.param == "blob":  # Azure Blob Storage on Azurite, a fresh container per test
        emulator = request.getfixturevalue("azurite")
        blob = BlobStorage.from_settings(Settings(
            storage="blob", azure_storage_connection_string=emulator.connection_string,
            azure_storage_container=request.getfixturevalue("blob_container")))
        yield blob
        await blob.close()
        return
    store = TinyDBStorage(tmp_path)
    yield store
    store.close_sync()


def clock(day: str):
    return lambda: dt.datetime.fromisoformat(day + "T10:00:00+00:00")


def profile(**changes):
    return load_profile({**PROFILE, **changes})


async def test_a_first_profile_leaves_one_snapshot_and_no_invented_past(storage) -> None:
    await ProfileStore(storage).put(TENANT, profile(as_of="2026-11-03"))
    snaps = await ScoreHistoryStore(storage).snapshots(TENANT)
    assert [(s.kind, s.month, s.as_of.isoformat()) for s in snaps] == [
        (SnapshotKind.CHANGE, "2026-11", "2026-11-03")
    ]
    assert snaps[0].changes is not None and snaps[0].changes.first
    history = await history_for(storage, TENANT)
    assert history.months == ["2026-11"]
    assert history.snapshots == 1


async def test_every_saved_change_is_kept_with_what_changed(storage) -> None:
    profiles = ProfileStore(storage, clock("2026-11-03"))
    await profiles.put(TENANT, profile(as_of="2026-11-03"))
    grace = {"id": "p2", "name": "Grace", "certifications": ["AZ-305"]}
    await profiles.put(TENANT, profile(as_of="2026-11-03", people=[*PROFILE["people"], grace]))
    snaps = await ScoreHistoryStore(storage).snapshots(TENANT)
    assert len(snaps) == 2
    second = snaps[1].changes
    assert second is not None and not second.first
    assert (second.people_added, second.names) == (["p2"], {"p2": "Grace"})
    assert snaps[1].recorded_at == dt.datetime(2026, 11, 3, 10, tzinfo=dt.UTC)


async def test_the_monthly_scorecard_is_kept_once_per_month(storage) -> None:
    card = score_profile(profile(as_of="2026-11-21"))
    months = HistoryStore(storage)
    await months.put(TENANT, "2026-11", card)
    await months.put(TENANT, "2026-11", card)
    await months.put(TENANT, "2026-12", score_profile(profile(as_of="2026-12-21")))
    snaps = await ScoreHistoryStore(storage).snapshots(TENANT)
    assert [(s.kind, s.month) for s in snaps] == [
        (SnapshotKind.MONTHLY, "2026-11"),
        (SnapshotKind.MONTHLY, "2026-12"),
    ]
    assert (await history_for(storage, TENANT)).months == ["2026-11", "2026-12"]
    assert await HistoryStore(storage).months(TENANT) == ["2026-11", "2026-12"]


async def test_another_tenant_has_no_history(storage) -> None:
    await ProfileStore(storage).put(TENANT, profile())
    assert (await history_for(storage, OTHER_TENANT)).empty


async def test_concurrent_saves_all_land_in_the_history(storage) -> None:
    history = ScoreHistoryStore(storage)
    card = score_profile(profile(as_of="2026-11-03"))
    await asyncio.gather(*(history.record(TENANT, card, SnapshotKind.CHANGE) for _ in range(8)))
    assert len(await history.snapshots(TENANT)) == 8


async def test_a_month_keeps_a_bounded_number_of_changes_but_its_qualifying_evidence(storage) -> None:
    history = ScoreHistoryStore(storage)
    good = score_profile(load_profile({**qualified_data(), "as_of": "2026-11-01"}))
    assert good.designation("data_ai").qualified
    bad = score_profile(profile(as_of="2026-11-02"))
    assert not bad.designation("data_ai").qualified
    await history.record(TENANT, good, SnapshotKind.CHANGE)
    for _ in range(MAX_CHANGES_PER_MONTH + 5):
        await history.record(TENANT, bad, SnapshotKind.CHANGE)
    snaps = await history.snapshots(TENANT)
    assert len(snaps) == MAX_CHANGES_PER_MONTH
    assert snaps[0].areas[Area.DATA_AI].qualified
    assert (await history.history(TENANT)).qualified_in("data_ai", "2026-11")


async def test_window_for_reads_the_kept_history(storage) -> None:
    history = ScoreHistoryStore(storage)
    card = score_profile(profile(as_of="2026-11-21"))
    await history.record(TENANT, card, SnapshotKind.MONTHLY, month="2026-11")
    result = await window_for(storage, TENANT, card)
    assert result.month == "2026-11"
    assert {a.area for a in result.areas} == set(Area)
    assert all(a.standing in (Standing.QUALIFIED, Standing.NOT_QUALIFIED) for a in result.areas)
    assert not result.has_history


async def test_two_processes_recording_at_once_both_land(tmp_path: Path) -> None:
    first, second = TinyDBStorage(tmp_path), TinyDBStorage(tmp_path)  # two processes' views, two locks
    card = score_profile(profile(as_of="2026-11-03"))
    await asyncio.gather(
        *(ScoreHistoryStore(store).record(TENANT, card, SnapshotKind.CHANGE) for store in [first, second] * 4)
    )
    assert len(await ScoreHistoryStore(first).snapshots(TENANT)) == 8
    first.close_sync()
    second.close_sync()


async def test_monthly_scorecards_stored_before_snapshots_existed_count_as_history(storage) -> None:
    card = score_profile(profile(as_of="2026-09-21"))
    # As the monthly job stored them before this history: the scorecard and the month index only.
    await storage.write({HistoryStore.key(TENANT, "2026-09"): {"scorecard": card.to_json(), "e_tag": "*"},
                         HistoryStore.index_key(TENANT): {"months": ["2026-09"], "e_tag": "*"}})
    await HistoryStore(storage).put(TENANT, "2026-10", score_profile(profile(as_of="2026-10-21")))
    snaps = await ScoreHistoryStore(storage).snapshots(TENANT)
    assert [(s.kind, s.month, s.as_of.isoformat()) for s in snaps] == [
        (SnapshotKind.MONTHLY, "2026-09", "2026-09-21"),
        (SnapshotKind.MONTHLY, "2026-10", "2026-10-21"),
    ]
