"""Static checks of the blob storage deployment in deploy/azure/main.bicep (no Azure CLI here)."""

from __future__ import annotations

import json
import re
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TEXT = (DEPLOY / "azure" / "main.bicep").read_text(encoding="utf-8")
BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"  # Azure's built-in role id


def _resource(kind: str) -> str:
    """The body of the resource of that type (up to the next top-level declaration)."""
    pattern = rf"^resource \w+ '{re.escape(kind)}@[\d-]+' = (.*?)^\}}"
    match = re.search(pattern, TEXT, re.MULTILINE | re.DOTALL)
    assert match, f"no {kind} resource"
    return match[1]


def test_blob_is_the_default_backend_on_two_instances() -> None:
    assert "param storageBackend string = 'blob'" in TEXT
    assert "param instanceCount int = 2" in TEXT
    assert "capacity: useBlob ? instanceCount : 1" in _resource("Microsoft.Web/serverfarms")
    given = json.loads((DEPLOY / "azure" / "main.parameters.json").read_text())["parameters"]
    assert (given["storageBackend"]["value"], given["instanceCount"]["value"]) == ("blob", 2)


def test_the_container_and_the_role_of_the_web_apps_identity_are_created_for_blob_only() -> None:
    container = _resource("Microsoft.Storage/storageAccounts/blobServices/containers")
    assert container.startswith("if (useBlob)") and "name: containerName" in container
    assert "var containerName = 'partner-score'" in TEXT
    role = _resource("Microsoft.Authorization/roleAssignments")
    assert role.startswith("if (useBlob)")
    assert f"var blobDataContributor = '{BLOB_DATA_CONTRIBUTOR}'" in TEXT and "blobDataContributor)" in role
    assert "principalId: site.identity.principalId" in role and "scope: storage" in role
    assert "type: 'SystemAssigned" in _resource("Microsoft.Web/sites")


def test_the_app_runs_with_the_blob_settings_and_the_file_share_only_with_tinydb() -> None:
    blob_settings = TEXT[TEXT.index("var storageSettings = useBlob ? ["):TEXT.index("] : [", TEXT.index(
        "var storageSettings"))]
    assert "{ name: 'STORAGE', value: 'blob' }" in blob_settings
    url = "{ name: 'AZURE_STORAGE_ACCOUNT_URL', value: storage.properties.primaryEndpoints.blob }"
    assert url in blob_settings
    assert "{ name: 'AZURE_STORAGE_CONTAINER', value: containerName }" in blob_settings
    assert "DATA_DIR" not in blob_settings and "AZURE_STORAGE_CONNECTION_STRING" not in TEXT  # no keys
    assert _resource("Microsoft.Storage/storageAccounts/fileServices/shares").startswith("if (!useBlob)")
    assert "var dataMount = useBlob ? {} : {" in TEXT and "azureStorageAccounts: dataMount" in TEXT
    assert "allowSharedKeyAccess: !useBlob" in TEXT
