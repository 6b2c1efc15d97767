"""ProfileStore and HistoryStore over any botbuilder Storage: tenant isolation, memo freshness,
month index under concurrency."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from botcore_helpers import OTHER_TENANT, PROFILE, TENANT

from bot.storage import codec
from bot.storage.tinydb_storage import TinyDBStorage
from bot.stores import HistoryStore, ProfileStore
from scoring import load_profile, score_profile


async def test_a_profile_round_trips_and_stays_in_its_tenant(any_storage) -> None:
    profiles = ProfileStore(any_storage)
    profile = load_profile(PROFILE)
    await profiles.put(TENANT, profile)
    assert await profiles.get(TENANT) == profile
    assert await profiles.get(TENANT.upper()) == profile  # tenant ids are case-insensitive GUIDs
    assert await profiles.get(OTHER_TENANT) is None
    assert await profiles.get(TENANT + "/../" + OTHER_TENANT) is None


async def test_tenant_ids_cannot_escape_their_key() -> None:
    assert ProfileStore.key("a/b") == "profiles/a%2Fb"
    with pytest.raises(ValueError, match="tenant id is required"):
        ProfileStore.key("  ")


async def test_the_scorecard_memo_follows_profile_updates(tmp_path: Path) -> None:
    first, second = TinyDBStorage(tmp_path), TinyDBStorage(tmp_path)  # two processes' views
    reader, writer = ProfileStore(first), ProfileStore(second)
    await writer.put(TENANT, load_profile(PROFILE))
    profile, card = await reader.get_scored(TENANT)
    assert card == score_profile(profile)
    assert (await reader.get_scored(TENANT))[1] is card  # memoised: same stored version
    grace = {"id": "p2", "name": "Grace", "certifications": ["AZ-305"]}
    more = dict(PROFILE, people=[*PROFILE["people"], grace])
    await writer.put(TENANT, load_profile(more))
    updated, updated_card = await reader.get_scored(TENANT)
    assert len(updated.people) == 2 and updated_card == score_profile(updated)
    first.close_sync()
    second.close_sync()


async def test_history_keeps_scorecards_per_month(any_storage) -> None:
    history = HistoryStore(any_storage)
    card = score_profile(load_profile(PROFILE))
    await history.put(TENANT, "2026-09", card)
    await history.put(TENANT, "2026-10", card)
    await history.put(TENANT, "2026-10", card)  # same month twice: listed once
    assert await history.get(TENANT, "2026-10") == card
    assert await history.get(TENANT, "2026-08") is None
    assert await history.months(TENANT) == ["2026-09", "2026-10"]
    assert await history.months(OTHER_TENANT) == []
    with pytest.raises(ValueError, match="YYYY-MM"):
        await history.get(TENANT, "2026-13")


async def test_months_added_concurrently_are_all_indexed(tmp_path: Path) -> None:
    storage = TinyDBStorage(tmp_path)
    history = HistoryStore(storage)
    card = score_profile(load_profile(PROFILE))
    await history.put(TENANT, "2025-12", card)  # the index exists: later adds carry eTags
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    await asyncio.gather(*(history.put(TENANT, month, card) for month in months))
    assert await history.months(TENANT) == ["2025-12", *months]
    storage.close_sync()


async def test_profiles_and_history_saved_by_the_single_file_layout_are_still_served(tmp_path: Path) -> None:
    """A DATA_DIR from before sharding (profiles.json, history.json as that code wrote them)."""
    profile = load_profile(PROFILE)
    scorecard = score_profile(profile)
    tenant = ProfileStore.key(TENANT).split("/", 1)[1]
    documents = {
        "profiles.json": [{"key": ProfileStore.key(TENANT), "e_tag": "p1", "codec": "json",
                           "value": {"profile": profile.model_dump(mode="json", exclude_none=True),
                                     "tenant": tenant, "updated": "2026-10-01T00:00:00+00:00"}}],
        "history.json": [{"key": HistoryStore.key(TENANT, "2026-10"), "e_tag": "h1", "codec": "json",
                          "value": {"scorecard": scorecard.to_json()}},
                         {"key": HistoryStore.index_key(TENANT), "e_tag": "h2", "codec": "json",
                          "value": {"months": ["2026-10"]}}],
    }
    for name, docs in documents.items():
        table = {str(i): doc for i, doc in enumerate(docs, start=1)}
        (tmp_path / name).write_text(json.dumps({"items": table}, separators=(",", ":")), encoding="utf-8")

    storage = TinyDBStorage(tmp_path)
    profiles, history = ProfileStore(storage), HistoryStore(storage)
    assert await profiles.get(TENANT) == profile
    assert await history.months(TENANT) == ["2026-10"]
    assert await history.get(TENANT, "2026-10") == scorecard
    await history.put(TENANT, "2026-11", scorecard)  # the month index keeps the old month
    assert await history.months(TENANT) == ["2026-10", "2026-11"]
    storage.close_sync()


async def test_a_question_against_an_unchanged_profile_checks_its_etag_without_decoding_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = TinyDBStorage(tmp_path)
    profiles = ProfileStore(storage)
    await profiles.put(TENANT, load_profile(PROFILE))
    profile, card = await profiles.get_scored(TENANT)
    decoded: list[str] = []
    decode = codec.decode
    monkeypatch.setattr(codec, "decode", lambda value, etag: decoded.append(etag) or decode(value, etag))
    again, again_card = await profiles.get_scored(TENANT)
    assert again is profile and again_card is card
    assert decoded == []
    storage.close_sync()
