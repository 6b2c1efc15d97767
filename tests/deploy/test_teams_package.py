"""The Teams app package: manifest valid against the official schema, icons of the required sizes, settings
checked with clear messages, a zip with everything at its root."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from deploy import icons
from deploy.teams_package import (
    APP_DIR,
    LOCALIZATION_SCHEMA,
    MANIFEST_SCHEMA,
    PackageSettings,
    build_package,
    document_errors,
    main,
    render_manifest,
)

BOT_ID = "0b9e6a3c-7d41-4f2a-9c55-3e8d1f6a2b70"
# The publisher's own pages: a production package refuses the example.com placeholders.
LINKS = {"publisher_website": "https://contoso.com", "privacy_url": "https://contoso.com/privacy",
         "terms_url": "https://contoso.com/terms"}
LINK_FLAGS = ["--publisher-website", LINKS["publisher_website"], "--privacy-url", LINKS["privacy_url"],
              "--terms-url", LINKS["terms_url"]]
LOCALES = ("fr.json", "de.json", "ko.json", "zh-TW.json")


def _png(data: bytes) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """Width, height and RGBA pixels of an 8-bit RGBA PNG without filters (what deploy.icons writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 6)
    chunks, offset = b"", 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        if data[offset + 4:offset + 8] == b"IDAT":
            chunks += data[offset + 8:offset + 8 + length]
        offset += 12 + length
    raw = zlib.decompress(chunks)
    stride = width * 4 + 1
    pixels = []
    for row in range(height):
        line = raw[row * stride:(row + 1) * stride]
        assert line[0] == 0
        pixels += [tuple(line[1 + i:5 + i]) for i in range(0, width * 4, 4)]
    return width, height, pixels


@pytest.fixture
def settings() -> PackageSettings:
    return PackageSettings(bot_id=BOT_ID, bot_domain="psa-contoso.azurewebsites.net", **LINKS)


def test_manifest_is_valid_against_the_official_teams_schema(settings: PackageSettings) -> None:
    manifest = render_manifest(settings)
    assert document_errors(manifest, MANIFEST_SCHEMA) == []
    assert manifest["manifestVersion"] == "1.30"
    assert manifest["$schema"].endswith("/v1.30/MicrosoftTeams.schema.json")


def test_schema_check_is_not_vacuous(settings: PackageSettings) -> None:
    manifest = render_manifest(settings)
    manifest["bots"][0]["scopes"].append("meeting")
    manifest["description"]["short"] = "x" * 81
    errors = document_errors(manifest, MANIFEST_SCHEMA)
    assert any(error.startswith("bots/0/scopes") for error in errors)
    assert any(error.startswith("description/short") for error in errors)


def test_manifest_takes_bot_id_and_domain_from_settings(settings: PackageSettings) -> None:
    manifest = render_manifest(settings)
    bot = manifest["bots"][0]
    assert bot["botId"] == BOT_ID
    assert manifest["id"] == BOT_ID  # the Teams app id defaults to the bot id
    assert manifest["validDomains"] == ["psa-contoso.azurewebsites.net"]
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    titles = [command["title"] for command in bot["commandLists"][0]["commands"]]
    assert "What is my score?" in titles and "Update my data" in titles and "Help" in titles
    assert "${" not in json.dumps(manifest)


def test_settings_come_from_the_environment_and_flags_win() -> None:
    import argparse

    from deploy.teams_package import settings_from

    args = argparse.Namespace(bot_id=None, bot_domain="flag.example.com", teams_app_id=None, version=None,
                              publisher_website=None, privacy_url="https://flag.contoso.com/privacy",
                              terms_url=None, dev=False)
    env = {"MicrosoftAppId": BOT_ID.upper(), "BOT_DOMAIN": "env.example.com", "TEAMS_APP_VERSION": "2.3.4",
           "TEAMS_APP_ID": "11111111-2222-4333-8444-555555555555", "PUBLISHER_WEBSITE": "https://contoso.com",
           "PRIVACY_URL": "https://contoso.com/privacy", "TERMS_URL": "https://contoso.com/terms"}
    chosen = settings_from(args, env)
    assert chosen.privacy_url == "https://flag.contoso.com/privacy"
    assert chosen.terms_url == "https://contoso.com/terms"
    assert chosen.bot_id == BOT_ID
    assert chosen.bot_domain == "flag.example.com"
    assert chosen.app_version == "2.3.4"
    assert render_manifest(chosen)["id"] == "11111111-2222-4333-8444-555555555555"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("bot_id", "not-a-guid", "must be a GUID"),
    ("bot_id", "", "is required"),
    ("bot_domain", "https://psa.example.com:8443/api", "host name"),
    ("bot_domain", "", "is required"),
    ("app_version", "1.0", "MAJOR.MINOR.PATCH"),
    ("privacy_url", "http://example.com/privacy", "https://"),
])
def test_bad_settings_are_refused_with_a_clear_message(field: str, value: str, message: str) -> None:
    values = {"bot_id": BOT_ID, "bot_domain": "psa.example.com", **LINKS, field: value}
    with pytest.raises(ValueError, match=message):
        PackageSettings(**values)


