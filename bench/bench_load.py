"""Load test: turns per second and first-reply latency (p50/p99) at 1, 8 and 32 concurrent
conversations, for this bot answering a mix of real questions against an imported profile, next to
two baselines: a stock botbuilder echo bot (unpatched CloudAdapter) and the same echo bot carrying
our SDK fixes (bot/sdk_fixes.py: the fixed adapter, pooled connector clients, the direct JSON path
for replies, our server limits). Each bot runs in its own process over real HTTP on 127.0.0.1, with
a mock Bot Connector in the load generator that captures the replies.

    .venv/bin/python bench/bench_load.py [--seconds 6] [--levels 1,8,32] [--repeat 3] [--pin]
                                         [--compare DIR]

The score bot is asked, in turn: "what is my score?", "why zero intermediate points for Data & AI?",
"what do I need to qualify?", "who has AZ-305?", "how is usage growth calculated?", "help". The echo
bots get the same texts. First-reply latency = from sending the activity to the mock connector
receiving the bot's first reply for it. The bots run one after the other at each level, and the whole
sweep is repeated (`--repeat`, the bots' order rotated each time) so a change in background load on
a shared machine hits all three alike; the tables give the median and the range over repetitions.
"bot CPU ms/turn" is the bot process's own CPU time per turn, the figure least disturbed by other
work on the machine. The honest comparison is with the patched echo bot: the stock one pays for the
SDK's own costs that the fixes remove from both. With --pin (an otherwise idle multi-core machine)
the bots are pinned to CPU 1 and the load generator to CPU 0. With --compare DIR (another checkout
of the repository, e.g. `git archive main | tar -x -C DIR`) its score bot runs as a fourth bot,
"score-bot@DIR", in the same rotation, and the tables add this branch / that checkout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from bot_processes import stop

ROOT = Path(__file__).resolve().parent.parent
LAST_TEXTS: dict[str, str] = {}
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
PROFILE = {
    "partner": {"id": "4412345", "name": "Contoso Ltd", "market": "developed"},
    "as_of": "2026-10-31",
    "rules": "2023-H2",
    "people": [
        {"id": "p1", "name": "Ada", "certifications": ["AZ-305", "AZ-104", "DP-300"]},
        {"id": "p2", "name": "Grace", "certifications": ["AZ-305", "AZ-204", "AI-102"]},
        {"id": "p3", "name": "Linus", "certifications": ["AZ-104", "AZ-700", "DP-203"]},
    ],
    "usage": {
        "eligible_customers_last_month": 12,
        "eligible_customers_same_month_last_year": 8,
        "acr_last_month": 152000.0,
        "acr_same_month_last_year": 100000.0,
        "deployed_services": ["Azure SQL Database", "Azure App Service", "Azure Kubernetes Service"],
    },
}


QUESTIONS = (
    "what is my score?",
    "why zero intermediate points for Data & AI?",
    "what do I need to qualify?",
    "who has AZ-305?",
    "how is usage growth calculated?",
    "help",
)


# --- the echo bots (each run in its own process) ---------------------------------------------------
def serve_patched_echo(port: int) -> None:
    """The echo bot on our adapter, connector pool, reply serializer and server settings."""
    from botbuilder.core import ActivityHandler, TurnContext

    from bot.config import Settings
    from bot.sdk_fixes import ConnectorPool
    from bot.server import serve
    from bot.services import build_adapter

    class EchoBot(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(f"Echo: {turn_context.activity.text}")

    pool = ConnectorPool()
    adapter = build_adapter(Settings(data_dir=Path(tempfile.mkdtemp())), pool)
    bot = EchoBot()

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, bot)

    app = web.Application()
    app.router.add_post("/api/messages", messages)

    async def close(_: web.Application) -> None:
        await pool.close()

    app.on_cleanup.append(close)
    serve(app, "127.0.0.1", port)


def serve_echo(port: int) -> None:
    from botbuilder.core import ActivityHandler, TurnContext
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

    class Config:
        APP_ID = ""
        APP_PASSWORD = ""

    class EchoBot(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(f"Echo: {turn_context.activity.text}")

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Config()))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, bot)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


# --- load generator ---------------------------------------------------------------------------------
@dataclass
class Result:
    bot: str
    concurrency: int
    turns: int
    seconds: float
    latencies_ms: list[float]
    errors: int
    cpu_ms_per_turn: float = float("nan")

    @property
    def rate(self) -> float:
        return self.turns / self.seconds

    def pct(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Connector(asyncio.Protocol):
    """Mock Bot Connector: a minimal HTTP/1.1 keep-alive server (asyncio protocol, so the load
    generator's own cost stays small next to the bots'). It answers every POST with a resource id
    and resolves the waiter of the conversation when its first reply arrives."""

    _RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n"
                 b'{"id":"r-1"}\n')

    def __init__(self) -> None:
        self.waiters: dict[str, asyncio.Future[float]] = {}
        self.replies = 0
        self.last_text: dict[str, str] = {}  # bot name -> the last reply text (shown as a sanity check)
        self.url = ""
        self._server: asyncio.base_events.Server | None = None

    def protocol(self) -> _ConnectorConnection:
        return _ConnectorConnection(self)

    def received(self, path: bytes, body: bytes) -> None:
        self.replies += 1
        # /v3/conversations/{conversation}/activities[/{replyToId}]
        parts = path.split(b"/")
        conversation = parts[3].decode() if len(parts) > 3 else ""
        waiter = self.waiters.get(conversation)
        if waiter is not None and not waiter.done():
            waiter.set_result(time.perf_counter())
            if self.replies % 50 == 1:  # a sample of what the bots say, without parsing every reply
                self.last_text[conversation.split("-c", 1)[0]] = str(json.loads(body).get("text", ""))

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self.protocol, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


class _ConnectorConnection(asyncio.Protocol):
    def __init__(self, connector: Connector) -> None:
        self.connector = connector
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].split(b"\r\n")
            length = 0
            for line in head[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if len(self.buffer) < head_end + 4 + length:
                return
            body = self.buffer[head_end + 4:head_end + 4 + length]
            self.buffer = self.buffer[head_end + 4 + length:]
            self.connector.received(head[0].split(b" ")[1], body)
            assert self.transport is not None
            self.transport.write(Connector._RESPONSE)


class RawClient:
    """One keep-alive HTTP/1.1 connection to the bot, per simulated conversation."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> int:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(b"POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n%s"
                          % (path.encode(), self.host.encode(), self.port, len(body), body))
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ")[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value.strip())
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        if length:
            await self.reader.readexactly(length)
        if close:
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError):
                await self.writer.wait_closed()
            self.writer = None


