"""Faults and determinism of the whole workflow, on the fixture demo.

What a reviewer may rely on, and the test behind each claim:

* A job stopped while it writes Parquet (SIGKILL, SIGINT or SIGTERM to Snakemake's whole process
  group) leaves no half-written output: every output file that exists afterwards is complete and
  byte-identical to the same file from an uninterrupted run. A temp file may survive
  (``.<name>.<random>.tmp`` beside its target); no rule names it and recovery never publishes it.
* After a SIGKILL a plain rerun refuses and says how to recover: the killed job's published outputs
  are marked incomplete (``IncompleteFilesException``: ``--rerun-incomplete``) and Snakemake's lock
  is still there (``LockException``: ``--unlock``). After Ctrl-C (SIGINT) the lock is released but
  the incomplete marks stay; after SIGTERM Snakemake cleans up and a plain rerun just works.
  ``--unlock`` then ``--rerun-incomplete`` always recovers, byte-identical to an uninterrupted run.
* The same config and raw files give the same bytes with 1 or 2 cores, from another working
  directory, and under another time zone and locale.
* ``medroutes.io.write_parquet`` failing or killed inside pyarrow's write leaves no target behind.

One kill cycle interrupts one working directory four times (see kill_cycle): a fault injector hangs
a Parquet write half-way and the run is SIGKILLed right there; the recovery is SIGKILLed at a
moving point until a kill lands in a Parquet-writing job; then Ctrl-C, then SIGTERM; then recovery.

The whole-workflow scenarios run side by side in one module fixture, started only for the tests
selected: a demo run keeps about 1.2 of 2 cores busy, so concurrency saves wall time. The three
determinism conditions share one run by default (1 core + another directory + another time zone and
locale, against 2 cores + ``-d`` + UTC); ``MEDROUTES_FAULTS_FULL_MATRIX=1`` runs each condition alone.
Each scenario leaves its Snakemake outputs and a summary.json in pytest's temp folder.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from medroutes import io as mio

from .conftest import RAW, REPO

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
DEMO_CONFIGFILES = (str(REPO / "config" / "config.yaml"), str(REPO / "config" / "demo.yaml"))
DEMO_CONFIG = (f"raw_dir={RAW}",)
RUN_TIMEOUT = 900  # seconds for one Snakemake call, generous: several workflows share 2 cores
NOT_OUTPUTS = {"logs", "benchmarks"}  # per-run records under the release folder: messages, timings
FIGURE_AND_TABLE_SUFFIXES = {".parquet", ".pdf", ".png", ".svg", ".csv"}
RECOVERY_FLAGS = ("--unlock", "--rerun-incomplete")
# Logs of the rules that write Parquet: a natural kill fires a set delay after one of them starts.
PARQUET_JOB_LOGS = ("logs/clean/*.log", "logs/harmonised/*.log", "logs/countries/*.log", "logs/compare/*.log")
NATURAL_DELAYS = (0.3, 0.0, 0.8, 0.1, 1.5)

# Fault injection for one workflow run, written as sitecustomize.py into a directory that the run
# gets on PYTHONPATH, so every Python process of that run (Snakemake and each script job) loads it.
# Inert unless MEDROUTES_FAULT_STALL is set. The first pyarrow.parquet.write_table whose target name
# contains that text writes half of the file's bytes, says where in MEDROUTES_FAULT_SIGNAL, and hangs
# until killed: the test then kills the workflow exactly in the middle of a Parquet write.
STALL_SITECUSTOMIZE = textwrap.dedent('''
    import os

    if os.environ.get("MEDROUTES_FAULT_STALL"):
        import time

        import pyarrow as pa
        import pyarrow.parquet as pq

        _write_table = pq.write_table

        def write_table(table, where, *args, **kwargs):
            under = os.environ.get("MEDROUTES_FAULT_STALL_UNDER", "")
            if (os.environ["MEDROUTES_FAULT_STALL"] not in os.path.basename(str(where))
                    or not os.path.abspath(str(where)).startswith(under)):
                return _write_table(table, where, *args, **kwargs)
            sink = pa.BufferOutputStream()
            _write_table(table, sink, *args, **kwargs)
            data = sink.getvalue().to_pybytes()
            with open(where, "wb") as fh:
                fh.write(data[: len(data) // 2])
            signal_file = os.environ["MEDROUTES_FAULT_SIGNAL"]
            with open(signal_file + ".part", "w") as fh:
                fh.write(str(where))
            os.replace(signal_file + ".part", signal_file)
            time.sleep(3600)
            raise SystemExit("fault injector: the test never killed this process")

        pq.write_table = write_table
''')


# ---------------------------------------------------------------------------------------------
# helpers (test_faults_realdata.py uses them too)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def release_of(configfiles) -> Path:
    """``<out_dir>/<release>``, relative to the working directory, from the config files in order."""
    cfg: dict = {}
    for f in configfiles:
        cfg.update(yaml.safe_load(Path(f).read_text(encoding="utf-8")) or {})
    return Path(cfg["out_dir"]) / cfg["release"]


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k != "MEDROUTES_RAW_DIR" and not k.startswith("MEDROUTES_FAULT")}
    env.update(extra)
    return env


def stall_env(inject_dir: Path, stall_on: str, signal_file: Path, under: Path | None = None,
              **extra: str) -> dict[str, str]:
    """The fault injector's environment: hang the first Parquet write of a ``*<stall_on>*`` file (under
    folder ``under``, when given: the public release, not the restricted folder's files of that name)."""
    inject_dir.mkdir(parents=True, exist_ok=True)
    (inject_dir / "sitecustomize.py").write_text(STALL_SITECUSTOMIZE, encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(inject_dir), os.environ.get("PYTHONPATH")]))
    return base_env(PYTHONPATH=path, MEDROUTES_FAULT_STALL=stall_on, MEDROUTES_FAULT_SIGNAL=str(signal_file),
                    MEDROUTES_FAULT_STALL_UNDER=os.path.abspath(under) if under else "", **extra)


