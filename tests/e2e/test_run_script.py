"""`scripts/run`, the README's chat command: it starts the bot and then the playground, prints the URL,
listens on loopback only, and Ctrl-C (SIGINT) stops both. Run inside the test namespace, on other ports
than the session's stack, with the installs skipped (the e2e set-up did them)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import uuid
from pathlib import Path

from e2e_harness import ROOT, Stack

BOT_PORT = 3990
PLAYGROUND_PORT = 56190


def _listening(stack: Stack) -> list[str]:
    done = subprocess.run(stack.netns.command(["ss", "-Hltn"]), capture_output=True, text=True, check=True)
    return [line.split()[3] for line in done.stdout.splitlines() if line.strip()]


def _kill_marked(marker: str) -> None:
    """Kills every process carrying `marker` in its environment: scripts/run puts the bot and the playground
    in sessions of their own, so a failed test must not leave them behind."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes().split(b"\0"):
                os.kill(int(proc.name), signal.SIGKILL)
        except (OSError, ProcessLookupError):
            continue


def _wait_for_line(process: subprocess.Popen[str], pattern: str, timeout: float, seen: list[str]) -> str:
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    os.set_blocking(process.stdout.fileno(), False)
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line:
            seen.append(line)
            if re.search(pattern, line):
                return line
        elif process.poll() is not None:
            break
        else:
            time.sleep(0.05)
    raise AssertionError(f"no line matching {pattern!r} within {timeout} s:\n{''.join(seen)}")


def test_run_starts_bot_then_playground_on_loopback_and_ctrl_c_stops_both(
        stack: Stack, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
    marker = f"E2E_RUN_SCRIPT_TEST={uuid.uuid4().hex}"
    env.update(PORT=str(BOT_PORT), PLAYGROUND_PORT=str(PLAYGROUND_PORT), DATA_DIR=str(tmp_path / "data"),
               RUN_SKIP_INSTALL="1")
    env.update([marker.split("=", 1)])
    process = subprocess.Popen(stack.netns.command(["bash", str(ROOT / "scripts/run")]), cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               text=True, start_new_session=True)
    seen: list[str] = []
    try:
        _wait_for_line(process, r"starting the bot", 30, seen)
        url_line = _wait_for_line(process, r"Open\s+http://127\.0\.0\.1:\d+/", 90, seen)
        _wait_for_line(process, r"Press Ctrl-C", 10, seen)
        url = re.search(r"http://127\.0\.0\.1:\d+/", url_line)[0]  # type: ignore[index]
        assert url == f"http://127.0.0.1:{PLAYGROUND_PORT}/"
        # The bot was started (and healthy) before the playground.
        order = "".join(seen)
        assert order.index("starting the bot") < order.index("starting the Agents Playground")

        status, page = stack.netns.http("GET", url)
        assert status == 200 and b"<html" in page.lower()
        status, _ = stack.netns.http("GET", f"http://127.0.0.1:{BOT_PORT}/healthz")
        assert status == 200
        ours = [address for address in _listening(stack) if address.endswith((f":{BOT_PORT}",
                                                                                f":{PLAYGROUND_PORT}"))]
        assert sorted(ours) == sorted([f"127.0.0.1:{BOT_PORT}", f"127.0.0.1:{PLAYGROUND_PORT}"]), ours

        process.send_signal(signal.SIGINT)  # what Ctrl-C sends to the foreground script
        assert process.wait(timeout=30) == 130
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        _kill_marked(marker)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
            address.endswith((f":{BOT_PORT}", f":{PLAYGROUND_PORT}")) for address in _listening(stack)):
        time.sleep(0.1)
    assert not [a for a in _listening(stack) if a.endswith((f":{BOT_PORT}", f":{PLAYGROUND_PORT}"))]
