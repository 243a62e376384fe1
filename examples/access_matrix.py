"""A cross-account access matrix with the library: each identity calls each method, as expected?

What it shows:

- ``apiclient.matrix.load_matrix`` taking a matrix as a plain mapping (the same schema as
  ``examples/matrix.yaml``), each identity a profile (``{"profile": NAME}``, role profiles included:
  botocore assumes the role with its external ID);
- ``apiclient.matrix.run``: one real call per cell, in parallel, each refusal diagnosed, so a
  matrix says *why* a cell is denied (``no_allow``...), not only that it is;
- the ``Report``: ``results`` to print, ``ok`` for the exit code, ``to_junit()`` for CI.

``examples/matrix.yaml`` is the same matrix for ``apiclient check`` (a JUnit report, an ``--offline``
mode); start from this script when the matrix belongs in your own code or tests.

Each identity is a profile of ``~/.aws/config``: ``reader`` (Team B, read-only),
``team-a-tester`` and ``team-a-intern`` (Team A, cross-account) and ``partner`` (a role profile
with ``role_arn``, ``source_profile`` and ``external_id``)::

    python examples/access_matrix.py --url https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod

Against the local gateway (``apiclient serve --port 8080``): profiles holding its users' keys,
``AWS_ENDPOINT_URL_STS=http://127.0.0.1:8080/sts`` for the role profile, and
``--url http://127.0.0.1:8080/prod --region us-west-2``. ``--junit FILE`` also writes a JUnit report.
Exits 0 when every outcome is the expected one, 1 otherwise, 2 when a profile or the URL is unusable.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import apiclient
from apiclient.matrix import load_matrix, run

# (method, path) -> {profile: "allow", or the diagnosis cause expected for the refusal}
EXPECTED = {
    ("GET", "/products"): {
        "reader": "allow",
        "team-a-tester": "allow",
        "team-a-intern": "no_allow",  # cross-account: the API allows Team A, but its own policy does not
        "partner": "allow",
    },
    ("POST", "/products"): {"reader": "no_allow", "team-a-tester": "allow", "partner": "no_allow"},
    ("GET", "/products/42"): {"reader": "no_allow", "partner": "allow"},
}


def matrix_document(url: str, region: str | None) -> dict[str, Any]:
    """EXPECTED as a matrix: one identity per profile, ``{"cause": ...}`` for an expected refusal."""
    profiles = sorted({profile for row in EXPECTED.values() for profile in row})
    return {
        "url": url,
        **({"region": region} if region else {}),
        "identities": {profile: {"profile": profile} for profile in profiles},
        "requests": [
            {
                "method": method,
                "path": path,
                "expect": {who: "allow" if want == "allow" else {"cause": want} for who, want in row.items()},
            }
            for (method, path), row in EXPECTED.items()
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="Check who may call what on an IAM-protected API.")
    parser.add_argument("--url", default=os.environ.get("API_URL"), help="the invoke URL (API_URL)")
    parser.add_argument("--region", default=os.environ.get("API_REGION"), help="when the URL names none")
    parser.add_argument("--junit", type=Path, help="also write a JUnit XML report there")
    args = parser.parse_args()
    if not args.url:
        parser.error("--url (or API_URL) is required")

    try:
        report = run(load_matrix(matrix_document(args.url, args.region)))
    except apiclient.ApiClientError as error:  # a missing profile, a bad URL
        parser.exit(2, f"{error}\n")
    for case, actual, passed in report.results:
        expected = case.expectation.cause or case.expectation.outcome
        got = f"error: {actual.error}" if actual.error else (actual.cause or actual.outcome)
        verdict = "ok" if passed else "SURPRISE"
        request = f"{case.request.method} {case.request.path}"
        print(f"{verdict:<9}{case.identity.name:<15}{request}: expected {expected}, got {got}")
    if args.junit:
        args.junit.write_text(report.to_junit(), encoding="utf-8")
    print(f"{len(report.failures)} surprise(s)")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
