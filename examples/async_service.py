"""An asyncio service (FastAPI style) calling an IAM-protected API with ``AsyncClient``.

What it shows:

- one ``AsyncClient`` opened in the application's lifespan and shared by every request handler,
  as a FastAPI or Starlette app holds its HTTP client;
- many calls in flight at once on one event loop, each signed, retried and refreshed exactly as
  ``Client`` does for threads; credential refreshes run off the loop;
- a refusal turned into an answer that names the diagnosed cause.

With FastAPI the same functions are the app: ``app = FastAPI(lifespan=lifespan)`` and
``@app.get("/products/{product_id}")`` on ``get_product``. Run it here without FastAPI, e.g.
against the local gateway (``apiclient serve --port 8080``) with keys of one of its identities::

    AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_SESSION_TOKEN=... \\
    API_URL=http://127.0.0.1:8080/prod API_REGION=us-west-2 \\
        python examples/async_service.py 42 7 tea
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

import apiclient


class State:
    """What the app keeps between requests (FastAPI: ``app.state``)."""

    api: apiclient.AsyncClient


@asynccontextmanager
async def lifespan(state: State) -> AsyncIterator[None]:
    """Open the client when the app starts, close it when the app stops."""
    async with apiclient.AsyncClient(os.environ["API_URL"], region=os.environ.get("API_REGION")) as api:
        state.api = api
        yield


async def get_product(state: State, product_id: str) -> dict[str, Any]:
    """``GET /products/{product_id}`` of the upstream API, or the reason it was refused."""
    try:
        response = await state.api.get(f"/products/{quote(product_id, safe='')}")
    except apiclient.AccessDenied as denied:
        return {"status": 502, "error": denied.diagnosis.cause}
    return {"status": response.status_code, "body": response.json()}


async def main(product_ids: list[str]) -> list[dict[str, Any]]:
    """Serve one request per product id, all at once, as concurrent HTTP requests would arrive."""
    state = State()
    async with lifespan(state):
        return list(await asyncio.gather(*(get_product(state, pid) for pid in product_ids)))


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1:] or ["42"]))))
