"""The API's resource policy: given (dict, JSON text or a file path) or fetched with apigateway:GET.

``GetRestApi`` returns the policy as JSON text whose quotes come back escaped
(``{\\"Version\\":...}``), a long-standing API Gateway quirk; both forms are read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apiclient._documents import quotes_hint
from apiclient.diagnostics.aws_clients import aws_client, error_text
from apiclient.diagnostics.findings import Findings
from apiclient.errors import PolicyError

if TYPE_CHECKING:
    from apiclient.credentials.base import Credentials

__all__ = ["PolicySource", "fetch_resource_policy", "load_policy"]

PolicySource = Mapping[str, Any] | str | Path


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError:
        try:
            document = json.loads(text.replace('\\"', '"'))
        except ValueError as error:
            raise PolicyError(f"the policy is not valid JSON: {error}{quotes_hint(text)}", where) from None
    if isinstance(document, str):  # JSON text holding the policy as one string
        return _parse(document, where)
    if not isinstance(document, dict):
        raise PolicyError("a policy must be a JSON object", where)
    return document


def load_policy(source: PolicySource, where: str = "resource_policy") -> dict[str, Any]:
    """A policy document from a mapping, JSON text, or the path of a JSON file.

    Raises:
        PolicyError: the file cannot be read or the text is not a JSON object (``path`` is ``where``).
    """
    if isinstance(source, Mapping):
        return dict(source)
    if isinstance(source, Path) or not source.lstrip().startswith(("{", "[", '"')):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise PolicyError(f"cannot read the policy file {path}: {error.strerror}", where) from None
        return _parse(text, f"{where} ({path})")
    return _parse(source, where)


def fetch_resource_policy(
    api_id: str, *, credentials: Credentials, region: str, endpoint_url: str | None, found: Findings
) -> tuple[bool, dict[str, Any] | None]:
    """(fetched, policy): GetRestApi's policy for ``api_id`` (None when the API has none).

    A failed call gives ``(False, None)`` with the reason recorded as evidence.
    """
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415 - lazy, as aws_client

    try:
        client = aws_client("apigateway", credentials, region=region, endpoint_url=endpoint_url)
        answer = client.get_rest_api(restApiId=api_id)
    except (BotoCoreError, ClientError) as error:
        reason = error_text(error)
        found.details["resource_policy_error"] = reason
        found.evidence.append(f"could not fetch the resource policy of {api_id} (apigateway:GET): {reason}")
        return False, None
    text = answer.get("policy")
    if not text:
        found.details["resource_policy_source"] = "fetched"
        found.evidence.append(f"API {api_id} has no resource policy (GetRestApi)")
        return True, None
    try:
        document = _parse(text, "GetRestApi policy")
    except PolicyError as error:
        found.evidence.append(f"the fetched resource policy of {api_id} cannot be read: {error}")
        return False, None
    found.details["resource_policy_source"] = "fetched"
    found.evidence.append(f"fetched the resource policy of {api_id} with apigateway:GET")
    return True, document
