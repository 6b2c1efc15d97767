"""The Teams app declares file support, without which Teams never sends the bot a file."""

from __future__ import annotations

from deploy.teams_package import MANIFEST_SCHEMA, PackageSettings, document_errors, render_manifest


def test_the_bot_declares_supports_files_in_a_valid_manifest() -> None:
    manifest = render_manifest(
        PackageSettings(
            bot_id="0b9e6a3c-7d41-4f2a-9c55-3e8d1f6a2b70", bot_domain="psa.example.net", production=False
        )
    )
    assert manifest["bots"][0]["supportsFiles"] is True
    assert document_errors(manifest, MANIFEST_SCHEMA) == []
