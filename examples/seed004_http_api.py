"""Seed 004's ProductAPI, an HTTP API on its ``$default`` stage, with access granted through IAM groups.

The gateway serves ``examples/seed004.yaml`` (the configuration docs/flavours.md walks through) over
TLS for the API's real host; ``apiclient.Client`` calls it as it would call AWS, with
``stage="$default"`` because an HTTP API's default stage has no path segment.

What it shows:

- john-readonly (ReadOnly-Group) may GET /products and is refused POST /products: the diagnosis
  evaluates the ``$default`` ARN and names the group policy that would have to change;
- jane-admin (Admin-Group) may POST /products.

::

    python examples/seed004_http_api.py [--config CONFIG.yaml]

Exits 0 when every call went as the groups say, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import apiclient
from apiclient.gateway import load_config, running
from apiclient.policy import IdentityPolicy

HERE = Path(__file__).resolve().parent
URL = "https://abc123def4.execute-api.us-east-1.amazonaws.com"
# (who, method, path, the status the groups call for)
CALLS = [
    ("john-readonly", "GET", "/products", 200),
    ("john-readonly", "POST", "/products", 403),
    ("jane-admin", "POST", "/products", 201),
    ("jane-admin", "GET", "/products/42", 200),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=HERE / "seed004.yaml")
    args = parser.parse_args(argv)
    config = load_config(args.config)
    surprises = 0
    with running(config, tls=True) as gateway:
        for who, method, path, wanted in CALLS:
            user = next(u for u in config.users if u.name == who)
            # What an administrator knows about the caller: who it is and its groups' policies, named.
            policies = [
                IdentityPolicy.of_group(group.name, document, number)
                for name in user.groups
                if (group := config.group(name, user.account)) is not None
                for number, document in enumerate(group.policies, 1)
            ]
            with apiclient.Client(
                URL,
                stage="$default",
                credentials=gateway.credentials_for(who),
                connect_to=f"127.0.0.1:{gateway.port}",
                verify=str(gateway.cert_path),
                diagnose_options=apiclient.DiagnoseOptions(
                    identity_policies=policies, identity={"Arn": user.arn, "Account": user.account}
                ),
            ) as client:
                try:
                    status = client.request(
                        method, path, json={"name": "lamp"} if method == "POST" else None
                    ).status_code
                    diagnosis = None
                except apiclient.AccessDenied as refused:
                    status, diagnosis = refused.status_code, refused.diagnosis
            verdict = "ok" if status == wanted else "SURPRISE"
            surprises += verdict != "ok"
            print(f"{verdict:<9}{who:<14}{method:<5}{path:<14}{status}")
            if diagnosis is not None:
                print("  " + diagnosis.to_text().replace("\n", "\n  "))
    print(f"{surprises} surprise(s)")
    return int(surprises > 0)


if __name__ == "__main__":
    sys.exit(main())
