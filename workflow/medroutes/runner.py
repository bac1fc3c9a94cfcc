"""Run one step module: what every generated rule's script does, and what tests and the benchmark
call without Snakemake.

A step's ``build(step)`` gets a :class:`StepRun`: its inputs and outputs by name (paths), the config
values it declared, its wildcards and the release, and ``write`` for datasets (the one Parquet
writer, with the metadata every dataset carries). Errors of the pipeline's own kind become one
readable line in the log and a failed job, never a traceback.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from .errors import MedroutesError
from .intake import download
from .io import sha256_file, write_parquet
from .log import get_logger

log = get_logger(__name__)


@dataclass
class StepRun:
    module: ModuleType
    input: dict[str, str | list[str]]
    output: dict[str, str]
    config: dict
    release: str
    release_dir: str
    wildcards: dict[str, str] = field(default_factory=dict)
    restricted_dir: str | None = None  # the release's restricted working folder

    def write(self, df, output: str = "parquet", *, schema=None, key=None, dataset: str | None = None,
              upstream: list | dict | None = None, sort_by: list[str] | None = None,
              vintage: str | None = None) -> None:
        """Write dataset ``df`` to output ``output`` with the module's SCHEMA and KEY unless given;
        its metadata names the dataset, key, release, the sha256 of its upstream files and, for a
        source's table, the vintage it was read from."""
        schema = self.module.SCHEMA if schema is None else schema
        key = list(self.module.KEY if key is None else key)
        path = self.output[output]
        if upstream is None:
            upstream = [p for v in self.input.values() for p in ([v] if isinstance(v, str) else v)]
        shas = upstream if isinstance(upstream, dict) else {Path(p).name: sha256_file(p) for p in upstream}
        write_parquet(df, path, schema, sort_by or key,
                      {"dataset": dataset or self.dataset(output), "key": ",".join(key), "release": self.release,
                       "upstream_sha256": ",".join(f"{k}={v}" for k, v in sorted(shas.items())),
                       **({"vintage": vintage} if vintage else {})})
        log.info("%s: %d rows", dataset or self.dataset(output), len(df))

    @property
    def stem(self) -> str:
        """A figure's path without its extension (figures write PDF, PNG, SVG and CSV beside it)."""
        return self.output["pdf"].removesuffix(".pdf")

    def dataset(self, output: str = "parquet") -> str:
        """The dataset's name: its path under the release folder without ``.parquet`` (``restricted/...``
        for one in the restricted folder)."""
        path = Path(os.path.abspath(self.output[output]))
        if self.restricted_dir and path.is_relative_to(os.path.abspath(self.restricted_dir)):
            return "restricted/" + path.relative_to(os.path.abspath(self.restricted_dir)).as_posix().removesuffix(
                ".parquet")
        return Path(os.path.relpath(path, os.path.abspath(self.release_dir))).as_posix().removesuffix(".parquet")


def load(name: str) -> ModuleType:
    """The step module ``steps/<name>.py``."""
    return importlib.import_module("medroutes.steps." + name.replace("/", "."))


def run(name: str, inputs: dict, outputs: dict, config: dict, *, release: str, release_dir: str,
        wildcards: dict | None = None, restricted_dir: str | None = None):
    module = load(name)
    return module.build(StepRun(module, inputs, outputs, config, release, release_dir, dict(wildcards or {}),
                                restricted_dir))


def _named(items) -> dict:
    return {k: (v if isinstance(v, str) else [str(p) for p in v]) for k, v in items.items()}


def _log_to(path) -> logging.Logger:
    root = get_logger("medroutes")
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    logging.captureWarnings(True)
    return root


def download_from_snakemake(snakemake) -> None:
    """The body of ``workflow/scripts/download.py``: fetch one pinned raw file (see intake.download)."""
    root = _log_to(snakemake.log[0])
    p = snakemake.params
    try:
        download(p.url, Path(snakemake.output[0]), sha256=p.sha256, size=p.size)
    except MedroutesError as exc:
        root.error("%s", exc)
        sys.exit(1)
    root.info("%s: sha256 %s, %d bytes: ok", snakemake.output[0], p.sha256, p.size)


def run_from_snakemake(snakemake) -> None:
    """The body of ``workflow/scripts/step.py``: log to the rule's log, run the step."""
    root = _log_to(snakemake.log[0])
    p = snakemake.params
    try:
        cfg = snakemake.config
        run(p.step, _named(snakemake.input), _named(snakemake.output), p.config, release=cfg["release"],
            release_dir=f"{cfg['out_dir']}/{cfg['release']}", wildcards=dict(snakemake.wildcards.items()),
            restricted_dir=f"{cfg['restricted']['out_dir']}/{cfg['release']}")  # as plan.restricted_release_dir
    except MedroutesError as exc:
        root.error("%s", exc)
        sys.exit(1)


def run_in_process(study, skip=("manifest",)) -> int:
    """Every job of ``study`` in dependency order, in this process (the benchmark's floor: no
    scheduler, one interpreter). The manifest is skipped: it reads Snakemake's job records."""
    n = 0
    for step, wildcards in study.jobs():
        if step.name in skip:
            continue
        run(step.name, study.inputs(step, wildcards), study.outputs(step, wildcards), study.config_of(step, wildcards),
            release=study.config["release"], release_dir=study.release_dir, wildcards=wildcards,
            restricted_dir=study.restricted_dir)
        n += 1
    return n
