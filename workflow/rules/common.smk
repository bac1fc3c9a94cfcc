# Start-up: validate config and registry, then check every raw file before any job is scheduled,
# so a missing or corrupted file stops the run with the file, the hashes and the URL.
import sys
from pathlib import Path

# The medroutes package comes from this repository, whichever environment runs Snakemake;
# scripts find it through workflow/scripts/medroutes (a link to ../medroutes).
sys.path.insert(0, str(Path(workflow.basedir) / "workflow"))

from medroutes.config import load_registry, load_yaml, raw_dir, raw_dir_origin, validate
from medroutes.errors import MedroutesError
from medroutes.intake import check_all, raw_path
from medroutes.release import code_version, packages
from snakemake.io import strip_wildcard_constraints

BASE = Path(workflow.basedir)


def _repo_path(p):
    # registry-like files live in the repository: resolve them against it, not the cwd
    return Path(p) if Path(p).is_absolute() else BASE / p


try:
    validate(config, "config.schema.yaml", "config")
    REGISTRY = load_registry(_repo_path(config["sources"]))
    ALIASES = load_yaml(_repo_path(config["country_aliases"]))
    INDICATORS = load_yaml(_repo_path(config["indicators"]))["indicators"]
    unknown = sorted(set(config["use_sources"]) - set(REGISTRY))
    if unknown:
        raise MedroutesError(f"use_sources names sources not in the registry: {unknown}; "
                             f"registered: {sorted(REGISTRY)}")
    RAW_DIR = raw_dir(config)
    check_all(REGISTRY, RAW_DIR, config["use_sources"], allow_download=config["download"], origin=raw_dir_origin())
except MedroutesError as exc:
    raise WorkflowError(str(exc)) from None

SOURCES = list(config["use_sources"])
RELEASE = config["release"]
R = f"{config['out_dir']}/{RELEASE}"  # every output of this run lives under the release folder
ROUTES = config["routes"]
ROUTE_LABELS = {code: r["label"] for code, r in ROUTES.items()}
COUNTRIES = config["countries"]
COUNTRY_NAMES = {iso: c["name"] for iso, c in COUNTRIES.items()}


wildcard_constraints:
    source="|".join(SOURCES),
    country="|".join(COUNTRIES),


def raw_files(wildcards):
    src = REGISTRY[wildcards.source]
    return [str(raw_path(RAW_DIR, src["id"], f)) for f in src["files"]]


CODE_VERSION = code_version(BASE)
PACKAGES = packages()


def release_outputs():
    """Every output of this run's rules, so the manifest lists exactly them (verify flags leftovers)."""
    out = set()
    for r in workflow.rules:
        if r.name in ("all", "manifest"):
            continue
        for pattern in r.output:
            # patterns carry the global wildcard constraints ("{source,iom_mmp|...}"): strip them first
            out.update(expand(strip_wildcard_constraints(str(pattern)), source=SOURCES, country=list(COUNTRIES),
                              notebook=NOTEBOOKS))
    return sorted(out)


def figure_stem(wildcards, output):
    return output[0][: -len(".pdf")]


def figure_files(name):
    """A figure's four files; the PNG goes into the Snakemake report with its caption."""
    caption = f"../report/{name}.rst"
    png = report(f"{R}/figures/{name}.png", caption=caption, category="Figures")
    csv = report(f"{R}/figures/{name}.csv", caption=caption, category="Figure data")
    return [f"{R}/figures/{name}.pdf", png, f"{R}/figures/{name}.svg", csv]
