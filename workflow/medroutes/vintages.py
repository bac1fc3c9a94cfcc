"""New data arrives: register a new vintage of a public source, or fetch one from its download URL.

``register`` does what OWID's snapshots or ``dvc add`` do for this registry: it hashes the files, has
the source's adapter read and clean them (stopping with the adapter's named error if it cannot),
says what they hold (rows kept and rejected, the periods covered, the layout), copies them into the
raw store (``<raw_dir>/<source>@<vintage>/``) and writes the vintage into the local registry overlay
(``restricted.overlay``, git-ignored: one overlay for a data holder's pins and a researcher's
vintages) or, with ``to_registry``, into ``config/sources.yaml`` for the maintainers. A vintage never
replaces another: the pinned one stays registered, and config ``vintages`` chooses.
``fetch`` downloads the source's registered URLs to a temporary folder and registers what it got.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import urllib.request
from datetime import UTC
from pathlib import Path

import yaml

from . import adapters, codebase
from . import clean as cleaning
from .config import apply_overlay, load_registry, load_yaml, select_vintages, vintages_of
from .errors import MedroutesError
from .io import atomic_path

MAX_DOWNLOAD = 2 * 1024**3  # bytes: a fetch stops past this, whatever the server sends
LABEL = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")
OVERLAY_HEADER = ("# Local registry overlay (git-ignored): restricted sources' pins and researchers' vintages of\n"
                  "# public sources, written by `python -m medroutes register` / `fetch`. Schema:\n"
                  "# workflow/schemas/overlay.schema.yaml.\n")


class VintageError(MedroutesError):
    """A vintage cannot be registered as asked."""


def overlay_path(config: dict) -> Path:
    p = str(config["restricted"]["overlay"])
    return codebase.REPO / p.removeprefix("repo:") if p.startswith("repo:") else Path(p)


def registry_path(config: dict) -> Path:
    p = Path(config["sources"])
    return p if p.is_absolute() else codebase.REPO / p


def _registered(config: dict) -> dict[str, dict]:
    return apply_overlay(load_registry(registry_path(config)), overlay_path(config))


def _sha256(path: Path) -> tuple[str, int]:
    h, n = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
            n += len(block)
    return h.hexdigest(), n


def inspect(entry: dict, paths: list[Path], thresholds: dict) -> dict:
    """What the files hold, read and cleaned by the source's adapter as a run would."""
    adapter = adapters.get(entry["adapter"])
    raw = adapters.read(adapter, paths)  # the adapter's InputError names the file, cell and value
    shas = {f"{p.parent.name}/{p.name}": _sha256(p)[0] for p in paths}
    kept, _, ledger = cleaning.clean(raw, adapter.SPEC, raw_sha256=shas, max_count=thresholds["max_count"],
                                     max_period=thresholds["max_period"])
    periods = [c.name for c in adapter.SPEC.columns if c.kind == "period"]
    covered = {c: (str(kept[c].min()), str(kept[c].max())) for c in periods if len(kept)}
    per_file = raw.groupby("raw_file").size().to_dict() if len(raw) else {}
    # the files' own data-as-of date, where the format states one (Frontex's Notes sheet, the World
    # Bank API's lastupdated): adapters leave it in the table's attrs
    as_of = raw.attrs.get("as_of") or raw.attrs.get("lastupdated")
    if hasattr(adapter, "as_of"):  # or a reader of its own (Frontex's workbook)
        as_of = next((str(d) for p in paths if (d := adapter.as_of(p, p.read_bytes()))), None) or as_of
    return {"rows_in": ledger["rows_in"], "rows_kept": ledger["rows_kept"], "rows_rejected": ledger["rows_rejected"],
            "rejected_by_reason": ledger["rejected_by_reason"], "periods": covered, "rows_per_file": per_file,
            "columns": list(adapter.SPEC.names), "as_of": as_of}


