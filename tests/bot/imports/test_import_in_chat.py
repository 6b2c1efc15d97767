"""A file dropped into the chat: downloaded from its downloadUrl (served on 127.0.0.1), previewed on
one card, saved only by Apply; every bad file gets its own message and leaves the profile as it was."""

from __future__ import annotations

import pytest
from botbuilder.core.adapters import TestAdapter
from card_schema import assert_valid_card, texts
from import_chat import FileServer, file_attachment, saved_profile_bytes, send
from import_files import PEOPLE_CSV, xlsx, xlsx_with_formulas, zip_bomb

from bot.config import Settings
from bot.services import Services
from cards.i18n import t

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def card_of(replies: list) -> dict:
    cards = [a.content for r in replies for a in r.attachments or []]
    assert len(cards) == 1, [r.text for r in replies]
    return cards[0]


async def drop(chat: TestAdapter, files: FileServer, name: str, data: bytes, **kw) -> list:
    return await send(chat, None, attachments=[file_attachment(files.add(name, data), name)], **kw)


async def test_a_people_file_gives_one_preview_card_and_saves_nothing(
    chat: TestAdapter, files: FileServer, services: Services, settings: Settings
) -> None:
    before = saved_profile_bytes(settings)
    card = card_of(await drop(chat, files, "people.csv", PEOPLE_CSV.encode()))
    assert_valid_card(card)
    shown = texts(card)
    assert "people.csv: people and certifications, 2 rows" in shown
    assert "People: 1 → 1" in shown
    assert [a["title"] for a in card["actions"]] == ["Apply", "Cancel"]
    assert saved_profile_bytes(settings) == before
    assert files.hits == ["people.csv"]


async def test_apply_saves_the_preview_as_one_change(
    chat: TestAdapter, files: FileServer, services: Services
) -> None:
    csv = PEOPLE_CSV + "Grace,grace@contoso.com,DP-203,\n"
    card = card_of(await drop(chat, files, "people.csv", csv.encode()))
    apply = next(a for a in card["actions"] if a["title"] == "Apply")
    replies = await send(chat, None, value=apply["data"])
    assert replies[0].text.startswith("Saved. Your organisation now has 2 people on file.")
    profile = await services.profiles.get(TENANT)
    assert [(p.name, [c.id for c in p.certifications]) for p in profile.people] == [
        ("Ada", ["azure-solutions-architect", "azure-administrator"]),
        ("Grace", ["azure-data-engineer"]),
    ]
    again = await send(chat, None, value=apply["data"])  # a second click saves nothing more
    assert again[0].text == t("en", "imports.expired")


async def test_cancel_leaves_everything_as_it_was(
    chat: TestAdapter, files: FileServer, settings: Settings
) -> None:
    before = saved_profile_bytes(settings)
    card = card_of(await drop(chat, files, "people.csv", (PEOPLE_CSV + "Grace,,DP-203,\n").encode()))
    cancel = next(a for a in card["actions"] if a["title"] == "Cancel")
    replies = await send(chat, None, value=cancel["data"])
    assert replies[0].text == t("en", "imports.cancelled")
    assert saved_profile_bytes(settings) == before


async def test_a_preview_left_alone_expires(
    chat: TestAdapter, files: FileServer, services: Services, settings: Settings
) -> None:
    from bot.imports.chat import pending

    card = card_of(await drop(chat, files, "people.csv", (PEOPLE_CSV + "Grace,,DP-203,\n").encode()))
    store = pending(services)
    store._clock = lambda: 10**9  # far past the 15 minutes
    before = saved_profile_bytes(settings)
    replies = await send(chat, None, value=card["actions"][0]["data"])
    assert replies[0].text == t("en", "imports.expired")
    assert saved_profile_bytes(settings) == before


async def test_an_acr_file_shows_customers_usage_services_and_scores(
    chat: TestAdapter, files: FileServer, services: Services
) -> None:
    csv = (
        "CustomerTenantId;Month;Service Name;Offer Type;Partner Attribution Type;ACR (USD)\n"
        "c1;2026-09;Azure SQL Database;CSP;CSP_T1;1.234,50\n"
        "c2;2026-10;Azure App Service;CSP;DPOR;310,25\n"
    )
    card = card_of(await drop(chat, files, "AzureUsage.csv", csv.encode(), locale="de-DE"))
    assert "AzureUsage.csv: ACR-Datensätze, 2 Zeilen" in texts(card)
    facts = [f for b in card["body"] if b["type"] == "FactSet" for f in b["facts"]]
    assert {f["title"]: f["value"] for f in facts[:4]} == {
        "ACR-Datensätze": "eingegebene Zahlen → 2",
        "Kunden": "5 → 2",
        "Monate": "2026-09 – 2026-10",
        "Dienst hinzugefügt (1)": "Azure App Service",
    }
    assert [f["title"] for f in facts[4:]] == [
        t("de", f"common.area.{a}") for a in ("data_ai", "infrastructure", "digital_app_innovation")
    ]
    await send(chat, None, value=card["actions"][0]["data"], locale="de-DE")
    profile = await services.profiles.get(TENANT)
    assert profile.usage is None
    assert [(r["customer"], r["usd"]) for r in profile.acr_records.to_rows()] == [
        ("c1", 1234.5),
        ("c2", 310.25),
    ]