def message(service_url: str, conversation: str, text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": uuid.uuid4().hex,
        "timestamp": "2026-11-03T10:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "text": text,
        "locale": "en-US",
        "from": {"id": f"29:{conversation}", "name": "Ada"},
        "recipient": {"id": "28:bot", "name": "bot"},
        "conversation": {"id": conversation, "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
    }


async def run_level(
    bot: str,
    port: int,
    connector: Connector,
    concurrency: int,
    seconds: float,
    texts: tuple[str, ...],
    warmup: float = 1.0,
) -> Result:
    latencies: list[float] = []
    errors = 0
    turns = 0
    start = time.perf_counter()
    measure_from = start + warmup
    stop = measure_from + seconds

    async def conversation(index: int) -> None:
        nonlocal errors, turns
        conv = f"{bot}-c{concurrency}-{index}-{uuid.uuid4().hex[:6]}"
        client = RawClient("127.0.0.1", port)
        turn = index  # each conversation starts at another question of the mix
        while time.perf_counter() < stop:
            text = texts[turn % len(texts)]
            turn += 1
            waiter: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            connector.waiters[conv] = waiter
            body = json.dumps(message(connector.url, conv, text)).encode()
            sent = time.perf_counter()
            try:
                ok = await client.post("/api/messages", body) in (200, 201)
                replied = await asyncio.wait_for(waiter, 10) if ok else None
            except (OSError, asyncio.IncompleteReadError, TimeoutError):
                ok, replied = False, None
                await client.close()
            if sent >= measure_from and time.perf_counter() <= stop:
                if ok and replied is not None:
                    turns += 1
                    latencies.append((replied - sent) * 1000)
                else:
                    errors += 1

    await asyncio.gather(*(conversation(i) for i in range(concurrency)))
    connector.waiters.clear()
    return Result(bot, concurrency, turns, seconds, latencies, errors)


def cpu_seconds(pid: int) -> float:
    """User+system CPU time of a process (Linux /proc), all threads included."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pin(pid: int, cpu: int) -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(pid, {cpu})


async def wait_ready(url: str, path: str = "/api/messages") -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.post(url + path, data=b"{}", headers={"Content-Type": "application/json"}):
                    return
            except aiohttp.ClientError:
                await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not start")


def start_ours(data_dir: Path, port: int, root: Path = ROOT) -> subprocess.Popen:
    """The score bot of the checkout at `root` (its own `bot` package first on the path)."""
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "MicrosoftAppId": "",
        "MicrosoftAppPassword": "",
    }
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    profile = data_dir.parent / "profile.json"
    profile.write_text(json.dumps(PROFILE), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "bot", "import-profile", str(profile), "--tenant", TENANT],
        env=env,
        check=True,
        cwd=root,
        stdout=subprocess.DEVNULL,
    )
    return subprocess.Popen([sys.executable, "-m", "bot"], env=env, cwd=root)


def start_echo(port: int, patched: bool) -> subprocess.Popen:
    script = str(Path(__file__).resolve())
    flag = "--serve-patched-echo" if patched else "--serve-echo"
    return subprocess.Popen([sys.executable, script, flag, str(port)], cwd=ROOT)


async def bench(levels: list[int], seconds: float, repeat: int, pinned: bool,
                compare: Path | None = None) -> list[Result]:
    if pinned:
        pin(0, 0)
    connector = Connector()
    await connector.start()
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        ports = [free_port() for _ in range(4)]
        # All start now; an idle one costs nothing.
        bots = [
            ("stock-echo", start_echo(ports[0], patched=False), ports[0]),
            ("patched-echo", start_echo(ports[1], patched=True), ports[1]),
            ("score-bot", start_ours(Path(tmp) / "data", ports[2]), ports[2]),
        ]
        if compare is not None:
            bots.append((f"score-bot@{compare.name}",
                         start_ours(Path(tmp) / "compare" / "data", ports[3], compare), ports[3]))
        try:
            for _, proc, port in bots:
                if pinned:
                    pin(proc.pid, 1)
                await wait_ready(f"http://127.0.0.1:{port}")
            for rep in range(repeat):
                order = bots[rep % len(bots):] + bots[:rep % len(bots)]  # rotate: no bot always first
                for level in levels:
                    for name, proc, port in order:
                        before, generator_before = cpu_seconds(proc.pid), time.process_time()
                        result = await run_level(name, port, connector, level, seconds, QUESTIONS)
                        # CPU over warm-up + measured window, divided by the turns of both.
                        all_turns = max(result.turns * (seconds + 1.0) / seconds, 1)
                        generator_ms = (time.process_time() - generator_before) * 1000 / all_turns
                        result.cpu_ms_per_turn = (cpu_seconds(proc.pid) - before) * 1000 / all_turns
                        results.append(result)
                        LAST_TEXTS.update(connector.last_text)
                        print(
                            f"  rep {rep + 1} {name:12s} c={level:<3d} {result.rate:8.1f} turns/s"
                            f"  p50 {result.pct(50):7.1f} ms  p99 {result.pct(99):7.1f} ms"
                            f"  cpu {result.cpu_ms_per_turn:5.1f} ms/turn"
                            f" (load generator {generator_ms:4.1f})"
                            f"  errors {result.errors}",
                            flush=True,
                        )
        finally:
            stop(proc for _, proc, _ in bots)
    await connector.close()
    return results


def spread(values: list[float], digits: int = 1) -> str:
    """ "median [min-max]" of the repetitions."""
    ordered = sorted(values)
    return f"{statistics.median(ordered):.{digits}f} [{ordered[0]:.{digits}f}-{ordered[-1]:.{digits}f}]"


def report(results: list[Result], levels: list[int], compare: str | None = None) -> None:
    names = ["stock-echo", "patched-echo", "score-bot", *([compare] if compare else [])]
    runs: dict[tuple[str, int], list[Result]] = {}
    for result in results:
        runs.setdefault((result.bot, result.concurrency), []).append(result)
    print("\nmedian [min-max] over the repetitions")
    print("| bot | conversations | turns/s | first reply p50 (ms) | p99 (ms) | bot CPU ms/turn | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for level in levels:
        for name in names:
            rs = runs.get((name, level), [])
            if not rs:
                continue
            print(f"| {name} | {level} | {spread([r.rate for r in rs])} | {spread([r.pct(50) for r in rs])} "
                  f"| {spread([r.pct(99) for r in rs])} | {spread([r.cpu_ms_per_turn for r in rs], 2)} "
                  f"| {sum(r.errors for r in rs)} |")
    print("\nscore bot / baseline, per repetition (median [min-max])")
    print("| conversations | vs | turns/s ratio | p99 ratio | CPU/turn ratio |")
    print("|---:|---|---:|---:|---:|")
    for level in levels:
        ours = runs.get(("score-bot", level), [])
        for base in ("patched-echo", "stock-echo", *([compare] if compare else [])):
            theirs = runs.get((base, level), [])
            pairs = list(zip(ours, theirs, strict=False))
            if not pairs:
                continue
            print(f"| {level} | {base} | {spread([o.rate / t.rate for o, t in pairs], 2)}x "
                  f"| {spread([o.pct(99) / t.pct(99) for o, t in pairs], 2)}x "
                  f"| {spread([o.cpu_ms_per_turn / t.cpu_ms_per_turn for o, t in pairs], 2)}x |")
    top = max(levels)
    ours, patched = runs.get(("score-bot", top), []), runs.get(("patched-echo", top), [])
    if ours and patched:
        rate = statistics.median(o.rate / t.rate for o, t in zip(ours, patched, strict=False))
        p99 = statistics.median(o.pct(99) / t.pct(99) for o, t in zip(ours, patched, strict=False))
        met = rate >= 1.0 and p99 <= 1.0
        print(f"\ntarget at {top} conversations (>= 1.0x the patched echo bot's turns/s, p99 no higher): "
              f"{rate:.2f}x turns/s, {p99:.2f}x p99 -> {'met' if met else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="measured seconds per level")
    parser.add_argument("--levels", default="1,8,32", help="concurrent conversations, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="alternating repetitions of the sweep")
    parser.add_argument("--pin", action="store_true",
                        help="pin the bots to CPU 1 and the load generator to CPU 0 (idle machine only)")
    parser.add_argument("--compare", type=Path, metavar="DIR",
                        help="another checkout whose score bot runs alongside (e.g. main)")
    parser.add_argument("--serve-echo", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-patched-echo", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        serve_echo(args.serve_echo)
        return
    if args.serve_patched_echo:
        serve_patched_echo(args.serve_patched_echo)
        return
    levels = [int(level) for level in args.levels.split(",")]
    print(
        f"bench_load: {args.seconds:.0f} s per level, cpus={os.cpu_count()}, python {sys.version.split()[0]}"
    )
    compare = args.compare.resolve() if args.compare else None
    results = asyncio.run(bench(levels, args.seconds, args.repeat, args.pin, compare))
    for bot, text in LAST_TEXTS.items():
        print(f"\nlast reply of {bot}: {text[:160]!r}")
    report(results, levels, f"score-bot@{compare.name}" if compare else None)


if __name__ == "__main__":
    main()
