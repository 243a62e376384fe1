"""A cross-account access matrix with the library: each identity calls each method, as expected?

What it shows:

- one ``apiclient.Client`` per identity, each from a profile (``apiclient.credentials.from_profile``,
  role profiles included: botocore assumes the role with its external ID);
- a refusal read as data: ``AccessDenied.diagnosis.cause`` (``no_allow``...) compared with the
  expected outcome, so a matrix says *why* a cell is denied, not only that it is.

``examples/matrix.yaml`` is the same matrix for ``apiclient check`` (parallel calls, a JUnit report,
an ``--offline`` mode); start from this script when the matrix belongs in your own code or tests.

Each identity is a profile of ``~/.aws/config``: ``reader`` (Team B, read-only),
``team-a-tester`` and ``team-a-intern`` (Team A, cross-account) and ``partner`` (a role profile
with ``role_arn``, ``source_profile`` and ``external_id``)::

    python examples/access_matrix.py --url https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod

Against the local gateway (``apiclient serve --port 8080``): profiles holding its users' keys,
``AWS_ENDPOINT_URL_STS=http://127.0.0.1:8080/sts`` for the role profile, and
``--url http://127.0.0.1:8080/prod --region us-west-2``.
Exits 0 when every outcome is the expected one, 1 otherwise, 2 when a profile or the URL is unusable.
"""

from __future__ import annotations

import argparse
import os

import apiclient
from apiclient.credentials import from_profile

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


def outcome(client: apiclient.Client, method: str, path: str) -> str:
    """``allow`` when the call got past authorization, else why it did not."""
    try:
        client.request(method, path)
    except apiclient.AccessDenied as denied:
        return denied.diagnosis.cause
    except apiclient.ApiClientError as error:
        return f"error: {error}"
    return "allow"


def main() -> int:
    parser = argparse.ArgumentParser(description="Check who may call what on an IAM-protected API.")
    parser.add_argument("--url", default=os.environ.get("API_URL"), help="the invoke URL (API_URL)")
    parser.add_argument("--region", default=os.environ.get("API_REGION"), help="when the URL names none")
    args = parser.parse_args()
    if not args.url:
        parser.error("--url (or API_URL) is required")

    profiles = sorted({profile for row in EXPECTED.values() for profile in row})
    try:
        clients = {
            profile: apiclient.Client(args.url, credentials=from_profile(profile), region=args.region)
            for profile in profiles
        }
    except apiclient.ApiClientError as error:  # a missing profile, a bad URL
        parser.exit(2, f"{error}\n")
    surprises = 0
    for (method, path), row in EXPECTED.items():
        for profile, expected in row.items():
            actual = outcome(clients[profile], method, path)
            verdict = "ok" if actual == expected else "SURPRISE"
            print(f"{verdict:<9}{profile:<15}{method} {path}: expected {expected}, got {actual}")
            surprises += actual != expected
    print(f"{surprises} surprise(s)")
    return 1 if surprises else 0


if __name__ == "__main__":
    raise SystemExit(main())