def snakemake_cmd(*args: str, workdir: Path | None, cores: int = 2, targets=(),
                  configfiles=DEMO_CONFIGFILES, config=DEMO_CONFIG) -> list[str]:
    cmd = [SNAKEMAKE, *targets, "-s", str(REPO / "Snakefile"), "--cores", str(cores), *args]
    if workdir is not None:
        cmd += ["-d", str(workdir)]
    return [*cmd, "--configfile", *configfiles, "--config", *config]


def run(cmd: list[str], *, cwd: Path | None = None, env: dict | None = None,
        record: Path | None = None) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, cwd=cwd, env=env or base_env(), capture_output=True, text=True,
                         timeout=RUN_TIMEOUT)
    if record is not None:  # keep the whole output for whoever debugs a failure
        shown = {k: v for k, v in (env or {}).items() if k in ("TZ", "LANG", "LC_ALL", "LOCPATH", "PYTHONPATH")}
        record.write_text(f"$ {' '.join(cmd)}\n[env {shown}] [cwd {cwd}] [rc {res.returncode}]\n{res.stdout}\n"
                          f"{res.stderr}", encoding="utf-8")
    return res


def tail(res: subprocess.CompletedProcess | None, n: int = 3000) -> str:
    return "(not run)" if res is None else (res.stdout + res.stderr)[-n:]


def is_temp(p: Path) -> bool:
    return p.name.startswith(".") and p.name.endswith(".tmp")


def _digest(path: Path) -> str:
    if path.name != "manifest.json":
        return sha256(path)
    # The manifest records `git describe --dirty` of the repository at the run's start. Other
    # people commit to this tree while the tests run, so compare everything else in it.
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.pop("code_version", None)
    return "manifest without code_version: " + hashlib.sha256(
        json.dumps(manifest, sort_keys=True).encode()).hexdigest()


def release_outputs(release: Path) -> dict[str, str]:
    """Digest of every output under a release folder: not logs/, benchmarks/ or hidden files (temps)."""
    if not release.is_dir():
        return {}
    out = {}
    for p in sorted(release.rglob("*")):
        rel = p.relative_to(release)
        if p.is_file() and rel.parts[0] not in NOT_OUTPUTS and not any(s.startswith(".") for s in rel.parts):
            out[rel.as_posix()] = _digest(p)
    return out


def temp_files(release: Path) -> list[str]:
    return sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if is_temp(p)) \
        if release.is_dir() else []


def unreadable_parquet(release: Path) -> dict[str, str]:
    bad = {}
    for p in sorted(release.rglob("*.parquet")) if release.is_dir() else []:
        try:
            pq.read_table(p)
        except Exception as exc:  # any failure to read is the finding
            bad[p.relative_to(release).as_posix()] = f"{type(exc).__name__}: {exc}"
    return bad


