"""Deck build: the full .pptx (all diseases, shipped data) from the command line (s).

Each run is `python -m <deck module> --out X` in a fresh process: Python start, imports, loading
the data, the export browser's start and the build. The first run also warms the disk caches and
bytecode; `warm` is the median of the later runs. `CLI s` is the time the command prints itself
(load + build, after imports).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import REPO, median, verdict

TARGET_S = 10.0


def deck_module() -> str:
    """The module with the deck command line: lib.deck, or wherever build_deck lives now."""
    if importlib.util.find_spec("lib.deck"):
        return "lib.deck"
    for path in sorted((REPO / "lib").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "def build_deck(" in text and '__name__ == "__main__"' in text:
            return ".".join(path.relative_to(REPO).with_suffix("").parts)
    raise RuntimeError("no module under lib/ defines build_deck with a command line")


def run(quick: bool) -> list[dict]:
    if quick:
        return [{"note": "skipped with --quick (about 10 s per build)"}]
    module, runs = deck_module(), []
    env = dict(os.environ, PHASEWISE_DATA_DIR=str(REPO / "data"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "deck.pptx"
        for _ in range(3):
            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", module, "--out", str(out)],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            wall = time.perf_counter() - start
            if proc.returncode:
                raise RuntimeError(f"{module} exited {proc.returncode}: {proc.stderr[-500:]}")
            own = re.search(r"in ([\d.]+) s", proc.stdout)
            runs.append(
                {
                    "wall": wall,
                    "cli": float(own.group(1)) if own else None,
                    "MB": out.stat().st_size / 1e6,
                    "stdout": proc.stdout.strip(),
                }
            )
    warm = median([r["wall"] for r in runs[1:]])
    return [
        {
            "module": module,
            "first run s": round(runs[0]["wall"], 2),
            "warm s": round(warm, 2),
            "CLI s (warm)": median([r["cli"] for r in runs[1:] if r["cli"] is not None]),
            "MB": round(runs[-1]["MB"], 1),
            "target": f"< {TARGET_S:.0f} s warm",
            "": verdict(warm, TARGET_S),
            "_runs": runs,
        }
    ]
