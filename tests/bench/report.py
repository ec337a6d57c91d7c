"""One row of the benchmark report; every bench part returns a list of these."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchRow:
    part: str
    name: str
    value: str
    goal: str = ""
    met: bool | None = None

    def line(self) -> str:
        verdict = "" if self.met is None else ("  [goal met]" if self.met else "  [goal NOT met]")
        goal = f"  (goal: {self.goal})" if self.goal else ""
        return f"{self.part:<10} {self.name:<62} {self.value}{goal}{verdict}"
