"""Intake test harness: botbuilder's TestAdapter over the real storage (TinyDB or Azure Blob), as in
production.

A module of its own (not conftest) so test files import it by a name unique in the test tree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import card_schema
from botbuilder.core import ConversationState, TurnContext, UserState
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount
from card_fixtures import contoso_data

import bot.intake as intake
from bot.config import Settings
from bot.storage.base import ItemStorage
from bot.storage.tinydb_storage import TinyDBStorage
from bot.stores import HistoryStore, ProfileStore
from cards.adaptive import ATTENTION_MARK

TENANT = "tenant-contoso"
USER = "29:user-ada"
TODAY = dt.datetime(2026, 10, 31, 9, 0, tzinfo=dt.UTC)




@dataclass
class FakeServices:
    """The parts of bot.services.Services the intake uses, over one data folder."""

    storage: Any
    conversation_state: ConversationState
    user_state: UserState
    profiles: ProfileStore
    history: HistoryStore
    clock: Any = lambda: TODAY
    extras: dict[str, Any] = field(default_factory=dict)
    settings: Settings = field(default_factory=lambda: Settings(app_id=""))  # local mode, owners edit

    @classmethod
    def over(cls, store: Path | ItemStorage) -> FakeServices:
        """Over a TinyDB data folder, or over a storage already opened (any backend)."""
        storage = TinyDBStorage(store) if isinstance(store, Path) else store
        return cls(
            storage,
            ConversationState(storage),
            UserState(storage),
            ProfileStore(storage, lambda: TODAY),
            HistoryStore(storage),
        )


@dataclass
class Reply:
    text: str | None
    card: dict[str, Any] | None


class Harness:
    """One Teams conversation with the bot's intake, turn by turn.

    `say` sends text, `submit` an Action.Submit (message with `value`), `execute` an Action.Execute
    (adaptiveCard/action invoke, answered with the card shown in place). Every card the bot sends
    is checked against the Adaptive Cards 1.5 schema and the size limit.
    """

    def __init__(self, services: FakeServices, locale: str = "en") -> None:
        self.services = services
        self.locale = locale
        self.adapter = TestAdapter(
            template_or_conversation=Activity(
                channel_id="msteams",
                service_url="https://smba.example.test",
                from_property=ChannelAccount(id=USER, name="Ada"),
                recipient=ChannelAccount(id="28:bot", name="Bot"),
                conversation=ConversationAccount(
                    id="a:personal-chat", tenant_id=TENANT, conversation_type="personal"
                ),
            )
        )
        self.last_card: dict[str, Any] | None = None
        self.consumed: bool | None = None

    def _activity(self, **fields: Any) -> Activity:
        return Activity(locale=self.locale, channel_data={"tenant": {"id": TENANT}}, **fields)

    async def _run(self, activity: Activity, logic: Any) -> list[Reply]:
        self.adapter.activity_buffer.clear()
        await self.adapter.process_activity(activity, logic)
        replies = []
        for sent in self.adapter.activity_buffer:
            card = None
            for attachment in sent.attachments or []:
                if attachment.content_type == "application/vnd.microsoft.card.adaptive":
                    card = attachment.content
                    card_schema.assert_valid_card(card)
                    self.last_card = card
            replies.append(Reply(sent.text, card))
        return replies

    async def start(self, section: str | None = None) -> list[Reply]:
        async def logic(tc: TurnContext) -> None:
            await intake.start_intake(tc, self.services, section)

        return await self._run(self._activity(type=ActivityTypes.message, text="update my data"), logic)

    async def say(self, text: str) -> list[Reply]:
        async def logic(tc: TurnContext) -> None:
            self.consumed = await intake.run_intake_turn(tc, self.services)

        return await self._run(self._activity(type=ActivityTypes.message, text=text), logic)

    async def submit(self, value: Any) -> list[Reply]:
        async def logic(tc: TurnContext) -> None:
            self.consumed = await intake.run_intake_turn(tc, self.services)

        return await self._run(self._activity(type=ActivityTypes.message, value=value), logic)

    async def execute(self, verb: str, data: Any) -> dict[str, Any] | None:
        result: dict[str, Any] = {}

        async def logic(tc: TurnContext) -> None:
            result["card"] = await intake.on_card_action(tc, self.services, verb, data)

        activity = self._activity(
            type=ActivityTypes.invoke,
            name="adaptiveCard/action",
            value={"action": {"type": "Action.Execute", "verb": verb, "data": data}},
        )
        sent = await self._run(activity, logic)
        assert not sent, "an Action.Execute answers with the card, it sends no message"
        card = result["card"]
        if card is not None:
            card_schema.assert_valid_card(card)
            self.last_card = card
        return card

    # --- helpers to act on the last card like a user would ---------------------------------------
    def action(self, nav: str, arg: Any = None) -> dict[str, Any]:
        """The data of the last card's button for `nav` (and `arg`), as the client would send it."""
        assert self.last_card is not None
        for action in card_schema.actions(self.last_card):
            meta = (action.get("data") or {}).get("intake") if isinstance(action.get("data"), dict) else None
            if meta and meta.get("nav") == nav and (arg is None or meta.get("arg") == arg):
                return action
        raise AssertionError(f"no {nav!r} button on the card")

    async def press(
        self, nav: str, arg: Any = None, via: str = "submit", **inputs: Any
    ) -> list[Reply] | dict:
        action = self.action(nav, arg)
        data = {**action["data"], **inputs}
        if via == "execute":
            return await self.execute(action["verb"], data)
        return await self.submit(data)

    def step(self) -> str:
        assert self.last_card is not None
        metas = [
            (a.get("data") or {}).get("intake")
            for a in card_schema.actions(self.last_card)
            if isinstance(a.get("data"), dict)
        ]
        steps = {m["step"] for m in metas if m}
        assert len(steps) == 1, steps
        return steps.pop()

    def text(self) -> str:
        return card_schema.texts(self.last_card)

    def inputs(self) -> dict[str, dict[str, Any]]:
        return card_schema.inputs(self.last_card)


