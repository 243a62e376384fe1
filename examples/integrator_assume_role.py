"""A third-party integrator calling a customer's API through a role, with an external ID.

The SaaS pattern: the customer creates a role whose trust policy admits the integrator's account
only when ``sts:ExternalId`` is the ID the integrator gave them (it stops the "confused deputy":
another customer of the integrator naming this role). The integrator assumes the role with its
own credentials and calls the API as the role.

What it shows:

- ``apiclient.credentials.assume_role(role_arn, external_id=...)``: assumed with STS on first use,
  refreshed before it expires; the integrator's own keys come from ``default()``;
- what a wrong external ID gives: ``CredentialsError`` quoting STS's AccessDenied, at the first call.

With the integrator's keys in the environment (or a profile in ``AWS_PROFILE``)::

    ROLE_ARN=arn:aws:iam::222222222222:role/partner-integration EXTERNAL_ID=... \\
    API_URL=https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod \\
        python examples/integrator_assume_role.py

Against the local gateway (``apiclient serve --port 8080``), using its ``integrator`` user's keys,
add ``STS_ENDPOINT_URL=http://127.0.0.1:8080/sts API_URL=http://127.0.0.1:8080/prod API_REGION=us-west-2``.
Exits 0 on success, 1 when the API refuses the role, 2 when the role cannot be assumed.
"""

from __future__ import annotations

import argparse
import os
import sys

import apiclient
from apiclient.credentials import assume_role


def main() -> int:
    env = os.environ.get
    parser = argparse.ArgumentParser(description="Call an API through a role assumed with an external ID.")
    parser.add_argument("--role-arn", default=env("ROLE_ARN"), help="the customer's role (ROLE_ARN)")
    parser.add_argument("--external-id", default=env("EXTERNAL_ID"), help="agreed with the customer")
    parser.add_argument("--url", default=env("API_URL"), help="the API's invoke URL (API_URL)")
    parser.add_argument("--region", default=env("API_REGION"), help="when the URL names none (API_REGION)")
    parser.add_argument("--sts-endpoint-url", default=env("STS_ENDPOINT_URL"), help="default: regional STS")
    args = parser.parse_args()
    if not (args.role_arn and args.external_id and args.url):
        parser.error("--role-arn, --external-id and --url (or ROLE_ARN, EXTERNAL_ID, API_URL) are required")

    role = assume_role(
        args.role_arn,
        external_id=args.external_id,
        session_name="example-integrator",
        sts_endpoint_url=args.sts_endpoint_url,
    )
    with apiclient.Client(args.url, credentials=role, region=args.region) as client:
        try:
            response = client.get("/products")
        except apiclient.CredentialsError as error:
            # e.g. "STS AssumeRole for arn:...:role/partner-integration failed: AccessDenied: User:
            # arn:aws:iam::333333333333:user/integrator is not authorized to perform: sts:AssumeRole ..."
            print(f"cannot assume the role: {error}", file=sys.stderr)
            return 2
        except apiclient.AccessDenied as denied:
            print(f"the API refused the role: {denied.diagnosis.summary}", file=sys.stderr)
            return 1
    print(f"{response.status_code} as {role.describe()['principal']}")
    print(response.text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
