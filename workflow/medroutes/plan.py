"""The study's steps, read from ``medroutes/steps/``: one module per output, found from its path.

``results/<release>/<dir>/<name>.<ext>`` is built by ``medroutes/steps/<dir>/<name>.py``, where
``<name>`` is the file name up to its first dot and a source id or study country's ISO3 code goes to
``source.py`` or ``country.py`` (one module, one job per source or country). A step module declares,
as literals at its top level:

- its docstring: what the output is (the data dictionary's description);
- ``INPUTS``: name -> release-relative path (``{source}`` or ``{country}`` in a path that is not the
  step's own wildcard means every source / every country, as a list);
- ``OUTPUTS``: name -> path (default: ``<dir>/<name>.parquet``; a figure: its PDF, PNG, SVG and CSV;
  a notebook: its HTML page);
- ``CONFIG``: the config keys it reads (dotted; ``@``-names are loaded code lists, see CONTEXT);
- optionally ``RULE`` (the rule name), ``REPORT`` (output name -> [caption, category]), ``ADAPTER``
  (its code includes the source's adapter), ``LOCAL`` (runs where Snakemake runs, never submitted to a cluster),
  ``EVIDENCE`` (a restricted evidence type: the step runs only when a source of that type is supplied);

Restricted outputs (``restricted/<dir>/<name>.<ext>``, built by ``steps/restricted/<dir>/<name>.py``) are
written to ``<restricted.out_dir>/<release>/<dir>/...``, outside the public release; only the steps under
``steps/protected/`` (disclosure control) may read them into a public output. An input
``restricted:<evidence>`` is every pinned file of the supplied restricted sources of that type; an
input ``?<path>`` is that output when the step making it runs (its evidence is supplied), else none.

and, for datasets, ``SCHEMA`` and ``KEY``; and one function ``build(step)``. This module reads those
literals with ``ast`` and never imports a step, so the Snakefile parses without pandas.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from pathlib import Path

from . import codebase

STEPS_DIR = codebase.PACKAGE_DIR / "steps"
WILDCARDS = {"source": "source", "country": "country"}  # module name -> wildcard it stands for
LITERALS = ("INPUTS", "OUTPUTS", "CONFIG", "RULE", "REPORT", "ADAPTER", "LOCAL", "EVIDENCE")
RESTRICTED = "restricted/"  # release-relative prefix of the restricted working outputs
REPO_PREFIX = "repo:"  # a restricted.overlay or restricted.raw_dir inside the repository (the demo's)
# Each stage's rule-name prefix and log folder, where they differ from the output folder.
RULE_PREFIX = {"compare": "compare_", "figures": "figure_", "notebooks": "notebook_", "inventory": "inventory_",
               "literature": "literature_", "protected": "protected_", "restricted/clean": "restricted_clean_",
               "paper": "paper_"}
FIGURE_FORMATS = ("pdf", "png", "svg", "csv")


@dataclass(frozen=True)
class Step:
    name: str  # the module path under steps/, e.g. "compare/route_year", "clean/source", "dictionary"
    module: str  # medroutes.steps.compare.route_year
    path: Path
    rule: str
    description: str
    inputs: dict[str, str]
    outputs: dict[str, str]
    config: tuple[str, ...]
    report: dict[str, list[str]] = field(default_factory=dict)
    adapter: bool = False
    local: bool = False
    evidence: str | None = None

    @property
    def restricted(self) -> bool:
        return self.name.startswith(RESTRICTED)

    @property
    def stage(self) -> str:
        return self.name.rpartition("/")[0]

    @property
    def stem(self) -> str:
        return self.name.rpartition("/")[2]

    @property
    def wildcard(self) -> str | None:
        return WILDCARDS.get(self.stem) if self.stage else None

    @property
    def log(self) -> str:
        """Release-relative log path; a restricted step's log stays in the restricted folder (its
        warnings name restricted values)."""
        name = self.name if not self.wildcard else f"{self.stage}/{{{self.wildcard}}}"
        if self.restricted:
            return f"{RESTRICTED}logs/{name.removeprefix(RESTRICTED)}.log"
        return f"logs/{name}.log"

    @property
    def benchmark(self) -> str:
        prefix, _, rest = self.log.rpartition("logs/")
        return f"{prefix}benchmarks/{rest.removesuffix('.log')}.tsv"

    @property
    def is_dataset(self) -> bool:
        return any(p.endswith(".parquet") for p in self.outputs.values())


def _literals(tree: ast.Module, path: Path) -> dict:
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in LITERALS:
                try:
                    out[name] = ast.literal_eval(node.value)
                except ValueError:
                    raise ValueError(f"{path}: {name} must be a literal (it is read without importing the "
                                     "module)") from None
    return out


def _default_outputs(stage: str, stem: str) -> dict[str, str]:
    base = f"{stage}/{stem}" if stage else stem
    if stage == "figures":
        return {fmt: f"{base}.{fmt}" for fmt in FIGURE_FORMATS}
    if stage == "notebooks":
        return {"html": f"{base}.html"}
    return {"parquet": f"{base}.parquet"}


def _step(path: Path) -> Step:
    rel = path.relative_to(STEPS_DIR).with_suffix("").as_posix()
    tree = ast.parse(path.read_bytes(), filename=str(path))
    lit = _literals(tree, path)
    stage, _, stem = rel.rpartition("/")
    wild = WILDCARDS.get(stem) if stage else None
    out_stem = f"{{{wild}}}" if wild else stem
    outputs = lit.get("OUTPUTS") or _default_outputs(stage, out_stem)
    for out in outputs.values():
        expected = f"{stage}/{out_stem}" if stage else out_stem
        # a protected step keeps its audit (true values) beside its restricted inputs
        if rel.startswith("protected/") and out.startswith(RESTRICTED):
            out = out.removeprefix(RESTRICTED)
        if not (out == expected or out.startswith(expected + ".")):
            raise ValueError(f"{path}: output {out!r} is not at this module's address ({expected}.*)")
    doc = ast.get_docstring(tree) or ""
    return Step(name=rel, module=codebase.module_name(path), path=path,
                rule=lit.get("RULE") or (stage if wild else RULE_PREFIX.get(stage, "") + stem), description=doc,
                inputs=dict(lit.get("INPUTS", {})), outputs=dict(outputs), config=tuple(lit.get("CONFIG", ())),
                report=dict(lit.get("REPORT", {})), adapter=bool(lit.get("ADAPTER")), local=bool(lit.get("LOCAL")),
                evidence=lit.get("EVIDENCE"))


@functools.lru_cache(maxsize=1)
def steps() -> tuple[Step, ...]:
    """Every step module under steps/, in path order."""
    found = [_step(p) for p in sorted(STEPS_DIR.rglob("*.py")) if p.name != "__init__.py"]
    rules = [s.rule for s in found]
    dup = sorted({r for r in rules if rules.count(r) > 1})
    if dup:
        raise ValueError(f"two step modules make rules of the same name: {dup}")
    return tuple(found)


def step(name: str) -> Step:
    for s in steps():
        if s.name == name:
            return s
    raise KeyError(f"no step module steps/{name}.py")


def step_of_output(rel: str, sources=(), countries=()) -> Step | None:
    """The step whose module is the home of release-relative output ``rel`` (the documented rule)."""
    folder, _, filename = rel.rpartition("/")
    stem = filename.split(".", 1)[0]
    if stem in sources:
        stem = "source"
    elif stem in countries:
        stem = "country"
    name = f"{folder}/{stem}" if folder else stem
    return next((s for s in steps() if s.name == name), None)


# Steps that read the other steps' declarations (schemas, keys, docstrings), not their builds.
DECLARATION_READERS = {"dictionary": ("medroutes.spec",)}


def code(step_: Step, adapter: str | None = None, adapters: tuple[str, ...] = ()) -> codebase.Code:
    """The code an output of ``step_`` depends on: its module and everything it imports, and the
    step runner; for a per-source step that reads its adapter, that adapter; for the dictionary,
    the declarations of every step and of the ``adapters`` in use."""
    roots = [step_.module, "medroutes.runner"]
    if step_.adapter and adapter:
        roots.append(f"medroutes.adapters.{adapter}")
    if step_.name in DECLARATION_READERS:
        roots += DECLARATION_READERS[step_.name]
        others = tuple(s.module for s in steps() if s.is_dataset) + tuple(
            f"medroutes.adapters.{a}" for a in sorted(set(adapters)))
        return codebase.code_of(*roots, declarations_of=others)
    return codebase.code_of(*roots)


def code_of_output(rel: str, source_adapters: dict[str, str], countries=()) -> codebase.Code | None:
    """The code in this checkout that builds release-relative output ``rel``, or None (not a step's)."""
    s = step_of_output(rel, tuple(source_adapters), tuple(countries))
    if s is None:
        return None
    stem = rel.rpartition("/")[2].split(".", 1)[0]
    return code(s, source_adapters.get(stem), tuple(source_adapters.values()))


# --- a study's jobs: what each step reads and writes under one config ---------------------------

@dataclass
class Study:
    """One run's setting: config and the code lists and registry it names, resolved to paths. The
    generated rules (workflow/rules/common.smk) and the one-process runner read jobs from here."""

    config: dict
    registry: dict
    aliases: dict
    indicators: dict
    raw_dir: Path
    repo: Path
    restricted_raw_dir: Path = Path("data/restricted")
    codebook: dict = field(default_factory=dict)
    code_version: str = "unknown"
    packages: dict = field(default_factory=dict)

    @classmethod
    def load(cls, config: dict, repo: Path, **versions) -> Study:
        """Validate ``config`` and load what it names (files relative to ``repo``); errors are
        :class:`~medroutes.errors.MedroutesError` naming the key or file."""
        from .config import (
            apply_overlay,
            check_ranges,
            check_route_labels,
            command_line_booleans,
            load_registry,
            load_yaml,
            raw_dir,
            restricted_raw_dir,
            select_vintages,
            validate,
        )
        from .errors import MedroutesError

        def in_repo(p):
            # registry-like files live in the repository: resolve them against it, not the cwd
            return Path(p) if Path(p).is_absolute() else Path(repo) / p

        command_line_booleans(config)
        validate(config, "config.schema.yaml", "config")
        check_ranges(config)
        def mine(p):
            # the overlay and restricted files are the user's own, beside their config: relative to the
            # working directory; "repo:" marks the repository's SYNTHETIC demo ones
            return Path(repo) / p.removeprefix(REPO_PREFIX) if str(p).startswith(REPO_PREFIX) else Path(p)

        registry = apply_overlay(load_registry(in_repo(config["sources"])), mine(config["restricted"]["overlay"]))
        registry = select_vintages(registry, config["vintages"])  # one vintage per public source
        unknown = sorted(set(config["use_sources"]) - set(registry))
        if unknown:
            raise MedroutesError(f"use_sources names sources not in the registry: {unknown}; "
                                 f"registered: {sorted(registry)}")
        check_route_labels(config["routes"], registry)
        restricted_in_use = sorted(set(config["use_sources"]) & {k for k, v in registry.items()
                                                                  if v.get("access") == "restricted"})
        if restricted_in_use:
            raise MedroutesError(f"use_sources names restricted sources {restricted_in_use}: a restricted source "
                                 "is never run as a public one; it is read when its files are pinned in "
                                 "restricted.overlay")
        return cls(config, registry, load_yaml(in_repo(config["country_aliases"])),
                   load_yaml(in_repo(config["indicators"]))["indicators"], raw_dir(config), Path(repo),
                   mine(str(restricted_raw_dir(config))), load_yaml(in_repo(config["codebook"])), **versions)

    @property
    def sources(self) -> list[str]:
        return list(self.config["use_sources"])

    @property
    def countries(self) -> list[str]:
        return list(self.config["countries"])

    @property
    def release_dir(self) -> str:
        return f"{self.config['out_dir']}/{self.config['release']}"

    @property
    def restricted_dir(self) -> str:
        return restricted_release_dir(self.config)

    def path(self, rel: str) -> str:
        """Where release-relative output ``rel`` lives (restricted ones outside the public release)."""
        if rel.startswith(RESTRICTED):
            return f"{self.restricted_dir}/{rel.removeprefix(RESTRICTED)}"
        return f"{self.release_dir}/{rel}"

    @property
    def restricted_sources(self) -> list[str]:
        """Every registered restricted source, in registry order (supplied or not)."""
        return [sid for sid, e in self.registry.items() if e.get("access") == "restricted"]

    @property
    def supplied(self) -> dict[str, bool]:
        """Restricted source -> whether its files are pinned in the local overlay."""
        return {sid: bool(self.registry[sid]["files"]) for sid in self.restricted_sources}

    def supplied_of(self, evidence: str) -> list[str]:
        return [sid for sid in self.restricted_sources if self.supplied[sid]
                and self.registry[sid].get("evidence") == evidence]

    def active(self, step_: Step) -> bool:
        return step_.evidence is None or bool(self.supplied_of(step_.evidence))

    def steps(self) -> list[Step]:
        """The steps this run has: every step, less those of restricted evidence nobody supplied."""
        return [s for s in steps() if self.active(s)]

    @property
    def source_adapters(self) -> dict[str, str]:
        return {sid: self.registry[sid]["adapter"] for sid in self.sources}

    def raw_files(self, source: str) -> list[str]:
        from .intake import raw_path

        src = self.registry[source]
        folder = self.restricted_raw_dir if src.get("access") == "restricted" else self.raw_dir
        return [str(raw_path(folder, src["id"], f)) for f in src["files"]]

    def value(self, key: str, wildcards: dict):
        """A declared CONFIG value: a dotted config key (``{country}`` filled in), or an ``@``-name."""
        special = {"@aliases": self.aliases, "@indicators": self.indicators, "@raw_dir": str(self.raw_dir),
                   "@release_dir": self.release_dir, "@source_adapters": self.source_adapters,
                   "@code_version": self.code_version, "@packages": self.packages,
                   "@vintages": {sid: self.registry[sid]["vintage"] for sid in self.sources}}
        if key == "@source":
            return self.registry[wildcards["source"]]
        if key.startswith("@supplied:"):  # the supplied restricted sources of one evidence type
            return [self.registry[sid] for sid in self.supplied_of(key.removeprefix("@supplied:"))]
        if key == "@codebook":
            return self.codebook
        if key == "@registry":
            return list(self.registry.values())
        if key == "@supplied":
            return self.supplied
        if key == "@restricted_raw_dir":
            return str(self.restricted_raw_dir)
        if key in special:
            return special[key]
        value = self.config
        for part in key.format(**wildcards).split("."):
            value = value[part]
        return value

    def config_of(self, step_: Step, wildcards: dict) -> dict:
        return {key: self.value(key, wildcards) for key in step_.config}

    def _expand(self, pattern: str, wildcards: dict) -> str | list[str]:
        path = self.path(pattern)
        # a wildcard that is not the job's own means every source / every country
        if "{source}" in pattern and "source" not in wildcards:
            return [path.replace("{source}", s) for s in self.sources]
        if "{country}" in pattern and "country" not in wildcards:
            return [path.replace("{country}", c) for c in self.countries]
        return path.format(**wildcards)

    def inputs(self, step_: Step, wildcards: dict) -> dict[str, str | list[str]]:
        out = {}
        for name, pattern in step_.inputs.items():
            if pattern == "raw:{source}":
                out[name] = self.raw_files(wildcards["source"])
            elif pattern.startswith("restricted:"):
                out[name] = [p for sid in self.supplied_of(pattern.removeprefix("restricted:"))
                             for p in self.raw_files(sid)]
            elif pattern.startswith("repo:"):
                out[name] = str(self.repo / pattern.removeprefix("repo:"))
            elif pattern.startswith("?"):  # an output of a restricted-evidence step: only when it runs
                made = {p for st in self.steps() for p in st.outputs.values()}
                out[name] = [self.path(pattern[1:])] if pattern[1:] in made else []
            elif pattern == "@outputs":
                out[name] = self.outputs_of(exclude=(step_.name,), public=True)
            else:
                out[name] = self._expand(pattern, wildcards)
        return out

    def outputs(self, step_: Step, wildcards: dict) -> dict[str, str]:
        return {name: self.path(p).format(**wildcards) for name, p in step_.outputs.items()}

    def wildcards_of(self, step_: Step) -> list[dict]:
        return {"source": [{"source": s} for s in self.sources],
                "country": [{"country": c} for c in self.countries]}.get(step_.wildcard, [{}])

    def outputs_of(self, stage: str | None = None, exclude=(), public: bool = False) -> list[str]:
        """Every output path of this run's steps (of one stage), expanded over sources and countries;
        ``public``: only those in the public release (the manifest's)."""
        return [p for s in self.steps() if (stage is None or s.stage == stage) and s.name not in exclude
                for w in self.wildcards_of(s) for name, p in self.outputs(s, w).items()
                if not (public and s.outputs[name].startswith(RESTRICTED))]

    def jobs(self) -> list[tuple[Step, dict]]:
        """Every job, steps in dependency order (a step after every step whose outputs it reads)."""
        mine = self.steps()
        made_by = {p: s.name for s in mine for p in s.outputs.values()}
        after = {s.name: ({made_by[p.removeprefix("?")] for p in s.inputs.values() if p.removeprefix("?") in made_by}
                          if "@outputs" not in
                          s.inputs.values() else {o.name for o in mine if o.name != s.name})
                 for s in mine}
        ordered: list[Step] = []
        while len(ordered) < len(after):
            done = {s.name for s in ordered}
            ready = [s for s in mine if s.name not in done and after[s.name] <= done]
            if not ready:
                raise ValueError(f"steps depend on each other in a cycle: {sorted(set(after) - done)}")
            ordered += ready
        return [(s, w) for s in ordered for w in self.wildcards_of(s)]


def restricted_release_dir(config: dict) -> str:
    """The restricted working folder of a release: ``<restricted.out_dir>/<release>``."""
    return f"{config['restricted']['out_dir']}/{config['release']}"
