"""Run the benchmark sections, print a Markdown table each, write the numbers to JSON.

    python -m benchmarks.run [--quick] [--only load,scripts] [--json PATH]

A section: benchmarks/<name>.py, named in SECTIONS, with `run(quick: bool) -> list[dict]` (a dict
per table row; `_` keys go to the JSON only) and a docstring (title, then the note under the table).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from benchmarks import REPO

SECTIONS = ["load", "scripts", "painted", "deck", "replicas", "cohort", "language"]


def machine() -> dict:
    """What the figures depend on: code, cores, CPU, memory, versions, how busy the machine was."""
    info = {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load average": os.getloadavg(),
    }
    with open("/proc/cpuinfo") as cpuinfo:
        info["cpu"] = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
            None,
        )
    info["ram GB"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    for package in ("streamlit", "plotly", "pandas", "pydantic", "kaleido", "playwright"):
        info[package] = metadata.version(package)
    git = ["git", "-C", str(REPO)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--porcelain", "-uno"], capture_output=True, text=True)
    info["commit"] = commit.stdout.strip() + (" + uncommitted changes" if dirty.stdout else "")
    chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True)
    info["chromium"] = chromium.stdout.strip()
    return info


def _cell(value) -> str:
    """Numbers as the section rounded them, with thousands separators."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return f"{value:,}" if number else str(value)


def markdown(title: str, rows: list[dict], note: str = "") -> str:
    header = [k for k in dict.fromkeys(k for row in rows for k in row) if not k.startswith("_")]
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(row.get(k, "")) for k in header) + " |" for row in rows]
    return "\n".join(lines + ([f"\n{note}"] if note else [])) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="1x data, 1-2 repetitions, no deck")
    parser.add_argument("--only", help="comma-separated section names, e.g. load,scripts")
    parser.add_argument(
        "--json",
        default=str(REPO / "benchmarks/results/latest.json"),
        help="where to write the numbers",
    )
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else SECTIONS
    started = time.monotonic()
    date = datetime.now(UTC).isoformat(timespec="seconds")
    results = {"date": date, "quick": args.quick, "machine": machine(), "sections": {}}
    print(f"Phasewise benchmarks, {results['date']}{' (quick)' if args.quick else ''}")
    print(", ".join(f"{k} {v}" for k, v in results["machine"].items()) + "\n", flush=True)
    failed = False
    for name in names:
        title, started_section = name, time.monotonic()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            title, _, note = (module.__doc__ or name).strip().partition("\n")
            rows = module.run(args.quick)
        except Exception:  # noqa: BLE001 - report it and go on with the next section
            failed = True
            print(f"### {title}\n\nFAILED:\n```\n{traceback.format_exc()}```\n", flush=True)
            results["sections"][name] = {"title": title, "error": traceback.format_exc()}
            continue
        seconds = round(time.monotonic() - started_section, 1)
        results["sections"][name] = {"title": title, "seconds": seconds, "rows": rows}
        print(markdown(title, rows, note.strip()), flush=True)
    elapsed = results["elapsed_s"] = round(time.monotonic() - started, 1)
    load = results["load average at end"] = os.getloadavg()
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, default=str))
    print(f"{elapsed} s in all, load average at the end {load}; numbers in {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
