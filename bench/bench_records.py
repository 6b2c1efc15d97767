"""ACR records at scale, this tree against an older one: prints figures and ratios (not a test).

    .venv/bin/python bench/bench_records.py [--baseline REV] [--rows N] [--rounds R] [--repeat K]

1,000,000 ACR records, scored three ways: `load_profile` + derive + score of
  1. a profile file naming a CSV file of the records (target < 0.25 s),
  2. a profile file with the records inline as JSON rows (target < 1 s),
  3. a profile already parsed into Python dicts (the bot's and the CLI's other entry; target < 1 s).
Each is timed in this tree and in the `scoring` package of `--baseline` (default: main), each in its
own process on the same files. The two trees take turns, R rounds of K runs each, so a shared
machine's load falls on both alike. Printed side by side: CPU seconds (every thread: what the work
costs when it has the cores to itself) and wall-clock seconds, median and range over all runs, and
the ratio of the medians. The targets are judged on the median CPU time. The scorecards of both
trees are compared too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

from record_mix import record_rows

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "main"
TARGETS = {"csv": 0.25, "json_file": 1.0, "json_dicts": 1.0}
LABELS = {
    "csv": "profile + CSV file of the records",
    "json_file": "profile file, records inline (JSON)",
    "json_dicts": "profile already parsed (dicts)",
}


def write_files(folder: Path, n: int) -> None:
    rows = record_rows(n)
    head = {"partner": {"id": "bench"}, "as_of": "2026-10-31", "rules": "2026"}
    with (folder / "records.csv").open("w") as handle:
        handle.write("customer,month,service,offer,association,usd\n")
        handle.writelines(
            f"{r['customer']},{r['month']},{r['service']},{r['offer']},{r['association']},{r['usd']}\n"
            for r in rows
        )
    (folder / "profile-csv.json").write_text(json.dumps({**head, "acr_records": "records.csv"}))
    (folder / "profile-inline.json").write_text(json.dumps({**head, "acr_records": rows}))


def measure(folder: Path, repeat: int) -> dict:
    """Run in a child process whose `scoring` is the tree under test."""
    from scoring import load_profile, score_profile

    def timed(make, card: bool = True) -> dict:
        walls, cpus, result = [], [], None
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = score_profile(make()) if card else make()
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - start_cpu)
        out = {"wall": walls, "cpu": cpus}
        return {**out, "card": result.to_json()} if card else out

    inline = folder / "profile-inline.json"
    out = {
        "csv": timed(lambda: load_profile(folder / "profile-csv.json")),
        "json_file": timed(lambda: load_profile(inline)),
    }
    parsed = json.loads(inline.read_text())
    out["json_dicts"] = timed(lambda: load_profile(parsed))
    # The hardware floor, timed in the same process beside them: Arrow reading the CSV file with no
    # options at all, and msgspec parsing the JSON profile once (any reader must at least do that).
    import msgspec
    import pyarrow.csv as pa_csv

    out["floor_csv"] = timed(lambda: pa_csv.read_csv(folder / "records.csv"), card=False)
    out["floor_json"] = timed(lambda: msgspec.json.decode(inline.read_bytes()), card=False)
    return out


def baseline_tree(rev: str, into: Path) -> Path:
    """The `scoring` package of a commit, unpacked on its own (git archive)."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "scoring"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as archive:
        archive.extractall(into, filter="data")
    return into


def run_child(tree: Path, folder: Path, repeat: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(folder), "--repeat", str(repeat)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
    )
    return json.loads(done.stdout)


def merged(runs: list[dict]) -> dict:
    """The runs of every round of one tree, per path: all samples, and the last scorecard."""
    return {
        key: {
            "wall": [w for run in runs for w in run[key]["wall"]],
            "cpu": [c for run in runs for c in run[key]["cpu"]],
            **({"card": runs[-1][key]["card"]} if "card" in runs[-1][key] else {}),
        }
        for key in runs[0]
    }


def spread(samples: list[float]) -> str:
    return f"{statistics.median(samples):6.3f} [{min(samples):.3f}-{max(samples):.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="turns each tree takes")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each path per turn")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.repeat)))
        return
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_files(folder, args.rows)
        size = (folder / "records.csv").stat().st_size / 1e6
        inline = (folder / "profile-inline.json").stat().st_size / 1e6
        print(f"{args.rows:,} ACR records: CSV {size:.0f} MB, inline JSON profile {inline:.0f} MB")
        old_tree = baseline_tree(args.baseline, folder / "baseline")
        old_runs, new_runs = [], []
        for _ in range(args.rounds):
            old_runs.append(run_child(old_tree, folder, args.repeat))
            new_runs.append(run_child(ROOT, folder, args.repeat))
        old, new = merged(old_runs), merged(new_runs)
    runs = args.rounds * args.repeat
    print(f"load_profile + derive + score: median [min-max] of {runs} runs per tree, in {args.rounds} turns")
    print(f"{'':38} {'':4} {'baseline ' + args.baseline:>21} {'this tree':>21} {'speed-up':>9}  target")
    for key, label in LABELS.items():
        a, b = old[key], new[key]
        target = TARGETS.get(key)
        for unit in ("cpu", "wall"):
            ratio = statistics.median(a[unit]) / statistics.median(b[unit])
            verdict = ""
            if target is not None and unit == "cpu":
                met = statistics.median(b["cpu"]) < target
                verdict = f"< {target} s cpu: {'met' if met else 'NOT met'}"
            name = label if unit == "cpu" else ""
            print(f"{name:38} {unit:4} {spread(a[unit]):>21} {spread(b[unit]):>21} {ratio:8.2f}x  {verdict}")
    floors = {"csv": ("floor_csv", "bare pyarrow.csv.read_csv"), "json_file": ("floor_json", "msgspec")}
    print("this tree against the hardware floor measured beside it (same process, same minute), median:")
    for key, (floor, what) in floors.items():
        f, b = new[floor], new[key]
        fc, bc = statistics.median(f["cpu"]), statistics.median(b["cpu"])
        print(
            f"  {LABELS[key]:38} cpu {bc:.3f} s vs {what} {fc:.3f} s: {bc / fc:.2f}x the floor "
            f"(wall {statistics.median(b['wall']) / statistics.median(f['wall']):.2f}x)"
        )
    same = all(old[k]["card"]["designations"] == new[k]["card"]["designations"] for k in LABELS)
    print(f"designations identical in both trees: {same}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
