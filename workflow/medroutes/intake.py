"""Intake: every registered raw file is present, inside its source's folder, and has exactly its
pinned bytes.

Runs at workflow start-up (so a missing, oversized or corrupted file stops the run before any
job) and again inside the per-source intake rule, which writes the provenance record. The clean
step parses the bytes :func:`read_pinned` returns, which it checks against that record, so what is
parsed is what was checked, even if the file changes in between.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.request
from pathlib import Path, PurePosixPath

from .errors import IntakeError
from .io import atomic_path
from .log import get_logger

log = get_logger(__name__)

CHUNK = 1 << 20


def bad_name(name: str) -> str | None:
    """Why a registry file name may not be used as a path under its source folder (None: it may)."""
    if not name or "\x00" in name:
        return "is empty or holds a NUL byte"
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path (or uses '\\')"
    if ".." in PurePosixPath(name).parts:
        return "has a '..' part"
    return None


def raw_path(raw_dir, source_id: str, file_entry: dict) -> Path:
    """Where a registered file lives: ``<raw_dir>/<source_id>/<name>`` (a later vintage's in
    ``<raw_dir>/<source_id>@<vintage>/``, its ``folder``), and nowhere else.

    Refuses a name that is absolute, has a ``..`` part, or resolves (symlinks followed) outside the
    source's folder: the registry can never point intake at, or a download to, another file."""
    name, sub = file_entry["name"], file_entry.get("folder", source_id)
    why = bad_name(name)
    if why:
        raise IntakeError(f"registry file name {name!r} of source {source_id!r} {why}; expected a "
                          f"file name inside <raw_dir>/{sub}/")
    if sub != source_id and not re.fullmatch(rf"{re.escape(source_id)}@[0-9A-Za-z][0-9A-Za-z._-]*", sub):
        raise IntakeError(f"registry folder {sub!r} of source {source_id!r}: expected {source_id}@<vintage>")
    folder = Path(raw_dir) / sub
    path = folder / name
    real, real_folder = path.resolve(), folder.resolve()
    if not real.is_relative_to(real_folder):
        raise IntakeError(f"{path}: registry file {name!r} of source {source_id!r} resolves to {real}, "
                          f"outside the source's folder {real_folder} (a symlink?); expected a file "
                          f"inside it")
    return path


def _hash_capped(fh, limit: int, what: str) -> tuple[bytes, str]:
    """Read ``fh`` to the end, but never more than ``limit`` bytes: (bytes, sha256)."""
    h, parts, n = hashlib.sha256(), [], 0
    while block := fh.read(CHUNK):
        n += len(block)
        if n > limit:
            raise IntakeError(f"{what}: more than the pinned {limit} bytes (stopped reading at {n})")
        h.update(block)
        parts.append(block)
    return b"".join(parts), h.hexdigest()


def download(url: str, dest: Path, *, sha256: str, size: int, timeout: float = 60) -> None:
    """Fetch ``url`` to ``dest``: streamed to a temporary file beside it, stopped as soon as it
    goes over the pinned ``size``, checked against ``sha256``, and only then renamed into place. A
    failed download leaves nothing under ``dest``. Only ever called when the user opted in."""
    log.info("downloading %s -> %s", url, dest)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, atomic_path(dest) as tmp:
            data, found = _hash_capped(resp, size, f"download of {url}")
            if found != sha256 or len(data) != size:
                raise IntakeError(
                    f"checksum mismatch for the download of {url} to {dest}: expected sha256 {sha256} "
                    f"({size} bytes), received {found} ({len(data)} bytes); nothing was saved")
            tmp.write_bytes(data)
    except OSError as exc:
        raise IntakeError(f"could not download {url} to {dest}: {exc}") from None


