"""Access matrices whose identities are IAM group members of a gateway configuration with an HTTP API:
offline (the policy engine, given the groups' policies) and online (the gateway) agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from flavour_helpers import HTTP_API, OWNER, REGION, flavours_config

from apiclient.gateway import running
from apiclient.matrix import load_matrix, run


def _matrix(tmp_path: Path, url: str) -> dict[str, Any]:
    (tmp_path / "gateway.yaml").write_text(yaml.safe_dump(flavours_config()), encoding="utf-8")
    return {
        "url": url,
        "region": REGION,
        "gateway_config": "gateway.yaml",
        "identities": {
            "john": {"sample": "john-readonly"},
            "jane": {"sample": "jane-admin"},
            "nobody": {"sample": "nobody"},
        },
        "requests": [
            {
                "method": "GET",
                "path": "/products",
                "expect": {"jane": "allow", "john": "deny", "nobody": "deny"},
            },
            {"method": "POST", "path": "/products", "expect": {"jane": "allow", "john": "deny"}},
        ],
    }


def test_group_members_are_judged_offline_with_their_groups_policies(tmp_path: Path) -> None:
    # ReadOnly-Group grants the $default stage only; Admin-Group the whole API.
    matrix = load_matrix(
        _matrix(tmp_path, f"https://{HTTP_API}.execute-api.{REGION}.amazonaws.com/beta"), base_dir=tmp_path
    )
    report = run(matrix, offline=True)
    assert report.ok, [r.actual.detail for r in report.failures]
    jane_post = next(
        r for r in report.results if r.case.identity.name == "jane" and r.case.request.method == "POST"
    )
    assert "group Admin-Group policy 1" in jane_post.actual.detail
    john_get = next(r for r in report.results if r.case.identity.name == "john")
    assert "group ReadOnly-Group policy 1 Statement[0]" in john_get.actual.detail


def test_group_members_are_judged_by_the_gateway(tmp_path: Path) -> None:
    with running(flavours_config()) as gateway:
        matrix = load_matrix(_matrix(tmp_path, gateway.api_url(HTTP_API, "beta")), base_dir=tmp_path)
        report = run(matrix)
    assert report.ok, [r.actual.detail for r in report.failures]
    assert len(report.results) == 5


def _with_instance_role() -> dict[str, Any]:
    config = flavours_config()
    config["roles"] = [
        {
            "name": "product-reader-ec2",
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
            "policies": [
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "execute-api:Invoke",
                            "Resource": f"arn:aws:execute-api:{REGION}:{OWNER}:{HTTP_API}/*/GET/*",
                        }
                    ],
                }
            ],
        }
    ]
    config["instance_role"] = "product-reader-ec2"
    return config


def _instance_matrix(tmp_path: Path, url: str) -> dict[str, Any]:
    (tmp_path / "gateway.yaml").write_text(yaml.safe_dump(_with_instance_role()), encoding="utf-8")
    return {
        "url": url,
        "region": REGION,
        "gateway_config": "gateway.yaml",
        "identities": {"ec2": {"instance_metadata": True}},
        "requests": [
            {"method": "GET", "path": "/products", "expect": {"ec2": "allow"}},
            {
                "method": "POST",
                "path": "/products",
                "expect": {"ec2": "deny"},
            },
        ],
    }


def test_an_instance_role_is_a_matrix_identity_offline(tmp_path: Path) -> None:
    url = f"https://{HTTP_API}.execute-api.{REGION}.amazonaws.com/beta"
    report = run(load_matrix(_instance_matrix(tmp_path, url), base_dir=tmp_path), offline=True)
    assert report.ok, [r.actual.detail for r in report.failures]
    assert f"arn:aws:iam::{OWNER}:role/product-reader-ec2" in report.results[1].actual.detail


def test_an_instance_role_is_a_matrix_identity_online(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running(_with_instance_role()) as gateway:
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", gateway.imds_url)
        monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
        matrix = load_matrix(_instance_matrix(tmp_path, gateway.api_url(HTTP_API, "beta")), base_dir=tmp_path)
        report = run(matrix)
        callers = {r["caller"] for r in gateway.access_log if r["path"].startswith("/restapis/")}
    assert report.ok, [r.actual.detail for r in report.failures]
    assert callers and all(
        c.startswith(f"arn:aws:sts::{OWNER}:assumed-role/product-reader-ec2/") for c in callers
    )
