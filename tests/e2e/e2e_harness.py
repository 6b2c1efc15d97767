"""Runs the bot and the Microsoft 365 Agents Playground in a private network namespace for the e2e tests.

Why a namespace: the playground phones home unless told not to and listens on every interface, and headless
Chromium tries Google hosts at start. Inside a network namespace with only loopback, nothing a third-party
package tries can leave the machine. A `sleep` process holds the namespace; the bot, the playground,
Chromium and `python -m bot notify` join it with `nsenter`, and this process reaches them over loopback
from worker threads that `setns()` into it (a namespace switch is per thread, so pytest itself stays put).
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
PLAYGROUND_CLI = ROOT / "node_modules/@microsoft/m365agentsplayground/cli.js"
PLAYGROUND_CONFIG = ROOT / ".m365agentsplayground.yml"
LOOPBACK_PRELOAD = ROOT / "scripts/e2e-loopback.cjs"
BOT_PORT = 3978  # fixed: the namespace is private, so nothing else can hold these ports
PLAYGROUND_PORT = 56150
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
# The playground's telemetry switches: `--dt` alone is not enough.
PLAYGROUND_ENV = {
    "TEAMSAPPTESTER_BROWSER": "none",
    "APPLICATION_INSIGHTS_NO_STATSBEAT": "1",
    "APPLICATIONINSIGHTS_CONFIGURATION_CONTENT": '{"disableAppInsights":true}',
}
CLONE_NEWNET = 0x40000000
T = TypeVar("T")


PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Child set-up: the kernel kills the child if the test process dies (even by SIGKILL), so no bot,
    playground or namespace outlives an interrupted run. Survives exec (nsenter is not set-uid)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class EnvironmentUnavailable(RuntimeError):
    """The machine cannot run the e2e stack (no Chromium, no namespaces, no playground)."""


def read_playground_config() -> dict[str, Any]:
    """Tenant, user and conversation ids of the mock Teams context (tiny YAML subset: no PyYAML here)."""
    text = PLAYGROUND_CONFIG.read_text(encoding="utf-8")
    values: dict[str, Any] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#") or line.lstrip().startswith("-"):
            continue
        key, _, value = line.strip().partition(":")
        value = value.strip().strip('"')
        if not raw.startswith(" "):
            section = key
            if value:
                values[key] = value
        elif raw.startswith("  ") and not raw.startswith("    ") and value:
            values.setdefault(section, {})[key] = value
    return values


def missing_prerequisites() -> str | None:
    """Why the e2e stack cannot run here, or None."""
    if not CHROMIUM.exists():
        return (f"Chromium is not installed ({CHROMIUM}); `scripts/e2e-setup` installs it "
                "(Debian package `chromium`)")
    if not PLAYGROUND_CLI.exists():
        return f"the Agents Playground is not installed ({PLAYGROUND_CLI}); `scripts/e2e-setup` runs `npm ci`"
    for tool in ("unshare", "nsenter", "ip", "node"):
        if shutil.which(tool) is None:
            return f"`{tool}` is not on PATH (needed to run the client in a private network namespace)"
    return None


class NetNamespace:
    """A network namespace with only loopback, held open by a `sleep` process."""

    def __init__(self) -> None:
        self._holder = subprocess.Popen(
            ["unshare", "--net", "sh", "-c", "ip link set lo up && echo up && exec sleep 86400"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
            preexec_fn=_die_with_parent)
        line = self._holder.stdout.readline() if self._holder.stdout else ""
        if line.strip() != "up":
            error = self._holder.stderr.read() if self._holder.stderr else ""
            self._holder.kill()
            raise EnvironmentUnavailable(
                "cannot create a private network namespace (`unshare --net` needs root or CAP_SYS_ADMIN): "
                + error.strip())
        self.path = f"/proc/{self._holder.pid}/ns/net"
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=4, thread_name_prefix="netns", initializer=self._enter)

    def _enter(self) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(self.path, os.O_RDONLY)
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns failed")
        finally:
            os.close(fd)

    def command(self, args: list[str]) -> list[str]:
        """`args` run inside the namespace."""
        return ["nsenter", f"--net={self.path}", "--", *args]

    def call(self, function: Callable[[], T], timeout: float = 60) -> T:
        """Runs `function` on a thread inside the namespace (for sockets to the bot and the playground)."""
        return self._pool.submit(function).result(timeout=timeout)

    def http(self, method: str, url: str, body: Any = None, timeout: float = 10) -> tuple[int, bytes]:
        def go() -> tuple[int, bytes]:
            data = None if body is None else json.dumps(body).encode()
            request = urllib.request.Request(url, data=data, method=method,
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as error:
                return error.code, error.read()
        return self.call(go, timeout=timeout + 5)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._holder.kill()
        self._holder.wait(timeout=10)


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@dataclass
class Stack:
    """The bot and the playground, both in `netns`, with their data and logs under `artifacts`."""

    netns: NetNamespace
    artifacts: Path
    data_dir: Path
    services: list[Service] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=read_playground_config)

    @property
    def tenant_id(self) -> str:
        return str(self.config["tenantId"])

    @property
    def personal_chat_id(self) -> str:
        return str(self.config["personalChat"]["id"])

    @property
    def playground_url(self) -> str:
        return f"http://127.0.0.1:{PLAYGROUND_PORT}/"

    @property
    def connector_url(self) -> str:
        return f"http://127.0.0.1:{PLAYGROUND_PORT}/_connector"

    def bot_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
        env.update(HOST="127.0.0.1", PORT=str(BOT_PORT), DATA_DIR=str(self.data_dir), LOG_LEVEL="INFO",
                   PYTHONUNBUFFERED="1",
                   # The current month's notification is always due (whatever the day the suite runs).
                   NOTIFY_DAY="1", NOTIFY_TIME="00:00", NOTIFY_TIMEZONE="UTC",
                   # Files "attached" through a custom activity are served over http on loopback.
                   IMPORT_ALLOW_LOOPBACK_HTTP="1")
        env.pop("ALLOWED_TENANTS", None)
        return env

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> Service:
        log_path = self.artifacts / f"{name}.log"
        with log_path.open("ab") as log:
            process = subprocess.Popen(self.netns.command(args), cwd=ROOT, env=env, stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True, preexec_fn=_die_with_parent)
        service = Service(name, process, log_path)
        self.services.append(service)
        return service

    def _wait(self, service: Service, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if service.process.poll() is not None:
                code = service.process.returncode
                raise RuntimeError(f"{service.name} exited with {code}:\n{service.log()}")
            try:
                status, _ = self.netns.http("GET", url, timeout=2)
                if status == 200:
                    return
            except (OSError, concurrent.futures.TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{service.name} not ready at {url} after {timeout:.0f} s:\n{service.log()}")

    def start_bot(self) -> Service:
        bot = self._spawn("bot", [sys.executable, "-m", "bot"], self.bot_env())
        self._wait(bot, f"http://127.0.0.1:{BOT_PORT}/healthz", timeout=60)
        return bot

    def start_playground(self) -> Service:
        env = dict(os.environ)
        env.update(PLAYGROUND_ENV)
        env.update(M365_AGENTS_PLAYGROUND_CONFIG_PATH=str(PLAYGROUND_CONFIG),
                   M365_AGENTS_PLAYGROUND_LOGFILE=str(self.artifacts / "playground-internal.log"))
        playground = self._spawn("playground", [
            "node", "--require", str(LOOPBACK_PRELOAD), str(PLAYGROUND_CLI),
            "--app-endpoint", f"http://127.0.0.1:{BOT_PORT}/api/messages", "--channel-id", "msteams",
            "--port", str(PLAYGROUND_PORT), "--service-url", self.connector_url, "--disable-telemetry",
        ], env)
        self._wait(playground, f"http://127.0.0.1:{PLAYGROUND_PORT}/_debug/ping", timeout=60)
        return playground

    def restart_bot(self, wipe: bool = True) -> Service:
        """Stops the bot, optionally empties its data directory, and starts it again (the playground keeps
        running: it is stateless towards the bot, and each page load installs the app again)."""
        for service in [s for s in self.services if s.name == "bot"]:
            service.stop()
            self.services.remove(service)
        if wipe:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir.mkdir()
        return self.start_bot()

    def run_bot_command(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """`python -m bot ARGS` inside the namespace, on the same data directory as the running bot."""
        return subprocess.run(self.netns.command([sys.executable, "-m", "bot", *args]), cwd=ROOT,
                              env=self.bot_env(), capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)

    def import_profile(self, profile: dict[str, Any]) -> None:
        path = self.artifacts / "profile-import.json"
        path.write_text(json.dumps(profile, indent=2), encoding="utf-8")
        done = self.run_bot_command("import-profile", str(path), "--tenant", self.tenant_id)
        if done.returncode != 0:
            raise RuntimeError(f"import-profile failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()
        self.services.clear()


def chromium_wrapper(netns: NetNamespace, directory: Path) -> Path:
    """An executable that starts Debian's /usr/bin/chromium inside the namespace (Playwright's
    `executable_path`; it talks to the browser over a pipe, so no port has to cross the namespace)."""
    wrapper = directory / "chromium-in-netns"
    wrapper.write_text(f'#!/bin/sh\nexec nsenter --net={netns.path} -- {CHROMIUM} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper


def install_prerequisites(log: Path) -> None:
    """Runs scripts/e2e-setup (idempotent; apt-get needs root) when something is missing, so a machine
    where the suite was started without it still gets the real-client tests."""
    if missing_prerequisites() is None or os.geteuid() != 0:
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        subprocess.run(["bash", str(ROOT / "scripts/e2e-setup")], cwd=ROOT, stdout=out,
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=1200, check=False)


@contextmanager
def running_stack(artifacts: Path) -> Iterator[Stack]:
    install_prerequisites(artifacts / "e2e-setup.log")
    reason = missing_prerequisites()
    if reason:
        raise EnvironmentUnavailable(reason)
    artifacts.mkdir(parents=True, exist_ok=True)
    data_dir = artifacts / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir()
    netns = NetNamespace()
    stack = Stack(netns=netns, artifacts=artifacts, data_dir=data_dir)
    try:
        stack.start_bot()  # first: the playground blocks its page load until the bot answers
        stack.start_playground()
        yield stack
    finally:
        stack.stop()
        netns.close()
