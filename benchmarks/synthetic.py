"""Synthetic data directories: `scale` times the shipped studies and figures, valid under the same
models (every reference remapped), for load and page benchmarks.

    python -m benchmarks.synthetic 10 /tmp/x      # writes /tmp/x and checks it with load_dataset

Copy 0 is the shipped data unchanged; copy k (1..scale-1) appends `-s{k}` to every id of a study,
its arms, outcomes, comparisons and key facts, and remaps every reference (study, arm,
intervention_arm, control_arm, outcomes, corresponds_to). Documents, publications, notes,
consensus and glossary are kept as they are (notes are per phase, not per study). Copies keep the
shipped `headline` picks off (`headline: false`): headlines are curated, a larger dataset would
still choose a handful per phase. Pass `keep_headlines=True` to replicate them too.
"""

from __future__ import annotations

import copy
import hashlib
import shutil
import sys
import time
from pathlib import Path

import yaml

from lib.dataset import DEFAULT_DATA_DIR, FILES

try:  # libyaml: ~10x faster for the large files
    _Dumper = yaml.CSafeDumper
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Dumper = yaml.SafeDumper
    _Loader = yaml.SafeLoader

CACHE_ROOT = Path("/tmp/phasewise-bench")
GENERATOR_VERSION = "2"  # bump when the generated content changes, to invalidate the cache
REPLICATED = ("studies.yaml", "outcomes.yaml", "comparisons.yaml", "key_facts.yaml")


def _read(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe loader


_MARKER = "-sQZQZQZ"  # stands for the copy suffix in the template text; never in real data


def _suffix(value: str, marker: str) -> str:
    return f"{value}{marker}"


def _copy_records(collection: str, records: list[dict], marker: str,
                  keep_headlines: bool) -> list[dict]:
    """One renamed copy of a collection: ids suffixed with `marker`, references remapped."""
    out = []
    for record in records:
        new = copy.deepcopy(record)
        new["id"] = _suffix(record["id"], marker)
        if not keep_headlines and new.get("headline"):
            new["headline"] = False
        if collection == "studies":
            for arm in new["arms"]:
                arm["id"] = _suffix(arm["id"], marker)
        elif collection == "outcomes":
            new["study"] = _suffix(record["study"], marker)
            new["arm"] = _suffix(record["arm"], marker)
            if record.get("corresponds_to"):
                new["corresponds_to"] = _suffix(record["corresponds_to"], marker)
        elif collection == "comparisons":
            new["study"] = _suffix(record["study"], marker)
            new["intervention_arm"] = _suffix(record["intervention_arm"], marker)
            new["control_arm"] = _suffix(record["control_arm"], marker)
            if record.get("outcomes"):
                new["outcomes"] = [_suffix(o, marker) for o in record["outcomes"]]
        out.append(new)
    return out


def _dump(content) -> str:
    return yaml.dump(content, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)


def generate(scale: int, out_dir: Path, *, source: Path = DEFAULT_DATA_DIR,
             keep_headlines: bool = False) -> Path:
    """Write a valid data directory with `scale` times the shipped studies and figures.

    Each replicated file is copy 0 (the shipped records) followed by scale-1 renamed copies. The
    renamed copy is dumped once as a template with a marker suffix and the marker is replaced by
    `-s{k}` per copy, so generating 1000x takes seconds, not minutes.
    """
    if scale < 1:
        raise ValueError("scale must be >= 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        if name not in REPLICATED or scale == 1:
            shutil.copyfile(source / name, out_dir / name)
    if scale == 1:
        return out_dir
    for name in REPLICATED:
        collection = name.removesuffix(".yaml")
        records = _read(source / name)[collection]
        original = _dump(records)
        template = _dump(_copy_records(collection, records, _MARKER, keep_headlines))
        if _MARKER in original or template.count(_MARKER) == 0:
            raise RuntimeError(f"{name}: marker {_MARKER!r} unusable")
        head, *pieces = template.split(_MARKER)  # join with -s{k} without re-scanning the text
        with open(out_dir / name, "w", encoding="utf-8") as handle:
            handle.write(f"{collection}:\n")
            handle.write(original)
            for k in range(1, scale):
                handle.write(f"-s{k}".join([head, *pieces]))
    return out_dir


def data_hash(source: Path = DEFAULT_DATA_DIR) -> str:
    """A short hash of the shipped data files' names and contents (and the generator version)."""
    digest = hashlib.sha256(GENERATOR_VERSION.encode())
    for name in sorted(FILES):
        digest.update(name.encode())
        digest.update((source / name).read_bytes())
    return digest.hexdigest()[:12]


def cached(scale: int, source: Path = DEFAULT_DATA_DIR, root: Path = CACHE_ROOT) -> Path:
    """The generated directory for `scale`, reused from /tmp/phasewise-bench/ when the shipped
    data is unchanged (keyed by scale and a hash of data/). Scale 1 is the shipped data itself."""
    if scale == 1:
        return source
    target = root / f"x{scale}-{data_hash(source)}"
    done = target / ".complete"
    if done.exists():
        return target
    partial = root / f".tmp-x{scale}-{data_hash(source)}"
    shutil.rmtree(partial, ignore_errors=True)
    generate(scale, partial, source=source)
    (partial / ".complete").write_text(time.strftime("%Y-%m-%dT%H:%M:%S"))
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


def _self_check(scale: int, out_dir: Path) -> None:
    """Generate, then assert load_dataset accepts it with the expected record counts."""
    from lib import dataset as dataset_module

    t0 = time.perf_counter()
    generate(scale, out_dir)
    t_gen = time.perf_counter() - t0
    sizes = {name: (out_dir / name).stat().st_size for name in FILES}
    biggest = max(sizes.values())
    limit = dataset_module.MAX_FILE_BYTES
    if biggest > limit:
        # The shipped loader refuses files over MAX_FILE_BYTES; raise it for this check only.
        print(f"note: largest file is {biggest / 1e6:.1f} MB, above the loader's "
              f"{limit / 1e6:.0f} MB limit; load_dataset would refuse it. Checking with the "
              f"limit raised for this process only.")
        dataset_module.MAX_FILE_BYTES = biggest + 1
    t0 = time.perf_counter()
    ds = dataset_module.load_dataset(out_dir)
    t_load = time.perf_counter() - t0
    shipped = dataset_module.load_dataset(DEFAULT_DATA_DIR)
    for name in ("studies", "outcomes", "comparisons", "key_facts"):
        got, want = len(getattr(ds, name)), scale * len(getattr(shipped, name))
        assert got == want, f"{name}: {got} records, expected {want}"
    for name in ("documents", "publications", "notes", "consensus", "glossary"):
        assert len(getattr(ds, name)) == len(getattr(shipped, name)), name
    arms = sum(len(s.arms) for s in ds.studies)
    assert arms == scale * sum(len(s.arms) for s in shipped.studies)
    print(f"ok: {out_dir} x{scale}: {len(ds.studies)} studies, {arms} arms, "
          f"{len(ds.outcomes)} outcomes, {len(ds.comparisons)} comparisons, "
          f"{len(ds.key_facts)} key facts; {sum(sizes.values()) / 1e6:.1f} MB; "
          f"generated in {t_gen:.2f} s, load_dataset {t_load:.2f} s")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[0].isdigit():
        print("usage: python -m benchmarks.synthetic SCALE OUT_DIR", file=sys.stderr)
        return 2
    _self_check(int(argv[0]), Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
