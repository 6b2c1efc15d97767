"""Hostile and clumsy submits: missing keys, wrong types, huge strings, forged card state. Each gets
a card back (never an exception, so never a 500), the draft is never corrupted, nothing is saved."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import pytest
from backends import both_backends
from card_fixtures import INTAKE_INPUTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from intake_harness import ORG, TENANT, FakeServices, Harness, field_error, walk_to

from bot.intake.dialog import STATE_KEY, dialog_set


def _meta(h: Harness) -> dict[str, Any]:
    return dict(h.action("next")["data"]["intake"])


BROKEN_META = [
    None,
    [],
    "next",
    5,
    {},
    {"nav": 5},
    {"nav": "next"},
    {"nav": "launch_missiles"},
    {"nav": "next", "session": ["x"], "step": {"a": 1}},
]


@pytest.mark.parametrize("meta", BROKEN_META, ids=[repr(m)[:30] for m in BROKEN_META])
async def test_a_broken_intake_payload_shows_the_current_step_again(harness: Harness, meta: Any) -> None:
    await walk_to(harness, "areas")
    replies = await harness.submit({"intake": meta, "areas": "data_ai"})
    assert harness.consumed is True
    assert len(replies) == 1 and harness.step() == "areas"
    assert "here is where you are now" in harness.text()


@both_backends  # the session and step checked are the stored ones
async def test_a_forged_session_cannot_act_on_the_intake(harness: Harness, services: FakeServices) -> None:
    await walk_to(harness, "review")
    forged = {"intake": {**_meta_of(harness, "confirm"), "session": "0000000000000000"}}
    await harness.submit(forged)
    assert harness.step() == "review" and "That card is out of date" in harness.text()
    assert await services.profiles.get(TENANT) is None


@both_backends
async def test_a_forged_step_cannot_skip_ahead(harness: Harness, services: FakeServices) -> None:
    await harness.start()
    meta = _meta(harness)
    await harness.submit({"intake": {**meta, "step": "review", "nav": "confirm"}})
    assert harness.step() == "organisation" and "That card is out of date" in harness.text()
    await harness.submit({"intake": {**meta, "nav": "confirm"}})  # confirm outside review
    assert harness.step() == "organisation"
    await harness.submit({"intake": {**meta, "nav": "goto", "arg": "people"}})  # goto outside review
    assert harness.step() == "organisation"
    assert await services.profiles.get(TENANT) is None


@pytest.mark.parametrize("arg", [-1, 99, "1; drop", True, None, 10**12, "00000000001"])
async def test_person_buttons_with_forged_indexes(harness: Harness, arg: Any) -> None:
    await walk_to(harness, "people")
    await harness.press("bulk", bulk="Ada: AZ-104")
    meta = _meta(harness)
    for nav in ("edit_person", "remove_person", "page"):
        await harness.submit({"intake": {**meta, "nav": nav, "arg": arg}})
        assert harness.step() == "people" and "Ada" in harness.text(), nav
        assert "1 person so far" in harness.text()


WRONG_TYPES = [{"a": 1}, ["x", 1], True, None, 1e308, float("nan"), "\x00\x00", "<script>alert(1)</script>"]


@pytest.mark.parametrize("value", WRONG_TYPES, ids=[repr(v)[:20] for v in WRONG_TYPES])
async def test_inputs_of_the_wrong_type_get_a_message_not_a_crash(harness: Harness, value: Any) -> None:
    await harness.start()
    await harness.press("next", **{**ORG, "partner_id": value, "partner_name": value})
    assert harness.step() == "organisation"
    assert field_error(harness.last_card, "partner_id") is not None
    await harness.press("next", **ORG)
    await harness.press("next", areas=value)
    assert harness.step() == "areas"
    assert field_error(harness.last_card, "areas") is not None


async def test_wrong_types_on_every_step(harness: Harness) -> None:
    for step, names in [
        ("areas", ["areas"]),
        ("people", ["person_name", "person_certs", "bulk"]),
        ("usage", ["customers_last_month", "acr_last_month", "acr_year_ago"]),
        ("services", ["services", "services_other"]),
    ]:
        h = Harness(FakeServices.over(Path(tempfile.mkdtemp())))
        await walk_to(h, step)
        for value in WRONG_TYPES:
            await h.press("next", **dict.fromkeys(names, value))
            assert h.step() in (step, _after(step)), (step, value)
            if h.step() != step:
                await h.press("back")


def _after(step: str) -> str:
    order = ["organisation", "areas", "people", "usage", "services", "review"]
    return order[order.index(step) + 1]


async def test_huge_strings_are_refused_and_cut_in_the_echo(harness: Harness) -> None:
    await harness.start()
    huge = "A" * 1_000_000
    await harness.press("next", **{**ORG, "partner_name": huge})
    assert field_error(harness.last_card, "partner_name") == "Too long: at most 200 characters."
    assert len(harness.inputs()["partner_name"]["value"]) == 200
    await harness.press("next", **ORG)
    await harness.press("next", areas="data_ai")
    await harness.press("bulk", bulk=huge)
    assert field_error(harness.last_card, "bulk") == "Too long: at most 20,000 characters."
    assert len(harness.inputs()["bulk"]["value"]) <= 3000


async def test_a_submit_that_is_not_an_object(harness: Harness) -> None:
    await walk_to(harness, "areas")
    for value in ("intake", ["intake"], 42):
        assert await harness.submit(value) == []
        assert harness.consumed is False  # not ours: the questions part answers it
    card = await harness.execute("intake.next", ["not", "a", "dict"])  # type: ignore[arg-type]
    assert card is not None and harness.step() == "areas"


@both_backends  # the damaged state is read back from the store
async def test_a_corrupted_stored_state_closes_the_intake_and_keeps_the_profile(
    harness: Harness, services: FakeServices, saved: Any
) -> None:
    await harness.start()
    meta = _meta(harness)

    async def corrupt(tc: Any) -> None:
        dc = await dialog_set(services).create_context(tc)
        dc.active_dialog.state[STATE_KEY] = {"session": 5, "step": "nowhere", "draft": "garbage"}
        await services.conversation_state.save_changes(tc)

    await harness._run(harness._activity(type="message", text="x"), corrupt)
    replies = await harness.submit({"intake": {**meta, "nav": "next"}, **ORG})
    assert "I could not continue this form" in replies[0].card["body"][0]["text"]
    assert (await services.profiles.get(TENANT)).model_dump() == saved.model_dump()
    await harness.start()  # a new intake starts cleanly
    assert harness.step() == "organisation"


def _meta_of(h: Harness, nav: str) -> dict[str, Any]:
    return dict(h.action(nav)["data"]["intake"])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=300),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [name for names in INTAKE_INPUTS.values() for name in names]
submits = st.fixed_dictionaries(
    {
        "nav": st.sampled_from(
            [
                "next",
                "back",
                "save_person",
                "edit_person",
                "remove_person",
                "new_person",
                "bulk",
                "page",
                "goto",
                "refresh",
                "confirm",
                "cancel",
            ]
        )
        | json_values,
        "arg": json_values,
        "forge_session": st.booleans(),
        "forge_step": st.booleans(),
        "inputs": st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6),
        "via": st.sampled_from(["submit", "execute"]),
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(submits, min_size=1, max_size=5))
def test_random_submits_never_crash_and_never_save_a_draft(turns: list[dict[str, Any]]) -> None:
    asyncio.run(_random_session(turns))


async def _random_session(turns: list[dict[str, Any]]) -> None:
    services = FakeServices.over(Path(tempfile.mkdtemp()))
    h = Harness(services)
    await h.start()
    for turn in turns:
        card = h.last_card
        metas = [a["data"]["intake"] for a in _all_actions(card)]
        meta = dict(metas[0]) if metas else {}
        meta["nav"], meta["arg"] = turn["nav"], turn["arg"]
        if turn["forge_session"]:
            meta["session"] = "forged"
        if turn["forge_step"]:
            meta["step"] = "review"
        data = {**turn["inputs"], "intake": meta}
        if turn["via"] == "execute":
            result = await h.execute("intake.x", data)
            assert result is not None
        else:
            await h.submit(data)
            assert h.consumed is True
        if meta["nav"] == "confirm" and not turn["forge_session"]:
            continue  # a confirm on a real review card may legitimately save
        assert await services.profiles.get(TENANT) is None


def _all_actions(card: Any) -> list[dict[str, Any]]:
    from intake_harness import card_schema

    return [a for a in card_schema.actions(card) if isinstance(a.get("data"), dict) and "intake" in a["data"]]
