"""What the host name says about how the API was reached (API Gateway Developer Guide,
"Invoking a private API" and "Custom domain names"), and the Forbidden causes it makes likely.
"""

from __future__ import annotations

from apiclient.diagnostics.findings import Findings
from apiclient.endpoint import Endpoint

__all__ = ["hostname_findings"]


def hostname_findings(endpoint: Endpoint, sent_apigw_api_id: bool, found: Findings) -> None:
    """Record the host's kind; a private DNS name or VPC endpoint host points to ``private_api_vpce``."""
    found.details.update(
        endpoint_kind=endpoint.kind,
        endpoint_host=endpoint.host,
        endpoint_region=endpoint.region,
        endpoint_service=endpoint.service,
        endpoint_api_id=endpoint.api_id,
        endpoint_stage=endpoint.stage,
    )
    if endpoint.vpce_id is not None:
        found.details["vpce_id"] = endpoint.vpce_id
    if endpoint.kind == "private":
        found.evidence.append(
            f"the host is the private DNS name of API {endpoint.api_id} through {endpoint.vpce_id}: "
            "a private API answers only calls its resource policy allows from that VPC endpoint"
        )
        found.hint("private_api_vpce", f"the call went through VPC endpoint {endpoint.vpce_id}")
    elif endpoint.kind == "vpce":
        if sent_apigw_api_id:
            found.evidence.append(f"the host is VPC endpoint {endpoint.vpce_id}, named by x-apigw-api-id")
            found.hint("private_api_vpce", f"the call went through VPC endpoint {endpoint.vpce_id}")
        else:
            found.evidence.append(
                f"the host is VPC endpoint {endpoint.vpce_id} but no x-apigw-api-id header was sent: "
                "API Gateway cannot tell which private API is meant"
            )
            found.hint("private_api_vpce", "a VPC endpoint host was called without x-apigw-api-id")
    elif endpoint.kind == "custom-domain":
        found.evidence.append(
            f"{endpoint.host} is a custom domain: its base path mapping picks the API and stage, "
            "and the signing region must be given"
        )
