"""Builds the Teams app package (the zip an admin uploads to Teams): manifest.json filled in from settings,
the localization files and the two icons.

    python -m deploy.teams_package --bot-id <GUID> --bot-domain <host> \
        --publisher-website https://contoso.com --privacy-url https://contoso.com/privacy \
        --terms-url https://contoso.com/terms --out build/app.zip
    python -m deploy.teams_package --bot-domain psa.example.com --dev    # a test package

Settings (flags win over the environment): MicrosoftAppId (the bot's Entra app id = manifest botId),
TEAMS_APP_ID (the Teams app id; default: the bot id), BOT_DOMAIN (public host name of the bot, the
manifest's validDomains), TEAMS_APP_VERSION (default: the Python package version), PUBLISHER_NAME,
PUBLISHER_WEBSITE, PRIVACY_URL, TERMS_URL (the developer links Teams shows on the app's page: a
production package refuses the example.com placeholders; --dev builds a test package with them).
Exit code 2 with one line per problem on invalid settings.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

APP_DIR = Path(__file__).parent / "teams-app"
TEMPLATE = APP_DIR / "manifest.template.json"
LOCALIZATION_DIR = APP_DIR / "localization"
ICONS = ("color.png", "outline.png")
DEFAULT_OUT = APP_DIR / "partner-score-assistant.zip"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# A host name (optionally with a leading "*." wildcard), no scheme, path or port: what validDomains takes.
_DOMAIN = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
_PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")
# RFC 2606 example domains: what the developer links default to until a real publisher sets them.
_EXAMPLE_HOST = re.compile(r"^https://([^/]*\.)?example\.(com|org|net)(/|$)", re.IGNORECASE)
_URL_SETTINGS = {"publisher_website": "--publisher-website / PUBLISHER_WEBSITE",
                 "privacy_url": "--privacy-url / PRIVACY_URL", "terms_url": "--terms-url / TERMS_URL"}


def _default_version() -> str:
    try:
        version = metadata.version("partner-score-assistant")
    except metadata.PackageNotFoundError:
        return "1.0.0"
    return version if _SEMVER.match(version) else "1.0.0"


class PackageSettings(BaseModel):
    """What the manifest needs from the deployment."""

    model_config = ConfigDict(frozen=True)

    bot_id: str = Field(description="MicrosoftAppId of the Azure Bot")
    bot_domain: str = Field(description="public host name serving /api/messages")
    teams_app_id: str = ""
    app_version: str = Field(default_factory=_default_version)
    publisher_name: str = Field("Partner Score Assistant", min_length=1, max_length=32)
    publisher_website: str = "https://example.com/partner-score-assistant"
    privacy_url: str = "https://example.com/partner-score-assistant/privacy"
    terms_url: str = "https://example.com/partner-score-assistant/terms"
    # A package for a real tenant: the developer links must be the publisher's own pages.
    production: bool = True

    @field_validator("bot_id", "teams_app_id")
    @classmethod
    def _guid(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        if not value and info.field_name == "bot_id":
            raise ValueError("is required: the bot's Microsoft App ID (--bot-id or MicrosoftAppId)")
        if value and not _GUID.match(value):
            raise ValueError(f"must be a GUID such as 00000000-0000-0000-0000-000000000000 (got {value!r})")
        return value.lower()

    @field_validator("bot_domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        host = value.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
        if not host:
            raise ValueError("is required: the bot's public host name (--bot-domain or BOT_DOMAIN)")
        if not _DOMAIN.match(host):
            raise ValueError(f"must be a host name such as psa.azurewebsites.net, without scheme, path or "
                             f"port (got {value!r})")
        return host

    @field_validator("app_version")
    @classmethod
    def _semver(cls, value: str) -> str:
        if not _SEMVER.match(value.strip()):
            raise ValueError(f"must be MAJOR.MINOR.PATCH, e.g. 1.0.0 (got {value!r})")
        return value.strip()

    @field_validator("publisher_website", "privacy_url", "terms_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not re.match(r"^https://[^\s/]+", value.strip()):
            raise ValueError(f"must be an https:// URL (got {value!r})")
        return value.strip()

    @model_validator(mode="after")
    def _real_links_in_production(self) -> PackageSettings:
        if self.production:
            left = [f"{name} ({_URL_SETTINGS[name]})" for name in _URL_SETTINGS
                    if _EXAMPLE_HOST.match(getattr(self, name))]
            if left:
                raise ValueError("a production package needs the publisher's own pages, not the example.com "
                                 f"placeholders: set {', '.join(left)}, or build a test package with --dev")
        return self

    def placeholders(self) -> dict[str, str]:
        return {
            "BOT_ID": self.bot_id,
            "TEAMS_APP_ID": self.teams_app_id or self.bot_id,
            "BOT_DOMAIN": self.bot_domain,
            "APP_VERSION": self.app_version,
            "PUBLISHER_NAME": self.publisher_name,
            "PUBLISHER_WEBSITE": self.publisher_website,
            "PRIVACY_URL": self.privacy_url,
            "TERMS_URL": self.terms_url,
        }


def _fill(node: Any, values: dict[str, str]) -> Any:
    """Replaces ${NAME} in every string of the parsed template (never in raw JSON text: no injection)."""
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, values) for value in node]
    if isinstance(node, str):
        def substitute(match: re.Match[str]) -> str:
            if match[1] not in values:
                raise KeyError(f"manifest template uses unknown placeholder ${{{match[1]}}}")
            return values[match[1]]
        return _PLACEHOLDER.sub(substitute, node)
    return node


def render_manifest(settings: PackageSettings) -> dict[str, Any]:
    template = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    return _fill(template, settings.placeholders())


SCHEMA_DIR = APP_DIR / "schema"
MANIFEST_SCHEMA = "MicrosoftTeams.v1.30.schema.json"
LOCALIZATION_SCHEMA = "MicrosoftTeams.Localization.v1.30.schema.json"


def document_errors(document: Any, schema_file: str) -> list[str]:
    """"path: message" per problem of `document` against one of the vendored official schemas, formats
    included. Needs the jsonschema package (a test dependency, not a runtime one)."""
    import jsonschema

    schema = json.loads((SCHEMA_DIR / schema_file).read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(str(part) for part in error.path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def schema_errors(manifest: dict[str, Any]) -> list[str] | None:
    """Problems of the manifest and the localization files against the vendored official schemas; None
    when the jsonschema package is not installed."""
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        return None
    checks = [("manifest.json", manifest, MANIFEST_SCHEMA)]
    checks += [(name, json.loads(data), LOCALIZATION_SCHEMA) for name, data in localization_files().items()]
    return [
        f"{name}: {problem}"
        for name, document, schema in checks
        for problem in document_errors(document, schema)
    ]


def localization_files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(LOCALIZATION_DIR.glob("*.json"))}


def build_package(settings: PackageSettings, out: Path = DEFAULT_OUT) -> Path:
    """Writes the zip: manifest.json, the icons and localization files at the root (as Teams expects)."""
    manifest = render_manifest(settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(out.suffix + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        for icon in ICONS:
            archive.write(APP_DIR / icon, icon)
        for name, data in localization_files().items():
            archive.writestr(name, data)
    partial.replace(out)  # never leave a half-written package under the final name
    return out


def settings_from(args: argparse.Namespace, environ: dict[str, str]) -> PackageSettings:
    def pick(flag: str | None, env: str) -> str | None:
        return flag if flag is not None else environ.get(env)

    values = {
        "bot_id": pick(args.bot_id, "MicrosoftAppId") or "",
        "bot_domain": pick(args.bot_domain, "BOT_DOMAIN") or "",
        "teams_app_id": pick(args.teams_app_id, "TEAMS_APP_ID"),
        "app_version": pick(args.version, "TEAMS_APP_VERSION"),
        "publisher_name": environ.get("PUBLISHER_NAME"),
        "publisher_website": pick(args.publisher_website, "PUBLISHER_WEBSITE"),
        "privacy_url": pick(args.privacy_url, "PRIVACY_URL"),
        "terms_url": pick(args.terms_url, "TERMS_URL"),
        "production": not args.dev,
    }
    return PackageSettings(**{key: value for key, value in values.items() if value is not None})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.teams_package",
                                     description="Build the Teams app package (manifest + icons) as a zip.")
    parser.add_argument("--bot-id", help="the bot's Microsoft App ID (default: $MicrosoftAppId)")
    parser.add_argument("--bot-domain", help="public host name of the bot (default: $BOT_DOMAIN)")
    parser.add_argument("--teams-app-id", help="Teams app id (default: $TEAMS_APP_ID, else the bot id)")
    parser.add_argument("--version", help="package version MAJOR.MINOR.PATCH (default: $TEAMS_APP_VERSION)")
    parser.add_argument("--publisher-website", help="the publisher's website (default: $PUBLISHER_WEBSITE)")
    parser.add_argument("--privacy-url", help="the privacy statement's URL (default: $PRIVACY_URL)")
    parser.add_argument("--terms-url", help="the terms of use' URL (default: $TERMS_URL)")
    parser.add_argument("--dev", action="store_true",
                        help="a test package: the example.com developer links are allowed")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="zip to write (default: deploy/teams-app/partner-score-assistant.zip)")
    args = parser.parse_args(argv)
    try:
        settings = settings_from(args, dict(os.environ))
    except ValidationError as error:
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"]) or "settings"
            message = problem["msg"].removeprefix("Value error, ")
            print(f"error: {field}: {message}", file=sys.stderr)
        return 2
    problems = schema_errors(render_manifest(settings))
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    out = build_package(settings, args.out)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
