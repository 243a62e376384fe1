"""examples/async_service.py: one AsyncClient per app, concurrent calls, a refusal's cause."""

from __future__ import annotations

import json

from examples_support import RunExample, api_env

from apiclient.gateway import Gateway


def test_concurrent_calls_are_signed_and_answered(
    gw: Gateway, example_env: dict[str, str], run_example: RunExample
) -> None:
    ids = [str(n) for n in range(12)]
    done = run_example(["async_service.py", *ids], env=api_env(gw, example_env, gw.credentials_for("admin")))
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    assert [answer["status"] for answer in answers] == [200] * len(ids)


def test_a_refusal_is_answered_with_its_cause(
    gw: Gateway, example_env: dict[str, str], run_example: RunExample
) -> None:
    # reader may GET /products only: every product page is refused, and the service says why.
    done = run_example(["async_service.py", "42"], env=api_env(gw, example_env, gw.credentials_for("reader")))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"status": 502, "error": "no_allow"}]