def register(config: dict, source_id: str, files: list, *, vintage: str | None = None, as_of: str | None = None,
             landing: str | None = None, url: str | None = None, to_registry: bool = False,
             names: list[str] | None = None, fallback: str | None = None, log=print) -> dict:
    """Register ``files`` as a new vintage of ``source_id``; return the vintage entry written.
    ``names``: the registered file names, where they differ from the paths'; ``fallback``: the label
    when neither ``vintage`` nor the files give one (a fetch's download date)."""
    registry = _registered(config)
    if source_id not in registry:
        raise VintageError(f"{source_id!r} is not a registered source; registered: {sorted(registry)}")
    entry = registry[source_id]
    if entry.get("access") == "restricted":
        raise VintageError(f"{source_id!r} is restricted: a data holder's file is pinned in the overlay "
                           "(restricted.overlay), not registered as a public vintage")
    paths = [Path(f) for f in files]
    for p in paths:
        if not p.is_file():
            raise VintageError(f"{p}: no such file")
    names = names or [p.name for p in paths]
    pins = [{"name": n, **dict(zip(("sha256", "bytes"), _sha256(p), strict=True))}
            for n, p in zip(names, paths, strict=True)]
    for v in vintages_of(entry):
        if {(f["name"], f["sha256"]) for f in v["files"]} == {(f["name"], f["sha256"]) for f in pins}:
            log(f"{source_id}: these files are already registered as vintage {v['vintage']}; nothing to do")
            return {"vintage": v["vintage"], "files": v["files"], "unchanged": True}

    seen = inspect(entry, paths, config["thresholds"])
    label = vintage or as_of or seen["as_of"] or fallback
    if not label:
        raise VintageError(f"{source_id}: give --vintage (the publisher's release or data-as-of date, YYYY-MM-DD); "
                           "these files do not state one")
    if not LABEL.fullmatch(label):
        raise VintageError(f"vintage {label!r}: expected a date or version (letters, digits, '.', '_', '-')")
    if label in [v["vintage"] for v in vintages_of(entry)]:
        raise VintageError(f"{source_id}: vintage {label} is already registered with other files; a vintage is "
                           "never replaced: give another --vintage")
    new = {"vintage": label, "as_of": as_of or seen["as_of"] or label,
           **({"landing": landing} if landing else {}), **({"url": url} if url else {}), "files": pins}

    # the raw store: <raw_dir>/<source>@<vintage>/<name>, beside the pinned <raw_dir>/<source>/
    from .config import raw_dir

    folder = raw_dir(config) / f"{source_id}@{label}"
    folder.mkdir(parents=True, exist_ok=True)
    for p, pin in zip(paths, pins, strict=True):
        dest = folder / pin["name"]
        if not (dest.is_file() and _sha256(dest)[0] == pin["sha256"]):
            with atomic_path(dest) as tmp:
                shutil.copyfile(p, tmp)
    target = registry_path(config) if to_registry else overlay_path(config)
    (_into_registry if to_registry else _into_overlay)(target, source_id, new)
    periods = "; ".join(f"{c} {a} to {b}" for c, (a, b) in seen["periods"].items()) or "no periods"
    log(f"{source_id}: registered vintage {label} in {target}")
    log("  files: " + ", ".join(f"{f['name']} ({f['bytes']:,} bytes, sha256 {f['sha256'][:12]})" for f in pins))
    log(f"  read by adapter {entry['adapter']}: {seen['rows_in']:,} rows, {seen['rows_kept']:,} kept, "
        f"{seen['rows_rejected']:,} rejected {seen['rejected_by_reason'] or ''}".rstrip())
    log(f"  covers: {periods}; columns: {', '.join(seen['columns'])}")
    newest = select_vintages(_registered(config), {})[source_id]["vintage"] == label
    log(f"  stored in {folder}; " + ("runs now read it (the newest vintage)" if newest else
        f"runs read the newest ({max(v['vintage'] for v in vintages_of(entry))}); to read this one, set config "
        f"vintages: {{{source_id}: {label}}}"))
    return {**new, "inspected": seen}


