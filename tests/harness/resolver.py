"""A resolver double for the bot's downloads (`bot.files.Downloads(resolver=...)`): names answered from a
table, never from the network."""

from __future__ import annotations

import socket

from aiohttp.abc import AbstractResolver, ResolveResult

PUBLIC = "93.184.216.34"


class Names(AbstractResolver):
    """Answers each name with the next of its address lists (the last one again once they run out); any
    other name with `other` (by default a public address, so nothing the tests name is looked up for real
    and a check refusing it refuses before any connection)."""

    def __init__(self, answers: dict[str, list[list[str]]] | None = None, other: str = PUBLIC) -> None:
        self.answers = answers or {}
        self.other = other
        self.calls: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls.append(host)
        lists = self.answers.get(host) or [[self.other]]
        addresses = lists.pop(0) if len(lists) > 1 else lists[0]
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        pass
