"""``Retry``: the public retry settings, and the AWS settings that adjust them."""

from __future__ import annotations

import pytest

from apiclient import Retry
from apiclient.credentials._sts_client import sts_client
from apiclient.retry import RETRYABLE_STATUSES, retry_after_seconds


def test_defaults_retry_idempotent_methods_on_transient_statuses() -> None:
    retry = Retry()
    assert retry.attempts == 3
    assert retry.statuses == RETRYABLE_STATUSES == {429, 502, 503, 504}
    assert retry.allows("get") and retry.allows("DELETE")
    assert not retry.allows("POST") and not retry.allows("PATCH")


def test_no_setting_gives_the_defaults() -> None:
    assert Retry.from_environment({}) == Retry()


@pytest.mark.parametrize(
    ("env", "attempts", "retries_500"),
    [
        ({"AWS_MAX_ATTEMPTS": "7"}, 7, False),
        ({"AWS_RETRY_MODE": "legacy"}, 5, True),
        ({"AWS_RETRY_MODE": "standard"}, 3, True),
        ({"AWS_RETRY_MODE": "Adaptive", "AWS_MAX_ATTEMPTS": "2"}, 2, True),
        ({"AWS_MAX_ATTEMPTS": "1"}, 1, False),
    ],
)
def test_aws_settings_are_read_as_botocore_reads_them(
    env: dict[str, str], attempts: int, retries_500: bool
) -> None:
    retry = Retry.from_environment(env)
    assert retry.attempts == attempts
    assert (500 in retry.statuses) is retries_500


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"AWS_MAX_ATTEMPTS": "0"}, "AWS_MAX_ATTEMPTS"),
        ({"AWS_MAX_ATTEMPTS": "²"}, "AWS_MAX_ATTEMPTS"),
        ({"AWS_MAX_ATTEMPTS": "three"}, "AWS_MAX_ATTEMPTS"),
        ({"AWS_RETRY_MODE": "aggressive"}, "AWS_RETRY_MODE"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        Retry.from_environment(env)


def test_with_replaces_settings_from_any_iterable() -> None:
    retry = Retry().with_(attempts=5, statuses=[500, 503], methods=["post"])
    assert (retry.attempts, retry.statuses, retry.methods) == (5, {500, 503}, {"POST"})


def test_check_refuses_settings_that_cannot_work() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Retry(attempts=0).check()
    with pytest.raises(ValueError, match="backoff_cap"):
        Retry(backoff_cap=-1).check()


@pytest.mark.parametrize("value", ["²", "١٢", "-3", "soon", "Mon, 99 Foo 2025 99:99:99 GMT", "9" * 400])
def test_retry_after_never_raises(value: str) -> None:
    assert retry_after_seconds(value) is None or retry_after_seconds(value) >= 0


def test_sts_keeps_the_users_retry_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/apiclient-test-config")
    ours = sts_client(credentials=None, region="us-east-1", endpoint_url="http://127.0.0.1:9")
    # botocore counts max_attempts as retries and reports attempts in all as total_max_attempts.
    assert ours.meta.config.retries == {"mode": "standard", "total_max_attempts": 4}
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    theirs = sts_client(credentials=None, region="us-east-1", endpoint_url="http://127.0.0.1:9")
    assert theirs.meta.config.retries["total_max_attempts"] == 1
