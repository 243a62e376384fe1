"""examples/async_service.py: one AsyncClient per app, concurrent calls, a refusal's cause."""

from __future__ import annotations

import json

from examples_support import RunExample

from apiclient.gateway import Gateway


def _env(gw: Gateway, example_env: dict[str, str], who: str) -> dict[str, str]:
    keys = gw.credentials_for(who)
    env = {
        **example_env,
        "API_URL": gw.api_url(),
        "API_REGION": "us-west-2",
        "AWS_ACCESS_KEY_ID": keys.access_key,
        "AWS_SECRET_ACCESS_KEY": keys.secret_key,
    }
    if keys.token is not None:
        env["AWS_SESSION_TOKEN"] = keys.token
    return env


def test_concurrent_calls_are_signed_and_answered(
    gw: Gateway, example_env: dict[str, str], run_example: RunExample
) -> None:
    ids = [str(n) for n in range(12)]
    done = run_example(["async_service.py", *ids], env=_env(gw, example_env, "admin"))
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    assert [answer["status"] for answer in answers] == [200] * len(ids)


def test_a_refusal_is_answered_with_its_cause(
    gw: Gateway, example_env: dict[str, str], run_example: RunExample
) -> None:
    # reader may GET /products only: every product page is refused, and the service says why.
    done = run_example(["async_service.py", "42"], env=_env(gw, example_env, "reader"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"status": 502, "error": "no_allow"}]
