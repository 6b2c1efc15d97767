"""Cost of the real service as the number of stored tenants grows (issue 10 part 3), TinyDB and blob.

For each backend and size (default 1k, 10k, 100k tenants; each with a profile, score history, a
conversation with its state, user state and notification record, as the service writes them), one
`python -m bot` process on 127.0.0.1 is measured from outside:
- start-up: from the process start to the first healthy `GET /healthz`;
- RSS after start (and after the turns);
- `/healthz` p50 (100 sequential requests);
- the first turn of a new conversation ("what is my score?" from a new personal chat of a stored
  tenant) and a turn in an existing conversation, p50/p99 (HTTP round trip: the reply reached the
  mock Bot Connector and the turn's state is saved).
Targets at 100k on TinyDB: start-up < 1 s, RSS < 200 MiB, new-conversation p99 < 50 ms.

The data set is made once per backend and size from a template tenant the real service wrote
(import-profile, one turn, one notify run), copied N times straight into the storage layout (files,
or blobs in bulk), and cached under `--cache` (default $TMPDIR/partner-score-bench) between runs.
Blob runs use Azurite (npm ci, scripts/e2e-setup) in memory, seeded on each run by concurrent
uploads (`--upload-concurrency`). Azurite limits the sizes: every request costs it time in proportion
to the blobs it holds (its in-memory metadata store scans them: 816 uploads/s into an empty account,
61/s past 24k blobs on the 2-core box), so 1k tenants (11k blobs) seed in under a minute, while 10k
(110k blobs) would take about an hour and then measure Azurite's scans, not the bot.

Side by side: each size is measured on `--baseline` (default: the commit of main this branch starts
from, exported with `git archive` into the cache) and on this working tree, `--rounds` starts each
(alternating which goes first), with the ratio of the two; `import_s` is a fresh interpreter
importing the service's modules.

    .venv/bin/python bench/bench_store_scale.py --sizes 1000 10000 100000
    .venv/bin/python bench/bench_store_scale.py --storage blob --sizes 1000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_blob import KEY, PROFILE, free_port, start_azurite, start_connector, stop  # noqa: E402

from bot.storage import layout  # noqa: E402

TOKEN = "zqxtmpl"  # in every id of the template tenant; replaced by the tenant's number
TEMPLATE_TENANT = f"bench-tenant-{TOKEN}"
SEED_VERSION = "v1"


def activity(service_url: str, tenant: str, conversation: str, user: str) -> dict[str, Any]:
    return {"type": "message", "id": f"m{time.monotonic_ns()}", "serviceUrl": service_url,
            "channelId": "msteams", "from": {"id": user, "name": "Ada", "aadObjectId": f"aad-{user}"},
            "locale": "en-US", "recipient": {"id": "28:bot", "name": "Partner Score"},
            "conversation": {"id": conversation, "conversationType": "personal", "tenantId": tenant},
            "text": "what is my score?", "channelData": {"tenant": {"id": tenant}}}


def base_env() -> dict[str, str]:
    skip = ("AZURE_", "STORAGE", "NOTIFY_", "DATA_DIR")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    return {**env, "HOST": "127.0.0.1", "LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT)}


async def wait_healthy(session: aiohttp.ClientSession, port: int, process: subprocess.Popen[Any],
                       timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited ({process.returncode})")
        with contextlib.suppress(aiohttp.ClientError):
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.01)
    raise RuntimeError("the service was not healthy in time")


async def post(session: aiohttp.ClientSession, port: int, body: dict[str, Any]) -> float:
    started = time.perf_counter()
    async with session.post(f"http://127.0.0.1:{port}/api/messages", json=body) as response:
        await response.read()
        if response.status not in (200, 201):
            raise RuntimeError(f"turn answered {response.status}")
    return time.perf_counter() - started


# --- the template tenant, written by the real service ------------------------------------------------
async def make_template(folder: Path, service_url: str) -> list[tuple[str, Any]]:
    """(key, stored value) of everything the service stores for one tenant, and the month's run record."""
    data = folder / "data"
    env = {**base_env(), "STORAGE": "tinydb", "DATA_DIR": str(data)}
    profile = folder / "profile.json"
    profile.write_text(json.dumps(PROFILE), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "bot", "import-profile", str(profile), "--tenant", TEMPLATE_TENANT],
                   env=env, check=True, capture_output=True, cwd=ROOT)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bot"], env={**env, "PORT": str(port)}, cwd=ROOT,
                               start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        async with aiohttp.ClientSession() as session:
            await wait_healthy(session, port, process)
            await post(session, port, activity(service_url, TEMPLATE_TENANT, f"a:bench-conv-{TOKEN}",
                                               f"29:bench-user-{TOKEN}"))
    finally:
        stop(process)
    # One notify run: the tenant's score history, and the month's run record completed (so the
    # measured service does not start a catch-up run over every stored conversation).
    subprocess.run([sys.executable, "-m", "bot", "notify"], env=env, check=True, capture_output=True,
                   cwd=ROOT)
    from bot.storage.base import iter_keys
    from bot.storage.tinydb_storage import TinyDBStorage

    store = TinyDBStorage(data, migrate=False)
    try:
        keys = [key async for key in iter_keys(store, "")]
        found = {}
        for key in keys:
            path = store.path_of(key)
            document = json.loads(path.read_text(encoding="utf-8"))
            for table in document.values():
                for doc in table.values():
                    if doc.get("key") == key:
                        found[key] = doc["value"]
    finally:
        await store.close()
    return sorted(found.items())


