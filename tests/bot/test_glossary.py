"""One term per concept: every catalog message, both languages, read against bot/locale/glossary.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.i18n import LANGUAGES, LOCALE_DIR, Text, load_catalog

GLOSSARY = LOCALE_DIR / "glossary.yml"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


@dataclass(frozen=True)
class Term:
    concept: str
    lang: str
    term: str
    use: str
    avoid: tuple[str, ...]
    only_in: tuple[str, ...]
    not_in: tuple[str, ...]


def _terms(path: Path = GLOSSARY) -> list[Term]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["terms"]
    return [
        Term(
            entry["concept"],
            lang,
            spec["term"],
            spec["use"],
            tuple(spec.get("avoid", ())),
            tuple(spec.get("only_in", ())),
            tuple(spec.get("not_in", ())),
        )
        for entry in entries
        for lang, spec in entry.items()
        if lang in LANGUAGES
    ]


def _word(stem: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){stem}", re.IGNORECASE)


def _texts(message: Text) -> tuple[str, ...]:
    return message if isinstance(message, tuple) else (message,)


def _where(catalog: dict[str, Text], stem: str) -> dict[str, str]:
    """The messages (key: text) using `stem` in their own words, placeholders left out."""
    pattern = _word(stem)
    return {
        key: text
        for key, message in catalog.items()
        for text in _texts(message)
        if pattern.search(PLACEHOLDER.sub("", text))
    }


TERMS = _terms()
CATALOGS = {lang: load_catalog(lang) for lang in LANGUAGES}


def test_the_glossary_covers_the_concepts_the_issue_names() -> None:
    concepts = " ".join(term.concept for term in TERMS)
    for concept in ("facilitator", "coordinator", "needs survey", "poll", "project team", "presenter"):
        assert concept in concepts
    assert {term.lang for term in TERMS} == set(LANGUAGES)


@pytest.mark.parametrize("term", TERMS, ids=lambda t: f"{t.lang}-{t.term}")
def test_the_term_is_in_use(term: Term) -> None:
    assert _where(CATALOGS[term.lang], term.use), f"no {term.lang} message uses {term.term!r}"


@pytest.mark.parametrize("term", [t for t in TERMS if t.avoid], ids=lambda t: f"{t.lang}-{t.term}")
def test_no_message_names_the_concept_another_way(term: Term) -> None:
    found = {stem: _where(CATALOGS[term.lang], stem) for stem in term.avoid}
    assert {stem: hits for stem, hits in found.items() if hits} == {}, f"say {term.term!r} instead"


@pytest.mark.parametrize(
    "term", [t for t in TERMS if t.only_in or t.not_in], ids=lambda t: f"{t.lang}-{t.use}"
)
def test_the_term_stays_in_its_own_messages(term: Term) -> None:
    hits = _where(CATALOGS[term.lang], term.use)
    outside = {k: v for k, v in hits.items() if term.only_in and not k.startswith(term.only_in)}
    inside = {k: v for k, v in hits.items() if term.not_in and k.startswith(term.not_in)}
    assert outside == {} and inside == {}, f"{term.term!r} belongs to {term.concept}"


def test_the_check_catches_a_stray_term(tmp_path: Path) -> None:
    catalog: dict[str, Text] = {
        "survey.action.close": "Sulje kysely",
        "x.y": ("Verkoston fasilitaattori", "Verkoston fasilitaattorit"),
    }
    poll = next(t for t in TERMS if t.lang == "fi" and t.term == "kysely")
    facilitator = next(t for t in TERMS if t.lang == "fi" and t.term == "vetäjä")
    assert list(_where(catalog, poll.use)) == ["survey.action.close"]
    assert not "survey.action.close".startswith(poll.only_in)
    assert list(_where(catalog, facilitator.avoid[0])) == ["x.y"]
    coordinator = next(t for t in TERMS if t.lang == "en" and t.term == "project coordinator")
    asked = {"a": "Ask the coordinator", "b": "Ask the project coordinator"}
    assert list(_where(asked, coordinator.avoid[1])) == ["a"]
