"""examples/lambda_handler.py: environment credentials, a cold start without botocore, a refusal's cause."""

from __future__ import annotations

import json

from examples_support import EXAMPLES, RunExample, api_env

from apiclient.gateway import Gateway

# What the Lambda runtime does: import the module once (the cold start), then call the handler.
RUNTIME = """
import json, runpy, sys
module = runpy.run_path(sys.argv[1])
answers = [module["handler"](event, None) for event in ({"productId": "tea/42"}, {})]
sdk = sorted(name for name in sys.modules if name.split(".")[0] in ("boto3", "botocore"))
print(json.dumps({"answers": answers, "sdk_modules": sdk}))
"""


def test_invocations_sign_with_the_role_in_the_environment_and_never_load_botocore(
    gw: Gateway, example_env: dict[str, str], run_example: RunExample
) -> None:
    role = gw.credentials_for("app-instance", session_name="products-function")  # as Lambda hands it over
    assert role.token is not None
    done = run_example(
        ["-c", RUNTIME, str(EXAMPLES / "lambda_handler.py")],
        env=api_env(gw, example_env, role),
        secrets=(role.secret_key, role.token),
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["sdk_modules"] == []
    one, listing = report["answers"]
    assert (one["statusCode"], listing["statusCode"]) == (200, 200)
    for answer in (one, listing):
        caller = json.loads(answer["body"])["caller"]["arn"]
        assert caller == "arn:aws:sts::222222222222:assumed-role/app-instance/products-function"
    # The product id reached the API as one path parameter, slash included.
    request = json.loads(one["body"])["request"]
    assert (request["resourcePath"], request["pathParameters"]) == ("/products/{id}", {"id": "tea/42"})


def test_a_refusal_is_answered_with_its_diagnosed_cause(
    gw: Gateway, example_env: dict[str, str], run_example: RunExample
) -> None:
    # Team A's intern: the API's policy admits Team A's account, but the intern's own policies allow nothing.
    done = run_example(
        ["lambda_handler.py", "{}"], env=api_env(gw, example_env, gw.credentials_for("team-a-intern"))
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["statusCode"] == 502
    assert json.loads(answer["body"]) == {"error": "no_allow"}
    assert "refused: " in done.stderr
    assert gw.access_log[-1]["caller"] == "arn:aws:iam::111111111111:user/team-a-intern"
    assert gw.access_log[-1]["status"] == "403"
