"""One writer per release folder: a lock held on the folder itself, whichever directory runs Snakemake.

Snakemake's own lock lives in each working directory's ``.snakemake/``: two runs from two folders
(or one with ``-s <clone>/Snakefile``) would both write one release. This lock is an OS record lock
(``fcntl.lockf``, which NFS forwards to its server) on ``<release>/.medroutes.lock``, taken when the
Snakefile is parsed by a run that may write, and held until that process exits. The file names the
holder (host, pid, start time, command), so a second run stops at once saying who holds it. The
kernel drops the lock of a process that dies, however it dies; a record left behind by a run that
was killed is therefore known to be stale, and is reported before the new run takes over.
"""

from __future__ import annotations

import atexit
import datetime as dt
import errno
import fcntl
import json
import os
import socket
import sys
from pathlib import Path

from .errors import MedroutesError
from .log import get_logger

log = get_logger(__name__)

LOCK_NAME = ".medroutes.lock"
_held: dict[str, int] = {}  # release folder -> open descriptor: closing it would drop the lock


class ReleaseLocked(MedroutesError):
    """Another live run holds the release folder."""


def _describe(record: dict) -> str:
    return (f"host {record.get('host', '?')}, pid {record.get('pid', '?')}, started {record.get('started', '?')}"
            f" ({record.get('command', '?')})")


def _read(fd: int) -> dict | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 1 << 16).decode("utf-8", "replace").strip()
    if not text:
        return None
    try:
        record = json.loads(text)
    except json.JSONDecodeError:
        return {"command": f"unreadable lock record {text[:80]!r}"}
    return record if isinstance(record, dict) else {"command": f"unreadable lock record {text[:80]!r}"}


def take(release_dir, *, now: dt.datetime | None = None) -> str | None:
    """Hold the lock of ``release_dir`` until this process exits. Raises :class:`ReleaseLocked`
    naming the holder if a live run has it. Returns a warning when a killed run's record was found
    (and replaced), else None. Taking a lock this process already holds is a no-op."""
    root = Path(release_dir).resolve()
    if str(root) in _held:
        return None
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        holder = _read(fd)
        os.close(fd)
        if exc.errno not in (errno.EACCES, errno.EAGAIN):
            raise MedroutesError(f"{path}: cannot lock the release folder ({exc})") from None
        raise ReleaseLocked(
            f"release folder {root} is being written by another run: {_describe(holder or {})}. "
            f"Wait for it to finish, or give this run another release (--config release=...) or out_dir."
        ) from None
    stale = _read(fd)
    record = {"host": socket.gethostname(), "pid": os.getpid(),
              "started": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
              "command": " ".join(sys.argv)[:500]}
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, (json.dumps(record) + "\n").encode("utf-8"))
    os.fsync(fd)
    _held[str(root)] = fd
    atexit.register(release, root)
    if stale is None:
        return None
    return (f"stale lock on release folder {root}: the run of {_describe(stale)} ended without releasing it "
            f"(killed?); no process holds it now, so this run takes it over. That run's interrupted jobs "
            f"are redone (--rerun-incomplete; after a hard kill, `make recover`).")


def release(release_dir) -> None:
    """Clear the holder record and drop the lock (at exit; a killed process leaves the record)."""
    fd = _held.pop(str(Path(release_dir).resolve()), None)
    if fd is None:
        return
    try:
        os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing drops the record lock
