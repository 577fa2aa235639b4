"""schemathesis fuzzes every documented endpoint of the live server on loopback (issue 11):
generated and mutated queries, paths and bodies, anonymous and with a read key. No answer may
be a 5xx, and every answer must match the OpenAPI document (status documented, body schema,
content type).

Bounded to a few examples per operation so the run stays within about a minute and a half;
nothing is written (writes need the analyst or admin key, which the fuzzer never gets)."""

from __future__ import annotations

import dataclasses
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_api_support import shared_state

from olivebranch.api import auth
from olivebranch.api.server import serve_in_thread
from olivebranch.app import create_app

EXAMPLES = 5
#: seconds per operation of the last run (slowest first when printed)
timings: dict[str, float] = {}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def live(bundled_store, tmp_path_factory):
    ob = shared_state(bundled_store, tmp_path_factory.mktemp("api"))
    key = auth.create_key(ob.store, "schemathesis", "read")[0]
    # no rate limit here: the fuzzer is meant to hammer the expensive endpoints
    app = create_app(dataclasses.replace(ob.settings, expensive_per_minute=0), state=ob)
    with serve_in_thread(app) as server:
        yield server, key


def fuzz(base_url: str, key: str, examples: int = EXAMPLES) -> tuple[int, list[str]]:
    """Run every operation of the server's document; returns (operations, failures)."""
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    failures: list[str] = []
    operations = 0
    timings.clear()
    for result in schema.get_all_operations():
        op = result.ok()
        operations += 1

        @given(case=op.as_strategy())
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit,
                  Phase.generate])
        def run(case) -> None:
            headers = {"X-API-Key": key} if len(case.path) % 2 else None
            case.call_and_validate(headers=headers, checks=CHECKS, timeout=120)

        t0 = time.perf_counter()
        try:
            run()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - schemathesis raises exception groups
            failures.append(f"{op.method.upper()} {op.path}: {str(exc)[:1500]}")
        timings[f"{op.method.upper()} {op.path}"] = time.perf_counter() - t0
    return operations, failures


def test_every_documented_endpoint(live) -> None:
    server, key = live
    operations, failures = fuzz(server.url, key)
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
