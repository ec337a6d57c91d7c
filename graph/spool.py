"""An upload's bytes, readable again from the start.

Graph's upload-session guidance is to start the whole upload over when the session answers 404, and a
simple upload that fails is sent again whole; but the bytes often come as a stream that can be read once
(a file Teams hands the bot). `Spool` keeps what it has read of such a stream in a temporary file (never
the whole file in memory), so every pass starts at byte 0: recorded bytes first, then the rest of the
stream. File I/O runs in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from typing import IO

from core.errors import Invalid

CHUNK = 1024 * 1024


class Spool:
    """`size` bytes from `content` (bytes, or a source of chunks read at most once)."""

    def __init__(self, content: bytes | AsyncIterable[bytes], size: int) -> None:
        self.size = size
        self._data = bytes(content) if isinstance(content, bytes | bytearray) else None
        self._source = None if self._data is not None else aiter(content)  # type: ignore[arg-type]
        self._file: IO[bytes] | None = None
        self._recorded = 0
        self._ended = False

    async def pieces(self, size: int) -> AsyncIterator[bytes]:
        """The bytes from the start, in pieces of exactly `size` (the last may be shorter). Raises
        `Invalid` ("graph.error.size_mismatch") when the source holds more or fewer than `self.size`."""
        if self._data is not None:
            if len(self._data) != self.size:
                raise Invalid("graph.error.size_mismatch")
            for start in range(0, len(self._data), size):
                yield self._data[start : start + size]
            return
        buffer = bytearray()
        position = 0
        while True:
            if position < self._recorded:
                data = await asyncio.to_thread(self._read, position, min(CHUNK, self._recorded - position))
            else:
                data = await self._pull()
                if not data:
                    break
            position += len(data)
            if position > self.size:
                raise Invalid("graph.error.size_mismatch")
            buffer += data
            while len(buffer) >= size:
                yield bytes(buffer[:size])
                del buffer[:size]
        if position != self.size:
            raise Invalid("graph.error.size_mismatch")
        if buffer:
            yield bytes(buffer)

    async def whole(self) -> AsyncIterator[bytes]:
        """Every byte from the start in chunks of up to 1 MiB (for a streamed simple upload)."""
        async for piece in self.pieces(CHUNK):
            yield piece

    async def _pull(self) -> bytes:
        if self._ended or self._source is None:
            return b""
        try:
            chunk = bytes(await anext(self._source))
        except StopAsyncIteration:
            self._ended = True
            return b""
        if chunk:
            await asyncio.to_thread(self._append, chunk)
        return chunk

    def _append(self, chunk: bytes) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="vertaisbotti-upload-")  # noqa: SIM115 (closed in close)
        self._file.seek(0, 2)
        self._file.write(chunk)
        self._recorded += len(chunk)

    def _read(self, position: int, length: int) -> bytes:
        assert self._file is not None
        self._file.seek(position)
        return self._file.read(length)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