def test_cli_without_bot_id_exits_2_and_names_the_missing_setting(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.delenv("MicrosoftAppId", raising=False)
    monkeypatch.delenv("BOT_DOMAIN", raising=False)
    assert main(["--out", str(tmp_path / "app.zip")]) == 2
    err = capsys.readouterr().err
    assert "bot_id: is required" in err and "bot_domain: is required" in err
    assert not (tmp_path / "app.zip").exists()


def test_localization_files_are_valid_and_cover_the_other_seed_languages() -> None:
    manifest = json.loads((APP_DIR / "manifest.template.json").read_text(encoding="utf-8"))
    declared = {entry["file"] for entry in manifest["localizationInfo"]["additionalLanguages"]}
    assert declared == set(LOCALES)
    for name in LOCALES:
        document = json.loads((APP_DIR / "localization" / name).read_text(encoding="utf-8"))
        assert document_errors(document, LOCALIZATION_SCHEMA) == [], name
        assert document["name.full"] != manifest["name"]["full"], f"{name} is not translated"


def test_icons_have_the_required_sizes_and_the_outline_is_white_on_transparent() -> None:
    width, height, pixels = _png((APP_DIR / "color.png").read_bytes())
    assert (width, height) == (192, 192)
    assert all(alpha == 255 for *_, alpha in pixels)  # full colour icon: opaque background
    width, height, pixels = _png((APP_DIR / "outline.png").read_bytes())
    assert (width, height) == (32, 32)
    assert {pixel for pixel in pixels} == {(0, 0, 0, 0), (255, 255, 255, 255)}


def test_committed_icons_are_what_the_drawing_script_makes() -> None:
    assert (APP_DIR / "color.png").read_bytes() == icons.color_icon()
    assert (APP_DIR / "outline.png").read_bytes() == icons.outline_icon()


def test_package_zip_has_manifest_icons_and_localizations_at_its_root(
        settings: PackageSettings, tmp_path: Path) -> None:
    out = build_package(settings, tmp_path / "pkg" / "app.zip")
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert names == {"manifest.json", "color.png", "outline.png", *LOCALES}
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest == render_manifest(settings)
    assert not list(out.parent.glob("*.partial"))


def test_cli_builds_a_valid_package_and_refuses_an_invalid_manifest(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from deploy import teams_package

    out = tmp_path / "app.zip"
    assert main(["--bot-id", BOT_ID, "--bot-domain", "psa.example.com", *LINK_FLAGS, "--out", str(out)]) == 0
    assert out.exists()

    broken = tmp_path / "manifest.template.json"
    template = json.loads(teams_package.TEMPLATE.read_text(encoding="utf-8"))
    template["bots"][0]["scopes"] = ["everywhere"]
    broken.write_text(json.dumps(template), encoding="utf-8")
    monkeypatch.setattr(teams_package, "TEMPLATE", broken)
    out2 = tmp_path / "broken.zip"
    assert main(["--bot-id", BOT_ID, "--bot-domain", "psa.example.com", *LINK_FLAGS, "--out", str(out2)]) == 2
    assert "manifest.json: bots/0/scopes/0" in capsys.readouterr().err
    assert not out2.exists()


def test_a_production_package_refuses_the_example_com_developer_links(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for name in ("PUBLISHER_WEBSITE", "PRIVACY_URL", "TERMS_URL"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "app.zip"
    assert main(["--bot-id", BOT_ID, "--bot-domain", "psa.contoso.com", "--privacy-url",
                 "https://contoso.com/privacy", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "publisher_website (--publisher-website / PUBLISHER_WEBSITE)" in err
    assert "terms_url (--terms-url / TERMS_URL)" in err
    assert "privacy_url" not in err
    assert not out.exists()


def test_a_dev_package_may_keep_the_placeholders_and_production_links_reach_the_manifest(
        tmp_path: Path) -> None:
    assert main(["--bot-id", BOT_ID, "--bot-domain", "psa.contoso.com", "--dev",
                 "--out", str(tmp_path / "dev.zip")]) == 0
    settings = PackageSettings(bot_id=BOT_ID, bot_domain="psa.contoso.com", **LINKS)
    developer = render_manifest(settings)["developer"]
    assert (developer["websiteUrl"], developer["privacyUrl"], developer["termsOfUseUrl"]) == (
        "https://contoso.com", "https://contoso.com/privacy", "https://contoso.com/terms")


@pytest.mark.parametrize("name", LOCALES)
def test_every_command_in_the_menu_is_translated_and_understood_as_the_english_one(name: str) -> None:
    from bot.questions import understand

    manifest = json.loads((APP_DIR / "manifest.template.json").read_text(encoding="utf-8"))
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    document = json.loads((APP_DIR / "localization" / name).read_text(encoding="utf-8"))
    for index, command in enumerate(commands):
        key = f"bots[0].commandLists[0].commands[{index}]"
        title, description = document[f"{key}.title"], document[f"{key}.description"]
        assert title != command["title"] and description != command["description"], (name, index)
        # Picking a command sends its title: the bot must read it as the English command.
        assert understand(title).intent == understand(command["title"]).intent, (name, title)
