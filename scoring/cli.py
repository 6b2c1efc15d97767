"""`python -m scoring score PROFILE.json [--rules V] [--as-of DATE] [--json] [--records CSV]`.

Exit 0 on success, 2 on invalid input (the error on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from scoring.catalog import default_catalog
from scoring.errors import ProfileError
from scoring.load import load_profile
from scoring.reasons import AREA_NAMES, METRIC_NAMES, Describer
from scoring.records import AcrRecords
from scoring.results import Scorecard

EXIT_INVALID = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scoring", description="Partner capability scoring.")
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser("score", help="score a profile JSON file")
    score.add_argument("profile", type=Path, help="profile JSON (see ARCHITECTURE.md)")
    score.add_argument("--rules", help="rule version (default: the version in force on the scoring date)")
    score.add_argument("--as-of", dest="as_of", help="scoring date YYYY-MM-DD (default: the profile's as_of)")
    score.add_argument("--json", action="store_true", help="print the scorecard JSON contract")
    score.add_argument("--records", type=Path, help="CSV of ACR records (replaces the profile's usage data)")
    certs = sub.add_parser("certifications", help="list the certifications a rule version names")
    certs.add_argument("--rules", help="rule version (default: every known certification)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "certifications":
        return _list_certifications(args.rules)
    try:
        return _score(args)
    except ProfileError as exc:
        print(f"invalid profile {args.profile}:", file=sys.stderr)
        for err in exc.errors:
            print(f"  {err}", file=sys.stderr)
        return EXIT_INVALID


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_INVALID


def _score(args: argparse.Namespace) -> int:
    from scoring.engine import score_profile

    catalog = default_catalog()
    as_of = None
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            return _fail(f"--as-of {args.as_of!r} is not a date: expected YYYY-MM-DD")
    if args.rules and args.rules not in catalog.rule_sets:
        return _fail(f"--rules {args.rules!r} is unknown; known versions: {', '.join(catalog.rule_sets)}")
    if not args.profile.is_file():
        return _fail(f"{args.profile}: no such file")
    profile = load_profile(args.profile)
    if args.records:
        records = AcrRecords.from_csv(args.records)
        profile = profile.model_copy(update={"acr_records": records, "usage": None})
    card = score_profile(profile, rules=args.rules, as_of=as_of)
    if args.json:
        print(json.dumps(card.to_json(), indent=2, ensure_ascii=False))
    else:
        names = {p.id: p.label() for p in profile.people}
        print(render(card, Describer(catalog, names)))
    return 0


def render(card: Scorecard, describe: Describer) -> str:
    """The scorecard for people: per area, each metric's points and why, then the plan."""
    name = f"{card.partner_name} ({card.partner_id})" if card.partner_name else card.partner_id
    lines = [
        f"{name}: Solutions Partner for Azure, rules {card.rules}, {card.track} track, as of {card.as_of}",
        "",
    ]
    for d in card.designations:
        verdict = "QUALIFIED" if d.qualified else "not qualified"
        lines.append(f"{AREA_NAMES[d.area]}: {d.score}/100 (needs {d.threshold}): {verdict}")
        for m in d.metrics:
            label = f"{METRIC_NAMES[m.metric]}"
            lines.append(
                f"  {label:<29}{m.points:>3}/{m.max:<3} " + "; ".join(describe.reason(r) for r in m.reasons)
            )
        for r in d.reasons:
            lines.append(f"  - {describe.reason(r)}")
        if d.plan:
            lines.append("  Plan to qualify:")
            lines += [f"    * {describe.plan_step(s)}" for s in d.plan]
        lines.append("")
    cp = card.cloud_platform
    if cp is not None:
        lines.append(f"Cloud Platform competency ({cp.rules}): {cp.level.value}")
        for level, result in cp.levels.items():
            state = "met" if result.met else "not met"
            lines.append(
                f"  {level.value.capitalize():<7}{state}: "
                + "; ".join(describe.reason(r) for r in result.reasons)
            )
    return "\n".join(lines)


def _list_certifications(version: str | None) -> int:
    from scoring.catalog import certifications

    try:
        certs = certifications(version)
    except KeyError as exc:
        return _fail(str(exc.args[0]))
    for cert in certs:
        retired = f"  (retired {cert.retired}, counts until {cert.count_until})" if cert.retired else ""
        print(f"{cert.slug:<48} {cert.exam_label:<16} {cert.name}{retired}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
