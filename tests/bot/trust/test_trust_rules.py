"""The rules without the service: the commands in five languages, what changed between versions,
who may edit, and how long versions are kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from backends import both_backends
from botcore_helpers import PROFILE
from trust_helpers import ADA, BOB, TENANT, person, profile_with, say

from bot.config import SettingsError, load_settings
from bot.services import Services
from bot.trust import save_profile
from bot.trust.changes import changes_between
from bot.trust.commands import Command, recognise
from bot.trust.owners import Owner, decide
from bot.trust.people import Person
from bot.trust.versions import VersionStore, months_before
from scoring import load_profile

COMMANDS = [
    ("en", "undo", Command("undo")),
    ("en", "What changed in our data?", Command("history")),
    ("en", "history of changes", Command("history")),
    ("en", "Who are the owners?", Command("owners")),
    ("en", "add <at>Bob Builder</at> as owner", Command("add_owner", "Bob Builder")),
    ("en", "remove Bob as owner", Command("remove_owner", "Bob")),
    ("fr", "défaire", Command("undo")),
    ("fr", "Qu'est-ce qui a changé dans nos données ?", Command("history")),
    ("fr", "historique des modifications", Command("history")),
    ("fr", "qui sont les propriétaires ?", Command("owners")),
    ("fr", "ajouter <at>Bob</at> comme propriétaire", Command("add_owner", "Bob")),
    ("fr", "retirer Bob des propriétaires", Command("remove_owner", "Bob")),
    ("de", "rückgängig", Command("undo")),
    ("de", "Was hat sich an unseren Daten geändert?", Command("history")),
    ("de", "Verlauf der Änderungen", Command("history")),
    ("de", "Wer sind die Besitzer?", Command("owners")),
    ("de", "<at>Bob</at> als Besitzer hinzufügen", Command("add_owner", "Bob")),
    ("de", "Bob als Besitzer entfernen", Command("remove_owner", "Bob")),
    ("ko", "실행 취소", Command("undo")),
    ("ko", "우리 데이터에서 무엇이 바뀌었나요?", Command("history")),
    ("ko", "변경 기록", Command("history")),
    ("ko", "소유자는 누구인가요?", Command("owners")),
    ("ko", "<at>Bob</at>을 소유자로 추가", Command("add_owner", "Bob")),
    ("ko", "Bob를 소유자에서 제거", Command("remove_owner", "Bob")),
    ("zh-TW", "復原", Command("undo")),
    ("zh-TW", "我們的資料有什麼變更？", Command("history")),
    ("zh-TW", "變更記錄", Command("history")),
    ("zh-TW", "誰是擁有者？", Command("owners")),
    ("zh-TW", "將<at>Bob</at>新增為擁有者", Command("add_owner", "Bob")),
    ("zh-TW", "將 Bob 從擁有者移除", Command("remove_owner", "Bob")),
    ("de", "undo", Command("undo")),  # English works in every language
]


@pytest.mark.parametrize(("locale", "text", "command"), COMMANDS)
def test_the_commands_are_recognised_in_every_language(locale: str, text: str, command: Command) -> None:
    assert recognise(text, locale) == command


@pytest.mark.parametrize("text", ["what is my score?", "why zero intermediate points?", "update my data",
                                  "cancel", "add people", "who has AZ-305?", "undo " + "x" * 300, ""])
def test_questions_are_not_taken_for_commands(text: str) -> None:
    assert recognise(text, "en") is None


def test_a_change_summary_names_people_counts_certifications_and_usage() -> None:
    before = profile_with(("p1", "Ada", ["AZ-305", "AZ-104"]), ("p2", "Grace", ["AZ-104"]))
    after = profile_with(("p1", "Ada", ["AZ-305", "DP-300", "AI-102"]), ("p3", "Carl", ["AZ-104"]))
    after["usage"] = {**after["usage"], "acr_last_month": 150000.0,
                      "deployed_services": ["Azure App Service"]}
    changes = changes_between(before, after)
    assert (changes.people_added, changes.people_removed) == (["Carl"], ["Grace"])
    # Ada +DP-300 +AI-102 -AZ-104, Carl +AZ-104, Grace's AZ-104 gone with her.
    assert (changes.certifications_added, changes.certifications_removed) == (3, 2)
    assert changes.usage_changed == ["acr_last_month"]
    assert changes.services_added == ["Azure App Service"]
    assert changes.services_removed == ["Azure SQL Database"]
    assert changes.organisation_changed is False
    assert changes_between(before, before).empty and changes_between(None, before).first


OWNER = Owner(id=ADA.aad, name=ADA.name, since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


@pytest.mark.parametrize(("who", "owners", "rights", "allowed", "reason"), [
    (Person(ADA.aad, "Ada"), [OWNER], "owners", True, "owner"),
    (Person(BOB.aad, "Bob"), [OWNER], "owners", False, "not_owner"),
    (Person(BOB.aad, "Bob"), [], "owners", True, "no_owner_yet"),
    (Person(BOB.aad, "Bob"), [OWNER], "everyone", True, "everyone"),
    (Person(ADA.aad, "Ada", "guest"), [OWNER], "owners", False, "guest"),
    (Person(BOB.aad, "Bob", "guest"), [], "everyone", False, "guest"),
    (Person(None, "Ada"), [OWNER], "everyone", False, "unidentified"),
    (Person(BOB.aad, "Ada Lovelace"), [OWNER], "owners", False, "not_owner"),  # a name is not an identity
])
def test_who_may_edit(who: Person, owners: list[Owner], rights: str, allowed: bool, reason: str) -> None:
    decision = decide(who, owners, rights)
    assert (decision.allowed, decision.reason) == (allowed, reason)


def test_edit_rights_and_retention_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDIT_RIGHTS", "Everyone")
    monkeypatch.setenv("VERSION_RETENTION_MONTHS", "36")
    settings = load_settings()
    assert (settings.edit_rights, settings.version_retention_months) == ("everyone", 36)
    monkeypatch.setenv("EDIT_RIGHTS", "admins")
    with pytest.raises(SettingsError, match="EDIT_RIGHTS: Input should be 'owners' or 'everyone'"):
        load_settings()


def test_months_before_clamps_to_short_months() -> None:
    moment = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)
    assert months_before(moment, 1) == dt.datetime(2026, 2, 28, 12, 0, tzinfo=dt.UTC)
    assert months_before(moment, 24) == dt.datetime(2024, 3, 31, 12, 0, tzinfo=dt.UTC)


@both_backends
async def test_versions_are_kept_for_the_retention_time_and_the_latest_always(
        services: Services, clock: Any) -> None:
    store = VersionStore(services.storage, services.profiles, clock, retention_months=24)
    profile = load_profile(PROFILE)
    await store.save(TENANT, profile, via="command_line")  # 2026-11-03
    clock.advance(days=365)
    await store.save(TENANT, profile, via="command_line")  # 2027-11-03
    clock.now = dt.datetime(2028, 11, 3, 10, 0, tzinfo=dt.UTC)  # exactly 24 months after the first
    await store.save(TENANT, profile, via="command_line")
    assert [e.number for e in await store.entries(TENANT)] == [1, 2, 3]  # not one dropped early
    first_body = (await store.entries(TENANT))[0].body
    clock.advance(minutes=1)
    await store.save(TENANT, profile, via="command_line")
    assert [e.number for e in await store.entries(TENANT)] == [2, 3, 4]
    assert await services.storage.read([first_body]) == {}  # its data went with it
    clock.advance(days=3650)
    await store.save(TENANT, profile, via="command_line")
    assert [e.number for e in await store.entries(TENANT)] == [5]  # the current version stays


@both_backends
async def test_undo_after_a_file_import_through_the_public_api(
        client: Any, connector: Any, services: Services) -> None:
    """The file import (another branch) calls guard_edit, then save_profile(via="file_import")."""
    await save_profile(services, TENANT, load_profile(PROFILE), editor=person(ADA), via="intake")
    imported = profile_with(("p1", "Ada", ["AZ-305"]), ("p9", "Ivy", ["AZ-104"]))
    saved = await save_profile(services, TENANT, load_profile(imported), editor=person(ADA),
                               via="file_import", base=1)
    assert (saved.entry.number, saved.entry.via, saved.new_owner) == (2, "file_import", False)
    assert await say(client, connector, ADA, "undo") == ["Undone: version 1 is back, saved as version 3."]
    assert [p.label() for p in (await services.profiles.get(TENANT)).people] == ["Ada"]
