"""The words the bot recognises: one vocabulary file per language (`vocabulary/<locale>.json`).

A user may type English in a French Teams client, so understanding never depends on the locale:
the vocabularies of every language are merged and every phrase is tried. Phrases are matched after
`understand.normalize` (lower case, Latin accents removed). Latin phrases match word by word, with
typos; Korean and Chinese phrases match as substrings of the text with its spaces removed (no word
breaks in Chinese; Korean particles stick to nouns). A new language is one new file here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scoring.ids import Area, Metric, Track

from .model import Intent, Section

VOCABULARY_DIR = Path(__file__).parent / "vocabulary"


def _load() -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(VOCABULARY_DIR.glob("*.json"))]


_FILES = _load()


def _merged(key: str) -> list[str]:
    out: list[str] = []
    for vocabulary in _FILES:
        out.extend(p for p in vocabulary.get(key, []) if p not in out)
    return out


def _merged_map(key: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for vocabulary in _FILES:
        for name, phrases in vocabulary.get(key, {}).items():
            bucket = out.setdefault(name, [])
            bucket.extend(p for p in phrases if p not in bucket)
    return out


# Abbreviations rewritten to one token before matching (regex on the normalized text -> token).
ABBREVIATIONS: list[tuple[str, str]] = [
    (pattern, token) for vocabulary in _FILES for pattern, token in vocabulary.get("abbreviations", [])
]
AREA_WORDS: dict[Area, list[str]] = {Area(k): v for k, v in _merged_map("areas").items()}
METRIC_WORDS: dict[Metric, list[str]] = {Metric(k): _merged_map("metrics")[k] for k in Metric}
CLOUD_PLATFORM_WORDS = _merged("cloud_platform")
CLOUD_LEVEL_WORDS: dict[str, list[str]] = _merged_map("cloud_levels")
PARTNER_SCORE_WORDS = _merged("partner_score")
INTENT_WORDS: dict[Intent, list[str]] = {Intent(k): v for k, v in _merged_map("intents").items()}
WHY_STRONG = _merged("why_strong")
CERTIFICATION_NOUNS = _merged("certification_nouns")
LIST_CUES = _merged("list_cues")
WHO_CUES = _merged("who_cues")
START_INTAKE_WORDS = _merged("start_intake")
DATA_WORDS = _merged("data_words")
SECTION_WORDS: dict[Section, list[str]] = {Section(k): v for k, v in _merged_map("sections").items()}
NOTIFICATION_WORDS = _merged("notifications")
STOP_WORDS = _merged("stop")
START_WORDS = _merged("start")
STOP_ALONE = _merged("stop_alone")
START_ALONE = _merged("start_alone")
THANKS = _merged("thanks")
HELP_STRONG = _merged("help_strong")
FOLLOW_UP = _merged("follow_up")
PRONOUNS = _merged("pronouns")
PERSON_PRONOUNS = _merged("person_pronouns")  # "what else has he got?": the person last talked about
WHAT_IF = _merged("what_if")
EXPIRY = _merged("expiry")
CHANGES = _merged("changes")
YES_NO = _merged("yes_no")
# Most specific topic first: "how long is the qualification window" is about the window.
_FACT_ORDER = ("window", "associations", "learn_profile", "refresh", "skilling_delay")
FACT_WORDS: dict[str, list[str]] = dict(
    sorted(
        _merged_map("facts").items(),
        key=lambda item: _FACT_ORDER.index(item[0]) if item[0] in _FACT_ORDER else 99,
    )
)
GAIN = _merged("gain")
PASS = _merged("pass")
WHICH_COUNT = _merged("which_count")  # "which ones count?" after a skilling answer: its list
RELATIVE_GROWTH = _merged("relative_growth")  # "20% more growth": points on top, not a target
NOT_RENEW = _merged("not_renew")  # "what if she does not renew it?": an expiry question
# Requests we cannot act on ("book me an exam voucher"), and prices: never a score answer.
REQUESTS = _merged("requests")
PRICES = _merged("prices")
WENT_UP = _merged("went_up")  # "why did infra go up?": what changed, not why it is not qualified
TRACK_WORDS: dict[Track, list[str]] = {Track(k): v for k, v in _merged_map("tracks").items()}
COMPARE = _merged("compare")  # "SMB vs enterprise", "Unterschied": the tracks side by side
OFFER_WORDS = _merged("offer_words")  # with an excluded offer's name: "do Trial offers count in ACR?"
SINCE = _merged("since")  # "what changed since last month, and why?": a change question despite its why
COUNT_VERBS = _merged("count_verbs")  # "do expired certifications still count?"
ALSO = _merged("also")  # "and if Jürgen passes it too?": one more person in the same what-if
GAIN_CUES = _merged("gain_cues")  # "what does the renewal bring?": a what-if
CORRECTION = _merged("correction")  # "no, I meant infra": the last question again, however long
EITHER_OR = _merged("either_or")  # "算不算", "or not": a plain yes/no, never "excluded?"
AVOID = _merged("avoid")  # "how do we avoid that?" after an expiry: renew it in time
SOVEREIGN = _merged("sovereign")  # "does Azure China count?": the sovereign-cloud exclusion (E-23)
WHICH = _merged("which")  # "which ones?": a list is asked, not a yes/no
OUR_TRACK = _merged("our_track")  # "which track are we on?": the partner's own track
RENEW = _merged("renew")  # "what if Sofia renews her AZ-305?": a what-if, not an expiry question
EXCLUDED_CUES = _merged("excluded_cues")  # "are VMs excluded from deployments?": a yes/no rule
LOST_POINTS = _merged("lost_points")  # "why did we lose points?": what changed since last month
# Other programmes and tools ("Dynamics 365", "pricing calculator"): not ours to answer.
OUT_OF_SCOPE = _merged("out_of_scope")
THRESHOLD = _merged("threshold")  # "from how many points do we qualify?": the qualification rule
ELSE = _merged("else")  # "what else does he have?": the rest of that person's certifications
GATE = _merged("gate")  # the prerequisite steps: "how many people does the gate need?"
GROW = _merged("grow")
NUMBER_WORDS: dict[str, int] = {
    word: value for vocabulary in _FILES for word, value in vocabulary.get("numbers", {}).items()
}


def all_phrase_lists() -> list[list[str]]:
    """Every phrase list, for the typo corrector's vocabulary (a known word is never "corrected")."""
    lists: list[list[str]] = []
    for vocabulary in _FILES:
        for key, value in vocabulary.items():
            if key in ("abbreviations", "numbers"):
                continue
            if isinstance(value, dict):
                lists.extend(v for v in value.values() if isinstance(v, list))
            else:
                lists.append(value)
    lists.append(list(NUMBER_WORDS))
    return lists


