"""Where a question turn's CPU goes: the parts the score bot adds to an echo turn, each timed alone
(CPU time of this process, its storage threads included), next to the whole turn of the patched
echo bot and of the score bot over real HTTP (bench_load's servers and load generator, one
conversation at a time, each bot in its own process: its CPU read from /proc).

    .venv/bin/python bench/bench_turn_cost.py [--runs 300] [--seconds 4]

"per turn" multiplies a part's cost by how often a question turn of bench_load's mix does it
(counted over real turns in this process: storage reads and writes per turn). The sum is what the
score bot's turn costs on top of the SDK's own turn, which the patched echo bot's turn measures.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_load as load  # noqa: E402 (the path above first)
from bench.bot_processes import stop  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.storage.tinydb_storage import TinyDBStorage  # noqa: E402


def cpu_us(runs: int, work: Callable[[], Any]) -> float:
    """Median over 5 rounds of the CPU microseconds one call of `work` takes."""
    work()
    rounds = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(runs):
            work()
        rounds.append((time.process_time() - start) / runs * 1e6)
    return statistics.median(rounds)


async def cpu_us_async(runs: int, work: Callable[[], Awaitable[Any]]) -> float:
    await work()
    rounds = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(runs):
            await work()
        rounds.append((time.process_time() - start) / runs * 1e6)
    return statistics.median(rounds)


class Counting(TinyDBStorage):
    """The TinyDB store, counting reads and writes by the first segment of each key."""

    counts: ClassVar[collections.Counter[str]] = collections.Counter()

    async def read(self, keys: Iterable[str]) -> dict[str, Any]:
        keys = list(keys)
        for key in keys:
            self.counts["read " + key.split("/", 1)[0]] += 1
        return await super().read(keys)

    async def read_etags(self, keys: Iterable[str]) -> dict[str, str]:
        keys = list(keys)
        for key in keys:
            self.counts["eTag check " + key.split("/", 1)[0]] += 1
        return await super().read_etags(keys)

    async def write(self, changes: Any) -> None:
        for key in changes:
            self.counts["write " + key.split("/", 1)[0]] += 1
        await super().write(changes)


async def storage_per_turn(folder: Path, seconds: float) -> tuple[dict[str, float], int]:
    """Storage reads and writes per question turn of bench_load's mix, over real HTTP turns."""
    from bot.app import create_app
    from bot.server import start
    from bot.services import build_services
    from scoring import load_profile

    storage = Counting(folder)
    services = build_services(Settings(data_dir=folder), storage=storage)
    await services.profiles.put(load.TENANT, load_profile(load.PROFILE))
    runner, _ = await start(create_app(services, scheduler=False), "127.0.0.1", port := load.free_port())
    connector = load.Connector()
    await connector.start()
    try:
        await load.run_level("warm", port, connector, 4, 0.5, load.QUESTIONS, warmup=0.0)
        Counting.counts.clear()
        result = await load.run_level("count", port, connector, 4, seconds, load.QUESTIONS, warmup=0.0)
        counted = dict(Counting.counts)
    finally:
        await connector.close()
        await runner.cleanup()
    turns = max(result.turns, 1)
    return {name: count / turns for name, count in sorted(counted.items())}, turns


