"""Activities from and to their JSON, without msrest's generic walk where the data is plain.

msrest's `Model.deserialize` / `serialize` interpret every key of every level through key extractors,
validators and type dispatch; on a turn that did little else they were a third of its CPU (issue 18).
Here one plan per model class (its `_attribute_map`, read once) maps JSON keys to attributes directly.
The result is the same object msrest builds: every attribute set (None when absent), unknown keys in
`additional_properties`, nested models of their classes, `iso-8601` text parsed by msrest's own parser.
Whatever the plan does not cover as msrest would (a value not of its declared JSON type, which msrest
coerces; a polymorphic or flattened model; a type the plan does not know) makes the whole document go
through msrest instead, so the outcome never differs. tests/bot/test_wire.py holds the two side by side.

Input checks stay where they are: `bot/shape.py` runs first, on the same JSON.

`dumps` is the one encoder of what the bot sends (replies, card updates, invoke answers): orjson, which
writes a card's JSON in a tenth of the time `json.dumps` takes (it was 12% of a help turn's CPU).
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from functools import cache
from typing import Any

import orjson
from botbuilder.schema import Activity
from msrest.serialization import Deserializer, Model, Serializer

_JSON_SCALARS = (str, int, float, bool)


class _Unplanned(Exception):
    """Something the fast path does not reproduce exactly: msrest handles the whole document."""


class _Plan:
    """How one model class maps JSON keys to its attributes (and back)."""

    def __init__(self, cls: type[Model]) -> None:
        attribute_map: dict[str, dict[str, Any]] = cls._attribute_map
        if getattr(cls, "_subtype_map", None) or getattr(cls, "_validation", None):
            raise _Unplanned(cls.__name__)
        self.cls = cls
        self.attributes = tuple(attribute_map)
        self.by_key: dict[str, tuple[str, str]] = {}
        self.fields: list[tuple[str, str, str]] = []  # (attribute, JSON key, type)
        for attribute, description in attribute_map.items():
            key, kind = description["key"], description["type"]
            if attribute == "additional_properties" or not key or "." in key or not isinstance(kind, str):
                raise _Unplanned(cls.__name__)
            self.by_key[key] = (attribute, kind)
            self.fields.append((attribute, key, kind))


class Wire:
    """Plans for the model classes of `botbuilder.schema`, made on first use of each."""

    def __init__(self) -> None:
        self._models: dict[str, type[Model]] = Activity._infer_class_models()
        self._plans: dict[type, _Plan] = {}

    def _plan(self, cls: type[Model]) -> _Plan:
        plan = self._plans.get(cls)
        if plan is None:
            plan = self._plans[cls] = _Plan(cls)
        return plan

    # JSON -> model

    def load(self, cls: type[Model], data: Any) -> Model:
        """`cls` from JSON as `json.loads` returns it, exactly as `cls.deserialize(data)` would build it."""
        try:
            return self._model(cls, data)
        except _Unplanned:
            return cls.deserialize(data)

    def _model(self, cls: type[Model], data: Any) -> Model:
        if not isinstance(data, dict):
            raise _Unplanned(cls.__name__)
        plan = self._plan(cls)
        values: dict[str, Any] = dict.fromkeys(plan.attributes)
        extra: dict[str, Any] = {}
        for key, value in data.items():
            field = plan.by_key.get(key)
            if field is None:
                extra[key] = value
            elif value is not None:
                values[field[0]] = self._value(field[1], value)
        instance = cls(**values)
        if extra:
            instance.additional_properties = extra
        return instance

    def _value(self, kind: str, value: Any) -> Any:
        if kind == "str":
            if type(value) is not str:
                raise _Unplanned(kind)  # msrest turns 12 into "12"; let it
            return value
        if kind == "object":
            return value  # JSON from json.loads: msrest copies it as it is
        if kind == "bool":
            if type(value) is not bool:
                raise _Unplanned(kind)
            return value
        if kind == "iso-8601":
            return Deserializer.deserialize_iso(value)  # raises on bad text, as msrest does
        if kind.startswith("[") and kind.endswith("]"):
            if type(value) is not list:
                raise _Unplanned(kind)
            inner = kind[1:-1]
            return [None if item is None else self._value(inner, item) for item in value]
        model = self._models.get(kind)
        if model is None:
            raise _Unplanned(kind)
        return self._model(model, value)

    # model -> JSON

    def dump(self, model: Model) -> dict[str, Any]:
        """The JSON of `model`, exactly as `model.serialize()` writes it."""
        try:
            return self._json(model)
        except _Unplanned:
            return model.serialize()

    def _json(self, model: Any) -> dict[str, Any]:
        if not isinstance(model, Model):
            raise _Unplanned(type(model).__name__)
        plan = self._plan(type(model))
        data: dict[str, Any] = {}
        for attribute, key, kind in plan.fields:
            value = getattr(model, attribute, None)
            if value is not None:
                data[key] = self._out(kind, value)
        return data  # msrest leaves `additional_properties` out unless the map names them (none here)

    def _out(self, kind: str, value: Any) -> Any:
        if kind == "str":
            if type(value) is str:
                return value
            if isinstance(value, Enum) and type(value.value) is str:
                return value.value  # ActivityTypes.message and the like, as msrest writes them
            raise _Unplanned(kind)
        if kind == "object":
            return _plain_json(value)
        if kind == "bool":
            if type(value) is not bool:
                raise _Unplanned(kind)
            return value
        if kind == "iso-8601":
            if type(value) is not dt.datetime:
                raise _Unplanned(kind)
            return Serializer.serialize_iso(value)
        if kind.startswith("[") and kind.endswith("]"):
            if type(value) is not list:
                raise _Unplanned(kind)
            inner = kind[1:-1]
            return [None if item is None else self._out(inner, item) for item in value]
        if kind not in self._models:
            raise _Unplanned(kind)
        return self._json(value)  # msrest too writes a model by its own class's map


def _plain_json(value: Any) -> Any:
    """A JSON value made of dicts, lists and scalars as it is; anything else (a model, a datetime) is for
    msrest's `serialize_object`."""
    if value is None or type(value) in _JSON_SCALARS:
        return value
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise _Unplanned("object key")
            _plain_json(item)
        return value
    if type(value) is list:
        for item in value:
            _plain_json(item)
        return value
    raise _Unplanned(type(value).__name__)


@cache
def _wire() -> Wire:
    return Wire()


def activity_of(data: dict[str, Any]) -> Activity:
    """The Activity of a JSON object (from `json.loads`), as `Activity().deserialize(data)` builds it;
    raises what msrest raises for what it cannot read (a bad timestamp)."""
    activity = _wire().load(Activity, data)
    assert isinstance(activity, Activity)
    return activity


def json_of(model: Model) -> dict[str, Any]:
    """The JSON object of an activity (or any botbuilder model), as `model.serialize()` writes it."""
    return _wire().dump(model)


def dumps(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON. What orjson refuses (a key that is not a string, an integer past 64
    bits) is written by `json` as before."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
