"""A minimal HTTP/1.1 keep-alive client for load drivers: one connection, one request at a time, bytes prepared once.

On a 2-core machine the driver shares the cores with the server it measures. httpx spends 2-4 ms of CPU a request
at 16 concurrent clients, more than a cached score costs the server, so with it the latencies measure the driver.
This client writes a prepared request and reads the status line, the headers and a ``Content-Length`` body: what the
service answers (it never sends a chunked body to these requests). Anything else is a transport error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from urllib.parse import urlsplit

__all__ = ["RawConnection", "TransportError", "prepare_request"]


class TransportError(Exception):
    """The connection failed or the answer was not HTTP/1.1 with a ``Content-Length``."""


def prepare_request(base: str, method: str, path: str, headers: dict[str, str], body: dict | None) -> bytes:
    """The request's bytes, with a JSON body when ``body`` is given."""
    host = urlsplit(base).netloc
    payload = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in headers.items())]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


class RawConnection:
    """One keep-alive connection to ``base`` (``http://host:port``)."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, data: bytes) -> tuple[int, bytes]:
        """Send prepared request bytes; return the status and the body. Reconnects once the previous one failed."""
        try:
            if self._writer is None:
                self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
            assert self._reader is not None
            self._writer.write(data)
            head = await self._reader.readuntil(b"\r\n\r\n")
            status_line, _, header_block = head.partition(b"\r\n")
            length = None
            for line in header_block.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                raise TransportError(f"no Content-Length in {status_line!r}")
            body = await self._reader.readexactly(length)
            return int(status_line.split(b" ", 2)[1]), body
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError) as exc:
            await self.close()
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        except TransportError:
            await self.close()
            raise

    async def close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
