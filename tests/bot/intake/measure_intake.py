"""Prints the intake's figures (not a test): the largest card per locale against Teams' size limit,
and the time of each intake turn over the real TinyDB storage.

    .venv/bin/python tests/bot/intake/measure_intake.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE), str(HERE.parents[1] / "cards")]

from card_schema import MAX_CARD_BYTES, card_bytes  # noqa: E402
from intake_harness import ORG, USAGE, FakeServices, Harness  # noqa: E402
from test_cards_schema import all_cards  # noqa: E402

from cards.i18n import SUPPORTED_LOCALES  # noqa: E402


def card_sizes() -> None:
    for locale in SUPPORTED_LOCALES:
        sizes = sorted(((card_bytes(card), name) for name, card in all_cards(locale)), reverse=True)
        median = statistics.median(size for size, _ in sizes)
        largest, name = sizes[0]
        print(
            f"{locale:6} {len(sizes)} cards, largest {largest} bytes ({name}), median {median:.0f}"
            f" (budget {MAX_CARD_BYTES})"
        )


async def turn_times(people: int = 100, rounds: int = 5) -> None:
    steps = ["start", "organisation", "areas", "people (paste)", "usage", "services", "confirm"]
    samples: dict[str, list[float]] = {step: [] for step in steps}
    paste = "\n".join(f"Person {i}: AZ-305, AZ-104, DP-300" for i in range(people))
    for _ in range(rounds):
        h = Harness(FakeServices.over(Path(tempfile.mkdtemp())))
        started = time.perf_counter()
        await h.start()
        samples["start"].append(time.perf_counter() - started)
        for step, inputs in zip(
            steps[1:6],
            (ORG, {"areas": "data_ai"}, {"bulk": paste}, USAGE, {"services": "Azure Functions"}),
            strict=True,
        ):
            started = time.perf_counter()
            await h.press("next", via="execute", **inputs)
            samples[step].append(time.perf_counter() - started)
        started = time.perf_counter()
        await h.press("confirm", via="execute")
        samples["confirm"].append(time.perf_counter() - started)
    print(f"intake turns, median of {rounds} runs, {people} people pasted (ms):")
    for step in steps:
        print(f"  {step:16} {statistics.median(samples[step]) * 1000:7.1f}")


if __name__ == "__main__":
    card_sizes()
    asyncio.run(turn_times())
