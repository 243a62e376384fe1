"""``ConnectToAdapter``: send one host's requests to another address, like curl's ``--connect-to``.

The URL, the Host header and therefore the SigV4 signature stay those of the real host; only
the TCP connection goes elsewhere (the local gateway, a tunnel), bypassing any proxy. Over
https the TLS handshake also stays the real host's: SNI names it and the certificate must be
valid for it (pass ``verify=`` a CA bundle for a local gateway's certificate).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import requests
from requests.adapters import HTTPAdapter

if TYPE_CHECKING:
    from requests.adapters import _HostParams, _PoolKwargs

from apiclient._redirects import origin

__all__ = ["ConnectToAdapter", "parse_address"]


def parse_address(address: str) -> tuple[str, int]:
    """``"127.0.0.1:8443"`` or ``"[::1]:8443"`` -> (host, port); ValueError names the problem."""
    host, sep, port = address.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"connect_to must be 'HOST:PORT' (e.g. '127.0.0.1:8443'), not {address!r}")
    return host, int(port)


class ConnectToAdapter(HTTPAdapter):
    """Route requests for ``real_url``'s origin to ``address``; others go where their URL says."""

    def __init__(self, real_url: str, address: str, **kwargs: Any) -> None:
        self._real = origin(real_url)
        self._target = parse_address(address)
        super().__init__(**kwargs)

    def _reroutes(self, request: requests.PreparedRequest) -> bool:
        return origin(request.url or "") == self._real

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: bool | str, cert: str | tuple[str, str] | None = None
    ) -> tuple[_HostParams, _PoolKwargs]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        if not self._reroutes(request):
            return host_params, pool_kwargs
        target_host, target_port = self._target
        host_params = {**host_params, "host": target_host, "port": target_port}
        if host_params["scheme"] == "https":
            # urllib3 uses server_hostname both for SNI and for the certificate's name check.
            pool_kwargs = cast("_PoolKwargs", {**pool_kwargs, "server_hostname": self._real[1]})
        return host_params, pool_kwargs

    def send(  # noqa: PLR0917 - HTTPAdapter.send's own signature
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        if self._reroutes(request):
            # Without it http.client would send the connection's address as Host.
            request.headers.setdefault("Host", _host_header(request.url or ""))
            # The chosen address wins over proxies from the environment, as with curl's --connect-to.
            proxies = None
        return super().send(request, stream, timeout, verify, cert, proxies)


def _host_header(url: str) -> str:
    scheme, host, port = origin(url)
    shown = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}.get(scheme)
    return shown if port == default else f"{shown}:{port}"
