"""An AWS Lambda function calling an IAM-protected API as its execution role.

What it shows:

- environment credentials: Lambda puts the role's ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``
  and ``AWS_SESSION_TOKEN`` in the environment, and ``apiclient.credentials.default()`` reads them
  without importing boto3 or botocore, which keeps the cold start short;
- the Client built once, at import time (the cold start), and reused by every invocation;
- a refusal answered with its diagnosed cause instead of a stack trace.

Deploy it with the handler ``lambda_handler.handler`` and ``API_URL`` (plus ``API_REGION`` for a
custom domain) in the function's environment. Invoke it locally, e.g. against the local gateway
(``apiclient serve --port 8080``) with keys of one of its identities::

    AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_SESSION_TOKEN=... \\
    API_URL=http://127.0.0.1:8080/prod API_REGION=us-west-2 \\
        python examples/lambda_handler.py '{"productId": "42"}'
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any
from urllib.parse import quote

import apiclient
from apiclient import credentials

log = logging.getLogger(__name__)

# Cold start: built once per execution environment, reused by every invocation.
CLIENT = apiclient.Client(
    os.environ["API_URL"], credentials=credentials.default(), region=os.environ.get("API_REGION")
)


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Fetch ``event["productId"]`` (or the product list) and answer in API Gateway's proxy format."""
    product_id = event.get("productId")
    path = f"/products/{quote(str(product_id), safe='')}" if product_id else "/products"
    try:
        response = CLIENT.get(path)
    except apiclient.AccessDenied as denied:
        log.error("refused: %s", denied.diagnosis.summary)
        return {"statusCode": 502, "body": json.dumps({"error": denied.diagnosis.cause})}
    return {"statusCode": response.status_code, "body": response.text}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    local_event = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    print(json.dumps(handler(local_event, None)))
