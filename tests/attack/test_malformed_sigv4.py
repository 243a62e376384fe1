"""Attack: malformed and hostile SigV4 on raw sockets, to execute-api, STS and IMDS.

Every answer is a 4xx in the service's own shape (execute-api's JSON with ``x-amzn-ErrorType``, STS's
ErrorResponse XML): no 500, no HTML, no traceback in the log. Bounded: about 70 requests on loopback.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable

import pytest
from attack_support import READER, REGION
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from raw_http import Reply, exchange

from apiclient.gateway import Gateway

Headers = list[tuple[str, str]]
Mutation = Callable[[str, Headers], tuple[str, Headers]]
EXECUTE_API_TYPES = {
    "IncompleteSignatureException",
    "InvalidSignatureException",
    "AccessDeniedException",
    "MissingAuthenticationTokenException",
    "ExpiredTokenException",
}


def _signed(gw: Gateway, method: str, target: str, service: str, body: bytes = b"") -> Headers:
    request = AWSRequest(method=method, url=f"http://127.0.0.1:{gw.port}{target}", data=body)
    if body:
        request.headers["Content-Type"] = "application/x-www-form-urlencoded"
    SigV4Auth(Credentials(*READER), service, REGION).add_auth(request)
    return [("Host", f"127.0.0.1:{gw.port}"), *((k, str(v)) for k, v in request.headers.items())]


def _replace(name: str, value: str) -> Mutation:
    def mutate(target: str, headers: Headers) -> tuple[str, Headers]:
        return target, [(k, value if k.lower() == name else v) for k, v in headers]

    return mutate


def _auth(old: str, new: str) -> Mutation:
    def mutate(target: str, headers: Headers) -> tuple[str, Headers]:
        return target, [(k, v.replace(old, new, 1) if k == "Authorization" else v) for k, v in headers]

    return mutate


def _sig(value: str) -> Mutation:
    def mutate(target: str, headers: Headers) -> tuple[str, Headers]:
        out = []
        for k, v in headers:
            out.append((k, v[: v.index("Signature=")] + "Signature=" + value if k == "Authorization" else v))
        return target, out

    return mutate


def _names(change: Callable[[list[str]], list[str]]) -> Mutation:
    """Edit the SignedHeaders list, whatever botocore put in it."""

    def mutate(target: str, headers: Headers) -> tuple[str, Headers]:
        out = []
        for k, v in headers:
            if k != "Authorization":
                out.append((k, v))
                continue
            head, _, rest = v.partition("SignedHeaders=")
            names, _, tail = rest.partition(",")
            out.append((k, f"{head}SignedHeaders={';'.join(change(names.split(';')))},{tail}"))
        return target, out

    return mutate


def _add(name: str, value: str) -> Mutation:
    return lambda target, headers: (target, [*headers, (name, value)])


def _drop(name: str) -> Mutation:
    return lambda target, headers: (target, [(k, v) for k, v in headers if k.lower() != name])


def _query(query: str) -> Mutation:
    return lambda target, headers: (target + "?" + query, headers)


TODAY = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d")
MUTATIONS: dict[str, Mutation] = {
    "sig-non-ascii": _sig("é" * 64),
    "sig-empty": _sig(""),
    "sig-huge": _sig("a" * 20_000),
    "sig-upper": _sig("A" * 64),
    "cred-4-parts": _auth(f"/{TODAY}/", "/"),
    "cred-6-parts": _auth("/aws4_request", "/aws4_request/x"),
    "cred-non-ascii-key": _auth("Credential=", "Credential=ÄKIA"),
    "cred-unknown-key": _auth("Credential=", "Credential=X"),
    "cred-other-date": _auth(f"/{TODAY}/", "/20000101/"),
    "cred-terminator": _auth("/aws4_request", "/aws4_requesT"),
    "cred-empty-region": _auth(f"/{REGION}/", "//"),
    "signed-empty": _names(lambda names: []),
    "signed-no-host": _names(lambda names: [n for n in names if n != "host"]),
    "signed-absent": _names(lambda names: [*names, "x-absent"]),
    "signed-many": _names(lambda names: names + ["x"] * 2000),
    "signed-semicolons": _names(lambda names: [*names, "", "", ""]),
    "date-superscript": _replace("x-amz-date", "²"),
    "date-empty": _replace("x-amz-date", ""),
    "date-nines": _replace("x-amz-date", "99999999T999999Z"),
    "date-far-future": _replace("x-amz-date", "29990101T000000Z"),
    "date-non-ascii": _replace("x-amz-date", "２０２６0101T000000Z"),
    "date-missing": _drop("x-amz-date"),
    "token-wrong": _add("X-Amz-Security-Token", "EXAMPLEnotatoken"),
    "token-non-ascii": _add("X-Amz-Security-Token", "jeton-é"),
    "auth-algorithm-only": _replace("authorization", "AWS4-HMAC-SHA256"),
    "auth-bearer": _replace("authorization", "Bearer EXAMPLEtoken"),
    "auth-non-ascii": _replace(
        "authorization", "AWS4-HMAC-SHA256 Crédential=é, SignedHeaders=é, Signature=é"
    ),
    "auth-huge": _replace("authorization", "AWS4-HMAC-SHA256 " + "a=b, " * 6000),
    "auth-no-equals": _replace("authorization", "AWS4-HMAC-SHA256 Credential, SignedHeaders, Signature"),
    "host-port-99999": _replace("host", "127.0.0.1:99999"),
    "host-empty": _replace("host", ""),
    "host-execute-api": _replace("host", "a1b2c3d4e5.execute-api.us-west-2.amazonaws.com"),
    "query-ff": _query("x=%FF"),
    "query-bad-escape": _query("a=%zz&%"),
    "query-empty-pairs": _query("&&&=&"),
    "query-raw-high-bytes": _query("a=\xff\xfe"),
    "payload-hash-garbage": _add("x-amz-content-sha256", "not-a-hash"),
}


def _raw(method: str, target: str, headers: Headers, body: bytes) -> bytes:
    head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    if body:
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode("utf-8") + b"\r\n" + body


def _no_errors_logged(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.name.startswith("apiclient") and r.levelno >= logging.ERROR]


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_execute_api_refuses_in_its_own_shape(
    gw: Gateway, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    target, headers = MUTATIONS[name]("/prod/products", _signed(gw, "GET", "/prod/products", "execute-api"))
    with caplog.at_level(logging.ERROR):
        reply = exchange(gw.port, _raw("GET", target, headers, b""), check_closed=False)
    if name in ("query-ff", "query-empty-pairs", "query-bad-escape", "query-raw-high-bytes"):
        # The query is outside the signature botocore made: signed as sent, these would pass.
        assert reply.status == 403
    _shaped(reply)
    _no_errors_logged(caplog)


def _shaped(reply: Reply) -> None:
    assert 400 <= reply.status < 500, reply.raw[:300]
    if reply.header("x-amzn-errortype") is not None:
        assert reply.header("x-amzn-errortype") in EXECUTE_API_TYPES
        assert set(json.loads(reply.body)) <= {"message", "Message"}
    else:
        _refused_by_framing(reply)


def _refused_by_framing(reply: Reply) -> None:
    assert reply.header("content-type") == "application/json"
    assert set(json.loads(reply.body)) == {"message"}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_sts_refuses_in_its_own_shape(gw: Gateway, name: str, caplog: pytest.LogCaptureFixture) -> None:
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    target, headers = MUTATIONS[name]("/sts", _signed(gw, "POST", "/sts", "sts", body))
    with caplog.at_level(logging.ERROR):
        reply = exchange(gw.port, _raw("POST", target, headers, body), check_closed=False)
    assert 400 <= reply.status < 500, reply.raw[:300]
    if reply.header("content-type") == "text/xml":
        assert reply.body.startswith(b"<ErrorResponse ")
    else:
        _refused_by_framing(reply)
    _no_errors_logged(caplog)


@pytest.mark.parametrize(
    "form",
    [
        b"Action=AssumeRoleWithWebIdentity&RoleArn=x&RoleSessionName=s1&WebIdentityToken=t&DurationSeconds=%C2%B2",
        b"Action=AssumeRoleWithWebIdentity&RoleArn=x&RoleSessionName=s%0A&WebIdentityToken=t",
        b"Action=AssumeRoleWithWebIdentity&RoleArn=x&RoleSessionName=%FF%FE&WebIdentityToken=t",
        b"Action=%FF&Version=2011-06-15",
        b"\xff\xfe\x00",
    ],
    ids=["duration-superscript", "name-newline", "name-bytes", "action-bytes", "binary"],
)
def test_unsigned_sts_forms_are_refused(gw: Gateway, form: bytes, caplog: pytest.LogCaptureFixture) -> None:
    head = [("Host", "127.0.0.1"), ("Content-Type", "application/x-www-form-urlencoded")]
    with caplog.at_level(logging.ERROR):
        reply = exchange(gw.port, _raw("POST", "/sts", head, form), check_closed=False)
    assert 400 <= reply.status < 500, reply.raw[:300]
    assert reply.body.startswith(b"<ErrorResponse ")
    _no_errors_logged(caplog)
