"""The smallest fix is the one that grants least, not the first near miss found."""

from apiclient.policy import AccessRequest, authorize

OWNER = "222222222222"
READER = f"arn:aws:iam::{OWNER}:user/staff/reader"

RESOURCE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {  # the whole API for another account: widening its Principal grants everything
            "Sid": "PartnerAccount",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
        },
        {  # anyone on the office network, one path: widening its Resource grants it to anyone
            "Sid": "OfficeStatusPage",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*/GET/status",
            "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        },
    ],
}
READ_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadProductList",
            "Effect": "Allow",
            "Action": "execute-api:Invoke",
            "Resource": f"arn:aws:execute-api:us-west-2:{OWNER}:a1b2c3d4e5/*/GET/products",
        }
    ],
}


def _refused_post() -> AccessRequest:
    return AccessRequest(
        principal_arn=READER, principal_account=OWNER, api_owner_account=OWNER, source_ip="203.0.113.9",
        method="POST", stage="prod", path="/products", api_id="a1b2c3d4e5", region="us-west-2",
        current_time="2026-01-01T00:00:00Z",
    )  # fmt: skip


def test_identity_side_fix_ranks_before_widening_a_shared_statement() -> None:
    decision = authorize(_refused_post(), resource_policy=RESOURCE_POLICY, identity_policies=[READ_ONLY])
    assert decision.result == "IMPLICIT_DENY"
    fixes = decision.fixes
    assert len(fixes) >= 3  # all three near misses are offered
    assert "identity policy" in fixes[0].where
    assert "ReadProductList" in fixes[0].description
    # Giving anyone on the office network POST /products is offered last among the near misses.
    assert "OfficeStatusPage" in fixes[-1].description or "OfficeStatusPage" in fixes[2].description


def test_every_offered_fix_flips_the_verdict() -> None:
    request = _refused_post()
    decision = authorize(request, resource_policy=RESOURCE_POLICY, identity_policies=[READ_ONLY])
    for fix in decision.fixes:
        assert fix.statement is not None
        sid = fix.statement.get("Sid")
        if "identity policy" in fix.where:
            patched = {**READ_ONLY, "Statement": [fix.statement]}
            after = authorize(request, resource_policy=RESOURCE_POLICY, identity_policies=[patched])
        else:
            statements = [fix.statement if s.get("Sid") == sid else s for s in RESOURCE_POLICY["Statement"]]
            after = authorize(
                request, resource_policy={**RESOURCE_POLICY, "Statement": statements},
                identity_policies=[READ_ONLY],
            )  # fmt: skip
        assert after.result == "ALLOW", fix.description
