"""Static checks of deploy/Dockerfile and deploy/azure/main.bicep (no Docker engine or Azure CLI here):
the essentials the issue asks for are present, and the Bicep parameters, the parameters file and the
documentation agree."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


@pytest.fixture(scope="module")
def runtime_stage() -> list[tuple[str, str]]:
    steps = _instructions(DEPLOY / "Dockerfile")
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def test_image_is_slim_python_matching_the_project(runtime_stage: list[tuple[str, str]]) -> None:
    base = runtime_stage[0][1]
    assert re.match(r"python:3\.\d+-slim", base), base
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = tuple(int(part) for part in requires.removeprefix(">=").split("."))
    version = tuple(int(part) for part in re.match(r"python:(\d+)\.(\d+)", base).groups())  # type: ignore[union-attr]
    assert version >= minimum


def test_runs_as_a_non_root_user(runtime_stage: list[tuple[str, str]]) -> None:
    users = [args for keyword, args in runtime_stage if keyword == "USER"]
    assert users, "no USER instruction: the bot would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    # USER comes after the last RUN, so nothing later runs as root and the user exists.
    last_user = max(i for i, (keyword, _) in enumerate(runtime_stage) if keyword == "USER")
    assert all(keyword != "RUN" for keyword, _ in runtime_stage[last_user:])
    assert any(keyword == "RUN" and "useradd" in args and "10001" in args for keyword, args in runtime_stage)


def test_healthcheck_probes_healthz_on_the_service_port(runtime_stage: list[tuple[str, str]]) -> None:
    checks = [args for keyword, args in runtime_stage if keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "/healthz" in checks[0] and "CMD" in checks[0]
    assert "PORT" in checks[0]


def test_data_dir_is_a_volume_owned_by_the_bot_user(runtime_stage: list[tuple[str, str]]) -> None:
    env = " ".join(args for keyword, args in runtime_stage if keyword == "ENV")
    assert re.search(r"\bDATA_DIR=/data\b", env)
    volumes = [args for keyword, args in runtime_stage if keyword == "VOLUME"]
    assert volumes and "/data" in volumes[0]
    assert any("chown" in args and "/data" in args for keyword, args in runtime_stage if keyword == "RUN")


def test_starts_the_bot_service(runtime_stage: list[tuple[str, str]]) -> None:
    cmds = [args for keyword, args in runtime_stage if keyword in ("CMD", "ENTRYPOINT")]
    assert json.loads(cmds[-1]) == ["python", "-m", "bot"]
    env = " ".join(args for keyword, args in runtime_stage if keyword == "ENV")
    assert "HOST=0.0.0.0" in env and "PORT=3978" in env
    assert any(keyword == "EXPOSE" and args == "3978" for keyword, args in runtime_stage)


def test_build_context_carries_the_packages_the_wheel_needs() -> None:
    steps = _instructions(DEPLOY / "Dockerfile")
    copied = " ".join(args for keyword, args in steps if keyword == "COPY")
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    for package in (name.rstrip("*") for name in packages["include"]):
        assert f"{package} ./{package}" in copied, package
        assert f"!{package}/" in (DEPLOY / "Dockerfile.dockerignore").read_text()
    assert "pyproject.toml" in copied and "README.md" in copied


BICEP = DEPLOY / "azure" / "main.bicep"


def _bicep_params() -> dict[str, bool]:
    """Parameter name -> has a default value."""
    params = {}
    for match in re.finditer(r"^param (\w+) \w+( = .+)?$", BICEP.read_text(encoding="utf-8"), re.MULTILINE):
        params[match[1]] = match[2] is not None
    return params


def test_bicep_declares_bot_with_teams_channel_host_and_state_storage() -> None:
    text = BICEP.read_text(encoding="utf-8")
    assert re.search(r"'Microsoft\.BotService/botServices@[\d-]+'", text)
    assert re.search(r"'Microsoft\.BotService/botServices/channels@[\d-]+'", text)
    assert "channelName: 'MsTeamsChannel'" in text
    assert re.search(r"'Microsoft\.Web/sites@[\d-]+'", text)
    assert "healthCheckPath: '/healthz'" in text
    assert "endpoint: 'https://${site.properties.defaultHostName}/api/messages'" in text
    assert re.search(r"'Microsoft\.Storage/storageAccounts/fileServices/shares@[\d-]+'", text)
    assert "mountPath: '/data'" in text and "name: 'DATA_DIR', value: '/data'" in text
    assert text.count("{") == text.count("}") and text.count("[") == text.count("]")


def test_bicep_sets_the_bot_settings_the_service_reads() -> None:
    text = BICEP.read_text(encoding="utf-8")
    from bot.config import Settings

    documented = {field.validation_alias.choices[0] for field in Settings.model_fields.values()}  # type: ignore[union-attr]
    for name in re.findall(r"\{ name: '([A-Za-z_]+)', value:", text):
        if name.startswith(("WEBSITES_", "DOCKER_")):
            continue  # App Service's own settings
        assert name in documented, f"app setting {name} is not a bot setting"


def test_bicep_parameters_file_and_docs_agree() -> None:
    params = _bicep_params()
    given = json.loads((DEPLOY / "azure" / "main.parameters.json").read_text())["parameters"]
    assert set(given) <= set(params), set(given) - set(params)
    required = {name for name, has_default in params.items() if not has_default}
    assert required <= set(given), required - set(given)
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for name in params:
        assert f"| `{name}` |" in readme, f"parameter {name} is not documented in deploy/README.md"
    for name in re.findall(r"^\| `(\w+)` \|", readme, re.MULTILINE):
        if name[0].islower() and name not in ("score",):
            assert name in params, f"deploy/README.md documents unknown parameter {name}"
