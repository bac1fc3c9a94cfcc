"""One home per output, and code-aware reruns.

Unit tests read the step modules (medroutes.plan) and the code closure (medroutes.codebase). The
workflow tests run the demo in a scratch copy of the repository, edit the copy's code as a user
would, and check what a dry run plans and what ``verify`` says about the unrebuilt release.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from medroutes import codebase, plan, release

from .conftest import RAW, REPO

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
DEMO_RELEASE = "demo-results/demo"


# --- the step modules -----------------------------------------------------------------------------

def test_every_step_output_lives_at_its_module_address():
    for s in plan.steps():
        for out in s.outputs.values():
            if s.name.startswith("protected/"):  # a protected step keeps its audit in the restricted folder
                out = out.removeprefix(plan.RESTRICTED)
            folder, _, filename = out.rpartition("/")
            stem = filename.split(".", 1)[0]
            stem = {"{source}": "source", "{country}": "country"}.get(stem, stem)
            assert (f"{folder}/{stem}" if folder else stem) == s.name, (s.name, out)


def test_an_output_away_from_its_module_address_is_refused(tmp_path, monkeypatch):
    steps_dir = tmp_path / "steps"
    (steps_dir / "compare").mkdir(parents=True)
    (steps_dir / "compare" / "odd.py").write_text('OUTPUTS = {"parquet": "compare/other.parquet"}\n')
    monkeypatch.setattr(plan, "STEPS_DIR", steps_dir)
    monkeypatch.setattr(codebase, "module_name", lambda p: "medroutes.steps.compare.odd")
    with pytest.raises(ValueError, match="not at this module's address"):
        plan._step(steps_dir / "compare" / "odd.py")


def test_step_declarations_must_be_literals(tmp_path):
    path = plan.STEPS_DIR / "compare" / "route_year.py"
    text = path.read_text(encoding="utf-8").replace('CONFIG = [', 'CONFIG = list(x for x in [', 1)
    bad = tmp_path / "route_year.py"
    bad.write_text(text.replace("]\nKEY", "])\nKEY", 1))
    with pytest.raises(ValueError, match="CONFIG must be a literal"):
        plan._literals(__import__("ast").parse(bad.read_text()), bad)


def test_the_home_rule_maps_every_kind_of_output():
    sources, countries = ("iom_mmp", "unodc_cts"), ("MAR", "ITA")
    cases = {
        "intake/iom_mmp.provenance.json": "intake/source",
        "clean/iom_mmp.parquet": "clean/source",
        "clean/unodc_cts.rejects.parquet": "clean/source",
        "clean/iom_mmp.ledger.json": "clean/source",
        "clean/ledger.csv": "clean/ledger",
        "harmonised/iom_mmp.parquet": "harmonised/source",
        "harmonised/observations.parquet": "harmonised/observations",
        "countries/MAR.parquet": "countries/country",
        "compare/route_year.parquet": "compare/route_year",
        "compare/concentration.parquet": "compare/concentration",
        "figures/nexus.svg": "figures/nexus",
        "notebooks/02_harmonisation.html": "notebooks/02_harmonisation",
        "dictionary.md": "dictionary",
        "manifest.json": "manifest",
    }
    for rel, name in cases.items():
        s = plan.step_of_output(rel, sources, countries)
        assert s is not None and s.name == name, rel
        assert (plan.STEPS_DIR / f"{name}.py").is_file()
    assert plan.step_of_output("compare/nothing.parquet", sources, countries) is None


def test_every_dataset_column_has_a_description():
    from medroutes import adapters, dictionary

    table = dictionary.build({a: a for a in adapters.available()}, {"x": {"unit": "persons"}}, ["MAR"], {})
    empty = table[table["description"] == ""]
    assert empty.empty, empty[["dataset", "column"]].to_string()
    assert {"clean/ledger", "compare/concentration", "countries/<ISO3>"} <= set(table["dataset"])


def test_closure_follows_relative_and_function_local_imports():
    code = plan.code(plan.step("notebooks/01_intake_and_rejects"))
    # notebooks.py imports jupytext inside a function: still a dependency
    assert "workflow/medroutes/notebooks.py" in code.modules and "jupytext" in code.packages
    route_year = plan.code(plan.step("compare/route_year"))
    assert "workflow/medroutes/compare.py" in route_year.modules
    assert "workflow/medroutes/figures.py" not in route_year.modules  # a table job never loads matplotlib
    assert {"pandas", "pyarrow"} <= set(route_year.packages)


def test_a_per_source_step_depends_on_its_own_adapter_only():
    s = plan.step("clean/source")
    iom, pop = plan.code(s, "iom_mmp"), plan.code(s, "population")
    assert "workflow/medroutes/adapters/iom_mmp.py" in iom.modules
    assert "workflow/medroutes/adapters/iom_mmp.py" not in pop.modules
    assert iom.key != pop.key


def test_code_key_changes_with_a_package_version():
    c = plan.code(plan.step("compare/route_year"))
    bumped = codebase.Code(c.modules, {**c.packages, "pandas": "0.0.0"}, c.declarations)
    assert bumped.key != c.key and c.key.startswith(codebase.KEY_PREFIX)


def test_declarations_ignore_function_bodies_but_not_schemas(tmp_path):
    f = tmp_path / "m.py"
    f.write_text('"""doc"""\nSCHEMA = ["a"]\n\n\ndef build(step):\n    return 1\n')
    before = codebase.declarations_sha256(f)
    g = tmp_path / "n.py"
    g.write_text('"""doc"""\nSCHEMA = ["a"]\n\n\ndef build(step):\n    return 100  # other code\n')
    assert codebase.declarations_sha256(g) == before
    h = tmp_path / "o.py"
    h.write_text('"""doc"""\nSCHEMA = ["a", "b"]\n\n\ndef build(step):\n    return 1\n')
    assert codebase.declarations_sha256(h) != before


# --- edits in a scratch copy of the repository --------------------------------------------------

def _copy_repo(dest: Path) -> Path:
    ignore = shutil.ignore_patterns(".venv", ".git", "results", "demo-results", ".snakemake", "__pycache__",
                                    ".pytest_cache", ".ruff_cache")
    for item in ("Snakefile", "config", "workflow", "notebooks", "pyproject.toml"):
        src = REPO / item
        (shutil.copytree(src, dest / item, symlinks=True, ignore=ignore) if src.is_dir()
         else shutil.copy2(src, dest / item))
    (dest / "tests" / "fixtures").mkdir(parents=True)
    shutil.copy2(REPO / "tests" / "fixtures" / "sources.yaml", dest / "tests" / "fixtures" / "sources.yaml")
    return dest


def _snakemake(repo: Path, *args: str):
    env = {k: v for k, v in os.environ.items() if k != "MEDROUTES_RAW_DIR"}
    cmd = [SNAKEMAKE, "-s", str(repo / "Snakefile"), "-d", str(repo), "--cores", "2",
           "--configfile", str(repo / "config" / "config.yaml"), str(repo / "config" / "demo.yaml"),
           "--config", f"raw_dir={RAW}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900, cwd=repo)


def _planned(repo: Path) -> dict[str, int]:
    """Jobs a dry run plans, by rule, from its job-stats table."""
    res = _snakemake(repo, "-n")
    assert res.returncode == 0, res.stderr[-3000:]
    text = res.stdout + res.stderr
    if "Nothing to be done" in text:
        return {}
    table = text.split("Job stats:", 1)[1].split("total", 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.M)}


def _verify(repo: Path):
    # the copy's own package, so verify compares the release with the copy's code
    env = {**os.environ, "PYTHONPATH": str(repo / "workflow")}
    return subprocess.run([sys.executable, "-m", "medroutes", "verify", DEMO_RELEASE], capture_output=True,
                          text=True, env=env, cwd=repo, timeout=300)


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory) -> Path:
    repo = _copy_repo(tmp_path_factory.mktemp("repo"))
    res = _snakemake(repo)
    assert res.returncode == 0, res.stderr[-3000:]
    return repo


class Scratch(type(Path())):
    """The built copy, with ``edit`` to change one of its files as a user would."""

    def edit(self, rel: str, old: str | None, new: str) -> None:
        path = self / rel
        text = self.saved.setdefault(path, path.read_text(encoding="utf-8"))
        assert old is None or old in text, f"{rel}: {old!r} not found"
        path.write_text(text + new if old is None else text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(built_copy):
    """The built copy; every file a test edits is put back afterwards."""
    scratch = Scratch(built_copy)
    scratch.saved = {}
    yield scratch
    for path, text in scratch.saved.items():
        path.write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_every_release_file_maps_to_one_module_and_its_rule(built_copy):
    root = built_copy / DEMO_RELEASE
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    sources = [p.name.split(".")[0] for p in (root / "intake").iterdir()]
    countries = [p.stem for p in (root / "countries").iterdir()]
    files = release.release_files(root)
    assert len(files) == len(manifest["files"]) > 80
    for entry in manifest["files"]:
        s = plan.step_of_output(entry["path"], sources, countries)
        assert s is not None, entry["path"]
        assert s.rule == entry["rule"], (entry["path"], s.rule, entry["rule"])
        assert f"workflow/medroutes/steps/{s.name}.py" in entry["code"]["modules"]
    assert plan.step_of_output("manifest.json", sources, countries).name == "manifest"


@pytest.mark.slow
def test_nothing_changed_nothing_planned(built_copy):
    assert _planned(built_copy) == {}
    res = _verify(built_copy)
    assert res.returncode == 0 and res.stdout.startswith("OK:"), res.stdout + res.stderr


@pytest.mark.slow
def test_editing_a_compare_module_reruns_that_table_its_figures_notebook_and_manifest(repo):
    repo.edit("workflow/medroutes/steps/compare/route_year.py", None, "\n# an edit\n")
    assert _planned(repo) == {"compare_route_year": 1, "figure_route_flows_deaths": 1, "figure_deaths_ratio": 1,
                              "figure_nationality_composition": 1, "compare_published_check": 1,
                              "figure_published_check": 1, "notebook_03_comparison": 1, "paper_numbers": 1,
                              "manifest": 1, "all": 1}
    res = _verify(repo)
    assert res.returncode == 1, res.stdout
    assert ("compare/route_year.parquet: built by other code than this checkout: "
            "workflow/medroutes/steps/compare/route_year.py changed") in res.stdout
    assert "route_month" not in res.stdout


@pytest.mark.slow
def test_the_ratio_edit_from_the_issue_rebuilds_the_tables_that_use_it(repo):
    repo.edit("workflow/medroutes/compare.py", "_ratio(num_s, den_s, 1000)", "_ratio(num_s, den_s, 100)")
    planned = _planned(repo)
    assert {"compare_route_year", "compare_route_month", "compare_per_capita"} <= set(planned)
    assert not {"dictionary", "clean", "harmonise", "observations", "compare_nexus"} & set(planned), planned
    assert "workflow/medroutes/compare.py changed" in _verify(repo).stdout


@pytest.mark.slow
def test_editing_one_adapter_reruns_only_that_sources_chain(repo):
    repo.edit("workflow/medroutes/adapters/population.py", None, "\n# an edit\n")
    res = _snakemake(repo, "-n")
    planned = _planned(repo)
    assert planned.get("clean") == 1 and planned.get("harmonise") == 1, planned
    assert "intake" not in planned and "dictionary" not in planned
    jobs = re.findall(r"rule (clean|harmonise):.*?wildcards: source=(\w+)", res.stdout, re.S)
    assert {src for _, src in jobs} == {"population"}, jobs


@pytest.mark.slow
def test_a_schema_description_edit_rebuilds_the_dictionary(repo):
    repo.edit("workflow/medroutes/steps/compare/causes.py", "IOM cause of death category",
              "IOM cause of death category (as IOM codes it)")
    planned = _planned(repo)
    assert "dictionary" in planned and "compare_causes" in planned


@pytest.mark.slow
def test_a_rebuild_after_an_edit_makes_verify_pass_again(repo):
    repo.edit("workflow/medroutes/steps/figures/seasonality.py", None, "\n# an edit\n")
    res = _snakemake(repo)
    assert res.returncode == 0, res.stderr[-3000:]
    assert _planned(repo) == {}
    assert _verify(repo).returncode == 0
