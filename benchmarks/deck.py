"""Deck build: the full .pptx (all diseases, shipped data) from the command line (s).

`python -m lib.deck --out X` in a fresh process, 3 times; `warm`: the later runs (CPU: the command
and what it reaped); `CLI s`: the time the command reports (load + build, no imports).
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


def children_cpu() -> float:  # finished child processes and the descendants they reaped
    return sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])


def run(quick: bool) -> list[dict]:
    if quick:
        return [{"note": "skipped with --quick (about 10 s per build)"}]
    env = dict(os.environ, PHASEWISE_DATA_DIR=str(REPO / "data"))
    walls, cpus, reported = [], [], []
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "lib.deck", "--out", f"{tmp}/deck.pptx"]
        for _ in range(3):
            start, cpu = time.perf_counter(), children_cpu()
            # Its own process group, so a hung build can be stopped with its export browser.
            proc = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True, **pipes)
            try:
                out, err = proc.communicate(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                raise RuntimeError(f"lib.deck did not finish in {TIMEOUT_S} s") from None
            walls.append(time.perf_counter() - start)
            cpus.append(children_cpu() - cpu)
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
