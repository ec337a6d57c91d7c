"""`make bench`: runs every bench part (modules in this folder with `async def run()`) and prints the rows."""

from __future__ import annotations

import asyncio
import importlib
import os
import pkgutil
import sys
import time

import tests.bench as package

SKIP = {"__main__", "report", "load", "echo_bot"}


async def main(selected: list[str]) -> int:
    names = [m.name for m in pkgutil.iter_modules(package.__path__) if m.name not in SKIP]
    names = [n for n in sorted(names) if not selected or n in selected]
    print(
        f"Vertaisbotti benchmarks ({', '.join(names)}); ratios compare runs made in this same process tree."
    )
    missed = 0
    for name in names:
        started = time.perf_counter()
        module = importlib.import_module(f"tests.bench.{name}")
        for row in await module.run():
            print(row.line(), flush=True)
            missed += row.met is False
        print(f"{name:<10} (took {time.perf_counter() - started:.0f} s)", flush=True)
    print(f"goals not met: {missed}" if missed else "all goals met")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--full" in args:  # the survey spike at the full size (tests/bench/survey.py)
        args.remove("--full")
        os.environ["BENCH_SURVEY_FULL"] = "1"
    sys.exit(asyncio.run(main(args)))
