"""A raw HTTP/1.1 exchange over a socket on 127.0.0.1, for requests no HTTP library would send."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    raw: bytes = field(repr=False)
    closed: bool = False

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def _read_reply(connection: socket.socket) -> tuple[bytes, bytes, bytes]:
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            break
        received += chunk
    head, _, rest = received.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head, rest[:length], rest[length:]


def exchange(port: int, request: bytes, *, timeout: float = 10.0, check_closed: bool = True) -> Reply:
    """Send ``request`` as is and read one reply; ``closed`` says whether the server then closed.

    A connection kept alive costs ``check_closed`` half a second of waiting: pass False when that is moot.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        head, body, extra = _read_reply(connection)
        if extra or not check_closed:
            closed = False
        else:
            connection.settimeout(0.5)
            try:
                closed = connection.recv(1) == b""
            except (TimeoutError, ConnectionResetError):
                closed = False
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1]) if lines and lines[0].startswith("HTTP/") else 0
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(status, headers, body, head + b"\r\n\r\n" + body, closed)