async def test_a_refused_row_names_its_row_reason_and_the_closest_certifications(
    chat: TestAdapter, files: FileServer
) -> None:
    csv = PEOPLE_CSV + "Grace,grace@contoso.com,AZ-3O5,\n"
    shown = texts(card_of(await drop(chat, files, "people.csv", csv.encode())))
    assert 'Row 4: "AZ-3O5": I don\'t know this certification. Did you mean AZ-305' in shown


async def test_in_a_group_chat_the_bot_says_files_only_work_in_a_personal_chat(
    chat: TestAdapter, files: FileServer
) -> None:
    replies = await drop(chat, files, "people.csv", PEOPLE_CSV.encode(), conversation_type="groupChat")
    assert [r.text for r in replies] == [t("en", "imports.personal_only")]
    assert files.hits == []


@pytest.mark.parametrize(
    "word, locale",
    [
        ("import", "en-US"),
        ("upload", "en-US"),
        ("importer", "fr-FR"),
        ("hochladen", "de-DE"),
        ("가져오기", "ko-KR"),
        ("上傳", "zh-TW"),
    ],
)
async def test_import_in_each_language_explains_the_files_with_their_columns(
    chat: TestAdapter, word: str, locale: str
) -> None:
    replies = await send(chat, word, locale=locale)
    assert len(replies) == 1
    assert "name,email,certification,expires" in replies[0].text
    assert "customer,month,service,offer,association,usd,cloud" in replies[0].text
    assert replies[0].text.startswith(t(locale, "imports.help_intro"))


async def test_http_download_urls_are_refused_unless_loopback_is_allowed(
    chat: TestAdapter, files: FileServer, services: Services
) -> None:
    object.__setattr__(services.settings, "import_allow_loopback_http", False)
    replies = await drop(chat, files, "people.csv", PEOPLE_CSV.encode())
    assert [r.text for r in replies] == [t("en", "imports.download_refused")]
    assert files.hits == []


async def test_a_file_over_the_size_limit_is_not_read(
    chat: TestAdapter, files: FileServer, services: Services
) -> None:
    object.__setattr__(services.settings, "import_max_bytes", 2048)
    replies = await drop(chat, files, "people.csv", (PEOPLE_CSV * 100).encode())
    assert [r.text for r in replies] == [t("en", "imports.too_big", megabytes=0)]


def million_rows() -> bytes:
    return ("name,certification\n" + "a,AZ-104\n" * 1_000_000).encode()