def _into_overlay(path: Path, source_id: str, vintage: dict) -> None:
    data = load_yaml(path) if path.is_file() else {"sources": []}
    for e in data["sources"]:
        if e["id"] == source_id:
            e.setdefault("vintages", []).append(vintage)
            break
    else:
        data["sources"].append({"id": source_id, "vintages": [vintage]})
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text(OVERLAY_HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
                       encoding="utf-8")
    _keep_valid(path, old)


def _into_registry(path: Path, source_id: str, vintage: dict) -> None:
    """Insert the vintage into the source's block of sources.yaml as text, so its comments stay."""
    old = path.read_text(encoding="utf-8")
    lines = old.splitlines(keepends=True)
    item = re.compile(rf"^( *)- id: {re.escape(source_id)}\s*$")
    start = next((i for i, ln in enumerate(lines) if item.match(ln)), None)
    if start is None:
        raise VintageError(f"{path}: no entry '- id: {source_id}' to add the vintage under")
    lead = " " * len(item.match(lines[start]).group(1))  # the list's indent; the entry's keys are 2 deeper
    key = lead + "  "
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(lead + "- ")
                or (lines[i].strip() and not lines[i].startswith(key) and not lines[i].startswith("#"))), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # keep the blank line between entries
    text = yaml.safe_dump([vintage], sort_keys=False, allow_unicode=True, width=100)
    block = "".join(key + "  " + ln + "\n" for ln in text.splitlines())
    has = next((i for i in range(start, end) if lines[i].rstrip() == f"{key}vintages:"), None)
    if has is None:
        lines.insert(end, f"{key}vintages:\n" + block)
    else:  # after the last line of the existing list
        last = next((i for i in range(has + 1, end) if not lines[i].startswith(key + "  ")), end)
        lines.insert(last, block)
    with atomic_path(path) as tmp:
        tmp.write_text("".join(lines), encoding="utf-8")
    _keep_valid(path, old, registry=True)


def _keep_valid(path: Path, old: str | None, registry: bool = False) -> None:
    try:
        load_registry(path) if registry else load_yaml(path)
    except MedroutesError:
        if old is None:
            path.unlink()
        else:
            path.write_text(old, encoding="utf-8")
        raise


def fetch(config: dict, source_id: str, *, vintage: str | None = None, to_registry: bool = False,
          timeout: float = 60, log=print) -> dict:
    """Download the source's registered files to a temporary folder, then register them as a new
    vintage (or say they are an already registered one). The pinned vintage is never touched."""
    entry = _registered(config).get(source_id)
    if entry is None:
        raise VintageError(f"{source_id!r} is not a registered source")
    missing = [f["name"] for f in entry["files"] if not f.get("url")]
    if missing or not entry["files"]:
        raise VintageError(f"{source_id}: no download URL registered for {missing or 'its files'}; download them "
                           f"from the publisher ({entry.get('landing') or entry.get('url')}) and run: python -m "
                           f"medroutes register {source_id} FILE...")
    with tempfile.TemporaryDirectory(prefix=f"medroutes-fetch-{source_id}-") as tmp:
        paths = []
        for f in entry["files"]:
            dest = Path(tmp) / source_id / f["name"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            _download(f["url"], dest, timeout)
            paths.append(dest)
            log(f"{source_id}: downloaded {f['url']} ({dest.stat().st_size:,} bytes)")
        from datetime import datetime

        retrieved = datetime.now(UTC).date().isoformat()  # a label only: outputs never see the clock
        return register(config, source_id, paths, vintage=vintage, url=entry["files"][0]["url"],
                        landing=entry.get("landing") or entry.get("url"), to_registry=to_registry,
                        fallback=retrieved, log=log)


def _download(url: str, dest: Path, timeout: float) -> None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, open(dest, "wb") as out:
            n = 0
            while block := resp.read(1 << 20):
                n += len(block)
                if n > MAX_DOWNLOAD:
                    raise VintageError(f"download of {url}: more than {MAX_DOWNLOAD:,} bytes; stopped")
                out.write(block)
    except OSError as exc:  # URLError, HTTPError and timeouts are OSErrors
        raise VintageError(f"could not download {url}: {exc}") from None
