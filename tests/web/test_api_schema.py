"""schemathesis against the API description on the real application and store: no server error, and
no response that breaks the description (status code, content type, body schema)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from docket.web.openapi import openapi

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SETTINGS = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": True}


class AppProxy:
    """The ASGI app under test: each test points it at an application over its own copy of the store."""

    target = None

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        assert self.target is not None
        await self.target(scope, receive, send)


PROXY = AppProxy()
schema = schemathesis.openapi.from_dict(openapi())
schema.app = PROXY


@pytest.fixture(autouse=True)
def _serve(app):
    PROXY.target = app
    yield
    PROXY.target = None


@pytest.fixture
def analyst_token(token_for) -> str:
    return token_for("analyst")


def test_the_served_description_is_the_one_tested(client):
    served = client.get("/api/openapi.json")
    assert served.status_code == 200 and served.json() == openapi()
    assert served.json()["openapi"].startswith("3.")


@schema.parametrize()
@settings(max_examples=30, **SETTINGS)
def test_api_conforms_to_its_description(case, analyst_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {analyst_token}"}, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=3, **SETTINGS)
def test_api_without_a_token_is_refused_as_described(case):
    response = case.call_and_validate(checks=CHECKS)
    if case.method.upper() == case.operation.method.upper():  # (schemathesis also tries other methods: 405)
        assert response.status_code == 401
