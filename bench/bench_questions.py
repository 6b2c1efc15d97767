"""Question answering speed: prints figures (not a test).

    .venv/bin/python bench/bench_questions.py

1. understand() on first sight of a message (the parse cache bypassed; the per-word typo
   correction cache warm): keyword spotting, exam codes and certification names, five languages.
2. answer() per turn once warm (the handler's steady state: the parse is cached, the profile's
   scorecard memoised), per intent, with the Contoso profile scored by the real engine.

p99 on a busy 2-core machine is dominated by the scheduler's time slice (~4 ms), not by this code.
"""

from __future__ import annotations

import random
import statistics
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.questions import AnswerContext, answer, understand
from bot.questions.understand import _understand, normalize
from scoring import load_profile

QUESTIONS = {
    "en": [
        "What is my score?",
        "why zero intermediate points for D&AI?",
        "What do I need to qualify?",
        "How is usage growth calculated?",
        "Which certifications count for DAI?",
        "who has AZ-305?",
        "waht is my socre for infrastrucure",
    ],
    "fr": [
        "Quel est mon score ?",
        "Pourquoi ne suis-je pas qualifié pour l’infrastructure ?",
        "Comment est calculée la croissance de l’utilisation ?",
    ],
    "de": [
        "Wie ist meine Punktzahl?",
        "Warum nur 8 Punkte bei Experten-Zertifizierungen?",
        "Welche Zertifizierungen zählen für Infrastruktur?",
    ],
    "ko": ["내 점수는?", "인프라 자격이 안 되는 이유는?", "사용량 증가는 어떻게 계산되나요?"],
    "zh-TW": ["我的分數是多少？", "為什麼基礎結構沒有資格？", "哪些認證適用於數位與應用程式創新？"],
}

PROFILE = {
    "partner": {"id": "4412345", "name": "Contoso Ltd", "market": "developed"},
    "as_of": "2026-10-31",
    "rules": "2023-H2",
    "people": [
        {"id": "p1", "name": "Ada", "certifications": ["AZ-305", {"id": "AZ-104", "expires": "2026-03-01"}]},
        {"id": "p2", "name": "Grace", "certifications": ["AZ-104", "DP-300", "AZ-204"]},
        {"id": "p3", "name": "Linus", "certifications": ["AI-102", "DP-100", "AZ-104", "AZ-700"]},
    ],
    "usage": {
        "eligible_customers_last_month": 5,
        "eligible_customers_same_month_last_year": 3,
        "acr_last_month": 112700.0,
        "acr_same_month_last_year": 100000.0,
        "deployed_services": ["Azure SQL Database", "Azure App Service", "Virtual Machines"],
    },
    "cloud_platform": {"consumption_usd_12m": 20000},
}


def _timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _line(label: str, samples: list[float]) -> str:
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return f"{label:55} p50 {statistics.median(samples):7.3f} ms   p99 {p99:7.3f} ms   n={len(samples)}"


def main() -> None:
    profile = load_profile(PROFILE)

    cold: list[float] = []
    for questions in QUESTIONS.values():
        for q in questions:
            norm = normalize(q)
            cold += _timed(lambda norm=norm: _understand.__wrapped__(norm), 50)
    print(_line("understand(), parse cache bypassed (all languages)", cold))

    # Worst case: a message-size page of unknown words, each new to the typo-correction cache.
    rng = random.Random(7)
    garbage: list[float] = []
    for _ in range(20):
        text = " ".join("".join(rng.choices(string.ascii_lowercase, k=8)) for _ in range(60))
        garbage += _timed(lambda text=text: understand(text), 1)
    print(_line("understand(), 540 chars of new gibberish words (worst case)", garbage))

    for locale, questions in QUESTIONS.items():
        ctx = AnswerContext(locale=locale, profile=profile, scorecard=None, last_area=None)
        warm: list[float] = []
        for q in questions:
            answer(q, ctx)  # first turn scores the profile once (memoised per Profile object)
            warm += _timed(lambda q=q, ctx=ctx: answer(q, ctx), 200)
        print(_line(f"answer() warm, {locale} ({len(questions)} questions)", warm))


if __name__ == "__main__":
    main()
