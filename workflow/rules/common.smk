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
from medroutes import plan
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


SOURCE_ADAPTERS = {sid: REGISTRY[sid]["adapter"] for sid in SOURCES}
STEPS = plan.steps()
# Values a step can declare in CONFIG besides config keys: code lists and registry entries loaded
# above, the release folder, the code version. "@source" is the registry entry of the job's source.
CONTEXT = {"@aliases": ALIASES, "@indicators": INDICATORS, "@raw_dir": str(RAW_DIR), "@release_dir": R,
           "@source_adapters": SOURCE_ADAPTERS, "@code_version": CODE_VERSION, "@packages": PACKAGES}


def config_value(key, wildcards):
    if key == "@source":
        return REGISTRY[wildcards.source]
    if key in CONTEXT:
        return CONTEXT[key]
    value = config
    for part in key.format(**dict(wildcards.items())).split("."):
        value = value[part]
    return value


def step_config(step):
    return lambda w: {key: config_value(key, w) for key in step.config}


def step_code(step):
    """The code key param: a new key (a changed module or package) reruns the step's jobs."""
    if step.adapter:
        return lambda w: plan.code(step, SOURCE_ADAPTERS[w.source]).key
    return plan.code(step, adapters=tuple(SOURCE_ADAPTERS.values())).key


def step_inputs(step):
    out = {}
    for name, pattern in step.inputs.items():
        if pattern == "raw:{source}":
            out[name] = raw_files
        elif pattern.startswith("repo:"):
            out[name] = f"{BASE}/{pattern.removeprefix('repo:')}"
        elif pattern == "@outputs":
            out[name] = lambda w: release_outputs()
        else:
            # a wildcard that is not the step's own means every source / country
            out[name] = expand(f"{R}/{pattern}", source=SOURCES, country=list(COUNTRIES), allow_missing=True) \
                if ("{source}" in pattern and step.wildcard != "source") or \
                   ("{country}" in pattern and step.wildcard != "country") else f"{R}/{pattern}"
    return out


def step_outputs(step):
    out = {}
    for name, pattern in step.outputs.items():
        path = f"{R}/{pattern}"
        if name in step.report:
            caption, category = step.report[name]
            path = report(path, caption=f"../report/{caption}", category=category)
        out[name] = path
    return out


def outputs_of(stage=None):
    """Every output path of the steps (of one stage), expanded over sources and countries."""
    return [p for s in STEPS if stage is None or s.stage == stage
            for p in expand([f"{R}/{o}" for o in s.outputs.values()], source=SOURCES, country=list(COUNTRIES))]


def release_outputs():
    """Every output of this run's rules, so the manifest lists exactly them (verify flags leftovers)."""
    out = set()
    for r in workflow.rules:
        if r.name in ("all", "manifest", "compare", "figures"):
            continue
        for pattern in r.output:
            # patterns carry the global wildcard constraints ("{source,iom_mmp|...}"): strip them first
            out.update(expand(strip_wildcard_constraints(str(pattern)), source=SOURCES, country=list(COUNTRIES)))
    return sorted(out)
