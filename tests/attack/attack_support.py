"""The attack scripts' gateway configuration: the walkthrough's shape plus hostile Deny globs."""

from __future__ import annotations

from typing import Any

API_ID, REGION, OWNER = "a1b2c3d4e5", "us-west-2", "222222222222"
READER = ("AKIAEXAMPLEATTACKRD1", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYATTACKRD1EXAMPLE")
# Plausible rules a team might write: block old Internet Explorer, and a pattern whose backtracking
# translation is cubic. Either one stalled the gateway for seconds.
HOSTILE_GLOBS = ["*Mozilla*MSIE*Trident*", "*a*a*a*b"]


def attack_config(globs: list[str] = HOSTILE_GLOBS) -> dict[str, Any]:
    return {
        "accounts": [{"id": OWNER}],
        "users": [
            {
                "name": "reader",
                "account": OWNER,
                "access_keys": [{"id": READER[0], "secret": READER[1]}],
                "policies": [
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
                    }
                ],
            }
        ],
        "roles": [
            {
                "name": "app-instance",
                "account": OWNER,
                "trust_policy": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
            }
        ],
        "instance_role": "app-instance",
        "apis": [
            {
                "id": API_ID,
                "region": REGION,
                "account": OWNER,
                "stages": ["prod"],
                "resource_policy": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "execute-api:Invoke",
                            "Resource": "*",
                        },
                        {
                            "Sid": "BlockHostileAgents",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "execute-api:Invoke",
                            "Resource": "*",
                            "Condition": {"StringLike": {"aws:UserAgent": globs}},
                        },
                    ],
                },
                "routes": [
                    {
                        "method": "GET",
                        "path": "/status",
                        "authorization": "NONE",
                        "response": {"body": {"ok": 1}},
                    },
                    {"method": "GET", "path": "/products"},
                    {"method": "POST", "path": "/products"},
                ],
            }
        ],
    }