def incomplete_outputs(workdir: Path) -> list[str]:
    """Outputs of the jobs Snakemake was running when it died (its ``.snakemake/incomplete`` markers).

    Each marker's name is the output path, urlsafe-base64-encoded and split into ``@``-prefixed
    chunks when longer than a file name may be (snakemake/persistence/file.py ``_record_path``).
    """
    root = workdir / ".snakemake" / "incomplete"
    if not root.is_dir():
        return []
    return sorted(base64.urlsafe_b64decode("".join(part.lstrip("@") for part in p.relative_to(root).parts))
                  .decode() for p in root.rglob("*") if p.is_file())


def diff_outputs(expected: dict[str, str], got: dict[str, str]) -> list[str]:
    return sorted(k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k))


def first_difference(a: Path | None, b: Path, names: list[str], context: int = 300) -> str:
    """Where each differing text output first differs, both sides, for whoever reads a failed CI log
    (the runs' folders are gone by then)."""
    out = []
    for name in names if a is not None else []:
        if not name.endswith((".html", ".json", ".csv", ".txt", ".svg")):
            continue
        x, y = a / name, b / name
        if not (x.is_file() and y.is_file()):
            continue
        u, v = x.read_bytes(), y.read_bytes()
        i = next((k for k, (c, d) in enumerate(zip(u, v, strict=False)) if c != d), min(len(u), len(v)))
        lo = max(0, i - context // 3)
        out.append(f"{name} first differs at byte {i} ({len(u)} vs {len(v)} bytes):\n"
                   f"  expected ...{u[lo:i + context]!r}\n  got      ...{v[lo:i + context]!r}")
    return "\n".join(out)


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal Snakemake's process group (it was started as its own session) and wait for it to end;
    after SIGINT or SIGTERM Snakemake shuts down by itself (SIGKILL if it has not in 120 s)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=60 if sig == signal.SIGKILL else 120)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    deadline = time.monotonic() + 5  # orphaned job processes: give the kernel a moment to end them
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def wait_for_stall(proc: subprocess.Popen, signal_file: Path, timeout: float = RUN_TIMEOUT) -> str:
    """Kill the group once the fault injector reports it hangs in a write; return what it wrote."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if signal_file.exists():
            kill_group(proc)
            return signal_file.read_text()
        if proc.poll() is not None:
            raise AssertionError(f"run ended (rc {proc.returncode}) without reaching the fault injector")
        time.sleep(0.05)
    kill_group(proc)
    raise TimeoutError(f"fault injector not reached in {timeout} s")


def job_running(workdir: Path, since: float) -> bool:
    """A script job of this run is running: Snakemake writes each script job's code to
    ``.snakemake/scripts/tmp*`` as it starts and deletes it when the job ends. (The incomplete markers
    cannot say it: a killed run's markers stay until the rerun that redoes them.)"""
    for p in (workdir / ".snakemake" / "scripts").glob("tmp*"):
        with contextlib.suppress(FileNotFoundError):
            if p.stat().st_mtime >= since:
                return True
    return False


def poll_and_kill(proc: subprocess.Popen, release: Path, *, delay: float, started: float, old_temps: set[str],
                  sig: int = signal.SIGKILL, log_globs=PARQUET_JOB_LOGS, timeout: float = RUN_TIMEOUT,
                  workdir: Path | None = None) -> str | None:
    """Signal the run when a new Parquet temp file appears (a write is under way), or ``delay`` s after
    a log of a Parquet-writing rule is (re)written (such a job has started), provided a job is still in
    flight then (see job_running; on a fast machine a job may end within the delay, and a signal between
    jobs tests nothing): else wait for the next log. None if the run ends first."""
    deadline = time.monotonic() + timeout
    log_seen: tuple[float, str] | None = None
    used: set[str] = set()
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        for p in release.rglob(".*.parquet.*.tmp"):
            rel = p.relative_to(release).as_posix()
            if rel not in old_temps:
                kill_group(proc, sig)
                return f"Parquet temp file {rel} seen being written"
        now = time.monotonic()
        if log_seen is None:
            for g in log_globs:
                for p in release.glob(g):
                    rel = p.relative_to(release).as_posix()
                    with contextlib.suppress(FileNotFoundError):
                        if rel not in used and p.stat().st_mtime >= started:
                            log_seen = (now, rel)
        elif now - log_seen[0] >= delay:
            if workdir is not None and not job_running(workdir, started):
                used.add(log_seen[1])  # that job has already ended
                log_seen = None
                continue
            kill_group(proc, sig)
            return f"{delay:g} s after {log_seen[1]} was written"
        time.sleep(0.005)
    kill_group(proc)
    raise TimeoutError(f"run neither ended nor reached a kill point in {timeout} s")


@dataclass
class CleanRun:
    """An uninterrupted workflow run and the digest of everything it published."""

    name: str
    release: Path
    result: subprocess.CompletedProcess
    outputs: dict[str, str] = field(default_factory=dict)


def clean_run(name: str, cmd: list[str], release: Path, *, cwd: Path | None = None, env: dict | None = None,
              record: Path | None = None) -> CleanRun:
    res = run(cmd, cwd=cwd, env=env, record=record)
    return CleanRun(name, release, res, release_outputs(release))


@dataclass
class Kill:
    """What one SIGKILL left, and what a plain rerun then did."""

    how: str  # "stall" (SIGKILL in the fault injector's hung write), "SIGKILL", "SIGINT" (Ctrl-C) or "SIGTERM"
    trigger: str
    returncode: int
    in_flight: list[str]  # outputs of the jobs Snakemake was running when it died
    outputs: dict[str, str]
    temps: list[str]
    new_temps: list[str]
    unreadable: dict[str, str]
    plain: subprocess.CompletedProcess | None = None
    plain_dry: bool = False  # the plain rerun was a --dry-run (it would otherwise finish the workflow)
    after_plain: dict[str, str] = field(default_factory=dict)
    unlock: subprocess.CompletedProcess | None = None

    @property
    def in_parquet_job(self) -> bool:
        return any(o.endswith(".parquet") for o in self.in_flight) or any(".parquet." in t for t in self.new_temps)

    def describe(self) -> str:
        return f"{self.how} kill on {self.trigger!r}, jobs running: {self.in_flight}"


@dataclass
class KillCycle:
    workdir: Path
    release: Path
    kills: list[Kill] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)  # interruptions that found the run already finished
    stalled_temp: str | None = None  # the half-written temp of the stall kill, relative to the release
    recover: subprocess.CompletedProcess | None = None
    recover_flags: list[str] = field(default_factory=list)
    final: dict[str, str] = field(default_factory=dict)
    temps_final: list[str] = field(default_factory=list)
    again: subprocess.CompletedProcess | None = None
    verify: subprocess.CompletedProcess | None = None  # `python -m medroutes verify`, when there is a manifest

    def summary(self) -> dict:
        """What happened, for whoever reads the test's temp folder (or writes the report)."""
        def said(res):
            return None if res is None else [res.returncode, *[line for line in (res.stdout + res.stderr).splitlines()
                                                                if "Exception" in line or "--unlock" in line
                                                                or "--rerun-incomplete" in line]]
        return {"kills": [{"how": k.how, "trigger": k.trigger, "in_flight": k.in_flight, "new_temps": k.new_temps,
                           "outputs_left": len(k.outputs), "in_parquet_job": k.in_parquet_job,
                           "plain_rerun": said(k.plain), "plain_rerun_dry": k.plain_dry,
                           "unlock": said(k.unlock)} for k in self.kills],
                "missed": self.missed, "recover": [self.recover_flags, *said(self.recover)],
                "outputs_final": len(self.final),
                "temps_final": self.temps_final,
                "nothing_left_to_do": said(self.again), "verify": said(self.verify)}


