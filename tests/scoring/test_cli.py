"""`python -m scoring score PROFILE.json [--rules V] [--as-of DATE] [--json]`: output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from contract_profile import example_profile

from scoring.cli import main
from scoring.results import Scorecard

# Ada's AZ-104 expired before as_of; Grace is the second Solutions Architect Expert.
PROFILE = example_profile(
    people=[
        {"id": "p1", "name": "Ada", "certifications": ["AZ-305", {"id": "AZ-104", "expires": "2026-03-01"}]},
        {"id": "p2", "name": "Grace", "certifications": ["AZ-305"]},
    ]
)


@pytest.fixture
def profile_file(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(PROFILE))
    return path


def test_json_output_is_the_scorecard_contract(profile_file, capsys):
    assert main(["score", str(profile_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"partner_id", "as_of", "rules", "designations", "cloud_platform"}
    assert [d["area"] for d in data["designations"]] == [
        "data_ai",
        "infrastructure",
        "digital_app_innovation",
    ]
    data_ai = data["designations"][0]
    assert "advanced_certifications" not in [m["metric"] for m in data_ai["metrics"]]
    unmet = data_ai["metrics"][1]["reasons"][1]
    assert unmet == {
        "code": "prerequisite_unmet",
        "step": 2,
        "certifications": ["azure-administrator"],
        "required": 2,
        "have": 0,
        "people": [],
    }
    assert data["cloud_platform"]["levels"]["silver"]["met"] is False
    assert Scorecard.model_validate(data).to_json() == data


def test_human_output_explains_in_plain_english(profile_file, capsys):
    assert main(["score", str(profile_file)]) == 0
    out = capsys.readouterr().out
    assert "Data & AI: 36/100 (needs 70): not qualified" in out
    assert "Ada's Azure Administrator Associate (AZ-104) expired on 2026-03-01" in out
    assert (
        "Plan to qualify:" in out and "Certify 2 more people in Azure Administrator Associate (AZ-104)" in out
    )
    assert "Cloud Platform competency (2017-11): none" in out


def test_rules_and_as_of_options(profile_file, capsys):
    assert main(["score", str(profile_file), "--json", "--rules", "2026", "--as-of", "2026-05-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["rules"], data["as_of"]) == ("2026", "2026-05-01")


def test_records_option_reads_a_csv(profile_file, tmp_path, capsys):
    csv = tmp_path / "acr.csv"
    csv.write_text("customer,month,service,offer,association,usd\nt1,2026-09,Storage,Azure plan,DPOR,16000\n")
    assert main(["score", str(profile_file), "--json", "--records", str(csv)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["designations"][0]["metrics"][0]["reasons"][0]["current"] == 1
    assert data["cloud_platform"]["consumption_usd_12m"] == 20000  # the given figure wins over the records


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--rules", "2025"], "--rules '2025' is unknown; known versions: 2023-H2, 2026"),
        (["--as-of", "31/10/2026"], "--as-of '31/10/2026' is not a date"),
    ],
)
def test_bad_options_exit_2_with_a_message(profile_file, capsys, args, needle):
    assert main(["score", str(profile_file), *args]) == 2
    assert needle in capsys.readouterr().err


def test_invalid_profile_exits_2_naming_each_field(tmp_path, capsys):
    bad = dict(
        PROFILE,
        people=[{"id": "p1", "certifications": ["AZ-999"]}],
        usage=dict(PROFILE["usage"], acr_last_month=-1),
    )
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    assert main(["score", str(path)]) == 2
    err = capsys.readouterr().err
    assert "people[0].certifications[0]: unknown certification 'AZ-999'" in err
    assert "usage.acr_last_month: cannot be negative (got -1" in err


def test_missing_file_and_broken_json_exit_2(tmp_path, capsys):
    assert main(["score", str(tmp_path / "nope.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert main(["score", str(broken)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_module_entry_point_exit_codes(profile_file, tmp_path):
    ok = subprocess.run(
        [sys.executable, "-m", "scoring", "score", str(profile_file), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["partner_id"] == "4412345"
    bad = subprocess.run(
        [sys.executable, "-m", "scoring", "score", str(tmp_path / "x.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr and not bad.stdout


def test_certifications_listing(capsys):
    assert main(["certifications", "--rules", "2017-07"]) == 0
    assert "assessment:13736" in capsys.readouterr().out


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path) -> None:
    people = [
        {"id": f"p{i}", "name": f"P{i}", "certifications": ["AZ-104", "AZ-305", "DP-300"]} for i in range(400)
    ]
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({**_PIPE_PROFILE, "people": people}), encoding="utf-8")
    shell = f"{sys.executable} -m scoring score {profile} --json | head -c 10"
    result = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120)
    assert result.stdout.startswith("{")
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


_PIPE_PROFILE = {
    "partner": {"id": "1", "name": "Pipe"},
    "as_of": "2026-10-31",
    "usage": {"eligible_customers_last_month": 5, "eligible_customers_same_month_last_year": 3,
              "acr_last_month": 112700.0, "acr_same_month_last_year": 100000.0,
              "deployed_services": ["Azure SQL Database"]},
}