BAD_FILES = {
    "empty": (b"", "empty_file", {}),
    "binary renamed .csv": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary_file", {}),
    "xlsx zip bomb": (zip_bomb(), "zip_bomb", {}),
    "a million rows": (million_rows(), "too_many_rows", {"limit": 20000}),
    "several sheets": (
        xlsx([["name", "certification"], ["Ada", "AZ-305"]], [["notes"]]),
        "several_sheets",
        {"sheets": "Sheet, Sheet2"},
    ),
    "duplicate people": (
        b"name,email,certification\nAda,ada@contoso.com,AZ-305\nAdam,ada@contoso.com,AZ-104\n",
        "duplicate_people",
        {"email": "ada@contoso.com", "first": "Ada", "second": "Adam", "rows": "2, 3"},
    ),
    "200 certifications on one person": (
        ("name,certification\n" + "Ada,AZ-305\n" * 200).encode(),
        "too_many_certifications",
        {"name": "Ada", "limit": 60},
    ),
    "unrecognised columns": (
        b"foo,bar\n1,2\n",
        "columns_not_recognised",
        {"found": "foo, bar", "expected": ""},
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
async def test_each_bad_file_gets_its_own_message_and_changes_nothing(
    chat: TestAdapter, files: FileServer, settings: Settings, case: str
) -> None:
    data, key, params = BAD_FILES[case]
    before = saved_profile_bytes(settings)
    replies = await drop(chat, files, "people.csv", data)
    assert len(replies) == 1 and not replies[0].attachments
    assert replies[0].text.startswith(t("en", f"imports.{key}", **params))
    assert saved_profile_bytes(settings) == before


@pytest.mark.parametrize("locale", ["fr-FR", "de-DE", "ko-KR", "zh-TW"])
async def test_a_bad_file_is_explained_in_the_users_language(
    chat: TestAdapter, files: FileServer, locale: str
) -> None:
    replies = await drop(chat, files, "people.csv", zip_bomb(), locale=locale)
    assert [r.text for r in replies] == [t(locale, "imports.zip_bomb")]
    assert t(locale, "imports.zip_bomb") != t("en", "imports.zip_bomb")


async def test_hyperlink_text_is_refused_and_shown_as_plain_text_never_a_link(
    chat: TestAdapter, files: FileServer, settings: Settings
) -> None:
    csv = PEOPLE_CSV + '"=HYPERLINK(""https://evil.example"",""[Sign in](https://evil.example)"")",,AZ-104,\n'
    before = saved_profile_bytes(settings)
    card = card_of(await drop(chat, files, "people.csv", csv.encode()))
    line = next(b["text"] for b in card["body"] if b.get("text", "").startswith("Row 4"))
    assert line == (
        'Row 4: "=HYPERLINK("https://evil.example","[Sign in]\u200b(https://evil.example)")": '
        "it is a spreadsheet formula, not a value (type the value itself)."
    )
    assert saved_profile_bytes(settings) == before


async def test_names_with_control_characters_are_refused_with_the_characters_shown(
    chat: TestAdapter, files: FileServer, settings: Settings
) -> None:
    csv = PEOPLE_CSV + "Gr\u202eace,,AZ-104,\nBob\x07,,AZ-104,\n"
    before = saved_profile_bytes(settings)
    shown = texts(card_of(await drop(chat, files, "people.csv", csv.encode())))
    assert 'Row 4: "Gr\\x202eace": it contains hidden control characters.' in shown
    assert 'Row 5: "Bob\\x07": it contains hidden control characters.' in shown
    assert saved_profile_bytes(settings) == before


async def test_excel_formulas_are_never_evaluated_only_their_saved_values_read(
    chat: TestAdapter, files: FileServer, services: Services
) -> None:
    book = xlsx_with_formulas(
        [
            [("name", None), ("certification", None)],
            [("Ada", None), ("AZ-305", None)],
            [("Grace", 'HYPERLINK("https://evil.example","Grace")'), ("DP-203", 'CONCAT("DP-","203")')],
        ]
    )
    card = card_of(await drop(chat, files, "people.xlsx", book))
    shown = texts(card)
    assert "Added (1)" in shown and "Grace" in shown
    assert "HYPERLINK" not in shown and "evil.example" not in shown
    await send(chat, None, value=card["actions"][0]["data"])
    profile = await services.profiles.get(TENANT)
    assert [p.name for p in profile.people] == ["Ada", "Grace"]


async def test_apply_refuses_when_the_data_changed_since_the_preview(
    chat: TestAdapter, files: FileServer, services: Services
) -> None:
    from botcore_helpers import PROFILE

    from scoring import load_profile

    card = card_of(await drop(chat, files, "people.csv", (PEOPLE_CSV + "Grace,,DP-203,\n").encode()))
    edited = load_profile({**PROFILE, "people": [{"id": "p1", "name": "Ada", "certifications": ["AZ-700"]}]})
    await services.profiles.put(TENANT, edited)  # someone else saves in between
    replies = await send(chat, None, value=card["actions"][0]["data"])
    assert replies[0].text == t("en", "imports.changed_since_preview")
    assert await services.profiles.get(TENANT) == edited


async def test_apply_by_someone_who_is_not_an_owner_is_refused_and_changes_nothing(
    chat: TestAdapter, files: FileServer, services: Services, settings: Settings
) -> None:
    from bot.trust.guard import save_profile
    from bot.trust.people import Person

    # Olga saved the data first, so she owns it; the sender of this chat is somebody else.
    current = await services.profiles.get(TENANT)
    olga = Person("00000000-0000-0000-0000-0000000000f1", "Olga Owner", "user")
    await save_profile(services, TENANT, current, editor=olga, via="intake")
    before = saved_profile_bytes(settings)
    card = card_of(await drop(chat, files, "people.csv", (PEOPLE_CSV + "Grace,,DP-203,\n").encode()))
    apply = next(a for a in card["actions"] if a["title"] == "Apply")
    replies = await send(chat, None, value=apply["data"])
    assert replies[0].text == t("en", "trust.refused_not_owner", owners="Olga Owner")
    assert saved_profile_bytes(settings) == before
    assert await services.profiles.get(TENANT) == current
