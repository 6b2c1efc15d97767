"""Every rule id the code, the catalog and the docs cite (`E-7`, `§2.4`) resolves to an anchor of
docs/rules.md, the project's own account of the rules."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "docs" / "rules.md"
# Where rule ids are cited: the packages, the catalog, the docs and the tests.
CITING = [*ROOT.glob("scoring/**/*.py"), *ROOT.glob("scoring/catalog/*.toml"), *ROOT.glob("cards/**/*.py"),
          *ROOT.glob("bot/**/*.py"), *ROOT.glob("tests/**/*.py"), *ROOT.glob("docs/*.md"),
          *ROOT.glob("*.md"), *ROOT.glob("bot/**/*.md"), *ROOT.glob("deploy/*.md")]
_INTERPRETATION = re.compile(r"(?<![\w-])E-\d+\b")
_SECTION = re.compile(r"§\s?(\d+(?:\.\d+)*)")
_ANCHOR = re.compile(r'<a id="([^"]+)"></a>')


def anchors() -> set[str]:
    return set(_ANCHOR.findall(RULES.read_text(encoding="utf-8")))


def cited() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in CITING:
        if ".venv" in path.parts or path == Path(__file__):
            continue
        text = path.read_text(encoding="utf-8")
        ids = set(_INTERPRETATION.findall(text)) | {f"§{number}" for number in _SECTION.findall(text)}
        for rule_id in ids:
            found.setdefault(rule_id, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_cited_rule_id_has_an_anchor_in_docs_rules_md() -> None:
    missing = {rule_id: sorted(paths) for rule_id, paths in cited().items() if rule_id not in anchors()}
    assert missing == {}


def test_every_interpretation_choice_e1_to_e28_is_documented_with_its_reading() -> None:
    text = RULES.read_text(encoding="utf-8")
    for number in range(1, 29):
        assert f'<a id="E-{number}"></a>\n### E-{number} ' in text, number
    assert len(cited()) > 40  # the check reads the real citations, not an empty set


def test_every_settings_field_is_named_in_docs_rules_md() -> None:
    from scoring.settings import Settings

    text = RULES.read_text(encoding="utf-8")
    fields = [name for name in Settings.model_fields if name != "catalog_dir"]
    assert [name for name in fields if f"`{name}" not in text] == []
