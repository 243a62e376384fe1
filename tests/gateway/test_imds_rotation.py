"""Short-lived instance credentials through botocore's real IMDS provider: refresh is exercised.

botocore extends IMDS credentials that expire within about 12-20 minutes ("static stability", its
``InstanceMetadataFetcher``), so with a gateway ``credential_lifetime`` of seconds it keeps signing
with credentials the gateway already considers expired. The gateway refuses them as API Gateway
does (``ExpiredTokenException``), and the Client's one forced refresh fetches the rotated ones:
the refresh path a long-running EC2 service depends on is exercised in seconds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from apiclient import Client
from apiclient.credentials import from_instance_metadata
from apiclient.gateway import Gateway, running, sample_config


@pytest.fixture
def short_lived() -> Iterator[Gateway]:
    with running(sample_config(), credential_lifetime=2) as gateway:
        yield gateway


def test_an_ec2_service_keeps_working_across_expiries(
    short_lived: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", short_lived.imds_url)
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
    provider = from_instance_metadata()
    api = Client(short_lived.api_url(), credentials=provider, region="us-west-2")
    keys = set()
    for _ in range(3):
        assert api.get("/products").status_code == 200
        keys.add(provider.get().access_key)
        time.sleep(2.5)  # past the 2-second lifetime the gateway enforces
    assert len(keys) >= 2  # new credentials were fetched from IMDS, not only the first ones