def kill_cycle(root: Path, *, release_rel: Path, cmd_for, stall_on: str = "rejects.parquet",
               delays=NATURAL_DELAYS) -> KillCycle:
    """Interrupt one workflow again and again in one working directory, then recover it.

    1. SIGKILL while the fault injector hangs the first write of a ``*<stall_on>*`` file half-way;
    2. SIGKILL of the recovery run at moving points (``delays``) until one lands in a Parquet-writing
       job (a kill that lands elsewhere is kept: it must leave no partial output either);
    3. SIGINT (what Ctrl-C sends to the terminal's process group), then SIGTERM, of the recovery;
    4. recovery to the end: plain if a plain rerun was accepted after the last interruption, else
       with ``--rerun-incomplete``.
    ``cmd_for(workdir, cores)`` gives the Snakemake command; interrupted runs use 1 core. After each
    interruption a plain rerun is recorded (``--dry-run`` after SIGINT and SIGTERM, see interrupted)
    and, if it refused, ``--unlock`` is run.
    """
    root.mkdir(parents=True, exist_ok=True)
    workdir = root / "wd"
    cycle = KillCycle(workdir, workdir / release_rel)
    signal_file = root / "stalled"
    step = iter(range(1000))

    def interrupted(how: str, proc: subprocess.Popen, trigger: str, old_temps: set[str]) -> Kill:
        temps = temp_files(cycle.release)
        kill = Kill(how, trigger, proc.returncode, incomplete_outputs(workdir), release_outputs(cycle.release),
                    temps, sorted(set(temps) - old_temps), unreadable_parquet(cycle.release))
        cmd = cmd_for(workdir, 2)
        # After SIGKILL a plain rerun always refuses (the lock stays), so run it for real; after SIGINT or
        # SIGTERM it may go ahead, so ask with --dry-run, which raises the same refusals, and keep the
        # rest of the workflow for the next interruption (the final recovery then runs plain).
        kill.plain_dry = how in ("SIGINT", "SIGTERM")
        kill.plain = run([*cmd, "--dry-run"] if kill.plain_dry else cmd,
                         record=root / f"{next(step):02d}-plain-rerun-after-{how}.log")
        kill.after_plain = release_outputs(cycle.release)
        if kill.plain.returncode != 0:
            kill.unlock = run([*cmd, "--unlock"], record=root / f"{next(step):02d}-unlock.log")
        cycle.kills.append(kill)
        return kill

    def interrupt_recovery(sig: int, delay: float) -> Kill | None:
        if cycle.kills and cycle.kills[-1].plain.returncode == 0 and not cycle.kills[-1].plain_dry:
            cycle.missed.append(f"{sig.name}: the plain rerun had already finished the workflow")
            return None
        old_temps = set(temp_files(cycle.release))
        started = time.time()
        with open(root / f"{next(step):02d}-{sig.name}-{delay:g}.log", "w") as log:
            proc = subprocess.Popen([*cmd_for(workdir, 1), "--rerun-incomplete"], env=base_env(), stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
            try:
                trigger = poll_and_kill(proc, cycle.release, delay=delay, started=started, old_temps=old_temps,
                                        sig=sig, workdir=workdir)
            finally:
                if proc.poll() is None:
                    kill_group(proc)
        if trigger is None:
            cycle.missed.append(f"{sig.name} (delay {delay:g} s): the run finished before the kill point")
            return None
        return interrupted(sig.name, proc, trigger, old_temps)

    # 1. the fault injector hangs the first write of a `*<stall_on>*` file half-way: kill there
    with open(root / f"{next(step):02d}-stall.log", "w") as log:
        env = stall_env(root / "inject", stall_on, signal_file, cycle.release)
        proc = subprocess.Popen(cmd_for(workdir, 1), env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            where = wait_for_stall(proc, signal_file)
        finally:
            if proc.poll() is None:
                kill_group(proc)
    cycle.stalled_temp = Path(where).relative_to(cycle.release).as_posix()
    interrupted("stall", proc, f"fault injector hung half-way through {cycle.stalled_temp}", set())

    # 2. SIGKILL the recovery at moving points until one lands in a Parquet-writing job
    for delay in delays:
        kill = interrupt_recovery(signal.SIGKILL, delay)
        if kill is None or kill.in_parquet_job:
            break

    # 3. Ctrl-C, then a polite SIGTERM
    interrupt_recovery(signal.SIGINT, 0.3)
    interrupt_recovery(signal.SIGTERM, 0.3)

    # 4. recovery to the end (plain, if a plain rerun was accepted last), then a run that must find
    # nothing to do
    cmd = cmd_for(workdir, 2)
    cycle.recover_flags = [] if cycle.kills[-1].plain.returncode == 0 else ["--rerun-incomplete"]
    cycle.recover = run([*cmd, *cycle.recover_flags], record=root / f"{next(step):02d}-recover.log")
    cycle.final = release_outputs(cycle.release)
    cycle.temps_final = temp_files(cycle.release)
    # mtime only: the manifest rule's params hold `git describe --dirty`, which changes whenever
    # someone edits the repository, and that is not what this check is about
    cycle.again = run([*cmd, "--dry-run", "--rerun-triggers", "mtime"], record=root / f"{next(step):02d}-again.log")
    if (cycle.release / "manifest.json").is_file():
        cycle.verify = run([sys.executable, "-m", "medroutes", "verify", str(cycle.release)],
                           record=root / f"{next(step):02d}-verify.log")
    (root / "summary.json").write_text(json.dumps(cycle.summary(), indent=2), encoding="utf-8")
    return cycle


def check_kills_landed(cycle: KillCycle, require=()) -> None:
    """The stall kill and at least one other SIGKILL landed in a Parquet-writing job; every signal
    named in ``require`` was delivered while the workflow still had work to do."""
    stall = cycle.kills[0]
    assert stall.how == "stall" and stall.in_parquet_job, stall.describe()
    # a half-written temp file sits beside its target, which does not exist and was being made
    assert cycle.stalled_temp in stall.temps, (cycle.stalled_temp, stall.temps)
    with pytest.raises(pa.ArrowException):
        pq.read_table(cycle.release / cycle.stalled_temp)
    temp = Path(cycle.stalled_temp)
    target = (temp.parent / temp.name[1:].rsplit(".", 2)[0]).as_posix()  # .<name>.<random>.tmp
    assert target not in stall.outputs
    assert any(o.endswith("/" + target) for o in stall.in_flight), (target, stall.in_flight)
    sigkills = [k for k in cycle.kills if k.how == "SIGKILL"]
    assert any(k.in_parquet_job for k in sigkills), "no SIGKILL of the recovery landed in a Parquet-writing " \
        "job:\n" + "\n".join([k.describe() for k in sigkills] + cycle.missed)
    delivered = {k.how for k in cycle.kills}
    assert set(require) <= delivered, f"not delivered: {sorted(set(require) - delivered)}; {cycle.missed}"


def check_no_partial_output(cycle: KillCycle, reference: dict[str, str]) -> None:
    for kill in cycle.kills:
        # SIGKILL: the signal's own status; SIGINT, SIGTERM: Snakemake shuts down and exits non-zero
        stopped = kill.returncode == -signal.SIGKILL if kill.how in ("stall", "SIGKILL") else kill.returncode != 0
        assert stopped, f"{kill.describe()}: the run was not stopped (rc {kill.returncode})"
        assert not kill.unreadable, f"{kill.describe()}: Parquet unreadable after the kill: {kill.unreadable}"
        differ = sorted(k for k, v in kill.outputs.items() if reference.get(k) != v)
        assert not differ, (f"{kill.describe()}: these outputs exist but are not the bytes of an uninterrupted "
                            f"run: {differ}")
        assert len(kill.outputs) < len(reference), f"{kill.describe()}: came after everything was published"


def check_plain_rerun(cycle: KillCycle, reference: dict[str, str]) -> None:
    for kill in cycle.kills:
        res = kill.plain
        if res.returncode == 0:  # accepted: a real rerun must give the reference bytes (a dry one: the
            if not kill.plain_dry:  # final recovery, then run plain, must)
                assert kill.after_plain == reference, (kill.describe(), diff_outputs(reference, kill.after_plain))
            continue
        text = res.stdout + res.stderr
        assert any(flag in text for flag in RECOVERY_FLAGS), \
            f"{kill.describe()}: plain rerun refused without saying how to recover:\n{tail(res)}"
        assert kill.after_plain == kill.outputs, f"{kill.describe()}: a refused rerun changed outputs"
        assert kill.unlock is not None and kill.unlock.returncode == 0, tail(kill.unlock)


def check_recovery(cycle: KillCycle, reference: dict[str, str], reference_release: Path | None = None) -> None:
    assert cycle.recover.returncode == 0, tail(cycle.recover)
    differ = diff_outputs(reference, cycle.final)
    assert not differ, (f"after the kills and recovery these outputs differ from an uninterrupted run: {differ}\n"
                        f"{first_difference(reference_release, cycle.release, differ)}")
    # temps that survived a kill are litter, never outputs (no output is hidden); recovery adds none
    survivors = {t for k in cycle.kills for t in k.temps}
    assert set(cycle.temps_final) <= survivors, sorted(set(cycle.temps_final) - survivors)
    assert cycle.again.returncode == 0 and "Nothing to be done" in cycle.again.stdout + cycle.again.stderr, \
        "after recovery Snakemake still wants to do work:\n" + tail(cycle.again)
    # the release checks out against its manifest, surviving temp files notwithstanding
    assert cycle.verify is None or cycle.verify.returncode == 0, tail(cycle.verify)


def exotic_env(root: Path) -> dict[str, str]:
    """Another time zone (UTC+14) and a German locale (decimal comma, German dates): an installed
    one (``locale -a``), else one compiled into ``root`` with ``localedef`` and found via LOCPATH,
    else the plain ASCII C locale, which still differs from the reference's C.UTF-8."""
    env = {"TZ": "Pacific/Kiritimati", "LANG": "de_DE.UTF-8"}
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        installed = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=30).stdout.split()
        german = [loc for loc in installed if loc.lower().replace("-", "") in {"de_de.utf8", "de_de"}]
        if german:
            return {**env, "LC_ALL": german[0]}
        locales = root / "locales"
        locales.mkdir(parents=True, exist_ok=True)
        made = subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8", str(locales / "de_DE.UTF-8")],
                              capture_output=True, text=True, timeout=120)
        if made.returncode == 0 and (locales / "de_DE.UTF-8").is_dir():
            return {**env, "LOCPATH": str(locales), "LC_ALL": "de_DE.UTF-8"}
    return {**env, "LC_ALL": "C"}


