"""diagnose() never fails on what it is handed: odd messages, dates, ARNs and hosts become evidence."""

from __future__ import annotations

import json

import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from apiclient import Credentials
from apiclient.diagnostics import CAUSES, DiagnoseOptions, diagnose
from apiclient.endpoint import parse_url
from apiclient.sigv4 import Signature, sign

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "EXAMPLEsessiontokenNEVERSHOWN"
CREDENTIALS = Credentials("AKIDEXAMPLE", SECRET, TOKEN)
URLS = (
    "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/prod/pets",
    "https://vpce-0123456789abcdef0-abc.execute-api.us-west-2.vpce.amazonaws.com/prod/pets",
    "https://api.example.com/v1/pets",
)
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}
    ],
}
ARN = st.builds(
    "arn:aws:execute-api:{}:{}:{}/{}/{}{}".format,
    st.sampled_from(["us-west-2", "eu-west-1", "", "*"]),
    st.sampled_from(["********2222", "222222222222", "", "****"]),
    st.sampled_from(["a1b2c3d4e5", "other", ""]),
    st.sampled_from(["prod", "test", ""]),
    st.sampled_from(["GET", "POST", "*"]),
    st.sampled_from(["/pets", "", "/", "/a/b%20c"]),
)
MESSAGE = st.one_of(
    st.text(max_size=60),
    st.builds("User: anonymous is not authorized to perform: execute-api:Invoke on resource: {}".format, ARN),
    st.builds(
        "User: arn:aws:iam::111111111111:user/u is not authorized to perform: execute-api:Invoke "
        "on resource: {} with an explicit deny".format,
        ARN,
    ),
    st.sampled_from(["Forbidden", "Missing Authentication Token", "Credential should be scoped to"]),
)
ERROR_TYPES = st.sampled_from(
    [None, "ForbiddenException", "AccessDeniedException", "InvalidSignatureException", "Weird:suffix"]
)


def response_of(
    url: str, status: int, error_type: str | None, message: str, date: str, api_key: bool
) -> tuple[requests.Response, Signature]:
    headers = {"x-api-key": "EXAMPLEapikeyNEVERSHOWN"} if api_key else {}
    prepared = requests.Request("GET", url, headers=headers).prepare()
    signature = sign(
        "GET", url, headers, b"", credentials=CREDENTIALS, region="us-west-2", service="execute-api"
    )
    prepared.headers.update(signature.headers)
    response = requests.Response()
    response.status_code = status
    response.headers = CaseInsensitiveDict(
        {"Date": date, **({"x-amzn-ErrorType": error_type} if error_type else {})}
    )
    response._content = json.dumps({"message": message}).encode()
    response.request = prepared
    return response, signature


@settings(max_examples=150, deadline=None)
@given(
    url=st.sampled_from(URLS),
    status=st.sampled_from([401, 403, 404, 500]),
    error_type=ERROR_TYPES,
    message=MESSAGE,
    date=st.one_of(st.text(max_size=30), st.just("Sun, 22 Nov 2026 13:00:00 GMT")),
    api_key=st.booleans(),
    api_key_required=st.sampled_from([None, True, False]),
    source_ip=st.sampled_from([None, "198.51.100.7"]),
)
def test_any_refusal_is_diagnosed(
    url: str,
    status: int,
    error_type: str | None,
    message: str,
    date: str,
    api_key: bool,
    api_key_required: bool | None,
    source_ip: str | None,
) -> None:
    response, signature = response_of(url, status, error_type, message, date, api_key)
    diagnosis = diagnose(
        response,
        signature=signature,
        endpoint=parse_url(url, region="us-west-2"),
        credentials=CREDENTIALS,
        options=DiagnoseOptions(
            resource_policy=POLICY,
            identity={"Arn": "arn:aws:iam::111111111111:user/u", "Account": "111111111111"},
            api_key_required=api_key_required,
            source_ip=source_ip,
        ),
    )
    assert diagnosis.cause in CAUSES
    assert "\n" not in diagnosis.summary
    shown = diagnosis.to_text() + json.dumps(diagnosis.to_dict()) + repr(diagnosis)
    assert SECRET not in shown and TOKEN not in shown and "EXAMPLEapikeyNEVERSHOWN" not in shown
