"""What a typed message means as a command: mentions, HTML and character references removed."""

from __future__ import annotations

import pytest

from bot.router import command_text


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("<at>Vertaisbotti</at>&nbsp;kysely", "kysely"),
        (
            "<p><at>Vertaisbotti</at> materiaalit hr&nbsp;ty&#246;hyvinvointi</p>",
            "materiaalit hr työhyvinvointi",
        ),
        ("kysely Kumpi? | A &amp; B | C", "kysely Kumpi? | A & B | C"),
        ("liity &lt;b&gt;hr&lt;/b&gt;", "liity <b>hr</b>"),  # escaped markup stays text
        ("  verkostot\u00a0 ", "verkostot"),
        (None, ""),
    ],
)
def test_command_text_reads_what_was_typed(typed: str | None, meant: str) -> None:
    assert command_text(typed) == meant