REFERENCE_ENV = {"TZ": "UTC", "LC_ALL": "C.UTF-8"}


# ---------------------------------------------------------------------------------------------
# the demo scenarios, run side by side


def demo_cmd(workdir: Path, cores: int) -> list[str]:
    return snakemake_cmd(workdir=workdir, cores=cores)


DEMO_RELEASE = release_of(DEMO_CONFIGFILES)


def _variant(name: str, *, cores: int, elsewhere: bool, exotic: bool):
    """A clean demo run; ``elsewhere``: started from an unrelated directory that is also the
    working directory (no ``-d``), instead of from the pytest directory with ``-d``; ``exotic``:
    another time zone and locale (exotic_env) instead of REFERENCE_ENV."""
    def scenario(root: Path) -> CleanRun:
        root.mkdir(parents=True)
        env = base_env(**(exotic_env(root) if exotic else REFERENCE_ENV))
        if elsewhere:
            cwd = root / "elsewhere" / "deeper"
            cwd.mkdir(parents=True)
            return clean_run(name, snakemake_cmd(workdir=None, cores=cores), cwd / DEMO_RELEASE, cwd=cwd, env=env,
                             record=root / "run.log")
        return clean_run(name, demo_cmd(root / "wd", cores), root / "wd" / DEMO_RELEASE, env=env,
                         record=root / "run.log")
    return scenario


