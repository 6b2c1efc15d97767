"""The evaluation set: questions and dialogues as partners type them, one file per language
(`eval/<locale>.txt`), each with what a right answer must be for EVAL_PROFILE.

`python tests/bot/questions/eval_set.py` prints the accuracy per language and intent; the tests in
test_eval_set.py hold every question and every dialogue turn to it.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EVAL_DIR = Path(__file__).parent / "eval"
LOCALES = ("en", "fr", "de", "ko", "zh-TW")
_SPACES = str.maketrans({"\u202f": " ", "\xa0": " "})

# Ada holds the only Solutions Architect Expert (the D&AI intermediate and the advanced step-1 gates
# need 2) and her AZ-104 expired; Linus's AZ-104 expires within 90 days of the scoring date.
EVAL_PEOPLE: list[dict[str, Any]] = [
    {"id": "p1", "name": "Ada", "certifications": ["AZ-305", {"id": "AZ-104", "expires": "2026-03-01"}]},
    {"id": "p2", "name": "Grace", "certifications": ["AZ-104", "DP-300", "AZ-204", "PL-300"]},
    {
        "id": "p3",
        "name": "Linus",
        "certifications": ["AI-102", "DP-100", {"id": "AZ-104", "expires": "2027-01-15"}, "AZ-700"],
    },
]


@dataclass
class Case:
    locale: str
    question: str
    intent: str
    areas: tuple[str, ...] | None  # None: not checked
    has: tuple[str, ...]
    dialogue: int | None = None  # index of the dialogue, None for a single question
    turn: int = 0


@dataclass
class Outcome:
    case: Case
    ok: bool
    why: str = ""
    text: str = field(default="", repr=False)


def _case(locale: str, line: str, dialogue: int | None = None, turn: int = 0) -> Case:
    if dialogue is None:
        intent, areas, has, question = (part.strip() for part in line.split(" ; ", 3))
    else:
        question, intent, areas, has = (part.strip() for part in line.split(" ; ", 3))
    return Case(
        locale,
        question,
        intent,
        None if areas == "-" else tuple(sorted(areas.split(","))),
        () if has == "-" else tuple(has.split("|")),
        dialogue,
        turn,
    )


def load(locale: str) -> tuple[list[Case], list[list[Case]]]:
    singles: list[Case] = []
    dialogues: list[list[Case]] = []
    current: list[Case] = []
    for raw in (EVAL_DIR / f"{locale}.txt").read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if line.startswith("#"):
            continue
        if line.startswith("> "):
            current.append(_case(locale, line[2:], len(dialogues), len(current)))
            continue
        if current:
            dialogues.append(current)
            current = []
        if line.strip():
            singles.append(_case(locale, line))
    if current:
        dialogues.append(current)
    return singles, dialogues


def check(case: Case, reply: Any) -> Outcome:
    intent = str(getattr(reply.intent, "value", reply.intent))
    if intent != case.intent:
        return Outcome(case, False, f"intent {intent}", reply.text)
    if case.areas is not None:
        memory = reply.memory
        areas = tuple(sorted(str(a) for a in (memory.areas if memory is not None and memory.areas else [])))
        if not areas and reply.area is not None:
            areas = (str(reply.area),)
        if areas != case.areas:
            return Outcome(case, False, f"areas {areas}", reply.text)
    # CLDR writes figures with no-break spaces ("1\u202f000\xa0$US"); the eval files with plain ones.
    shown = reply.text.translate(_SPACES)
    missing = [text for text in case.has if text not in shown]
    if missing:
        return Outcome(case, False, f"missing {missing}", reply.text)
    return Outcome(case, True, "", reply.text)


def context(locale: str) -> Any:
    sys.path.insert(0, str(Path(__file__).parent))
    from qa_profiles import context as make_context
    from qa_profiles import make_profile

    return make_context(make_profile(EVAL_PEOPLE), locale)


def run(locale: str) -> tuple[list[Outcome], list[Outcome]]:
    from bot.questions import answer

    ctx = context(locale)
    singles, dialogues = load(locale)
    single_outcomes = [check(case, answer(case.question, ctx)) for case in singles]
    turn_outcomes: list[Outcome] = []
    for dialogue in dialogues:
        turn_ctx = ctx
        for case in dialogue:
            reply = answer(case.question, turn_ctx)
            turn_ctx = dataclasses.replace(turn_ctx, memory=reply.memory)
            turn_outcomes.append(check(case, reply))
    return single_outcomes, turn_outcomes


def report() -> None:
    for locale in LOCALES:
        singles, turns = run(locale)
        follow_ups = [o for o in turns if o.case.turn > 0]
        everything = singles + turns
        by_intent: dict[str, list[bool]] = defaultdict(list)
        for outcome in everything:
            by_intent[outcome.case.intent].append(outcome.ok)
        right = sum(o.ok for o in everything)
        print(
            f"{locale}: {right}/{len(everything)} right ({100 * right / len(everything):.0f}%), "
            f"follow-ups {sum(o.ok for o in follow_ups)}/{len(follow_ups)}"
        )
        print("   " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(by_intent.items())))
        for outcome in everything:
            if not outcome.ok:
                print(f"   ✗ {outcome.case.question!r}: {outcome.why} :: {outcome.text[:160]!r}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "cards"))
    report()
