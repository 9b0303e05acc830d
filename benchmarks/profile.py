"""Where the time goes, for the docs: cProfile of one slow path, summarised as the top functions
(cumulative, with share of the total) and the self time per package.

    python -m benchmarks.profile page maintenance [--scale 1] [--runs 3] [--top 25]
    python -m benchmarks.profile load [--scale 100] [--top 25]
    python -m benchmarks.profile table [--scale 10]        # figure_table alone
    python -m benchmarks.profile variants [--scale 100]    # parse vs GC, fresh processes
    python -m benchmarks.profile slides [--scale 10]       # the Present page's slide list

`page` profiles the script thread of warm AppTest reruns of one page (all diseases selected);
`load` profiles load_dataset + figure_table in this process (cold: first call).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import synthetic  # noqa: E402

GROUPS = [(str(REPO / "lib") + "/", "lib (app code)"), (str(REPO / "pages") + "/", "pages"),
          ("/plotly/", "plotly"), ("/_plotly_utils/", "plotly"),
          ("/pandas/", "pandas"), ("/numpy/", "numpy"), ("/streamlit/", "streamlit"),
          ("/yaml/", "yaml"), ("/pydantic", "pydantic"), ("/narwhals/", "narwhals"),
          ("/google/protobuf", "protobuf"), ("/pyarrow/", "pyarrow"), ("/json/", "json"),
          ("/orjson", "orjson"), ("/copy.py", "copy (stdlib)"), ("/re/", "re (stdlib)")]


def group_of(filename: str) -> str:
    for needle, name in GROUPS:
        if needle in filename:
            return name
    if filename.startswith("~") or filename == "<built-in>":
        return "builtins"
    return "other"


def summarise(profile: cProfile.Profile, total_s: float, top: int) -> str:
    stats = pstats.Stats(profile)
    raw = stats.stats  # {(file, line, func): (cc, nc, tt, ct, callers)}
    total_tt = sum(v[2] for v in raw.values()) or 1.0
    by_group: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, tt, _, _) in raw.items():
        by_group[group_of(filename)] += tt
    lines = [f"wall {total_s * 1000:,.0f} ms (profiled; cProfile adds overhead, compare shares)",
             "", "self time by package:"]
    for name, tt in sorted(by_group.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {name:<18} {tt * 1000:9,.0f} ms  {100 * tt / total_tt:5.1f}%")
    app = sorted(((k, v) for k, v in raw.items() if k[0].startswith(str(REPO / "lib"))),
                 key=lambda kv: -kv[1][3])[:top]
    lines += ["", "app functions (lib/) by cumulative time:"]
    for (filename, line, func), (_, nc, _tt, ct, _) in app:
        lines.append(f"  {100 * ct / total_tt:5.1f}%  {ct * 1000:9,.0f} ms cum  {nc:>7} calls  "
                     f"{func} ({_short(filename)}:{line})")
    for title, index in (("cumulative", 3), ("self", 2)):
        lines += ["", f"top functions by {title} time (share of profiled total):"]
        rows = sorted(raw.items(), key=lambda kv, i=index: -kv[1][i])[:top]
        for (filename, line, func), (_, nc, tt, ct, _) in rows:
            lines.append(f"  {100 * (ct if index == 3 else tt) / total_tt:5.1f}%  "
                         f"{ct * 1000:9,.0f} ms cum  {tt * 1000:8,.0f} ms self  {nc:>8} calls  "
                         f"{func} ({_short(filename)}:{line})")
    callers_of = [k for k in raw if any(k[2] == f and part in k[0] for f, part in CALLERS_OF)
                  and raw[k][3] > 0.03 * total_tt]
    for key in callers_of:
        callers = raw[key][4]
        if not callers:
            continue
        lines += ["", f"callers of {key[2]} ({_short(key[0])}):"]
        for (filename, line, func), (_, nc, _tt, ct) in sorted(callers.items(),
                                                              key=lambda kv: -kv[1][3])[:8]:
            lines.append(f"  {ct * 1000:9,.0f} ms cum  {nc:>6} calls  from {func} "
                         f"({_short(filename)}:{line})")
    return "\n".join(lines)


# (function, part of its file name): show who calls these when they cost > 3% of the total
CALLERS_OF = [("itertuples", "pandas/core/frame.py"), ("iterrows", "pandas/core/frame.py"),
              ("to_dict", "pandas/core/frame.py"), ("deepcopy", "copy.py"),
              ("__init__", "plotly/basedatatypes.py"), ("apply", "pandas/core/frame.py"),
              ("_getitem_tuple", "pandas/core/indexing.py")]


def _short(filename: str) -> str:
    short = filename.replace(str(REPO) + "/", "")
    return short.split("site-packages/", 1)[1] if "site-packages/" in short else short


def profile_page(page: str, scale: int, runs: int, top: int) -> str:
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    os.environ["PHASEWISE_DATA_DIR"] = str(synthetic.cached(scale))
    profile = cProfile.Profile()
    active = {"on": False, "wall": 0.0}
    original = script_runner.exec_func_with_error_handling

    def exec_profiled(func, ctx):  # the script thread: where cProfile must be enabled
        if not active["on"]:
            return original(func, ctx)
        t0 = time.perf_counter()
        profile.enable()
        try:
            return original(func, ctx)
        finally:
            profile.disable()
            active["wall"] += time.perf_counter() - t0

    script_runner.exec_func_with_error_handling = exec_profiled
    app = str(REPO / "streamlit_app.py")
    at = AppTest.from_file(app, default_timeout=900)
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
    at.query_params["disease"] = ["AML", "MDS", "ALL"]
    at.run()  # warm: dataset cache, imports
    at.run()
    active["on"] = True
    for _ in range(runs):
        at.run()
    active["on"] = False
    head = f"page {page!r} at {scale}x, {runs} warm run(s), script thread only"
    return head + "\n" + summarise(profile, active["wall"] / runs, top)


def profile_slides(scale: int, top: int) -> str:
    """lib.slides.slides for all diseases: what the Present page's first run computes."""
    from lib import dataset as dataset_module
    from lib import slides
    from lib.queries import figure_table

    data_dir = synthetic.cached(scale)
    largest = max((data_dir / n).stat().st_size for n in dataset_module.FILES)
    dataset_module.MAX_FILE_BYTES = max(dataset_module.MAX_FILE_BYTES, largest + 1)
    ds = dataset_module.load_dataset(data_dir)
    table = figure_table(ds)
    profile = cProfile.Profile()
    t0 = time.perf_counter()
    deck = profile.runcall(slides.slides, ds, table, ["AML", "MDS", "ALL"])
    head = f"slides.slides (all diseases) at {scale}x: {len(deck)} slides"
    return head + "\n" + summarise(profile, time.perf_counter() - t0, top)