SCENARIOS = {
    "reference": _variant("reference", cores=2, elsewhere=False, exotic=False),
    "all_at_once": _variant("all_at_once", cores=1, elsewhere=True, exotic=True),
    "cores1": _variant("cores1", cores=1, elsewhere=False, exotic=False),
    "other_cwd": _variant("other_cwd", cores=2, elsewhere=True, exotic=False),
    "locale": _variant("locale", cores=2, elsewhere=False, exotic=True),
    "kill_cycle": lambda root: kill_cycle(root, release_rel=DEMO_RELEASE, cmd_for=demo_cmd),
}
VARIANTS = (["cores1", "other_cwd", "locale"] if os.environ.get("MEDROUTES_FAULTS_FULL_MATRIX")
            else ["all_at_once"])
KILL_TESTS = {"test_kill_lands_in_a_job_that_writes_parquet", "test_kill_leaves_no_partial_output",
              "test_plain_rerun_after_kill_refuses_and_names_the_recovery_flags",
              "test_unlock_then_rerun_incomplete_gives_the_uninterrupted_bytes"}


@pytest.fixture(scope="module")
def demo(request, tmp_path_factory) -> dict[str, Future]:
    """Start, side by side, the reference run and every scenario a selected test of this module needs."""
    wanted = {"reference"}
    for item in request.session.items:
        if item.module is sys.modules[__name__]:
            if item.originalname in KILL_TESTS:
                wanted.add("kill_cycle")
            if hasattr(item, "callspec"):
                wanted.add(item.callspec.params.get("scenario"))
    wanted = sorted(w for w in wanted if w in SCENARIOS)
    root = tmp_path_factory.mktemp("faults_demo")
    pool = ThreadPoolExecutor(max_workers=len(wanted), thread_name_prefix="demo")
    futures = {name: pool.submit(SCENARIOS[name], root / name) for name in wanted}
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)  # every scenario is bounded by subprocess timeouts


