"""Deck build: the full .pptx (all diseases, shipped data) from the command line (s).

Each run is `python -m lib.deck --out X` in a fresh process: Python start, imports, loading the
data, the export browser's start and the build. The first run also warms the disk caches and
bytecode; `warm s` is the median of the later runs, `warm CPU s` their CPU time (the command and
the subprocesses it reaped), and `CLI s` the time the command reports (load + build, no imports).
"""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time

from benchmarks import REPO, median, verdict

TARGET_S = 10.0
TIMEOUT_S = 300


def _children_cpu() -> float:
    """CPU seconds used so far by finished child processes and the descendants they reaped."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(quick: bool) -> list[dict]:
    if quick:
        return [{"note": "skipped with --quick (about 10 s per build)"}]
    env = dict(os.environ, PHASEWISE_DATA_DIR=str(REPO / "data"))
    walls, cpus, reported = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "lib.deck", "--out", f"{tmp}/deck.pptx"]
        for _ in range(3):
            start, cpu = time.perf_counter(), _children_cpu()
            # Its own process group, so a hung build can be stopped with its export browser.
            proc = subprocess.Popen(
                command,
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
            try:
                out, err = proc.communicate(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                raise RuntimeError(f"lib.deck did not finish in {TIMEOUT_S} s") from None
            walls.append(time.perf_counter() - start)
            cpus.append(_children_cpu() - cpu)
            if proc.returncode:
                raise RuntimeError(f"lib.deck exited {proc.returncode}: {err[-500:]}")
            reported += [float(s) for s in re.findall(r"in ([\d.]+) s", out)]
    warm = median(walls[1:])
    return [{
        "first run s": round(walls[0], 2),
        "warm s": round(warm, 2),
        "warm CPU s": round(median(cpus[1:]), 2),
        "CLI s": median(reported[1:]),
        "target": f"< {TARGET_S:.0f} s warm",
        "": verdict(warm, TARGET_S),
        "_walls_s": walls,
    }]  # fmt: skip