def profile_load(scale: int, top: int, table_only: bool = False) -> str:
    from lib import dataset as dataset_module
    from lib.queries import figure_table

    data_dir = synthetic.cached(scale)
    largest = max((data_dir / n).stat().st_size for n in dataset_module.FILES)
    dataset_module.MAX_FILE_BYTES = max(dataset_module.MAX_FILE_BYTES, largest + 1)
    profile = cProfile.Profile()
    if table_only:
        ds = dataset_module.load_dataset(data_dir)
        t0 = time.perf_counter()
        profile.runcall(figure_table, ds)
        head = f"figure_table at {scale}x"
    else:
        t0 = time.perf_counter()
        profile.runcall(lambda: figure_table(dataset_module.load_dataset(data_dir)))
        head = f"load_dataset + figure_table at {scale}x (cold, first call in this process)"
    return head + "\n" + summarise(profile, time.perf_counter() - t0, top)


_VARIANT = r"""
import gc, sys, time
import yaml
sys.path.insert(0, {repo!r})
from pathlib import Path
from lib import dataset as d
d.MAX_FILE_BYTES = 1 << 40
data = Path({data!r})
variant = {variant!r}
texts = {{n: (data / n).read_text(encoding="utf-8") for n in d.FILES}}
if variant.endswith("nogc"):
    gc.disable()
t0, c0 = time.perf_counter(), time.process_time()
if variant.startswith("load_dataset"):
    d.load_dataset(data)
elif variant.startswith("strict"):
    for t in texts.values():
        yaml.load(t, Loader=d._StrictLoader)
elif variant.startswith("csafe"):
    for t in texts.values():
        yaml.load(t, Loader=yaml.CSafeLoader)
print(f"wall {{time.perf_counter() - t0:7.2f}} s   cpu {{time.process_time() - c0:7.2f}} s")
"""


def load_variants(scale: int) -> str:
    """load_dataset and YAML parsing alone, with the cyclic GC on and off, each in a fresh
    process: how much of the load is the pure-Python parser and how much is GC."""
    import subprocess

    data = synthetic.cached(scale)
    lines = [f"load variants at {scale}x (fresh process each, seconds)"]
    for variant in ("load_dataset", "load_dataset nogc", "strict parse", "strict parse nogc",
                    "csafe parse", "csafe parse nogc"):
        code = _VARIANT.format(repo=str(REPO), data=str(data), variant=variant)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=900)
        value = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-200:]
        lines.append(f"  {variant:<20} {value}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["page", "load", "table", "variants", "slides"])
    parser.add_argument("page", nargs="?", default="maintenance")
    parser.add_argument("--scale", type=int, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    if args.what == "page":
        print(profile_page(args.page, args.scale or 1, args.runs, args.top))
    elif args.what == "slides":
        print(profile_slides(args.scale or 10, args.top))
    elif args.what == "variants":
        print(load_variants(args.scale or 100))
    else:
        print(profile_load(args.scale or (100 if args.what == "load" else 10), args.top,
                           table_only=args.what == "table"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
