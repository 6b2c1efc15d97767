"""Service settings, read from the environment (names as in ARCHITECTURE.md and README).

`load_settings()` turns a pydantic validation error into `SettingsError`, whose message names each
bad variable and its value, so `python -m bot` fails at start-up with one readable line per problem
instead of a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

AppType = Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"]
_APP_TYPES: dict[str, AppType] = {"multitenant": "MultiTenant", "singletenant": "SingleTenant",
                                   "userassignedmsi": "UserAssignedMSI"}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# Azure's container naming rule: 3-63 lower-case letters, digits and single inner hyphens.
_CONTAINER = re.compile(r"^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")
_SECRETS = ("MicrosoftAppPassword", "AZURE_STORAGE_CONNECTION_STRING")


class SettingsError(ValueError):
    """Invalid configuration; `str()` is one line per offending variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", populate_by_name=True,
                                      frozen=True)

    port: int = Field(3978, ge=1, le=65535, validation_alias=AliasChoices("PORT", "port"))
    host: str = Field("0.0.0.0", validation_alias=AliasChoices("HOST", "host"))
    data_dir: Path = Field(Path("./data"), validation_alias=AliasChoices("DATA_DIR", "data_dir"))
    app_id: str = Field("", validation_alias=AliasChoices("MicrosoftAppId", "app_id"))
    app_password: str = Field("", validation_alias=AliasChoices("MicrosoftAppPassword", "app_password"),
                              repr=False)
    app_type: AppType = Field("MultiTenant", validation_alias=AliasChoices("MicrosoftAppType", "app_type"))
    app_tenant_id: str = Field("", validation_alias=AliasChoices("MicrosoftAppTenantId", "app_tenant_id"))
    # Empty = every tenant may use the bot. NoDecode: a comma list, not JSON.
    allowed_tenants: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(), validation_alias=AliasChoices("ALLOWED_TENANTS", "allowed_tenants"))
    # Teams activities are a few KB; 256 KB leaves room for big card submits.
    max_body_bytes: int = Field(256 * 1024, ge=1024, le=64 * 1024 * 1024,
                                validation_alias=AliasChoices("MAX_BODY_BYTES", "max_body_bytes"))
    log_level: Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"] = Field(
        "INFO", validation_alias=AliasChoices("LOG_LEVEL", "log_level"))
    # Monthly notifications (bot/notifications reads these).
    # Up to 31: the scheduler clamps it to the last day of short months.
    notify_day: int = Field(21, ge=1, le=31, validation_alias=AliasChoices("NOTIFY_DAY", "notify_day"))
    notify_time: dt.time = Field(dt.time(9, 0), validation_alias=AliasChoices("NOTIFY_TIME", "notify_time"))
    notify_timezone: str = Field("UTC", validation_alias=AliasChoices("NOTIFY_TIMEZONE", "notify_timezone"))
    notify_rate_per_second: float = Field(30.0, gt=0, le=1000, validation_alias=AliasChoices(
        "NOTIFY_RATE_PER_SECOND", "notify_rate_per_second"))
    notify_max_tries: int = Field(5, ge=1, le=20,
                                  validation_alias=AliasChoices("NOTIFY_MAX_TRIES", "notify_max_tries"))
    # Files sent in a personal chat (bot/imports): largest download, its time limit, and whether an
    # http:// downloadUrl on a loopback address is accepted (tests, local playground; Teams sends https).
    import_max_bytes: int = Field(10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024,
                                  validation_alias=AliasChoices("IMPORT_MAX_BYTES", "import_max_bytes"))
    import_timeout_seconds: float = Field(30.0, gt=0, le=300, validation_alias=AliasChoices(
        "IMPORT_TIMEOUT_SECONDS", "import_timeout_seconds"))
    import_allow_loopback_http: bool = Field(False, validation_alias=AliasChoices(
        "IMPORT_ALLOW_LOOPBACK_HTTP", "import_allow_loopback_http"))
    # Who may change a tenant's data (bot/trust): its owners, or every member (small organisations).
    edit_rights: Literal["owners", "everyone"] = Field(
        "owners", validation_alias=AliasChoices("EDIT_RIGHTS", "edit_rights"))
    # How long profile versions are kept (the latest is always kept).
    version_retention_months: int = Field(24, ge=1, le=1200, validation_alias=AliasChoices(
        "VERSION_RETENTION_MONTHS", "version_retention_months"))
    # Where items live (bot/storage/factory.py): TinyDB files under DATA_DIR, or Azure Blob Storage.
    storage: Literal["tinydb", "blob"] = Field("tinydb", validation_alias=AliasChoices("STORAGE", "storage"))
    azure_storage_connection_string: str = Field("", repr=False, validation_alias=AliasChoices(
        "AZURE_STORAGE_CONNECTION_STRING", "azure_storage_connection_string"))
    azure_storage_account_url: str = Field("", validation_alias=AliasChoices(
        "AZURE_STORAGE_ACCOUNT_URL", "azure_storage_account_url"))
    azure_storage_container: str = Field("partner-score", validation_alias=AliasChoices(
        "AZURE_STORAGE_CONTAINER", "azure_storage_container"))

    @field_validator("allowed_tenants", mode="before")
    @classmethod
    def _split_tenants(cls, value: Any) -> Any:
        if isinstance(value, str):
            return frozenset(part.strip().lower() for part in value.split(",") if part.strip())
        if isinstance(value, list | tuple | set | frozenset):
            return frozenset(str(part).strip().lower() for part in value if str(part).strip())
        return value

    @field_validator("app_type", mode="before")
    @classmethod
    def _app_type(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                return "MultiTenant"
            return _APP_TYPES.get(value.strip().lower(), value)
        return value

    @field_validator("edit_rights", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("notify_time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = _TIME.match(value.strip())
            if not match:
                raise ValueError("expected HH:MM (24-hour clock), e.g. 09:00")
            return dt.time(int(match[1]), int(match[2]))
        return value

    @field_validator("notify_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("unknown IANA time zone, e.g. UTC or Europe/Paris") from error
        return value

    @field_validator("storage", mode="before")
    @classmethod
    def _storage(cls, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip().lower() or "tinydb"
        return value

    @field_validator("azure_storage_container")
    @classmethod
    def _container(cls, value: str) -> str:
        if not _CONTAINER.match(value):
            raise ValueError("not a blob container name (3-63 lower-case letters, digits and single "
                             "hyphens, e.g. partner-score)")
        return value

    @field_validator("azure_storage_account_url")
    @classmethod
    def _account_url(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return value
        url = urlsplit(value)
        loopback = url.hostname in ("127.0.0.1", "localhost")  # Azurite
        if url.scheme not in (("http", "https") if loopback else ("https",)) or not url.hostname:
            raise ValueError("expected the account's blob endpoint, e.g. https://myaccount.blob.core.windows.net")
        return value

    @field_validator("azure_storage_connection_string")
    @classmethod
    def _connection_string(cls, value: str) -> str:
        value = value.strip()
        if value:
            from azure.storage.blob import BlobServiceClient  # its own parser; imported only when set

            try:
                BlobServiceClient.from_connection_string(value).close()
            except (ValueError, KeyError) as error:
                raise ValueError("not an Azure Storage connection string (AccountName=...;AccountKey=...;"
                                 "BlobEndpoint=... or DefaultEndpointsProtocol=...)") from error
        return value

    @model_validator(mode="after")
    def _storage_reachable(self) -> Settings:
        if self.storage == "blob" and not (self.azure_storage_connection_string
                                           or self.azure_storage_account_url):
            raise ValueError("STORAGE=blob needs AZURE_STORAGE_CONNECTION_STRING or "
                             "AZURE_STORAGE_ACCOUNT_URL")
        if self.azure_storage_connection_string and self.azure_storage_account_url:
            raise ValueError("set AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL, not both")
        return self

    @model_validator(mode="after")
    def _auth_complete(self) -> Settings:
        if self.app_type == "SingleTenant" and self.app_id and not self.app_tenant_id:
            raise ValueError("MicrosoftAppType=SingleTenant needs MicrosoftAppTenantId")
        if self.app_id and self.app_type != "UserAssignedMSI" and not self.app_password:
            raise ValueError("MicrosoftAppId is set but MicrosoftAppPassword is empty")
        if self.app_type == "UserAssignedMSI" and self.app_id and not self.app_tenant_id:
            raise ValueError("MicrosoftAppType=UserAssignedMSI needs MicrosoftAppTenantId")
        return self

    @property
    def local_mode(self) -> bool:
        """No app id: the Bot Framework auth is off (local playground, tests)."""
        return not self.app_id

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.notify_timezone)

    def tenant_allowed(self, tenant_id: str | None) -> bool:
        if not self.allowed_tenants:
            return True
        return bool(tenant_id) and tenant_id.strip().lower() in self.allowed_tenants

    def bot_framework_config(self, **overrides: Any) -> BotFrameworkConfig:
        return BotFrameworkConfig(self, **overrides)


class BotFrameworkConfig:
    """The attribute names botbuilder's ConfigurationBotFrameworkAuthentication reads."""

    def __init__(self, settings: Settings, **overrides: Any) -> None:
        self.APP_ID = settings.app_id or None
        self.APP_PASSWORD = settings.app_password or None
        self.APP_TYPE = settings.app_type
        self.APP_TENANTID = settings.app_tenant_id or None
        for name, value in overrides.items():
            setattr(self, name, value)


_ALIASES = {name: (field.validation_alias.choices[0] if isinstance(field.validation_alias, AliasChoices)
                   else name) for name, field in Settings.model_fields.items()}


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment (plus `overrides`), or `SettingsError` naming each bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            loc = [str(part) for part in problem.get("loc", ()) if str(part)]
            name = _ALIASES.get(loc[0], loc[0]) if loc else "settings"
            value = problem.get("input")
            shown = "" if loc == [] or isinstance(value, dict) else f" (got {value!r})"
            if name in _SECRETS:
                shown = ""
            message = problem.get("msg", "invalid").removeprefix("Value error, ")
            lines.append(f"{name}: {message}{shown}")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None
