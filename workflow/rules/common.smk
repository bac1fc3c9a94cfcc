# Start-up: validate config and registry, then check every raw file before any job is scheduled,
# so a missing or corrupted file stops the run with the file, the hashes and the URL.
import sys
from pathlib import Path

# The medroutes package comes from this repository, whichever environment runs Snakemake;
# every job puts the same folder first (workflow/scripts/step.py).
sys.path.insert(0, str(Path(workflow.basedir) / "workflow"))

from medroutes import codebase, plan, publish, restricted
from medroutes import lock as release_lock
from medroutes.config import raw_dir_origin
from medroutes.errors import MedroutesError
from medroutes.intake import check_all, raw_path
from medroutes.codebase import code_version, packages

BASE = Path(workflow.basedir)

try:
    STUDY = plan.Study.load(config, BASE, code_version=code_version(BASE), packages=packages())
    # The start-up checks run in the main process, before any job; a job's own parse (a cluster job
    # starts Snakemake twice) trusts them, so a short job does not re-hash every raw file.
    PENDING_DOWNLOADS = []
    if workflow.is_main_process:
        # a raw file the release already took in (same sha256) may be absent: figures redrawn without raw data
        PENDING_DOWNLOADS = check_all(
            STUDY.registry,
            STUDY.raw_dir,
            STUDY.sources,
            allow_download=config["download"],
            origin=raw_dir_origin(),
            release_dir=STUDY.release_dir,
        )
        # a supplied restricted file is pinned and verified like any raw file; an absent one is said once
        check_all(
            STUDY.registry,
            STUDY.restricted_raw_dir,
            [s for s, ok in STUDY.supplied.items() if ok],
            origin="restricted.raw_dir or $MEDROUTES_RESTRICTED_DIR",
        )
        restricted.check_key(STUDY)
        # a published release is frozen: refuse a run (dry runs too) whose code, config or raw files would change it
        publish.check_frozen(STUDY)
    # for the report's text (workflow/report/workflow.rst): which restricted sources this run has
    config["restricted_status"] = {sid: "supplied" if ok else "not supplied" for sid, ok in STUDY.supplied.items()}
    config["source_vintages"] = {sid: STUDY.registry[sid]["vintage"] for sid in STUDY.sources}  # and which vintage
    if workflow.is_main_process and not workflow.output_settings.dryrun:
        for _note in (restricted.not_supplied_note(STUDY), restricted.unread_note(STUDY)):
            if _note:
                logger.info(_note)
    # one writer per release folder, whichever directory runs Snakemake (a dry run writes nothing;
    # a cluster job's own parse runs under the main process's lock)
    if workflow.is_main_process and not workflow.output_settings.dryrun:
        _stale = release_lock.take(STUDY.release_dir)
        if _stale:
            logger.warning(_stale)
except MedroutesError as exc:
    raise WorkflowError(str(exc)) from None

SOURCES = STUDY.sources
COUNTRIES = STUDY.countries
R = STUDY.release_dir  # every output of this run lives under the release folder
STEPS = STUDY.steps()  # less the steps of restricted evidence nobody supplied
codebase.use_cache(Path(".snakemake") / "medroutes-code-cache.json")


wildcard_constraints:
    source="|".join(SOURCES),
    country="|".join(COUNTRIES),


def step_inputs(step):
    return unpack(lambda w: STUDY.inputs(step, dict(w.items())))


def step_config(step):
    return lambda w: STUDY.config_of(step, dict(w.items()))


def step_code(step):
    """The code key param: a new key (a changed module or package) reruns the step's jobs."""
    if step.adapter:
        return lambda w: plan.code(step, STUDY.registry[w.source]["adapter"]).key
    return plan.code(step, adapters=tuple(STUDY.source_adapters.values())).key


def step_outputs(step):
    out = {}
    for name, pattern in step.outputs.items():
        path = STUDY.path(pattern)
        if name in step.report:
            caption, category = step.report[name]
            # each figure under its own heading of the report: the step's name (e.g. "nexus")
            path = report(
                path,
                caption=f"../report/{caption}",
                category=category,
                subcategory=Path(step.name).name.replace("_", " "),
            )
        out[name] = path
    return out
