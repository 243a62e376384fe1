"""Settings botocore would reject with its own traceback get one line naming the setting instead."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result

from apiclient.credentials import assume_role, static
from apiclient.errors import ConfigError, CredentialsError
from apiclient.gateway import load_config

KEYS = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "EXAMPLEKEY"}


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [("--region", "bad!", "region"), ("--sts-endpoint-url", "notaurl", "STS endpoint")],
)
def test_whoami_names_the_bad_setting(
    run_cli: Callable[..., Result], option: str, value: str, named: str
) -> None:
    done = run_cli("whoami", option, value, env=KEYS)
    assert done.exit_code != 0
    assert named in done.stderr and "Traceback" not in done.output + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_assume_role_refuses_an_sts_endpoint_that_is_not_a_url() -> None:
    provider = assume_role(
        "arn:aws:iam::222222222222:role/reader",
        source=static("AKIDEXAMPLE", "EXAMPLEKEY"),
        sts_endpoint_url="http://[::1/x",
        region="us-east-1",
    )
    with pytest.raises(CredentialsError, match="STS endpoint"):
        provider.get()


def test_load_config_names_what_it_was_given() -> None:
    with pytest.raises(ConfigError, match="not list"):
        load_config([])  # type: ignore[arg-type]
