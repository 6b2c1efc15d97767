"""Request bodies no client should send reach the real service: 4xx, never 500."""

from __future__ import annotations

import json

from botcore_helpers import activity
from qa_helpers import post


async def test_json_nested_deeper_than_the_parser_recurses_gets_400_not_500(client, connector) -> None:
    template = json.dumps(activity(connector.url, None, value={"x": 1}))
    for depth in (1_000, 3_000, 10_000):
        for nested in ('{"a": ' * depth + "1" + "}" * depth, '{"intake": ' + "[" * depth + "]" * depth + "}"):
            body = template.replace('{"x": 1}', nested).encode()
            response = await client.post(
                "/api/messages", data=body, headers={"Content-Type": "application/json"}
            )
            assert response.status == 400, (depth, response.status)
            assert "Traceback" not in await response.text()
    assert connector.calls == []
    # The service still answers after the hostile bodies.
    assert (await post(client, activity(connector.url, "help"))).status == 201
