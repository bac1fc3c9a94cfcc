"""Intake: every registered raw file is present and has exactly its pinned bytes.

Runs at workflow start-up (so a missing or corrupted file stops the run before any job) and
again inside the per-source intake rule, which writes the provenance record.
"""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

from .errors import IntakeError
from .io import atomic_path, sha256_file
from .log import get_logger

log = get_logger(__name__)


def raw_path(raw_dir, source_id: str, file_entry: dict) -> Path:
    return Path(raw_dir) / source_id / file_entry["name"]


def download(url: str, dest: Path, timeout: float = 60) -> None:
    """Fetch ``url`` to ``dest`` atomically. Only ever called when the user opted in."""
    log.info("downloading %s -> %s", url, dest)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, atomic_path(dest) as tmp:
            with open(tmp, "wb") as fh:
                shutil.copyfileobj(resp, fh)
    except OSError as exc:
        raise IntakeError(f"could not download {url} to {dest}: {exc}") from None


def check_file(raw_dir, source: dict, file_entry: dict, *, allow_download: bool = False,
               origin: str = "raw_dir") -> dict:
    """Verify one file; return its observed record. Raises IntakeError naming the file and hashes."""
    path = raw_path(raw_dir, source["id"], file_entry)
    url = file_entry.get("url") or source.get("url")
    if not path.is_file():
        if allow_download and file_entry.get("url"):
            download(file_entry["url"], path)
        else:
            hint = ("set download: true (e.g. --config download=true) to fetch it"
                    if file_entry.get("url") else "get it from the publisher")
            raise IntakeError(
                f"raw file missing for source {source['id']!r}: {file_entry['name']!r} not found at "
                f"{path} (raw-data directory {raw_dir}, from {origin}; set MEDROUTES_RAW_DIR or config raw_dir). "
                f"Official URL: {url}; {hint}."
            )
    observed = sha256_file(path)
    if observed != file_entry["sha256"]:
        raise IntakeError(
            f"checksum mismatch for {path} (source {source['id']!r}): expected sha256 "
            f"{file_entry['sha256']}, found {observed}. The file is corrupted or is a different "
            f"release; restore the pinned file or update the registry on purpose."
        )
    size = path.stat().st_size
    if "bytes" in file_entry and size != file_entry["bytes"]:
        raise IntakeError(f"{path}: size {size} bytes, registry says {file_entry['bytes']}")
    return {"name": file_entry["name"], "path": str(path), "sha256": observed, "bytes": size}


def check_all(registry: dict[str, dict], raw_dir, source_ids, *, allow_download: bool = False,
              origin: str = "raw_dir") -> None:
    """Start-up check over every file of ``source_ids``; reports every problem at once."""
    problems = []
    for sid in source_ids:
        for f in registry[sid]["files"]:
            try:
                check_file(raw_dir, registry[sid], f, allow_download=allow_download, origin=origin)
            except IntakeError as exc:
                problems.append(str(exc))
    if problems:
        raise IntakeError("raw-data intake failed:\n- " + "\n- ".join(problems))


def provenance(registry_entry: dict, raw_dir) -> dict:
    """The provenance record: the registry entry plus what was observed on disk."""
    observed = [check_file(raw_dir, registry_entry, f) for f in registry_entry["files"]]
    return {"source": registry_entry, "observed": observed}
