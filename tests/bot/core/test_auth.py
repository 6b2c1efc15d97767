"""With an app id configured, only requests signed by the Bot Framework's key get through.

Real RS256 tokens signed with a freshly generated RSA key; the SDK's own validation code fetches the
OpenID metadata and JWKS from a local HTTP server (the `ChannelValidation.open_id_metadata_endpoint`
seam the SDK provides), so nothing here is mocked to pass.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import jwt
import pytest
from aiohttp.test_utils import TestClient, TestServer
from botcore_helpers import FakeParts, MockConnector, activity
from botframework.connector.auth import (
    ChannelValidation,
    MicrosoftAppCredentials,
    PasswordServiceClientCredentialFactory,
)
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.app import create_app
from bot.config import Settings
from bot.services import build_services

APP_ID = "6f1c2a8e-0d3b-4c5e-9a7f-1b2c3d4e5f60"
KID = "test-key-1"
ISSUER = "https://api.botframework.com"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


SIGNING_KEY = _key()
OTHER_KEY = _key()


class _KeyServer(BaseHTTPRequestHandler):
    jwks: ClassVar[dict[str, Any]] = {}

    def do_GET(self) -> None:
        host = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/.well-known/openidconfiguration":
            body = {"issuer": ISSUER, "jwks_uri": f"{host}/keys"}
        elif self.path == "/keys":
            body = self.jwks
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def key_server(monkeypatch) -> Iterator[str]:
    jwk = json.loads(RSAAlgorithm.to_jwk(SIGNING_KEY.public_key()))
    _KeyServer.jwks = {"keys": [{**jwk, "kid": KID, "use": "sig", "endorsements": ["msteams"]}]}
    # The SDK fetches keys with blocking `requests` on the event loop: serve them from a thread.
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeyServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/openidconfiguration"
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", url)
    yield url
    server.shutdown()


class StaticTokenCredentials(MicrosoftAppCredentials):
    def get_access_token(self, force_refresh: bool = False) -> str:
        return "outbound-token"


class OfflineCredentialFactory(PasswordServiceClientCredentialFactory):
    """The real password factory (app id check included), with outbound tokens not from AAD."""

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str,
                                 validate_authority: bool) -> Any:
        return StaticTokenCredentials(app_id, self.password, oauth_scope=oauth_scope)


def token(service_url: str, *, key: rsa.RSAPrivateKey = SIGNING_KEY, kid: str = KID, aud: str = APP_ID,
          iss: str = ISSUER, expires_in: float = 3600, **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": iss, "aud": aud, "serviceurl": service_url, "nbf": now - 60, "iat": now - 60,
               "exp": now + int(expires_in), **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
async def secured(tmp_path, key_server, clock) -> Any:
    settings = Settings(data_dir=tmp_path / "data", app_id=APP_ID, app_password="secret")
    services = build_services(settings, clock=clock,
                              credentials_factory=OfflineCredentialFactory(APP_ID, "secret"))
    fake = FakeParts()
    async with TestClient(TestServer(create_app(services, fake.parts(), scheduler=False))) as client:
        yield client, fake


async def _post(client: TestClient, body: dict, auth: str | None) -> int:
    headers = {"Authorization": auth} if auth is not None else {}
    return (await client.post("/api/messages", json=body, headers=headers)).status


async def test_a_correctly_signed_request_is_answered(secured, connector: MockConnector) -> None:
    client, fake = secured
    body = activity(connector.url, "what is my score?")
    assert await _post(client, body, f"Bearer {token(body['serviceUrl'])}") == 201
    assert fake.names() == ["on_activity", "run_intake_turn", "answer"]
    assert connector.calls[0].headers["Authorization"] == "Bearer outbound-token"


async def test_unauthenticated_and_badly_signed_requests_get_401(secured, connector: MockConnector) -> None:
    client, fake = secured
    body = activity(connector.url, "what is my score?")
    url = body["serviceUrl"]
    none_alg = jwt.encode({"iss": ISSUER, "aud": APP_ID, "serviceurl": url, "exp": int(time.time()) + 600},
                          None, algorithm="none")
    refused = {
        "no header": None,
        "empty": "",
        "not a jwt": "Bearer not-a-token",
        "basic scheme": "Basic dXNlcjpwYXNz",
        "signed by another key": f"Bearer {token(url, key=OTHER_KEY)}",
        "unknown key id": f"Bearer {token(url, kid='nope')}",
        "expired": f"Bearer {token(url, expires_in=-3600)}",
        "other bot's audience": f"Bearer {token(url, aud='someone-else')}",
        "wrong issuer": f"Bearer {token(url, iss='https://evil.example')}",
        "serviceUrl mismatch": f"Bearer {token('https://evil.example/')}",
        "alg none": f"Bearer {none_alg}",
        "tampered payload": "Bearer " + _tamper(token(url)),
    }
    for case, header in refused.items():
        assert await _post(client, body, header) == 401, case
    assert fake.calls == [] and connector.calls == []


def _tamper(signed: str) -> str:
    import base64

    head, payload, signature = signed.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["role"] = "admin"  # a claim nothing else checks: only the signature can catch it
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{head}.{forged}.{signature}"


async def test_the_token_is_checked_before_the_body_is_read(secured, connector: MockConnector) -> None:
    client, fake = secured
    url = connector.url
    not_json = {"data": b"{not json", "headers": {"Content-Type": "application/json"}}
    for header in (None, "Bearer not-a-token", f"Bearer {token(url, aud='someone-else')}",
                   f"Bearer {token(url, expires_in=-3600)}"):
        headers = {**not_json["headers"], **({"Authorization": header} if header else {})}
        response = await client.post("/api/messages", data=not_json["data"], headers=headers)
        assert response.status == 401, header
        assert await response.json() == {"error": "unauthorized"}
    # With a token for this bot, the body is read and judged.
    headers = {**not_json["headers"], "Authorization": f"Bearer {token(url)}"}
    response = await client.post("/api/messages", data=not_json["data"], headers=headers)
    assert response.status == 400
    assert fake.calls == [] and connector.calls == []
