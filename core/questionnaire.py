"""The leadership self-assessment's questionnaire (johtamisosaamisen itsearviointi): dimensions of
statements answered on a 1-5 agreement scale or "can't say".

The questionnaire is data, not code: `config/assessment.yml` (read by `store.assessment_file`) holds the
default drawn from the seeds' priorities, and the coordinator may replace it (`ASSESSMENT_FILE`) with e.g.
REDU's own toolkit. A file names an `id` and a `version`; every assessment keeps the (id, version) it was
answered on and the store keeps a copy of each version, so results stay readable after the file changes.
Growth and comparisons match dimensions by key across versions.

Rules a questionnaire must keep (else `Invalid` with the broken rule, so a bad file stops the start):
1-12 dimensions with 3-6 statements each, keys unique (lower-case, digits, '-', '_'), every text in
Finnish and English, five scale labels and a "can't say" label.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import Invalid

KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MIN_STATEMENTS, MAX_STATEMENTS = 3, 6
MAX_DIMENSIONS = 12
SCALE = (1, 2, 3, 4, 5)
CANT_SAY = 0  # stored for "en osaa sanoa": answered, but left out of every mean
TEXT_MAX = 400


@dataclass(frozen=True)
class Text:
    """One text in both languages."""

    fi: str
    en: str

    def __call__(self, locale: str) -> str:
        return self.en if locale == "en" else self.fi


@dataclass(frozen=True)
class Statement:
    key: str
    text: Text


@dataclass(frozen=True)
class Dimension:
    key: str
    name: Text
    short: Text  # for chart axes
    description: Text
    statements: tuple[Statement, ...]

    def statement(self, key: str) -> Statement | None:
        return next((s for s in self.statements if s.key == key), None)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: Text
    intro: Text
    scale: tuple[Text, ...]  # labels of 1..5
    cant_say: Text
    dimensions: tuple[Dimension, ...]

    def dimension(self, key: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.key == key), None)

    def label(self, value: int, locale: str) -> str:
        return self.cant_say(locale) if value == CANT_SAY else self.scale[value - 1](locale)


def _text(raw: Any, where: str, *, required: bool = True) -> Text:
    if raw is None and not required:
        return Text("", "")
    if not isinstance(raw, Mapping):
        raise Invalid("assessment.error.config", where=where, problem="fi/en")
    fi, en = (" ".join(str(raw.get(lang) or "").split()) for lang in ("fi", "en"))
    if required and (not fi or not en):
        raise Invalid("assessment.error.config", where=where, problem="fi/en")
    if len(fi) > TEXT_MAX or len(en) > TEXT_MAX:
        raise Invalid("assessment.error.config", where=where, problem=f"<= {TEXT_MAX}")
    return Text(fi, en)


def _key(raw: Any, where: str, seen: set[str]) -> str:
    key = str(raw or "").strip()
    if not KEY.match(key):
        raise Invalid("assessment.error.config", where=where, problem="key")
    if key in seen:
        raise Invalid("assessment.error.config", where=where, problem="unique key")
    seen.add(key)
    return key


def parse_questionnaire(raw: Any) -> Questionnaire:
    """A questionnaire from its plain-data form (the YAML file, or the copy kept in the store)."""
    if not isinstance(raw, Mapping):
        raise Invalid("assessment.error.config", where="file", problem="mapping")
    qid = _key(raw.get("id"), "id", set())
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Invalid("assessment.error.config", where="version", problem="integer >= 1")
    scale_raw = raw.get("scale") or {}
    labels = scale_raw.get("labels") if isinstance(scale_raw, Mapping) else None
    if not isinstance(labels, Sequence) or isinstance(labels, str) or len(labels) != len(SCALE):
        raise Invalid("assessment.error.config", where="scale.labels", problem="5 labels")
    scale = tuple(_text(label, f"scale.labels[{i}]") for i, label in enumerate(labels))
    cant_say = _text(scale_raw.get("cant_say"), "scale.cant_say")
    dims_raw = raw.get("dimensions")
    if not isinstance(dims_raw, Sequence) or isinstance(dims_raw, str) or not dims_raw:
        raise Invalid("assessment.error.config", where="dimensions", problem="list")
    if len(dims_raw) > MAX_DIMENSIONS:
        raise Invalid("assessment.error.config", where="dimensions", problem=f"<= {MAX_DIMENSIONS}")
    dim_keys: set[str] = set()
    dimensions = []
    for i, dim in enumerate(dims_raw):
        where = f"dimensions[{i}]"
        if not isinstance(dim, Mapping):
            raise Invalid("assessment.error.config", where=where, problem="mapping")
        key = _key(dim.get("key"), f"{where}.key", dim_keys)
        statements_raw = dim.get("statements")
        if (
            not isinstance(statements_raw, Sequence)
            or isinstance(statements_raw, str)
            or not MIN_STATEMENTS <= len(statements_raw) <= MAX_STATEMENTS
        ):
            raise Invalid(
                "assessment.error.config",
                where=f"{where}.statements",
                problem=f"{MIN_STATEMENTS}-{MAX_STATEMENTS}",
            )
        statement_keys: set[str] = set()
        statements = tuple(
            Statement(
                _key(
                    s.get("key") if isinstance(s, Mapping) else None,
                    f"{where}.statements[{j}]",
                    statement_keys,
                ),
                _text(s, f"{where}.statements[{j}]"),
            )
            for j, s in enumerate(statements_raw)
        )
        name = _text(dim.get("name"), f"{where}.name")
        short = _text(dim.get("short"), f"{where}.short", required=False)
        dimensions.append(
            Dimension(
                key,
                name,
                short if short.fi and short.en else name,
                _text(dim.get("description"), f"{where}.description", required=False),
                statements,
            )
        )
    return Questionnaire(
        qid,
        version,
        _text(raw.get("title"), "title"),
        _text(raw.get("intro"), "intro", required=False),
        scale,
        cant_say,
        tuple(dimensions),
    )


def questionnaire_data(questionnaire: Questionnaire) -> dict[str, Any]:
    """The plain-data form `parse_questionnaire` reads back (what the store keeps per version)."""

    def text(value: Text) -> dict[str, str]:
        return {"fi": value.fi, "en": value.en}

    return {
        "id": questionnaire.id,
        "version": questionnaire.version,
        "title": text(questionnaire.title),
        "intro": text(questionnaire.intro),
        "scale": {"labels": [text(t) for t in questionnaire.scale], "cant_say": text(questionnaire.cant_say)},
        "dimensions": [
            {
                "key": d.key,
                "name": text(d.name),
                "short": text(d.short),
                "description": text(d.description),
                "statements": [{"key": s.key, **text(s.text)} for s in d.statements],
            }
            for d in questionnaire.dimensions
        ],
    }
