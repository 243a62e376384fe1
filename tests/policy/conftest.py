"""Builders for the policy-engine tests, handed out as the ``build`` fixture."""

from __future__ import annotations

from typing import Any

import pytest

from apiclient.policy import AccessRequest


class Builders:
    """A cross-account GET /pets on stage prod from 198.51.100.7, and policy snippets."""

    owner = "111111111111"
    other = "222222222222"
    api = "a1b2c3d4e5"
    region = "us-east-2"
    session = f"arn:aws:sts::{other}:assumed-role/developer/alice"
    role = f"arn:aws:iam::{other}:role/developer"
    same_account_session = f"arn:aws:sts::{owner}:assumed-role/reader/bob"
    identity_allow: dict[str, Any] = {  # noqa: RUF012 - read-only sample
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}],
    }

    def request(self, **overrides: Any) -> AccessRequest:
        fields: dict[str, Any] = {
            "principal_arn": self.session,
            "principal_account": self.other,
            "api_owner_account": self.owner,
            "source_ip": "198.51.100.7",
            "method": "GET",
            "stage": "prod",
            "path": "/pets",
            "api_id": self.api,
            "region": self.region,
            "current_time": "2024-06-01T12:00:00Z",
        }
        fields.update(overrides)
        return AccessRequest(**fields)

    def same_account(self, **overrides: Any) -> AccessRequest:
        return self.request(
            principal_arn=self.same_account_session, principal_account=self.owner, **overrides
        )

    @staticmethod
    def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
        doc: dict[str, Any] = {"Statement": list(statements)}
        if version:
            doc["Version"] = version
        return doc

    @staticmethod
    def allow(**extra: Any) -> dict[str, Any]:
        """A resource-policy Allow for everyone on the whole API, with extra or replaced elements."""
        return {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
            **extra,
        }

    @classmethod
    def deny(cls, **extra: Any) -> dict[str, Any]:
        return {**cls.allow(**extra), "Effect": "Deny"}

    @staticmethod
    def identity(*statements: dict[str, Any]) -> dict[str, Any]:
        return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.fixture
def build() -> Builders:
    return Builders()