def copies(template: list[tuple[str, Any]], size: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(key, value JSON) written once, and the per-tenant template with TOKEN to replace."""
    once = [(key, json.dumps(value)) for key, value in template if TOKEN not in key]
    per_tenant = [(key, json.dumps(value)) for key, value in template if TOKEN in key]
    return once, per_tenant


def seed_tinydb(data: Path, template: list[tuple[str, Any]], size: int) -> None:
    items = data / layout.ITEMS
    once, per_tenant = copies(template, size)

    def files(pairs: list[tuple[str, str]]) -> dict[Path, dict[str, dict[str, Any]]]:
        grouped: dict[Path, dict[str, dict[str, Any]]] = {}
        for key, value in pairs:
            document = grouped.setdefault(items / layout.relative_path(key), {})
            table = document.setdefault(layout.space_of(key), {})
            table[str(len(table) + 1)] = {"key": key, "e_tag": "seed", "value": json.loads(value)}
        return grouped

    made: set[Path] = set()

    def write(grouped: dict[Path, dict[str, dict[str, Any]]]) -> None:
        for path, document in grouped.items():
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_text(json.dumps(document), encoding="utf-8")  # no fsync: set-up only

    write(files(once))
    for n in range(size):
        number = f"{n:06d}"
        write(files([(key.replace(TOKEN, number), value.replace(TOKEN, number))
                     for key, value in per_tenant]))


async def seed_blob(connection: str, container: str, template: list[tuple[str, Any]], size: int,
                    concurrency: int) -> None:
    """Every tenant's blobs, `concurrency` uploads in flight. Plain PUTs under one container SAS:
    the SDK's per-request pipeline (signing each request) cost more CPU than Azurite itself here,
    and seeding a million blobs is set-up, not what is measured."""
    import datetime as dt

    from azure.storage.blob import ContainerSasPermissions, generate_container_sas
    from azure.storage.blob.aio import BlobServiceClient

    from bot.storage.blob import blob_name

    once, per_tenant = copies(template, size)
    service = BlobServiceClient.from_connection_string(connection)
    try:
        client = service.get_container_client(container)
        with contextlib.suppress(Exception):
            await client.create_container()
        sas = generate_container_sas(service.account_name or "", container, account_key=KEY,
                                     permission=ContainerSasPermissions(write=True, create=True),
                                     expiry=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
        base = client.url
    finally:
        await service.close()
    headers = {"x-ms-blob-type": "BlockBlob", "Content-Type": "application/json; charset=utf-8"}

    def bodies() -> Any:
        for key, value in once:
            yield key, value
        for n in range(size):
            number = f"{n:06d}"
            for key, value in per_tenant:
                yield key.replace(TOKEN, number), value.replace(TOKEN, number)

    total = len(once) + size * len(per_tenant)
    items = iter(bodies())
    done = 0
    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def uploader() -> None:
            nonlocal done
            for key, value in items:  # one shared iterator: each item is taken by one uploader
                body = f'{{"key":{json.dumps(key)},"value":{value}}}'.encode()
                for attempt in range(5):
                    try:
                        async with session.put(f"{base}/{blob_name(key)}?{sas}", data=body,
                                               headers=headers) as response:
                            if response.status == 201:
                                break
                            problem = f"HTTP {response.status}: {(await response.text())[:200]}"
                    except (aiohttp.ClientError, TimeoutError) as error:
                        problem = repr(error)
                    await asyncio.sleep(0.5 * (attempt + 1))
                else:
                    raise RuntimeError(f"seeding {key} failed: {problem}")
                done += 1
                if done % 20000 == 0:
                    rate = done / (time.perf_counter() - started)
                    print(f"  {done}/{total} blobs ({rate:.0f}/s)", file=sys.stderr, flush=True)

        await asyncio.gather(*(uploader() for _ in range(concurrency)))


# --- measuring one service ---------------------------------------------------------------------------
def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


@dataclass
class Tree:
    """A checkout of the service to measure: this working tree, or a ref exported by `git archive`."""

    name: str
    root: Path


def baseline_tree(ref: str, cache: Path) -> Tree:
    if ref == "merge-base":  # the main this branch started from: only this branch's changes differ
        sha = subprocess.run(["git", "-C", str(ROOT), "merge-base", "main", "HEAD"],
                             check=True, capture_output=True, text=True).stdout.strip()
        ref = "main"
    else:
        sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{ref}^{{commit}}"],
                             check=True, capture_output=True, text=True).stdout.strip()
    folder = cache / f"tree-{sha[:12]}"
    if not (folder / ".exported").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", sha], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
        (folder / ".exported").touch()
    return Tree(f"{ref}@{sha[:7]}", folder)


def tree_env(env: dict[str, str], tree: Tree) -> dict[str, str]:
    return {**env, "PYTHONPATH": str(tree.root)}


def import_seconds(tree: Tree) -> float:
    """Wall time of a fresh interpreter importing what the service starts with (the package's own
    import of them, without the service's start-up settings)."""
    code = ("import bot.app, bot.server, bot.services, bot.notifications, bot.storage.factory; "
            "print(bot.__file__)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=tree_env(base_env(), tree), cwd=tree.root,
                          check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if not Path(done.stdout.strip()).is_relative_to(tree.root):  # the venv's editable install won
        raise RuntimeError(f"{tree.name} imported bot from {done.stdout.strip()}, not {tree.root}")
    return seconds


async def measure(env: dict[str, str], size: int, turns: int, service_url: str,
                  tree: Tree) -> dict[str, Any]:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "bot"], env={**tree_env(env, tree), "PORT": str(port)},
                               cwd=tree.root, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        async with aiohttp.ClientSession() as session:
            await wait_healthy(session, port, process)
            startup = time.perf_counter() - started
            rss_start = rss_mib(process.pid)
            health = []
            for _ in range(100):
                t0 = time.perf_counter()
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    await response.read()
                health.append(time.perf_counter() - t0)
            new, existing = [], []
            for i in range(turns):
                n = f"{(i * 7919) % size:06d}"
                new.append(await post(session, port, activity(
                    service_url, f"bench-tenant-{n}", f"a:bench-new-{i}-{time.time_ns()}",
                    f"29:bench-new-{i}")))
            for i in range(turns):
                n = f"{(i * 104729 + 13) % size:06d}"
                existing.append(await post(session, port, activity(
                    service_url, f"bench-tenant-{n}", f"a:bench-conv-{n}", f"29:bench-user-{n}")))
            rss_end = rss_mib(process.pid)
    finally:
        stop(process)
    return {"startup_s": startup, "rss_start_mib": rss_start, "rss_end_mib": rss_end, "health": health,
            "first_turn_ms": new[0] * 1000, "new": new, "existing": existing}


def summary(runs: list[dict[str, Any]], imports: list[float]) -> dict[str, float]:
    """Medians over the rounds of the per-start figures; percentiles over all rounds' turns."""
    pooled = {name: [x for run in runs for x in run[name]] for name in ("health", "new", "existing")}
    return {
        "import_s": statistics.median(imports),
        "startup_s": statistics.median(run["startup_s"] for run in runs),
        "rss_start_mib": statistics.median(run["rss_start_mib"] for run in runs),
        "rss_end_mib": statistics.median(run["rss_end_mib"] for run in runs),
        "healthz_p50_ms": statistics.median(pooled["health"]) * 1000,
        "first_turn_ms": statistics.median(run["first_turn_ms"] for run in runs),
        "new_p50_ms": pct(pooled["new"], 0.5), "new_p99_ms": pct(pooled["new"], 0.99),
        "existing_p50_ms": pct(pooled["existing"], 0.5), "existing_p99_ms": pct(pooled["existing"], 0.99),
    }


async def bench(storages: list[str], sizes: list[int], turns: int, rounds: int, cache: Path,
                trees: list[Tree], concurrency: int) -> list[tuple[str, int, dict[str, dict[str, float]]]]:
    cache.mkdir(parents=True, exist_ok=True)
    runner, service_url = await start_connector()
    rows = []
    azurite = None
    try:
        template_file = cache / f"template-{SEED_VERSION}.json"
        if not template_file.exists():
            with tempfile.TemporaryDirectory() as tmp:
                template = await make_template(Path(tmp), service_url)
            template_file.write_text(json.dumps(template))
        template = [tuple(pair) for pair in json.loads(template_file.read_text())]
        for storage in storages:
            connection = ""
            if storage == "blob":
                # In memory: Azurite's on-disk metadata is one JSON document rewritten as it grows
                # (45 MB at 1k tenants), which slowed seeding to a crawl beyond that.
                azurite, connection = start_azurite(None)
            for size in sizes:
                if storage == "tinydb":
                    data = cache / f"tinydb-{size}-{SEED_VERSION}"
                    env = {**base_env(), "STORAGE": "tinydb", "DATA_DIR": str(data)}
                    if not (data / ".seeded").exists():
                        shutil.rmtree(data, ignore_errors=True)
                        t0 = time.perf_counter()
                        seed_tinydb(data, template, size)
                        (data / ".seeded").touch()
                        print(f"seeded {size} tenants on TinyDB in {time.perf_counter() - t0:.0f} s",
                              file=sys.stderr)
                else:
                    container = f"scale-{size}-{SEED_VERSION}"
                    env = {**base_env(), "STORAGE": "blob", "AZURE_STORAGE_CONNECTION_STRING": connection,
                           "AZURE_STORAGE_CONTAINER": container}
                    t0 = time.perf_counter()
                    await seed_blob(connection, container, template, size, concurrency)
                    print(f"seeded {size} tenants on blob in {time.perf_counter() - t0:.0f} s",
                          file=sys.stderr)
                runs: dict[str, list[dict[str, Any]]] = {tree.name: [] for tree in trees}
                imports: dict[str, list[float]] = {tree.name: [] for tree in trees}
                for round_number in range(rounds):
                    # Alternate which tree goes first, so neither always meets the other's after-effects.
                    order = trees if round_number % 2 == 0 else list(reversed(trees))
                    for tree in order:
                        imports[tree.name].append(import_seconds(tree))
                        runs[tree.name].append(await measure(env, size, turns, service_url, tree))
                        print(f"{storage} {size} {tree.name} round {round_number + 1}: startup "
                              f"{runs[tree.name][-1]['startup_s']:.2f} s", file=sys.stderr, flush=True)
                rows.append((storage, size, {tree.name: summary(runs[tree.name], imports[tree.name])
                                             for tree in trees}))
                print_rows([tree.name for tree in trees], rows[-1:], file=sys.stderr)
            if azurite is not None:
                stop(azurite)
                azurite = None
    finally:
        if azurite is not None:
            stop(azurite)
        await runner.cleanup()
    return rows


def print_rows(names: list[str], rows: list[tuple[str, int, dict[str, dict[str, float]]]],
               file: Any = None) -> None:
    header = f"{'storage':<8}{'tenants':>8}  {'figure':<16}" + "".join(f"{name:>18}" for name in names)
    print(header + (f"{'ratio':>8}" if len(names) == 2 else ""), file=file)
    for storage, size, by_tree in rows:
        for figure in by_tree[names[0]]:
            values = [by_tree[name][figure] for name in names]
            line = f"{storage:<8}{size:>8}  {figure:<16}" + "".join(f"{value:>18.2f}" for value in values)
            if len(values) == 2:
                line += f"{values[1] / values[0]:>8.2f}" if values[0] else f"{'-':>8}"
            print(line, file=file, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--storage", nargs="+", choices=["tinydb", "blob"], default=["tinydb"])
    parser.add_argument("--turns", type=int, default=200, help="new and existing turns per start")
    parser.add_argument("--rounds", type=int, default=3, help="starts of each tree per size (alternated)")
    parser.add_argument("--baseline", default="merge-base",
                        help="git ref measured side by side with this working tree (default: the commit of "
                             "main this branch starts from; 'none': only this tree)")
    parser.add_argument("--upload-concurrency", type=int, default=32,
                        help="blob uploads in flight when seeding")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "partner-score-bench")
    args = parser.parse_args()
    here = Tree("this tree", ROOT)
    trees = [here] if args.baseline == "none" else [baseline_tree(args.baseline, args.cache), here]
    rows = asyncio.run(bench(args.storage, args.sizes, args.turns, args.rounds, args.cache, trees,
                             args.upload_concurrency))
    print_rows([tree.name for tree in trees], rows)
    print("ratio: this tree / baseline (below 1: faster or smaller). Medians over the rounds of the "
          "per-start figures (import_s: a fresh interpreter importing the service's modules); "
          "turn percentiles over every round's turns.")
    print("targets at 100k on TinyDB: startup_s < 1, rss_start_mib < 200, new_p99_ms < 50")


if __name__ == "__main__":
    main()