MORE_CUSTOMERS = _merged("more_customers")
SCORE_STRONG = _merged("score_strong")
WHEN = _merged("when")
HOW_MANY_PEOPLE = _merged("how_many_people")
OURS = _merged("ours")
ZERO_WORDS = _merged("zero")
WHAT_IF_STRONG = _merged("what_if_strong")
EXCLUDED_SERVICE_WORDS = _merged("excluded_services")
LEAVE = _merged("leave")  # "what if Inès leaves?": that person's certifications go with her
FEWER = _merged("fewer")  # "what if we lose 2 customers?": fewer of them, not more
ONLY_VALUE = _merged("only_value")  # "if net adds were only 2": the figure itself, not a change by it
HOW_MANY = _merged("how_many")  # "how many SAEs do we need?": a head count, from the certification's steps
WE_HAVE = _merged("we_have")  # "how many customers do we have that count?": our own figure, not the rule
QUALIFY_WORDS = _merged("qualify_words")  # "so we'd qualify for all 3?" after a what-if: its verdict
WE_ARE = _merged("we_are")  # "sind wir jetzt SMB oder Enterprise?": our own track, not the difference
DEFINITION = _merged("definition")  # "what is the partner capability score?": the rule, not our figures
CLOSEST = _merged("closest")  # "which area is closest?": the unqualified area with the fewest points to go
WORTH = _merged("worth")  # "how much is Min-jun worth to us?": the scores without that person
MORE = _merged("more")  # "et avec 2 clients de plus ?": more of something, a what-if without its "if"
HAPPENS = _merged("happens")  # "was passiert am 5.1.2027?": what lapses that day
FIRST = _merged("first")  # "what do we do first?": after one holding's expiry, renew it in time
CONDITIONAL = _merged("conditional")  # "wie viele Punkte hätten wir im SMB-Track?": a track what-if
ALREADY = _merged("already")  # "which certs have already expired?": the lapsed ones, not the list to come
