"""The connections each thread's budget watches: a urllib3 connection class that hands its socket to them.

`outbound.budget` opens a watch around a block of requests; the connection classes here (for requests'
sessions and, through `outbound.budget_aws`, for AWS clients) record each socket they send on, so the
watch can shut it down when the budget is spent.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

from urllib3.connection import HTTPConnection

_local = threading.local()


class Watch:
    """The sockets one block uses, shut down together when its budget is spent."""

    def __init__(self) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            if not self.fired:
                self._sockets.append(sock)
                return
        _shut(sock)  # a connection opened after the budget ran out (a library's own retry)

    def fire(self) -> None:
        with self._lock:
            self.fired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        # The plain socket's shutdown, also under TLS: it wakes the reading thread with end-of-file.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def watches() -> list[Watch]:
    found: list[Watch] | None = getattr(_local, "watches", None)
    if found is None:
        found = _local.watches = []
    return found


def _record(sock: socket.socket | None) -> None:
    if sock is not None:
        for active in watches():
            active.add(sock)


class Recorded(HTTPConnection):
    """A urllib3 connection that hands the socket of each request to the thread's watches (a mixin for
    other urllib3 connection classes too)."""

    def connect(self) -> None:
        super().connect()
        _record(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _record(self.sock)  # a kept-alive connection: its socket is already open
        super().request(*args, **kwargs)
        _local.written = written() + 1  # every byte of the request is on its way: it may arrive


def written() -> int:
    """Requests this thread has handed whole to a socket so far. A request that failed after the count
    moved was sent: its reply was lost, and an unsafe one (a chat POST) may have arrived."""
    count: int = getattr(_local, "written", 0)
    return count
