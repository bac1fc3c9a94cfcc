"""The scale benchmark's synthetic raw files (bench/synthetic_scale.py): at factor k every file is read
by its unchanged adapter, holds k times the records, rejects k times as many for every reason (so
the duplicate and reject rates are the real ones), keeps the real records as they are, and is
pinned in a registry that validates. Run on the fixture files (a few seconds) and, marked slow
(a minute or two: the real workbooks are read four times), on the real files in ../shared/data
(skipped when absent)."""

from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from medroutes import adapters, clean
from medroutes.config import load_registry

from .conftest import FIXTURES, RAW, REPO, SHARED_DATA

sys.path.insert(0, str(REPO / "bench"))
import synthetic_scale  # noqa: E402

FACTOR = 2
ROOTS = {
    "fixtures": (RAW, FIXTURES / "sources.yaml"),
    "real": (SHARED_DATA, REPO / "config" / "sources.yaml"),
}


def _root(name):
    raw, registry = ROOTS[name]
    if not raw.is_dir():
        pytest.skip(f"real raw data not found at {raw}")
    return raw, registry


PARAMS = [pytest.param("fixtures"), pytest.param("real", marks=pytest.mark.slow)]


@pytest.fixture(scope="module", params=PARAMS)
def generated(request, tmp_path_factory):
    raw, registry = _root(request.param)
    out = tmp_path_factory.mktemp(f"scale-{request.param}")
    report = synthetic_scale.generate(FACTOR, out, raw, registry)
    return raw, out, report


def _ledger(root: Path, entry: dict) -> tuple[pd.DataFrame, dict]:
    adapter = adapters.get(entry["adapter"])
    raw = adapters.read(adapter, [root / entry["id"] / f["name"] for f in entry["files"]])
    shas = {f"{entry['id']}/{f['name']}": f["sha256"] for f in entry["files"]}
    kept, _rejects, ledger = clean.clean(raw, adapter.SPEC, raw_sha256=shas, max_period="2025-12-31")
    return kept, ledger


def test_registry_validates_and_pins_the_generated_files(generated):
    _, out, report = generated
    registry = load_registry(out / "sources.yaml")  # validated against sources.schema.yaml
    assert set(report) <= set(registry)
    for sid in report:
        for f in registry[sid]["files"]:
            data = (out / sid / f["name"]).read_bytes()
            assert (hashlib.sha256(data).hexdigest(), len(data)) == (f["sha256"], f["bytes"]), f["name"]


def test_every_source_is_read_with_k_times_the_records_and_the_same_reject_rates(generated):
    raw, out, report = generated
    registry = yaml.safe_load((out / "sources.yaml").read_text(encoding="utf-8"))
    for entry in registry["sources"]:
        if entry["id"] not in report:
            continue
        k = report[entry["id"]]["factor"]
        assert k == FACTOR
        real_kept, real = _ledger(raw, entry)
        kept, grown = _ledger(out, entry)
        assert grown["rows_in"] == k * real["rows_in"] > 0, entry["id"]
        assert grown["rejected_by_reason"] == {r: k * n for r, n in real["rejected_by_reason"].items()}, entry["id"]
        # the real records are there as they were (in their order); every replica's period is earlier
        period = next(c.name for c in adapters.get(entry["adapter"]).SPEC.columns if c.kind == "period")
        start = real_kept[period].str[:4].astype(int).min()
        is_real = kept[period].str[:4].astype(int) >= start
        assert (~is_real).sum() == (k - 1) * len(real_kept), entry["id"]
        cols = [c for c in real_kept.columns if c not in ("raw_sha256", "raw_row", "raw_ref")]  # JSON-stat
        pd.testing.assert_frame_equal(kept.loc[is_real, cols].reset_index(drop=True),  # cells are renumbered
                                      real_kept[cols].reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("root", PARAMS)
def test_one_times_is_the_real_file(root, tmp_path):
    """At 1x the generator writes the real bytes (xlsx: every zip part), so k x is the real file grown."""
    raw, registry = _root(root)
    synthetic_scale.generate(1, tmp_path, raw, registry)
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.name != "sources.yaml"):
        real = raw / path.relative_to(tmp_path)
        if path.suffix == ".xlsx":
            a, b = zipfile.ZipFile(path), zipfile.ZipFile(real)
            assert a.namelist() == b.namelist()
            assert all(a.read(n) == b.read(n) for n in a.namelist()), path.name
        elif path.suffix == ".json" and root == "fixtures":  # hand-wrapped lines: the same JSON, re-laid out
            assert json.loads(path.read_bytes()) == json.loads(real.read_bytes()), path.name
        else:
            assert path.read_bytes() == real.read_bytes(), path.name


def test_replica_years_stay_dates_and_the_factor_is_bounded():
    # leap days stay leap days: no replica puts a real 29 February on 1900 or 1800
    for back in synthetic_scale.OFFSETS:
        assert back % 4 == 0
        assert all(((y - back) % 100 or (y - back) % 400 == 0) for y in synthetic_scale.LEAP_YEARS)
    offsets = synthetic_scale.OFFSETS
    assert min(b - a for a, b in zip(offsets, offsets[1:], strict=False)) >= synthetic_scale.STRIDE
    assert synthetic_scale.MAX_FACTOR == 16
    with pytest.raises(ValueError, match="factor 17"):
        synthetic_scale.back_years("iom_mmp", 17)
    assert len(synthetic_scale.back_years("population", 16)) == 4  # 65 years a replica, back to 1700
