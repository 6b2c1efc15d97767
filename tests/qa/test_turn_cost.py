"""What makes a question turn cheap keeps it right: the scored-profile memo sees every save at once
(also one made by another instance), stays bounded, reads share nothing with the store, and the card a
reply carries is shared by the SDK's copy of the activity yet written exactly like any card."""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from botbuilder.core import MemoryStorage
from botbuilder.schema import Attachment
from botcore_helpers import PROFILE, TENANT, MockConnector, activity
from botframework.connector import models
from msrest.serialization import Serializer
from qa_helpers import post

from bot.handler import answer_activity
from bot.notifications.store import compare_and_swap
from bot.outgoing import DirectSerializer
from bot.services import Services
from bot.storage import codec
from bot.storage.tinydb_storage import TinyDBStorage
from bot.stores import ProfileStore
from cards.adaptive import ADAPTIVE_CARD_CONTENT_TYPE
from scoring import load_profile

DEPENDENCIES = {name: value for name, value in vars(models).items() if isinstance(value, type)}
GRACE = {"id": "p2", "name": "Grace", "certifications": ["AZ-305"]}


async def test_a_profile_saved_by_another_instance_is_answered_by_the_next_question(
        client, services: Services, connector: MockConnector, tmp_path: Path) -> None:
    await services.profiles.put(TENANT, load_profile(PROFILE))
    assert (await post(client, activity(connector.url, "who has AZ-305?"))).status == 201
    assert "Grace" not in (connector.texts()[-1] or "")
    other = TinyDBStorage(tmp_path / "data")  # a second instance of the service on the same files
    try:
        await ProfileStore(other).put(TENANT, load_profile(dict(PROFILE, people=[*PROFILE["people"], GRACE])))
    finally:
        await other.close()
    assert (await post(client, activity(connector.url, "who has AZ-305?"))).status == 201
    assert "Grace" in (connector.texts()[-1] or "")


async def test_the_scored_profile_memo_keeps_only_the_most_recent_tenants(monkeypatch) -> None:
    monkeypatch.setattr(ProfileStore, "_MEMO", 2)
    profiles = ProfileStore(MemoryStorage())
    tenants = ["tenant-a", "tenant-b", "tenant-c"]
    for tenant in tenants:
        await profiles.put(tenant, load_profile(PROFILE))
    for tenant in tenants:
        await profiles.get_scored(tenant)
    assert list(profiles._memo) == [ProfileStore.key("tenant-b"), ProfileStore.key("tenant-c")]
    scored = await profiles.get_scored("tenant-a")  # dropped from the memo: read and scored again
    assert scored is not None and scored[0] == load_profile(PROFILE)


async def test_an_item_read_shares_no_list_or_dict_with_the_store(tmp_path: Path) -> None:
    storage = TinyDBStorage(tmp_path)
    try:
        await storage.write({"k/1": {"people": [{"certifications": ["AZ-305"]}], "e_tag": "*"}})
        first = (await storage.read(["k/1"]))["k/1"]
        first["people"][0]["certifications"].append("AZ-104")
        first["people"].append({"certifications": []})
        again = (await storage.read(["k/1"]))["k/1"]
        assert again["people"] == [{"certifications": ["AZ-305"]}]
    finally:
        await storage.close()


def test_decoding_copies_every_container_of_the_stored_value() -> None:
    stored = {"a": [{"b": [1, 2]}, "x"], "c": {"d": {}}}
    item = codec.decode(stored, "etag-1")
    assert item == {**stored, "e_tag": "etag-1"} and "e_tag" not in stored
    assert item["a"] is not stored["a"] and item["a"][0] is not stored["a"][0]
    assert item["a"][0]["b"] is not stored["a"][0]["b"] and item["c"]["d"] is not stored["c"]["d"]


async def test_a_mutator_that_edits_its_argument_in_place_changes_nothing_it_does_not_return() -> None:
    storage = MemoryStorage()
    await storage.write({"notify/x": {"conversations": {"a": "1"}}})

    def edit_in_place_and_keep(doc: dict[str, Any] | None) -> None:
        assert doc is not None
        doc["conversations"]["b"] = "2"

    kept = await compare_and_swap(storage, "notify/x", edit_in_place_and_keep)
    assert kept == {"conversations": {"a": "1"}}
    assert (await storage.read(["notify/x"]))["notify/x"]["conversations"] == {"a": "1"}


def test_a_replys_card_is_shared_by_the_sdks_copy_and_written_like_any_card() -> None:
    card = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "Score [x](https://e.example)"}]}
    reply = answer_activity(SimpleNamespace(text="Your score", card=card, suggestions=["help"]))
    content = reply.attachments[0].content
    assert content["body"][0]["text"] == "Score [x]\u200b(https://e.example)"  # links still made literal
    copied = copy.deepcopy(reply)  # what TurnContext.send_activities does to every activity
    assert copied.attachments[0] is not reply.attachments[0] and copied.attachments[0].content is content
    copied.attachments[0].content_type = "changed"
    assert reply.attachments[0].content_type == ADAPTIVE_CARD_CONTENT_TYPE
    plain = copy.deepcopy(reply)
    plain.attachments = [Attachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content=copy.deepcopy(content))]
    written = DirectSerializer(DEPENDENCIES).body(plain, "Activity")
    assert DirectSerializer(DEPENDENCIES).body(reply, "Activity") == written
    assert Serializer(DEPENDENCIES).body(reply, "Activity") == written
    assert reply.serialize() == plain.serialize()
