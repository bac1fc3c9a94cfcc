"""medroutes explain: any route-table value traced to the observations and raw rows that give it."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest
from medroutes import explain
from medroutes.explain import ExplainError

CM16 = {"route": "central_mediterranean", "year": "2016"}


@pytest.fixture(scope="module")
def release(demo_runs):
    return demo_runs[0] / "demo-results" / "demo"


@pytest.mark.slow
def test_detections_are_traced_to_the_frontex_rows_that_sum_to_them(release):
    trace = explain.explain(release, "route_year", CM16, "detections")
    assert trace.value == 7440
    assert trace.observations["value"].sum() == 7440
    assert set(trace.observations["raw_file"]) == {"frontex_ibc/frontex.rda"}
    assert list(trace.observations["raw_row"]) == [1, 2, 3, 4]


@pytest.mark.slow
def test_a_ratio_is_decomposed_into_its_parts_each_traced(release):
    trace = explain.explain(release, "route_year", CM16, "dead_and_missing_per_1000_detections")
    assert trace.value == pytest.approx(1000 * 47 / 7440)
    assert "1000 x dead_and_missing / detections" in trace.text()
    by = trace.observations.groupby("measure")["value"].sum()
    assert by["dead_and_missing"] == 47 and by["detections_sea"] == 7440


@pytest.mark.slow
def test_a_value_its_parts_do_not_give_fails_loudly(release, tmp_path):
    copy = tmp_path / "release"
    shutil.copytree(release, copy)
    path = copy / "compare" / "route_year.parquet"
    table = pd.read_parquet(path)
    table.loc[(table["route"] == "central_mediterranean") & (table["year"] == 2016), "detections_sea"] = 7441
    table.to_parquet(path)
    with pytest.raises(ExplainError, match="detections_sea is 7,441 but its parts give 7,440"):
        explain.explain(copy, "route_year", CM16, "detections_sea")


@pytest.mark.slow
def test_a_column_that_is_not_a_computed_number_says_what_can_be_traced(release):
    with pytest.raises(ExplainError, match="'partial_year' is not a number computed from observations"):
        explain.explain(release, "route_year", CM16, "partial_year")
    with pytest.raises(ExplainError, match="explain traces compare/route_year and compare/route_month"):
        explain.explain(release, "nationality", CM16, "share")


@pytest.mark.slow
def test_the_command_line_prints_the_trace_and_the_records(release):
    res = subprocess.run([sys.executable, "-m", "medroutes", "explain", "route_month", "route=central_mediterranean",
                          "year=2016", "month=6", "detections", "--release", str(release), "--records"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "detections = detections_sea + detections_land = 6,200" in res.stdout
    assert "frontex_ibc/frontex.rda frontex record 2" in res.stdout
    bad = subprocess.run([sys.executable, "-m", "medroutes", "explain", "route_year", "route", "detections",
                          "--release", str(release)], capture_output=True, text=True)
    assert bad.returncode == 2 and "is not name=value" in bad.stderr


@pytest.mark.slow
def test_the_readme_explain_command_runs_as_printed(release, tmp_path):
    """From a folder laid out as the repository (config/config.yaml, results/<release>/), the README's
    command, word for word, with a demo release standing in for the study's."""
    import re

    import yaml

    from .conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    line = re.search(r"^\.venv/bin/python -m medroutes explain .+$", readme, re.M).group(0)
    (tmp_path / "config").mkdir()
    shutil.copy(REPO / "config" / "config.yaml", tmp_path / "config" / "config.yaml")
    name = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))["release"]
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / name).symlink_to(release, target_is_directory=True)
    args = line.split()[1:]  # ".venv/bin/python" is this interpreter
    res = subprocess.run([sys.executable, *args], cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "detections = detections_sea + detections_land" in res.stdout
