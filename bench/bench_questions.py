"""Understanding plus answering, per question, for a partner of 100 people (issue 9: p99 < 50 ms).

Runs every question of the evaluation set (tests/bot/questions/eval/*.txt, five languages) against a
100-person profile, first cold (caches empty) then warm, and prints p50/p99 per pass. The machine is
shared: compare the two passes of one run, not figures across runs.

    .venv/bin/python bench/bench_questions.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), *(str(ROOT / "tests" / d) for d in ("bot/questions", "cards", "shared"))]

from eval_set import LOCALES, load  # noqa: E402
from qa_profiles import context, make_profile  # noqa: E402

from bot.questions import answer  # noqa: E402
from bot.questions.understand import _understand, correct  # noqa: E402

CERTS = ["AZ-305", "AZ-104", "DP-300", "AI-102", "DP-100", "AZ-204", "AZ-700", "AZ-400", "AZ-140", "PL-300"]


def people(count: int) -> list[dict[str, object]]:
    return [
        {
            "id": f"p{i}",
            "name": f"Person{i}",
            "certifications": [CERTS[i % len(CERTS)], CERTS[(i * 3) % len(CERTS)]],
        }
        for i in range(count)
    ]


def timings(questions: list[tuple[str, str]], contexts: dict[str, object]) -> list[float]:
    out = []
    for locale, question in questions:
        start = time.perf_counter()
        answer(question, contexts[locale])  # type: ignore[arg-type]
        out.append((time.perf_counter() - start) * 1000)
    return out


def line(name: str, values: list[float]) -> str:
    values = sorted(values)
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    p50 = statistics.median(values)
    return f"{name:<6} n={len(values):4d}  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  max {values[-1]:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    profile = make_profile(people(100))
    contexts = {locale: context(profile, locale) for locale in LOCALES}
    questions = [(c.locale, c.question) for locale in LOCALES for c in load(locale)[0]]
    _understand.cache_clear()
    correct.cache_clear()
    print(line("cold", timings(questions, contexts)))
    for n in range(args.rounds):
        print(line(f"warm{n + 1}", timings(questions, contexts)))


if __name__ == "__main__":
    main()
