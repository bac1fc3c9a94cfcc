"""Review notebooks: parameters, execution to HTML on the fixture demo release, errors, determinism."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from medroutes.notebooks import (
    INJECTED_TAG,
    NotebookError,
    execute_to_html,
    inject_parameters,
    locate_release,
    read_percent,
    to_html,
)

from .conftest import DEMO, RAW, REPO, SNAKEMAKE, load_config

NOTEBOOKS = REPO / "notebooks"
NAMES = ["01_intake_and_rejects", "02_harmonisation", "03_comparison"]
RELEASE = "demo-results/demo"  # relative to the demo working directory, as the pipeline passes it


# -- fast: reading and parameters, no kernel --------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_notebook_has_one_parameters_cell_taking_release_dir(name):
    nb = read_percent(NOTEBOOKS / f"{name}.py")
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "release_dir = None" in tagged[0].source
    assert [c.id for c in nb.cells] == [f"cell-{i:03d}" for i in range(len(nb.cells))]  # not random ids


def test_parameters_are_injected_after_the_parameters_cell():
    nb = read_percent(NOTEBOOKS / "03_comparison.py")
    n = len(nb.cells)
    inject_parameters(nb, {"release_dir": "results/x", "countries": ["ITA", "ESP"]})
    assert len(nb.cells) == n + 1
    at = next(i for i, c in enumerate(nb.cells) if INJECTED_TAG in c.metadata.get("tags", []))
    assert "parameters" in nb.cells[at - 1].metadata["tags"]
    assert "release_dir = 'results/x'" in nb.cells[at].source
    assert "countries = ['ITA', 'ESP']" in nb.cells[at].source


def test_a_parameter_that_is_not_a_literal_is_refused():
    nb = read_percent(NOTEBOOKS / "03_comparison.py")
    with pytest.raises(NotebookError, match="release_dir"):
        inject_parameters(nb, {"release_dir": Path("results/x")})


def test_a_print_split_across_flushes_renders_as_one_block():
    """The kernel's stdout timer may split one print into "text" and "\\n" under load (CI saw it): same page."""
    import nbformat

    def page(*streams):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("print(x); display(y)", id="cell-000")
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in streams]
        cell.outputs.append(nbformat.v4.new_output("display_data", data={"text/markdown": "**zz-next**"}))
        cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text="zz-after\n"))
        nb.cells.append(cell)
        return to_html(nb, "split")

    whole = page('{"year": "2017"}\n')
    assert page('{"year": "2017"}', "\n") == whole
    assert whole.index("2017") < whole.index("zz-next") < whole.index("zz-after")  # order kept, not regrouped