def field_error(card: Any, input_id: str) -> str | None:
    """The validation message shown right under input `input_id`, or None."""
    if isinstance(card, dict):
        for value in card.values():
            found = field_error(value, input_id)
            if found is not None:
                return found
    elif isinstance(card, list):
        for i, item in enumerate(card):
            if (
                isinstance(item, dict)
                and item.get("id") == input_id
                and str(item.get("type", "")).startswith("Input.")
            ):
                # An attention banner right under the input (cards.adaptive.error_text): its first line.
                after = card[i + 1] if i + 1 < len(card) else None
                if (
                    isinstance(after, dict)
                    and after.get("type") == "Container"
                    and after.get("style") == "attention"
                ):
                    return after["items"][0]["text"].removeprefix(f"{ATTENTION_MARK} ")
                return None
            found = field_error(item, input_id)
            if found is not None:
                return found
    return None


def contoso_profile_data() -> dict[str, Any]:
    """The card tests' Contoso profile (ARCHITECTURE.md's example), dated a month earlier."""
    return {**contoso_data(), "as_of": "2026-09-30"}


def records_profile() -> dict[str, Any]:
    """The Contoso profile with two detailed ACR records (one CSP_T1, one DPOR) instead of usage figures."""
    data = contoso_profile_data()
    del data["usage"]
    data["acr_records"] = [
        {
            "customer": "c1",
            "month": "2026-09",
            "service": "Azure SQL Database",
            "offer": "CSP",
            "association": "CSP_T1",
            "usd": 1500.0,
        },
        {
            "customer": "c2",
            "month": "2026-08",
            "service": "Azure App Service",
            "offer": "CSP",
            "association": "DPOR",
            "usd": 900.0,
        },
    ]
    return data


ORG = {
    "partner_id": "4412345",
    "partner_name": "Contoso Ltd",
    "market": "developed",
    "track": "enterprise",
    "rules": "auto",
}
USAGE = {
    "customers_last_month": "5",
    "customers_year_ago": "3",
    "acr_last_month": "112,700",
    "acr_year_ago": "100000",
}


async def walk_to(h: Harness, step: str) -> None:
    """From a fresh intake, fill each section correctly until `step` is shown."""
    await h.start()
    plan = [
        ("organisation", ORG),
        ("areas", {"areas": "data_ai,infrastructure"}),
        ("people", {"bulk": "Ada: AZ-305, AZ-104\nGrace: AZ-305, AZ-104, DP-300"}),
        ("usage", USAGE),
        ("services", {"services": "Azure SQL Database,Azure App Service"}),
    ]
    for name, inputs in plan:
        if h.step() == step:
            return
        assert h.step() == name
        await h.press("next", **inputs)
    assert h.step() == step