def check_file(raw_dir, source: dict, file_entry: dict, *, allow_download: bool = False,
               origin: str = "raw_dir") -> dict | None:
    """Verify one file; return its observed record, or None for a missing file that the download
    rule will fetch (``allow_download`` and a URL). Raises IntakeError naming the file and hashes."""
    path = raw_path(raw_dir, source["id"], file_entry)
    url = file_entry.get("url") or source.get("url")
    if not path.is_file():
        if allow_download and file_entry.get("url"):
            return None
        hint = ("set download: true (e.g. --config download=true) to fetch it"
                if file_entry.get("url") else "get it from the publisher")
        raise IntakeError(
            f"raw file missing for source {source['id']!r}: {file_entry['name']!r} not found at "
            f"{path} (raw-data directory {raw_dir}, from {origin}; set MEDROUTES_RAW_DIR or config raw_dir). "
            f"Official URL: {url}; {hint}."
        )
    size, pinned = path.stat().st_size, file_entry["bytes"]
    if size > pinned:  # refused unread: a file over its pinned size is not the pinned file
        raise IntakeError(f"{path} (source {source['id']!r}): {size} bytes, over its pinned size of {pinned} "
                          f"bytes; it is a different release or a damaged file and is not read")
    with open(path, "rb") as fh:
        _, observed = _hash_capped(fh, pinned, str(path))
    if observed != file_entry["sha256"]:
        raise IntakeError(
            f"checksum mismatch for {path} (source {source['id']!r}): expected sha256 "
            f"{file_entry['sha256']}, found {observed}. The file is corrupted or is a different "
            f"release; restore the pinned file or update the registry on purpose."
        )
    return {"name": file_entry["name"], "path": str(path), "sha256": observed, "bytes": size}


def check_all(registry: dict[str, dict], raw_dir, source_ids, *, allow_download: bool = False,
              origin: str = "raw_dir", release_dir=None) -> list[tuple[str, dict]]:
    """Start-up check over every file of ``source_ids``; reports every problem at once. Returns the
    (source id, file entry) pairs still to download (only with ``allow_download``).

    A file that is absent here but whose pinned bytes the release in ``release_dir`` already took in
    (its ``intake/<source>.provenance.json`` records the same sha256) is not a problem: the steps after
    intake can be rebuilt from the release (an author redrawing figures without the raw data). A step
    that needs the raw file itself still stops, on Snakemake's missing-input error."""
    problems, pending, absent = [], [], []
    for sid in source_ids:
        for f in registry[sid]["files"]:
            if release_dir is not None and not raw_path(raw_dir, sid, f).is_file() \
                    and taken_in(release_dir, sid, f):
                absent.append(f"{f.get('folder', sid)}/{f['name']}")
                continue
            try:
                if check_file(raw_dir, registry[sid], f, allow_download=allow_download, origin=origin) is None:
                    pending.append((sid, f))
            except IntakeError as exc:
                problems.append(str(exc))
    if problems:
        raise IntakeError("raw-data intake failed:\n- " + "\n- ".join(problems))
    if absent:
        log.info("%d raw file(s) not in %s, already taken in by release %s with the pinned sha256 (%s): the "
                 "steps after intake can be rebuilt from the release, intake itself cannot", len(absent), raw_dir,
                 release_dir, ", ".join(absent))
    return pending


def taken_in(release_dir, source_id: str, file_entry: dict) -> bool:
    """True where the release's intake record of the source holds this file with its pinned sha256."""
    record = Path(release_dir) / "intake" / f"{source_id}.provenance.json"
    try:
        observed = json.loads(record.read_text(encoding="utf-8"))["observed"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return any(isinstance(o, dict) and o.get("name") == file_entry["name"] and o.get("sha256") == file_entry["sha256"]
               for o in observed)


def provenance(registry_entry: dict, raw_dir) -> dict:
    """The provenance record: the registry entry plus what was observed on disk."""
    observed = [check_file(raw_dir, registry_entry, f) for f in registry_entry["files"]]
    return {"source": registry_entry, "observed": observed}


def read_pinned(record: dict) -> bytes:
    """The bytes of one observed file of a provenance record, read once and checked against the
    record's sha256: the caller parses these bytes, never the path again."""
    path = Path(record["path"])
    try:
        with open(path, "rb") as fh:
            data, found = _hash_capped(fh, record["bytes"], str(path))
    except OSError as exc:
        raise IntakeError(f"{path}: cannot read the raw file recorded by intake ({exc})") from None
    if found != record["sha256"]:
        raise IntakeError(
            f"{path}: the bytes read for parsing are not the bytes intake checked: provenance sha256 "
            f"{record['sha256']}, read now {found}. The file changed after intake; restore the pinned "
            f"file and rerun.")
    return data
