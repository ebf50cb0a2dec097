"""Property-based API testing: schemathesis generates requests from /openapi.json; none may get a 5xx.

Runs against a real server process (as clients see it), with the bootstrap admin key, so every operation is
reached past authentication. Examples are bounded (25 per operation) to keep the run under a minute. The operations
are driven with hypothesis directly: schemathesis's pytest plugin does not work with pytest 9 yet.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

MAX_EXAMPLES = 25


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
