"""The shape README.md's "To add a feature" asks of bot/features, checked on the source: every module
under 200 lines, no feature importing another, no store method called from a feature (they call use
cases, which take `turn.services.store`)."""

from __future__ import annotations

import ast
from pathlib import Path

FEATURES = Path(__file__).resolve().parents[2] / "bot" / "features"
MAX_LINES = 200


def _modules() -> dict[str, ast.Module]:
    return {
        path.name: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for path in sorted(FEATURES.glob("*.py"))
        if path.name != "__init__.py"
    }


def test_there_are_features_to_check() -> None:
    assert {"polls.py", "badges.py", "badge_admin.py"} <= set(_modules())


def test_every_feature_module_is_under_200_lines() -> None:
    lengths = {
        path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in FEATURES.glob("*.py")
    }
    assert {name: n for name, n in lengths.items() if n >= MAX_LINES} == {}


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return []


def test_no_feature_imports_another() -> None:
    found = {
        (name, imported)
        for name, module in _modules().items()
        for node in ast.walk(module)
        for imported in _imported(node)
        if imported == "bot.features" or imported.startswith("bot.features.")
    }
    assert found == set()


def _store_call(node: ast.AST) -> bool:
    """`store.x(...)`, `turn.services.store.x(...)`: a method called on the store itself."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    receiver = node.func.value
    return (isinstance(receiver, ast.Name) and receiver.id == "store") or (
        isinstance(receiver, ast.Attribute) and receiver.attr == "store"
    )


def test_features_call_no_store_method() -> None:
    found = [
        f"{name}:{node.lineno}"
        for name, module in _modules().items()
        for node in ast.walk(module)
        if _store_call(node)
    ]
    assert found == []
