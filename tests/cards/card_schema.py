"""Card checks shared by the card and intake tests: official 1.5 schema, `msteams`, Teams charts,
size, text.

Teams' chart elements (`Chart.*`) are not in the official schema. A card with charts is checked as
two readers see it: a client without charts renders each chart's `fallback`, so the card with every
chart replaced by its fallback must pass the official 1.5 schema; a client with charts renders the
chart, so each chart element (its fallback aside) must pass `schemas/teams-charts.json`."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema

SCHEMAS = Path(__file__).parent / "schemas"
OFFICIAL = jsonschema.Draft6Validator(json.loads((SCHEMAS / "adaptive-card-1.5.json").read_text("utf-8")))
MSTEAMS = jsonschema.Draft6Validator(json.loads((SCHEMAS / "msteams.json").read_text("utf-8")))
_CHARTS_SCHEMA = json.loads((SCHEMAS / "teams-charts.json").read_text("utf-8"))
# Teams refuses bot messages over about 28 KB (the whole activity). Cards stay under this, leaving
# room for the activity envelope (ids, service URL, channel data).
MAX_CARD_BYTES = 24 * 1024
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def card_bytes(card: dict[str, Any]) -> int:
    # As the connector client sends it: json.dumps defaults (spaces after separators, \u escapes).
    return len(json.dumps(card).encode("utf-8"))


_TEXT_KEYS = ("text", "title", "label", "placeholder", "fallbackText", "errorMessage")


def _strings(node: Any) -> list[str]:
    """The text a user reads: TextBlock text, titles, labels, placeholders, fact values."""
    out: list[str] = []
    if isinstance(node, dict):
        out += [node[key] for key in _TEXT_KEYS if isinstance(node.get(key), str)]
        if (
            node.get("type") is None
            and isinstance(node.get("title"), str)
            and isinstance(node.get("value"), str)
        ):
            out.append(node["value"])  # a Fact
        for key, value in node.items():
            if key not in ("data", "fallback") and isinstance(value, dict | list):
                out += _strings(value)
    elif isinstance(node, list):
        for item in node:
            out += _strings(item)
    return out


def is_chart(node: Any) -> bool:
    return isinstance(node, dict) and str(node.get("type", "")).startswith("Chart.")


def without_charts(node: Any) -> Any:
    """The card as a client without charts renders it: every chart replaced by its fallback."""
    if isinstance(node, list):
        return [without_charts(item) for item in node]
    if not isinstance(node, dict):
        return node
    if is_chart(node):
        return without_charts(node.get("fallback"))
    return {key: without_charts(value) for key, value in node.items()}


def charts_in(node: Any) -> list[dict[str, Any]]:
    """Every chart element of a card."""
    found: list[dict[str, Any]] = []
    if isinstance(node, list):
        for item in node:
            found += charts_in(item)
    elif isinstance(node, dict):
        if is_chart(node):
            found.append(node)
        for value in node.values():
            found += charts_in(value)
    return found


def chart_problems(card: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for chart in charts_in(card):
        kind = chart["type"]
        if kind not in _CHARTS_SCHEMA["definitions"]:
            problems.append(f"{kind}: no schema for this chart type")
            continue
        if not isinstance(chart.get("fallback"), dict):
            problems.append(f"{kind}: no fallback element for clients without charts")
        element = {key: value for key, value in chart.items() if key != "fallback"}
        validator = jsonschema.Draft6Validator({**_CHARTS_SCHEMA, "$ref": f"#/definitions/{kind}"})
        errors = validator.iter_errors(element)
        problems += [f"{kind} {list(e.absolute_path)}: {e.message}"[:300] for e in errors]
    return problems


def card_problems(card: dict[str, Any]) -> list[str]:
    """Every reason `card` could not be sent to Teams as is; empty when it is fine."""
    problems = chart_problems(card)
    body = without_charts(copy.deepcopy(card))
    if body.get("version") != "1.5":
        problems.append(f"version is {body.get('version')!r}, not '1.5'")
    teams = body.pop("msteams", None)
    if teams is not None:
        problems += [f"msteams: {e.message}" for e in MSTEAMS.iter_errors(teams)]
    problems += [f"{list(e.absolute_path)}: {e.message}"[:300] for e in OFFICIAL.iter_errors(body)]
    size = card_bytes(card)
    if size > MAX_CARD_BYTES:
        problems.append(f"card is {size} bytes, over {MAX_CARD_BYTES}")
    leftovers = [s for s in _strings(card) if _PLACEHOLDER.search(s)]
    if leftovers:
        problems.append(f"unformatted text: {leftovers[:3]}")
    return problems


def assert_valid_card(card: dict[str, Any]) -> None:
    problems = card_problems(card)
    assert not problems, "\n".join(problems)


def texts(card: Any) -> str:
    """All user-visible text of a card as a client without charts shows it, one string (for `in`
    checks; chart titles and legends are checked on the chart elements)."""
    return "\n".join(_strings(without_charts(card)))


def actions(card: Any) -> list[dict[str, Any]]:
    """Every action in the card (ActionSets and card actions), fallbacks excluded."""
    out: list[dict[str, Any]] = []
    if isinstance(card, dict):
        if isinstance(card.get("type"), str) and card["type"].startswith("Action."):
            out.append(card)
        for key, value in card.items():
            if key != "fallback":
                out += actions(value)
    elif isinstance(card, list):
        for item in card:
            out += actions(item)
    return out


def inputs(card: Any) -> dict[str, dict[str, Any]]:
    """Input elements by id."""
    found: dict[str, dict[str, Any]] = {}
    if isinstance(card, dict):
        if isinstance(card.get("type"), str) and card["type"].startswith("Input."):
            found[card["id"]] = card
        for value in card.values():
            found.update(inputs(value))
    elif isinstance(card, list):
        for item in card:
            found.update(inputs(item))
    return found