@pytest.fixture(scope="module")
def reference(demo) -> dict[str, str]:
    ref = demo["reference"].result()
    assert ref.result.returncode == 0, tail(ref.result)
    kinds = {Path(k).suffix for k in ref.outputs}
    assert FIGURE_AND_TABLE_SUFFIXES <= kinds, f"reference run published only {sorted(kinds)}"
    return ref.outputs


# ---------------------------------------------------------------------------------------------
# determinism


@pytest.mark.slow
@pytest.mark.parametrize("scenario", VARIANTS)
def test_same_bytes_with_one_core_another_directory_another_locale(demo, reference, scenario):
    """Against the reference (2 cores, -d, TZ=UTC, LC_ALL=C.UTF-8). all_at_once: 1 core, started from
    another directory without -d, TZ=Pacific/Kiritimati, LANG and LC_ALL de_DE.UTF-8 (exotic_env). With
    MEDROUTES_FAULTS_FULL_MATRIX=1 each condition runs alone (cores1, other_cwd, locale)."""
    got = demo[scenario].result()
    assert got.result.returncode == 0, tail(got.result)
    differ = diff_outputs(reference, got.outputs)
    assert not differ, (f"{scenario}: these outputs differ from the reference run: {differ}\n"
                        f"{first_difference(demo['reference'].result().release, got.release, differ)}")