def test_locate_release_reads_the_configured_release(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text("out_dir: out\nrelease: r1\n", encoding="utf-8")
    (tmp_path / "out" / "r1").mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    assert locate_release(start=tmp_path / "notebooks").resolve() == (tmp_path / "out" / "r1").resolve()
    with pytest.raises(NotebookError, match="not found"):
        locate_release(tmp_path / "out" / "nope")


# -- slow: execution on the fixture demo release ----------------------------------------------------

def run_snakemake(workdir: Path, *targets: str):
    """The demo workflow on the fixture raw files (targets before --config, which takes a list)."""
    cmd = [SNAKEMAKE, "-s", str(REPO / "Snakefile"), "-d", str(workdir), "--cores", "2", *targets,
           "--configfile", *DEMO, "--config", f"raw_dir={RAW}"]
    env = {k: v for k, v in os.environ.items() if k != "MEDROUTES_RAW_DIR"}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def demo_release(tmp_path_factory) -> Path:
    """A working directory holding the demo release (fixture data), built by the demo workflow."""
    wd = tmp_path_factory.mktemp("nb_demo")
    sources = load_config()["use_sources"]
    targets = [f"{RELEASE}/clean/{s}.ledger.json" for s in sources]
    targets += [f"{RELEASE}/harmonised/observations.parquet"]
    targets += [f"{RELEASE}/compare/{t}.parquet" for t in ("route_year", "reconciliation", "per_capita",
                                                           "availability")]
    res = run_snakemake(wd, *targets)
    assert res.returncode == 0, res.stderr[-3000:]
    return wd


def _params(name: str) -> dict:
    config = load_config()
    return {"01_intake_and_rejects": {"release_dir": RELEASE, "sources": list(config["use_sources"])},
            "02_harmonisation": {"release_dir": RELEASE, "routes": list(config["routes"])},
            "03_comparison": {"release_dir": RELEASE, "countries": list(config["countries"])}}[name]


def _run(name: str, cwd: Path, out: Path) -> str:
    execute_to_html(NOTEBOOKS / f"{name}.py", out, _params(name), cwd=cwd, timeout=300)
    return out.read_text(encoding="utf-8")


def _text(html: str) -> str:
    """The page's text, without tags, as a reader sees it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def pages(demo_release) -> dict[str, str]:
    return {name: _run(name, demo_release, demo_release / RELEASE / "notebooks" / f"{name}.html")
            for name in NAMES}


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_page_is_complete_and_offline(pages, name):
    html = pages[name]
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"SKIPPED: [^<]", html), "every input of the notebook is in the demo release"
    assert "Traceback" not in html
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html, "no warning printed by any cell"
    assert not re.search(r"<script[^>]*src=", html), "the page must not load scripts from the network"
    assert "cell-id=cell-000" in html  # numbered cell ids, not random ones


@pytest.mark.slow
def test_intake_and_rejects_page(pages, demo_release):
    text = _text(pages["01_intake_and_rejects"])
    for heading in ("01 · Intake and rejects", "Provenance", "Rows in, kept and rejected", "Rejection reasons",
                    "Rejected rows, by source and reason"):
        assert heading in text
    release = demo_release / RELEASE
    prov = json.loads((release / "intake" / "iom_mmp.provenance.json").read_text(encoding="utf-8"))
    assert prov["observed"][0]["sha256"] in text
    ledgers = {p.name.split(".")[0]: json.loads(p.read_text(encoding="utf-8"))
               for p in (release / "clean").glob("*.ledger.json")}
    rejected = {sid: lg for sid, lg in ledgers.items() if lg["rows_rejected"]}
    assert rejected, "the fixtures are meant to exercise rejects"
    for sid, lg in rejected.items():
        assert f"{sid} : {lg['rows_rejected']:,} rejected rows" in text
        for reason in lg["rejected_by_reason"]:
            assert reason in text
    sid = sorted(rejected)[0]
    first = pd.read_parquet(release / "clean" / f"{sid}.rejects.parquet").sort_values(["raw_file", "raw_row"])
    assert first["raw_ref"].iloc[0] in text


@pytest.mark.slow
def test_harmonisation_page(pages, demo_release):
    text = _text(pages["02_harmonisation"])
    for heading in ("02 · Harmonisation", "Observations by source, indicator and unit", "Route coverage",
                    "Area resolution", "Period coverage", "Observation status", "Lineage: from a value back"):
        assert heading in text
    obs = pd.read_parquet(demo_release / RELEASE / "harmonised" / "observations.parquet")
    assert f"{len(obs):,} observations" in text
    example = obs[obs["route"].notna()].iloc[0]
    assert f"Open it at {example['raw_ref']}" in text and "matches the observation's raw_sha256" in text


@pytest.mark.slow
def test_comparison_page(pages):
    text = _text(pages["03_comparison"])
    for heading in ("03 · Comparison", "Route × year", "Reconciliation: arrivals by source", "Per capita",
                    "Data availability", "Detections, not persons", "Partial years", "Suppressed counts"):
        assert heading in text
    # Central Mediterranean 2016 detections in the fixtures: 1200 + 5300 + 900 + 40 (see test_workflow)
    assert "7,440" in text


@pytest.mark.slow
def test_same_release_gives_the_same_html_bytes_in_another_directory(pages, demo_release, tmp_path):
    other = tmp_path / "elsewhere"
    shutil.copytree(demo_release / RELEASE, other / RELEASE, ignore=shutil.ignore_patterns("notebooks"))
    again = _run("03_comparison", other, other / "page.html")
    assert again == pages["03_comparison"]


@pytest.mark.slow
def test_a_missing_table_skips_its_section_with_a_message(demo_release, tmp_path):
    other = tmp_path / "partial"
    shutil.copytree(demo_release / RELEASE, other / RELEASE, ignore=shutil.ignore_patterns("notebooks"))
    (other / RELEASE / "compare" / "per_capita.parquet").unlink()
    text = _text(_run("03_comparison", other, other / "page.html"))
    assert "SKIPPED: compare/per_capita.parquet is not in this release" in text
    assert "Skipped : no per-capita table in this release." in text
    assert "7,440" in text  # the other sections still run


@pytest.mark.slow
def test_failing_cell_names_the_notebook_and_the_cell(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('# %% [markdown]\n# # A notebook that fails\n\n# %% tags=["parameters"]\nx = 1\n\n'
                   '# %%\ny = x + 1\n\n# %%\nraise ValueError(f"no such table {x}")\n', encoding="utf-8")
    out = tmp_path / "out" / "bad.html"
    with pytest.raises(NotebookError) as err:
        execute_to_html(bad, out, {"x": 7}, cwd=tmp_path, timeout=120)
    msg = str(err.value)
    assert str(bad) in msg
    assert "cell 5 of 5 (line 10) failed: ValueError: no such table 7" in msg
    assert 'cell begins: raise ValueError(f"no such table {x}")' in msg
    assert not out.exists() and not list(out.parent.glob("*.tmp"))  # nothing half-written


@pytest.mark.slow
def test_review_notebook_rule_builds_the_page(demo_release):
    target = f"{RELEASE}/notebooks/01_intake_and_rejects.html"
    (demo_release / target).unlink(missing_ok=True)
    res = run_snakemake(demo_release, target)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "Provenance" in (demo_release / target).read_text(encoding="utf-8")
