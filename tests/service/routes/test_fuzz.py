"""Property-based API testing: schemathesis generates requests from /openapi.json; none may get a 5xx.

Runs against a real server process (as clients see it), with the bootstrap admin key, so every operation is
reached past authentication. Examples are bounded (25 per operation) to keep the run under a minute. The operations
are driven with hypothesis directly: schemathesis's pytest plugin does not work with pytest 9 yet.

Besides each operation alone, sequences follow the schema's OpenAPI links (``service.openapi_links``): a new job's id
to its status, results and cancellation, a new key to its revocation, and so on.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from service.openapi_links import LINKS, Link, add_links

MAX_EXAMPLES = 25
STATEFUL_MAX_EXAMPLES = 15
STATEFUL_STEPS = 6


@pytest.fixture
def fuzzed_server(settings, make_server):
    # a generous rate limit: the fuzzer sends hundreds of requests with one key
    server = make_server(settings, PARROTWATCH_RATE_LIMIT_PER_MINUTE="100000", PARROTWATCH_LOG_LEVEL="WARNING")
    server.start()
    return server


@pytest.mark.slow
def test_generated_requests_never_get_a_server_error(fuzzed_server, admin_headers) -> None:
    schema = schemathesis.openapi.from_url(f"{fuzzed_server.base}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(
                base_url=fuzzed_server.base, headers=admin_headers, checks=[not_a_server_error], timeout=30
            )

        run()


def test_served_schema_links_operations_by_their_operation_ids(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    operations = {
        op["operationId"]: (method, path) for path, item in schema["paths"].items() for method, op in item.items()
    }
    job_links = schema["paths"]["/v1/jobs"]["post"]["responses"]["202"]["links"]
    assert operations[job_links["GetJob"]["operationId"]] == ("get", "/v1/jobs/{job_id}")
    assert job_links["GetJob"]["parameters"] == {"job_id": "$response.body#/id"}
    key_links = schema["paths"]["/v1/keys"]["post"]["responses"]["201"]["links"]
    assert operations[key_links["RevokeKey"]["operationId"]] == ("delete", "/v1/keys/{key_id}")

    served = {
        (method, path, status, name): link
        for path, item in schema["paths"].items()
        for method, op in item.items()
        for status, response in op["responses"].items()
        for name, link in response.get("links", {}).items()
    }
    declared = {(m, p, s, link.name) for (m, p, s), links in LINKS.items() for link in links}
    assert set(served) == declared
    for (_, _, _, name), link in served.items():
        method, path = operations[link["operationId"]]  # every link names an operation of the schema
        path_params = {p["name"] for p in schema["paths"][path][method].get("parameters", []) if p["in"] == "path"}
        assert set(link["parameters"]) <= path_params, name


@pytest.mark.parametrize(
    ("source", "link", "complaint"),
    [
        (
            ("get", "/v1/things/{id}", "200"),
            Link("L", "get", "/v1/things/{id}", {"id": "$response.body#/id"}, ""),
            "200",
        ),
        (
            ("get", "/v1/things", "200"),
            Link("L", "get", "/v1/gone/{id}", {"id": "$response.body#/id"}, ""),
            "no operation",
        ),
        (
            ("get", "/v1/things", "200"),
            Link("L", "get", "/v1/things/{id}", {"thing": "$response.body#/id"}, ""),
            "thing",
        ),
    ],
)
def test_a_link_that_does_not_fit_the_schema_is_refused(source, link, complaint) -> None:  # type: ignore[no-untyped-def]
    def schema() -> dict[str, Any]:
        path_param = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
        return {
            "paths": {
                "/v1/things": {"get": {"operationId": "list_things", "responses": {"200": {}}}},
                "/v1/things/{id}": {"get": {"operationId": "get_thing", "parameters": path_param, "responses": {}}},
            }
        }

    with pytest.raises(ValueError, match=complaint):
        add_links(schema(), {source: (link,)})
    fitting = Link("GetThing", "get", "/v1/things/{id}", {"id": "$response.body#/0/id"}, "")
    linked = add_links(schema(), {("get", "/v1/things", "200"): (fitting,)})
    assert linked["paths"]["/v1/things"]["get"]["responses"]["200"]["links"]["GetThing"]["operationId"] == "get_thing"


@pytest.mark.slow
def test_stateful_sequences_following_links_never_get_a_server_error(fuzzed_server, admin_headers) -> None:
    # only the schema's own links (schemathesis's inferred ones would change with its version), and valid data only:
    # negative cases mostly drop the Authorization header, so they create nothing for a link to follow
    config = SchemathesisConfig.from_dict(
        {"phases": {"stateful": {"inference": {"algorithms": []}, "generation": {"mode": "positive"}}}}
    )
    schema = schemathesis.openapi.from_url(f"{fuzzed_server.base}/openapi.json", config=config)
    base_url = fuzzed_server.base
    reached: set[tuple[str, str]] = set()  # operations on a path parameter that answered 2xx

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case) -> dict[str, Any]:  # type: ignore[no-untyped-def]
            return {"base_url": base_url, "headers": admin_headers, "timeout": 30}

        def after_call(self, response, case) -> None:  # type: ignore[no-untyped-def]
            if case.path_parameters and response.status_code < 300:
                reached.add((case.method, case.operation.path))

        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
            case.validate_response(response, checks=[not_a_server_error], transport_kwargs=kwargs)

    assert schema.statistic.transitions.total == sum(len(links) for links in LINKS.values())
    Sequences.run(
        settings=hypothesis_settings(
            max_examples=STATEFUL_MAX_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
    )

    # ids a response (or request) gave were followed: random ones would not find a job, key or talking point
    # (which ones depends on what hypothesis draws: a valid job, say, is a rare draw)
    assert reached, "no link was followed to an existing resource"

    # the fuzz server has no labels folder and no feedback: POST /v1/training-runs is a 422, no child is started
    runs = httpx.get(f"{base_url}/v1/training-runs", headers=admin_headers, timeout=30)
    assert runs.status_code == 200
    assert runs.json() == []