# ---------------------------------------------------------------------------------------------
# kill and recover


@pytest.fixture(scope="module")
def demo_kills(demo, reference) -> KillCycle:
    return demo["kill_cycle"].result()


@pytest.mark.slow
def test_kill_lands_in_a_job_that_writes_parquet(demo_kills):
    check_kills_landed(demo_kills, require=("SIGINT", "SIGTERM"))


@pytest.mark.slow
def test_kill_leaves_no_partial_output(demo_kills, reference):
    check_no_partial_output(demo_kills, reference)


@pytest.mark.slow
def test_plain_rerun_after_kill_refuses_and_names_the_recovery_flags(demo_kills, reference):
    """Or, when it runs (after SIGTERM; after Ctrl-C before the job had published any output), gives
    the uninterrupted bytes."""
    check_plain_rerun(demo_kills, reference)


@pytest.mark.slow
def test_unlock_then_rerun_incomplete_gives_the_uninterrupted_bytes(demo, demo_kills, reference):
    check_recovery(demo_kills, reference, demo["reference"].result().release)


# ---------------------------------------------------------------------------------------------
# the writer itself

SCHEMA = pa.schema([("k", pa.string()), ("v", pa.float64())])


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"k": [f"key{i}" for i in range(2000)], "v": [i / 7 for i in range(2000)]})


def _half_then(exc: BaseException):
    real = pq.write_table

    def write_table(table, where, *args, **kwargs):
        sink = pa.BufferOutputStream()
        real(table, sink, *args, **kwargs)
        data = sink.getvalue().to_pybytes()
        Path(where).write_bytes(data[: len(data) // 2])
        raise exc

    return write_table


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk_full", "interrupt"])
def test_write_parquet_failing_mid_write_leaves_neither_target_nor_temp(tmp_path, monkeypatch, exc):
    monkeypatch.setattr(pq, "write_table", _half_then(exc))
    with pytest.raises(type(exc)):
        mio.write_parquet(_frame(), tmp_path / "out" / "x.parquet", SCHEMA, ["k"])
    assert list((tmp_path / "out").iterdir()) == []


def test_write_parquet_failing_mid_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "x.parquet"
    mio.write_parquet(_frame(), target, SCHEMA, ["k"])
    before = sha256(target)
    monkeypatch.setattr(pq, "write_table", _half_then(OSError(28, "No space left on device")))
    with pytest.raises(OSError):
        mio.write_parquet(_frame().iloc[:10], target, SCHEMA, ["k"])
    assert sha256(target) == before and [p.name for p in tmp_path.iterdir()] == ["x.parquet"]
    assert pq.read_table(target).num_rows == 2000


def test_sigkill_in_the_middle_of_write_parquet_leaves_no_target(tmp_path):
    """The real thing, in a subprocess: SIGKILL while half the bytes are written. The target never
    exists; what survives is a hidden temp beside it, unreadable as Parquet."""
    out = tmp_path / "out"
    code = ("import pandas as pd, pyarrow as pa; from medroutes.io import write_parquet; "
            f"write_parquet(pd.DataFrame({{'k': ['a', 'b']}}), {str(out / 'x.parquet')!r}, "
            "pa.schema([('k', pa.string())]), ['k'])")
    env = stall_env(tmp_path / "inject", "x.parquet", tmp_path / "stalled")
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True)
    try:
        wait_for_stall(proc, tmp_path / "stalled", timeout=120)
    finally:
        if proc.poll() is None:
            kill_group(proc)
    left = sorted(p.name for p in out.iterdir())
    assert len(left) == 1 and left[0].startswith(".x.parquet.") and left[0].endswith(".tmp"), left
    with pytest.raises(pa.ArrowException):
        pq.read_table(out / left[0])