async def parts(runs: int, folder: Path) -> list[tuple[str, float, float]]:
    """(part, CPU us per call, calls per turn) of what a question turn adds to an echo turn."""
    from botbuilder.core.bot_state import CachedBotState
    from botframework.connector import models

    from bot.handler import answer_activity
    from bot.outgoing import DirectSerializer
    from bot.questions import AnswerContext, answer
    from bot.storage.turn import JsonCachedBotState
    from bot.stores import ProfileStore
    from scoring import load_profile

    storage = TinyDBStorage(folder / "parts")
    profiles = ProfileStore(storage)
    await profiles.put(load.TENANT, load_profile(load.PROFILE))
    scored = await profiles.get_scored(load.TENANT)
    assert scored is not None
    profile, scorecard = scored
    state = {"tenant_id": load.TENANT, "last_area": "data_ai",
             "memories": {"29:ada": {"intent": "score", "areas": [], "at": time.time()}}}
    await storage.write({"msteams/conversations/c": dict(state, e_tag="*")})
    serializer = DirectSerializer({k: v for k, v in vars(models).items() if isinstance(v, type)})
    answers, replies = [], []
    for text in load.QUESTIONS:
        context = AnswerContext(locale="en-US", profile=profile, scorecard=scorecard, last_area=None)
        answers.append(cpu_us(max(runs // 6, 20), lambda t=text, c=context: answer(t, c)))
        reply = answer_activity(answer(text, context))
        replies.append(cpu_us(max(runs // 6, 20), lambda r=reply: json.dumps(serializer.body(r, "Activity"))))
    async def together(count: int) -> None:  # `count` turns saving at once: one group commit
        await asyncio.gather(*(storage.write({f"msteams/conversations/g{i}": dict(state, e_tag="*")})
                               for i in range(count)))

    grouped = await cpu_us_async(max(runs // 32, 5), lambda: together(8)) / 8
    out = [
        ("storage read (one item of a cached file: on the event loop)",
         await cpu_us_async(runs, lambda: storage.read(["msteams/conversations/c"])), 0.0),
        ("storage write (one item alone: commit, fdatasync, rename, dir fsync)",
         await cpu_us_async(max(runs // 4, 20), lambda: storage.write(
             {"msteams/conversations/c": dict(state, e_tag="*")})), 0.0),
        ("profile + scorecard (memo hit: the eTag check)",
         await cpu_us_async(runs, lambda: profiles.get_scored(load.TENANT)), 1.0),
        ("the answer (understanding, text, card), mean of the six", statistics.mean(answers), 1.0),
        ("the reply's JSON (direct serializer), mean of the six", statistics.mean(replies), 1.0),
        ("state change detection (JSON bytes by msgspec, at load and save)",
         cpu_us(runs, lambda: JsonCachedBotState(dict(state)).is_changed), 1.0),
    ]
    botbuilder_hash = cpu_us(runs, lambda: CachedBotState(dict(state)).is_changed)
    print(f"a write among 8 saved together (group commit): {grouped:.0f} us CPU each; "
          f"botbuilder's jsonpickle change test (replaced): {botbuilder_hash:.0f} us a turn")
    await storage.close()
    return out


async def whole_turns(seconds: float) -> dict[str, float]:
    """CPU ms per turn of the patched echo bot and the score bot, one conversation at a time."""
    connector = load.Connector()
    await connector.start()
    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ports = [load.free_port(), load.free_port()]
        bots = [("patched-echo", load.start_echo(ports[0], patched=True), ports[0]),
                ("score-bot", load.start_ours(Path(tmp) / "data", ports[1]), ports[1])]
        try:
            for name, proc, port in bots:
                await load.wait_ready(f"http://127.0.0.1:{port}")
                before = load.cpu_seconds(proc.pid)
                result = await load.run_level(name, port, connector, 1, seconds, load.QUESTIONS)
                turns = max(result.turns * (seconds + 1.0) / seconds, 1)
                found[name] = (load.cpu_seconds(proc.pid) - before) * 1000 / turns
        finally:
            stop(proc for _, proc, _ in bots)
    await connector.close()
    return found


async def main(runs: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        per_turn, turns = await storage_per_turn(Path(tmp) / "count", seconds)
        table = await parts(runs, Path(tmp))
    # The profile's eTag check is its own row (the memo).
    reads = sum(v for k, v in per_turn.items() if k.startswith("read ") and k != "read profiles")
    writes = sum(v for k, v in per_turn.items() if k.startswith("write "))
    table[0] = (table[0][0] + ", other than the profile's", table[0][1], reads)
    table[1] = (table[1][0], table[1][1], writes)
    table[2] = (table[2][0], table[2][1], per_turn.get("eTag check profiles", 0.0))
    print(f"storage per question turn ({turns} turns): "
          + ", ".join(f"{name} {count:.2f}" for name, count in per_turn.items()))
    print("\n| what the score bot adds to a turn | CPU us per call | calls per turn | CPU us per turn |")
    print("|---|---:|---:|---:|")
    total = 0.0
    for name, us, calls in table:
        total += us * calls
        print(f"| {name} | {us:.0f} | {calls:.2f} | {us * calls:.0f} |")
    print(f"| **sum** | | | **{total:.0f}** |")
    whole = await whole_turns(seconds)
    echo, ours = whole.get("patched-echo", float("nan")), whole.get("score-bot", float("nan"))
    print(f"\nwhole turn over HTTP, one conversation: patched echo {echo * 1000:.0f} us, score bot "
          f"{ours * 1000:.0f} us ({ours / echo:.2f}x); echo + the sum above = {echo * 1000 + total:.0f} us; "
          f"not itemised above: {ours * 1000 - echo * 1000 - total:.0f} us (the turn's other steps: state "
          "accessors, the notification, trust, intake and import checks, the storage threads' hand-offs, "
          "a larger reply to send)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300, help="calls per timing round")
    parser.add_argument("--seconds", type=float, default=4.0, help="seconds of real turns per count")
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.seconds))
