"""Shared data for the SigV4 tests: AWS's test suite (read in place) and the fixed parameters."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, cast
from urllib.parse import quote

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials

from apiclient.credentials.base import Credentials

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SUITE_TIME = dt.datetime(2015, 8, 30, 12, 36, tzinfo=dt.timezone.utc)
SUITE_REGION = "us-east-1"
SUITE_SERVICE = "service"

# Everything printable in ASCII except the space stays as written; the suite's raw spaces and
# UTF-8 become percent-escapes, as requests would send them on the wire.
_WIRE_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))


def suite_root() -> Path | None:
    """$APICLIENT_SIGV4_SUITE, else ``shared/sigv4-testsuite`` beside the repository; None when absent.

    AWS's suite (Apache-2.0) is read where it lies and never copied in; a clone without it skips the tests
    that need it.
    """
    configured = os.environ.get("APICLIENT_SIGV4_SUITE")
    root = (
        Path(configured)
        if configured
        else Path(__file__).resolve().parents[2].parent / "shared" / "sigv4-testsuite"
    )
    return root if root.is_dir() else None


@dataclass(frozen=True)
class VectorRequest:
    """One ``.req`` file as the arguments of ``sign_request``."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes


def parse_req(text: str) -> VectorRequest:
    """Parse a suite request; the request line is split by hand because get-space has a raw space."""
    head, _, body = text.partition("\n\n")
    request_line, *header_lines = head.split("\n")
    method, _, rest = request_line.partition(" ")
    target = rest.rpartition(" HTTP/")[0]
    headers: list[tuple[str, str]] = []
    for line in header_lines:
        if not line:  # a trailing newline after the last header, with no body
            continue
        if line[:1] in (" ", "\t") and headers:  # obs-fold continuation (get-header-value-multiline)
            name, value = headers.pop()
            headers.append((name, f"{value}\n{line}"))
        else:
            name, _, value = line.partition(":")
            headers.append((name, value))
    host = next(value for name, value in headers if name.lower() == "host").strip()
    return VectorRequest(method, f"https://{host}{quote(target, safe=_WIRE_SAFE)}", headers, body.encode())


@dataclass(frozen=True)
class Vector:
    name: str
    request: VectorRequest
    creq: str
    sts: str
    authz: str
    credentials: Credentials


def _token_for(case_dir: Path, creq: str, request: VectorRequest) -> str | None:
    # get-vanilla-with-session-token: the token is only in the .creq (suite README).
    if case_dir.name == "get-vanilla-with-session-token":
        line = next(x for x in creq.split("\n") if x.startswith("x-amz-security-token:"))
        return line.partition(":")[2]
    # post-sts-header-before signs the token already in .req; post-sts-header-after adds it
    # after signing, which is signing without a token.
    return next((v for n, v in request.headers if n.lower() == "x-amz-security-token"), None)


def load_vectors(root: Path) -> list[Vector]:
    vectors = []
    for req_file in sorted(root.rglob("*.req")):
        stem = req_file.with_suffix("")
        request = parse_req(req_file.read_text(encoding="utf-8"))
        creq = stem.with_suffix(".creq").read_text(encoding="utf-8")
        token = _token_for(req_file.parent, creq, request)
        vectors.append(
            Vector(
                name=str(req_file.parent.relative_to(root)),
                request=request,
                creq=creq,
                sts=stem.with_suffix(".sts").read_text(encoding="utf-8"),
                authz=stem.with_suffix(".authz").read_text(encoding="utf-8"),
                credentials=Credentials(ACCESS_KEY, SECRET_KEY, token),
            )
        )
    return vectors


_SUITE = suite_root()
_VECTORS = load_vectors(_SUITE) if _SUITE else []
_MISSING = (
    "AWS SigV4 test suite not found: set APICLIENT_SIGV4_SUITE to a copy of it (for example botocore's "
    "tests/unit/auth/aws4_testsuite) or place it at ../shared/sigv4-testsuite beside the repository"
)


def suite_missing() -> NoReturn:
    """Skip a test that needs the suite; in CI (``CI`` set), which always has the suite, fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{_MISSING} (CI is set: the vectors must run)", pytrace=False)
    pytest.skip(_MISSING)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize every test taking ``vector`` with each case of the suite (one placeholder without it)."""
    if "vector" in metafunc.fixturenames:
        if _VECTORS:
            metafunc.parametrize("vector", _VECTORS, ids=[v.name for v in _VECTORS], indirect=True)
        else:
            metafunc.parametrize("vector", [None], ids=["suite-missing"], indirect=True)


@pytest.fixture
def vector(request: pytest.FixtureRequest) -> Vector:
    """One case of the suite (see ``pytest_generate_tests``)."""
    if request.param is None:
        suite_missing()
    return cast(Vector, request.param)


@pytest.fixture(scope="session")
def vectors() -> list[Vector]:
    """Every case of the suite; skips where it is missing, fails in CI."""
    if not _VECTORS:
        suite_missing()
    return _VECTORS


@pytest.fixture(scope="session")
def suite_kwargs() -> dict[str, Any]:
    """The suite's fixed signing parameters (README, "Fixed parameters"), minus the credentials."""
    return {"region": SUITE_REGION, "service": SUITE_SERVICE, "timestamp": SUITE_TIME}


def _botocore_sign(
    method: str,
    url: str,
    headers: list[tuple[str, str]],
    body: bytes | None,
    *,
    credentials: Credentials,
    region: str,
    service: str,
    timestamp: dt.datetime,
    query_pairs: list[tuple[str, str]] | None = None,
) -> tuple[str, str]:
    """botocore's ``(canonical request, Authorization)`` for the same request.

    botocore copies a raw query string unencoded, so queries go in as decoded
    ``query_pairs`` (its ``params`` path, which does encode) and the URL without its query.
    """
    base = url.partition("?")[0] if query_pairs is not None else url
    request = AWSRequest(method=method, url=base, data=body or b"", params=query_pairs or {})
    for name, value in headers:
        request.headers[name] = value  # HTTPHeaders appends: repeated names survive
    signer = SigV4Auth(
        BotocoreCredentials(credentials.access_key, credentials.secret_key, credentials.token),
        service,
        region,
    )
    # add_auth reads the wall clock; these are its steps with our timestamp instead.
    request.context["timestamp"] = timestamp.strftime("%Y%m%dT%H%M%SZ")
    signer._modify_request_before_signing(request)
    text = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, text), request)
    signer._inject_signature_to_request(request, signature)
    return text, request.headers["Authorization"]


@pytest.fixture(scope="session")
def botocore_sign() -> Any:
    """The botocore oracle (see ``_botocore_sign``)."""
    return _botocore_sign
