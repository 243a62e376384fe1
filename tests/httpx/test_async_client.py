"""AsyncClient: the Client's behaviour over httpx and asyncio, proven over real sockets.

The same call list goes through ``Client`` and ``AsyncClient`` against the local gateway (which
verifies signatures with botocore) and must give the same statuses and refusal causes; the
engine's decisions (retry, skew, refresh, redirects) are checked against the verifying server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest
from session_helpers import ACCESS_KEY, FAST, SECRET_KEY, RotatingProvider, shifted_clock
from verifying_server import Reply, VerifyingServer

from apiclient import AccessDenied, AsyncClient, Client, Credentials, Retry
from apiclient.errors import RedirectError
from apiclient.gateway import Gateway

T = TypeVar("T")

CALLS = [
    ("reader", "GET", "/products"),
    ("reader", "POST", "/products"),
    ("reader", "GET", "/products/42"),
    ("admin", "POST", "/products"),
    ("admin", "DELETE", "/products/7"),
    ("team-a-tester", "GET", "/products"),
    ("team-a-intern", "GET", "/products"),
    ("reader", "GET", "/nowhere"),
]


def run(coroutine: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(coroutine())  # type: ignore[arg-type]


def outcome_sync(gw: Gateway, who: str, method: str, path: str) -> tuple[int, str | None]:
    with Client(gw.api_url(), credentials=gw.credentials_for(who), region="us-west-2") as api:
        try:
            return api.request(method, path, json={"name": "pen"}).status_code, None
        except AccessDenied as denied:
            return denied.status_code or 0, denied.diagnosis.cause


async def outcome_async(gw: Gateway, who: str, method: str, path: str) -> tuple[int, str | None]:
    async with AsyncClient(gw.api_url(), credentials=gw.credentials_for(who), region="us-west-2") as api:
        try:
            return (await api.request(method, path, json={"name": "pen"})).status_code, None
        except AccessDenied as denied:
            return denied.status_code or 0, denied.diagnosis.cause


def test_the_same_calls_give_the_same_answers_sync_and_async(gw: Gateway) -> None:
    expected = [outcome_sync(gw, *call) for call in CALLS]

    async def everything() -> list[tuple[int, str | None]]:
        return list(await asyncio.gather(*(outcome_async(gw, *call) for call in CALLS)))

    assert run(everything) == expected
    # The list is not trivial: it holds successes and refusals of more than one cause.
    assert {status for status, _ in expected} >= {200, 403}
    assert len({cause for _, cause in expected if cause}) >= 2


def test_a_refusal_raises_with_the_httpx_response_and_the_diagnosis(gw: Gateway) -> None:
    async def refused() -> AccessDenied:
        async with AsyncClient(
            gw.api_url(), credentials=gw.credentials_for("reader"), region="us-west-2"
        ) as api:
            with pytest.raises(AccessDenied) as raised:
                await api.post("/products", json={"name": "pen"})
            return raised.value

    denied = run(refused)
    assert isinstance(denied.response, httpx.Response)
    assert denied.response.status_code == 403
    assert denied.diagnosis.cause == "no_allow"
    assert isinstance(denied.request, httpx.Request)


def test_a_boto3_session_is_accepted_and_its_region_used(gw: Gateway) -> None:
    boto3 = pytest.importorskip("boto3")
    keys = gw.credentials_for("reader")
    session = boto3.Session(
        aws_access_key_id=keys.access_key,
        aws_secret_access_key=keys.secret_key,
        aws_session_token=keys.token,
        region_name="us-west-2",
    )

    async def call() -> int:
        async with AsyncClient(gw.api_url(), credentials=session) as api:
            return (await api.get("/products")).status_code

    assert run(call) == 200
    assert Client(gw.api_url(), credentials=session).get("/products").status_code == 200


def client_for(server: VerifyingServer, credentials: Any, **options: Any) -> AsyncClient:
    options.setdefault("retry", FAST)
    return AsyncClient(server.url, credentials=credentials, region="us-east-1", **options)


def test_each_retry_is_signed_afresh(server: VerifyingServer, credentials: Credentials) -> None:
    server.fail_next(Reply(503), Reply(429, {"Retry-After": "0"}))

    async def call() -> int:
        async with client_for(server, credentials) as api:
            return (await api.get("/pets")).status_code

    assert run(call) == 200
    assert [seen.verdict for seen in server.seen] == ["ok", "ok", "ok"]


def test_a_post_is_not_retried(server: VerifyingServer, credentials: Credentials) -> None:
    server.fail_next(Reply(503))

    async def call() -> int:
        async with client_for(server, credentials) as api:
            return (await api.post("/pets", content=b"{}")).status_code

    assert run(call) == 503
    assert len(server.seen) == 1


def test_connection_refused_is_retried_then_raised(credentials: Credentials) -> None:
    async def call() -> None:
        api = AsyncClient(
            "http://127.0.0.1:9/prod",
            credentials=credentials,
            region="us-east-1",
            retry=FAST.with_(attempts=2),
        )
        async with api:
            await api.get("/pets")

    with pytest.raises(httpx.ConnectError):
        run(call)


@pytest.mark.parametrize("skew", [dt.timedelta(minutes=-20), dt.timedelta(minutes=20)])
def test_clock_skew_is_corrected(
    server: VerifyingServer, credentials: Credentials, skew: dt.timedelta
) -> None:
    async def call() -> float:
        async with client_for(server, credentials, clock=shifted_clock(skew)) as api:
            assert (await api.post("/pets", content=b"{}")).status_code == 200
            return api.clock_offset

    assert run(call) == pytest.approx(-skew.total_seconds(), abs=3)
    assert [seen.verdict for seen in server.seen] == ["skew", "ok"]


def test_a_refused_token_triggers_exactly_one_refresh(server: VerifyingServer) -> None:
    server.refused_tokens = {"OLD-EXAMPLE-TOKEN"}
    provider = RotatingProvider(ACCESS_KEY, SECRET_KEY, ["OLD-EXAMPLE-TOKEN", "NEW-EXAMPLE-TOKEN"])

    async def call() -> int:
        async with client_for(server, provider) as api:
            return (await api.get("/pets")).status_code

    assert run(call) == 200
    assert provider.refreshes == 1
    assert [seen.header("X-Amz-Security-Token") for seen in server.seen] == [
        "OLD-EXAMPLE-TOKEN",
        "NEW-EXAMPLE-TOKEN",
    ]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_same_origin_hop_is_resigned(
    server: VerifyingServer, credentials: Credentials, status: int
) -> None:
    server.redirects["/old"] = (status, "/new?page=2")

    async def call() -> int:
        async with client_for(server, credentials) as api:
            return (await api.get("/old")).status_code

    assert run(call) == 200
    assert [seen.verdict for seen in server.seen] == ["ok", "ok"]


def test_a_cross_origin_hop_carries_no_credential(
    server: VerifyingServer, foreign: VerifyingServer, credentials: Credentials
) -> None:
    server.redirects["/away"] = (302, foreign.url + "/landing")
    temporary = Credentials(ACCESS_KEY, SECRET_KEY, "EXAMPLE-SESSION-TOKEN")

    async def call() -> int:
        async with client_for(server, temporary, api_key="EXAMPLEAPIKEY") as api:
            return (await api.get("/away")).status_code

    assert run(call) == 200
    (landed,) = foreign.seen
    sent = {name.lower() for name in landed.headers}
    assert not sent & {"authorization", "x-api-key", "x-amz-security-token", "x-amz-date"}

    async def refuse() -> None:
        async with client_for(server, temporary, cross_origin_redirects="refuse") as api:
            await api.get("/away")

    with pytest.raises(RedirectError, match="another origin"):
        run(refuse)


def test_connect_to_keeps_the_real_host_in_the_signature(gw: Gateway) -> None:
    real = "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod"
    address = gw.api_url().split("://", 1)[1].split("/", 1)[0]

    async def call() -> int:
        api = AsyncClient(
            real.replace("https://", "http://"),
            credentials=gw.credentials_for("reader"),
            connect_to=address,
            allow_http=True,
        )
        async with api:
            return (await api.get("/products")).status_code

    assert run(call) == 200


def test_retry_from_the_environment_is_honoured(
    server: VerifyingServer, credentials: Credentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    server.fail_next(Reply(503))

    async def call() -> int:
        api = AsyncClient(server.url, credentials=credentials, region="us-east-1")
        assert api.retry == Retry(attempts=1)
        async with api:
            return (await api.get("/pets")).status_code

    assert run(call) == 503


def test_the_user_agent_and_ca_bundle_settings_apply(
    server: VerifyingServer, credentials: Credentials, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    async def call() -> None:
        async with client_for(server, credentials) as api:
            await api.get("/pets")

    run(call)
    agent = server.seen[-1].header("User-Agent") or ""
    assert agent.startswith("python-httpx/") and agent.endswith(" apiclient/0.1.0")
    monkeypatch.setenv("AWS_CA_BUNDLE", str(tmp_path / "corporate-ca.pem"))
    with pytest.raises(OSError):  # the bundle is read when the client is made: proof it is used
        client_for(server, credentials)
