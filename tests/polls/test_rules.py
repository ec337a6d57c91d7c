"""Pure poll rules: drafts, choices, the anonymous voter key and the form parser."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from cards.polls import parse_new_poll, parse_poll_command
from core.errors import Invalid
from core.polls import PollDraft, PollKind, Results, Tally, new_poll, parse_choices, tally_of, voter_key

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def poll(**draft: object):
    base = PollDraft("Kysymys?", ("A", "B", "C"))
    return new_poll(replace(base, **draft).validated(NOW), channel_id="19:c", author="aad-a", now=NOW)  # type: ignore[arg-type]


def test_the_anonymous_key_is_stable_per_poll_and_unlinkable_across_polls() -> None:
    first, second = poll(anonymous=True), poll(anonymous=True)
    key = voter_key(b"secret", first, "aad-liisa")
    assert key == voter_key(b"secret", first, "AAD-Liisa")
    assert key.startswith("h:") and "liisa" not in key
    assert key != voter_key(b"secret", second, "aad-liisa")
    assert key != voter_key(b"other secret", first, "aad-liisa")
    assert voter_key(b"secret", poll(), "aad-liisa") == "aad-liisa"  # named polls keep the name


def test_choices_must_be_in_the_poll() -> None:
    single, multiple = poll(), poll(multiple=True)
    assert parse_choices(single, "2") == {2}
    assert parse_choices(single, 1) == {1}
    assert parse_choices(multiple, "0, 2") == {0, 2}
    for raw in ("3", "1,1,9", "x", "٣", "1.0", True, None, ["0"], "001"):
        with pytest.raises(Invalid):
            parse_choices(multiple, raw)
    with pytest.raises(Invalid, match="one_choice"):
        parse_choices(single, "0,1")


def test_drafts_are_cleaned_and_checked() -> None:
    draft = PollDraft(
        "  Mikä   teema? ", ("  A ", "", " B  b ", "\t"), closes_at=NOW + timedelta(hours=1)
    ).validated(NOW)
    assert draft.question == "Mikä teema?" and draft.options == ("A", "B b")
    with pytest.raises(Invalid, match="no_question"):
        PollDraft(" ", ("A", "B")).validated(NOW)
    with pytest.raises(Invalid, match="closes_in_past"):
        PollDraft("Q", ("A", "B"), closes_at=NOW).validated(NOW)
    with pytest.raises(Invalid, match="theme_needs_network"):
        new_poll(PollDraft("Q", ("A", "B"), kind=PollKind.THEME), channel_id="19:c", author="a", now=NOW)


def test_the_audience_is_kept_only_up_to_60() -> None:
    draft = PollDraft("Q", ("A", "B"))
    assert (
        len(
            new_poll(
                draft, channel_id="c", author="a", now=NOW, audience=[str(i) for i in range(60)]
            ).audience
        )
        == 60
    )
    assert (
        new_poll(draft, channel_id="c", author="a", now=NOW, audience=[str(i) for i in range(61)]).audience
        == ()
    )


def test_winners_and_tallies() -> None:
    assert tally_of(3, [(frozenset({0, 2}), 4), (frozenset({2}), 1), (frozenset({7}), 2)]) == Tally(
        (4, 0, 5), 7
    )
    assert Tally((2, 2, 1), 5).winners() == (0, 1)
    assert Tally((0, 0), 0).winners() == ()


def test_the_form_reads_closing_time_in_finnish_time() -> None:
    summer = parse_new_poll(
        {"question": "Q", "options": "A\nB", "closes_date": "2027-06-01", "closes_time": "15:30"}
    )
    assert summer.closes_at == datetime(2027, 6, 1, 12, 30, tzinfo=UTC)
    whole_day = parse_new_poll({"question": "Q", "options": "A\nB", "closes_date": "2027-01-10"})
    assert whole_day.closes_at == datetime(2027, 1, 10, 21, 59, tzinfo=UTC)
    flags = parse_new_poll(
        {"question": "Q", "options": "A\r\nB", "multiple": "true", "anonymous": "false", "results": "author"}
    )
    assert (
        flags.multiple
        and not flags.anonymous
        and flags.results == Results.AUTHOR
        and flags.options == ("A", "B")
    )
    with pytest.raises(Invalid):
        parse_new_poll({"question": 5, "options": "A\nB"})


def test_the_command_form() -> None:
    draft = parse_poll_command("Kahvi vai tee? | Kahvi ; Tee |")
    assert draft.question == "Kahvi vai tee?" and draft.options == ("Kahvi", "Tee")


def test_racing_first_votes_all_get_the_same_whole_poll_key(tmp_path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from bot.secret import read_or_create_secret as _read_or_create_secret

    path = tmp_path / "var" / "poll-secret"
    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = set(pool.map(lambda _: _read_or_create_secret(path), range(64)))
    assert len(keys) == 1 and len(keys.pop()) == 32
    assert [p.name for p in path.parent.iterdir()] == ["poll-secret"]  # no drafts left behind
    path.write_text("")
    with pytest.raises(ValueError, match="does not hold a poll key"):
        _read_or_create_secret(path)
