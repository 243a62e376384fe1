"""Credentials for asyncio code: snapshots without blocking the event loop.

A refresh (STS, IMDS, the container endpoint) is blocking I/O. Here it runs in a worker thread,
one refresh at a time for all the tasks of a loop (single-flight), and, exactly as threads do
with ``RefreshingProvider``, tasks keep signing with the current snapshot during the advisory
window while the refresh runs; only the mandatory window (or the first fetch) makes them wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from apiclient.credentials.base import CredentialProvider, Credentials, Peekable, Refreshable

__all__ = ["AsyncCredentials"]


class AsyncCredentials:
    """``await source.get()`` / ``await source.force_refresh()`` over any provider.

    Providers that implement ``peek()`` (every provider apiclient makes) are read on the loop
    when no I/O is needed; others are always read in a worker thread.
    """

    def __init__(self, source: Credentials | CredentialProvider) -> None:
        self.source = source
        self._refresh: asyncio.Task[Credentials] | None = None

    async def get(self) -> Credentials:
        """A snapshot: at once when no I/O is needed, else after the one refresh in flight."""
        source = self.source
        if isinstance(source, Credentials):
            return source
        if isinstance(source, Peekable):
            current, wanted = source.peek()
            if current is not None:
                if wanted:
                    self._start(source.get)  # advisory: refresh in the background, sign with this one
                return current
        return await self._wait(self._start(source.get))

    async def force_refresh(self) -> Credentials:
        """Replace the snapshot (it was refused); tasks that ask at the same time share one refresh."""
        source = self.source
        if isinstance(source, Credentials):
            return source
        if not isinstance(source, Refreshable):
            return await self.get()
        return await self._wait(self._start(source.force_refresh))

    def _start(self, fetch: Callable[[], Credentials]) -> asyncio.Task[Credentials]:
        running = self._refresh
        if running is not None and not running.done():
            return running  # one refresh in flight serves every task, a forced one included
        task = asyncio.get_running_loop().create_task(asyncio.to_thread(fetch))
        task.add_done_callback(_retrieve)
        self._refresh = task
        return task

    @staticmethod
    async def _wait(task: asyncio.Task[Credentials]) -> Credentials:
        # shield: a caller cancelled while waiting must not cancel the refresh others wait for.
        return await asyncio.shield(task)


def _retrieve(task: asyncio.Task[Credentials]) -> None:
    # A background (advisory) refresh that failed was already logged by the provider; reading
    # the exception here keeps asyncio from reporting it as never retrieved.
    if not task.cancelled():
        task.exception()
