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
GENERATOR_VERSION = "1"  # bump when the generated content changes, to invalidate the cache
REPLICATED = ("studies.yaml", "outcomes.yaml", "comparisons.yaml", "key_facts.yaml")


def _read(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe loader


def _write(path: Path, content: dict) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        yaml.dump(content, handle, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                  width=4096)


def _suffix(value: str, k: int) -> str:
    return value if k == 0 else f"{value}-s{k}"


def replicate(source: Path, scale: int, keep_headlines: bool = False) -> dict[str, dict]:
    """The four replicated files' contents, `scale` copies each, every reference remapped."""
    if scale < 1:
        raise ValueError("scale must be >= 1")
    studies = _read(source / "studies.yaml")["studies"]
    outcomes = _read(source / "outcomes.yaml")["outcomes"]
    comparisons = _read(source / "comparisons.yaml")["comparisons"]
    key_facts = _read(source / "key_facts.yaml")["key_facts"]
    out = {"studies": [], "outcomes": [], "comparisons": [], "key_facts": []}
    for k in range(scale):
        def s(value, k=k):
            return _suffix(value, k)

        def copy_record(record: dict) -> dict:
            new = copy.deepcopy(record)
            new["id"] = s(record["id"])
            if k and not keep_headlines and new.get("headline"):
                new["headline"] = False
            return new

        for study in studies:
            new = copy_record(study)
            new["arms"] = [{**copy.deepcopy(arm), "id": s(arm["id"])} for arm in study["arms"]]
            out["studies"].append(new)
        for outcome in outcomes:
            new = copy_record(outcome)
            new["study"] = s(outcome["study"])
            new["arm"] = s(outcome["arm"])
            if outcome.get("corresponds_to"):
                new["corresponds_to"] = s(outcome["corresponds_to"])
            out["outcomes"].append(new)
        for comp in comparisons:
            new = copy_record(comp)
            new["study"] = s(comp["study"])
            new["intervention_arm"] = s(comp["intervention_arm"])
            new["control_arm"] = s(comp["control_arm"])
            if comp.get("outcomes"):
                new["outcomes"] = [s(o) for o in comp["outcomes"]]
            out["comparisons"].append(new)
        for fact in key_facts:
            out["key_facts"].append(copy_record(fact))
    return out


def generate(scale: int, out_dir: Path, *, source: Path = DEFAULT_DATA_DIR,
             keep_headlines: bool = False) -> Path:
    """Write a valid data directory with `scale` times the shipped studies and figures."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        if name not in REPLICATED:
            shutil.copyfile(source / name, out_dir / name)
    if scale == 1 and not keep_headlines:
        for name in REPLICATED:
            shutil.copyfile(source / name, out_dir / name)
        return out_dir
    content = replicate(source, scale, keep_headlines)
    for name, key in zip(REPLICATED, ("studies", "outcomes", "comparisons", "key_facts"),
                         strict=True):
        _write(out_dir / name, {key: content[key]})
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
