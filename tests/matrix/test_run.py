"""``apiclient.matrix.run``: a matrix judged by the policy engine, by real calls to the local gateway, or
by a judge of the caller's own, with a report as data, JSON and JUnit."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from typing import Any

from apiclient.gateway import Gateway
from apiclient.matrix import Actual, Case, Result, load_matrix, offline_judge, run

PARTNER_ROLE = "arn:aws:iam::222222222222:role/partner-integration"
EXTERNAL_ID = "EXAMPLE-external-id-7f3a"  # the sample role's trust policy condition


def _matrix(gateway: Gateway) -> dict[str, Any]:
    return {
        "url": f"http://{gateway.host_for()}/prod",
        "connect_to": f"127.0.0.1:{gateway.port}",
        "allow_http": True,
        "region": "us-west-2",
        "sts_endpoint_url": gateway.sts_url,
        "gateway_config": "sample",
        "source_ip": "127.0.0.1",
        "identities": {
            "reader": {"sample": "reader"},
            "intern": {"sample": "team-a-intern"},
            "integrator": {"sample": "integrator"},
            "partner": {"role_arn": PARTNER_ROLE, "external_id": EXTERNAL_ID, "source": "integrator"},
            "nobody": {"anonymous": True},
        },
        "requests": [
            {
                "method": "GET",
                "path": "/products",
                "expect": {
                    "reader": "allow",
                    "intern": {"cause": "no_allow"},
                    "partner": 200,
                    "nobody": {"outcome": "deny", "cause": "missing_auth_or_route"},
                },
            },
            {"method": "POST", "path": "/products", "expect": {"reader": {"cause": "no_allow"}}},
        ],
    }


def test_run_calls_the_gateway_as_every_identity(apiclient_gateway: Gateway) -> None:
    seen = len(apiclient_gateway.access_log)
    done: list[Result] = []
    lock = threading.Lock()

    def record(result: Result) -> None:
        with lock:
            done.append(result)

    report = run(load_matrix(_matrix(apiclient_gateway)), workers=2, on_done=record)
    assert report.ok, [r.actual.describe() for r in report.failures]
    assert [(r.case.identity.name, r.actual.status) for r in report.results] == [
        ("reader", 200),
        ("intern", 403),
        ("partner", 200),
        ("nobody", 403),
        ("reader", 403),
    ]
    assert sorted(r.case.label for r in done) == sorted(r.case.label for r in report.results)
    callers = {r["caller"] for r in apiclient_gateway.access_log[seen:] if r["service"] == "execute-api"}
    assert any(c.startswith("arn:aws:sts::222222222222:assumed-role/partner-integration/") for c in callers)


def test_offline_run_agrees_and_reports_json_and_junit(apiclient_gateway: Gateway) -> None:
    matrix = load_matrix(_matrix(apiclient_gateway))
    online = run(matrix)
    offline = run(matrix, offline=True)
    assert offline.ok and offline.offline
    assert [(r.actual.outcome, r.actual.cause) for r in offline.results] == [
        (r.actual.outcome, r.actual.cause) for r in online.results
    ]
    data = offline.to_dict()
    assert (data["passed"], data["offline"], data["total"], data["failed"]) == (True, True, 5, 0)
    assert data["results"][1]["expected"] == {"outcome": "deny", "status": None, "cause": "no_allow"}
    suite = ET.fromstring(offline.to_junit())
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "0", "0")


def test_the_offline_judge_names_the_cause_api_gateway_would_give(apiclient_gateway: Gateway) -> None:
    matrix = load_matrix(_matrix(apiclient_gateway))
    judge = offline_judge(matrix)
    causes = {case.identity.name: judge(case).cause for case in matrix.cases if case.request.method == "GET"}
    assert causes == {
        "reader": None,
        "intern": "no_allow",
        "partner": None,
        "nobody": "missing_auth_or_route",
    }


def test_a_judge_of_ones_own_and_a_surprise() -> None:
    matrix = load_matrix(
        {
            "url": "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
            "identities": {"ci": {"access_key": "AKIDEXAMPLE", "secret_key": "not-used-here"}},
            "requests": [
                {"method": "GET", "path": "/a", "expect": {"ci": "allow"}},
                {"method": "GET", "path": "/b", "expect": {"ci": {"outcome": "deny", "cause": "no_allow"}}},
            ],
        }
    )

    def everything_allowed(case: Case) -> Actual:
        return Actual("allow", 200)

    report = run(matrix, judge=everything_allowed)
    assert not report.ok
    assert [r.case.request.path for r in report.failures] == ["/b"]
    suite = ET.fromstring(report.to_junit())
    failure = suite.find("testcase/failure")
    assert failure is not None and failure.get("message") == "expected deny no_allow, got allow (200)"
