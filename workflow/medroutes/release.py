"""Release tooling: a manifest of every output, verification against it, and release-to-release diffs.

The manifest is what a reviewer checks a cited release against: every output with sha256, size,
rows, the rule that made it and its inputs' checksums, plus code and package versions. It holds
no timestamps and every list is sorted, so the same release gives the same manifest bytes.
"""

from __future__ import annotations

import ast
import base64
import csv
import fnmatch
import importlib.metadata as md
import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .codebase import REPO, code_version, packages  # noqa: F401  (part of this module's API)
from .errors import MedroutesError
from .io import read_json, sha256_file, write_json
from .plan import REPO_PREFIX

MANIFEST_NAME = "manifest.json"
# Written by `snakemake --report` after the run, stamped with its own creation time: not a result.
REPORT_NAME = "report.html"
MANIFEST_VERSION = "1"
# Top-level folders of a release that hold run records (times, hosts), not results.
NOT_OUTPUTS = ("logs", "benchmarks")
# written by `medroutes publish` from the manifest (which therefore cannot list them)
PUBLICATION_FILES = ("datapackage.json", "CITATION.cff", ".zenodo.json", "observations.sdmx.csv", "published.json")
TABULAR_TEXT = {".csv": ",", ".tsv": "\t"}


# --- files of a release -----------------------------------------------------------------------

def release_files(release_dir) -> list[str]:
    """Output files under ``release_dir`` as sorted relative POSIX paths.

    Skips logs/, benchmarks/, the manifest, the Snakemake report and hidden files (an interrupted atomic write leaves
    ``.name.*.tmp``; Snakemake leaves ``.snakemake_timestamp``): none of them is a result.
    """
    root = Path(release_dir)
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        dirnames[:] = [d for d in dirnames if not d.startswith(".")
                       and not (rel_dir == Path(".") and d in NOT_OUTPUTS)]
        for name in filenames:
            rel = (rel_dir / name).as_posix()
            if not name.startswith(".") and rel not in (MANIFEST_NAME, REPORT_NAME, *PUBLICATION_FILES):
                out.append(rel)
    return sorted(out)


def _outside(path) -> str:
    """How the manifest names an input outside the release: a file of this checkout (a step's
    ``repo:`` input, such as config/inventory.yaml) as ``repo:<path in the repository>``, the same
    in every clone; anything else as Snakemake gave it (relative to the working directory)."""
    p = Path(path)
    if p.is_absolute():
        try:
            return REPO_PREFIX + p.resolve().relative_to(REPO.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def _inside(release_dir: Path, path) -> str | None:
    """``path`` relative to the release if it lies inside it, else None.

    Snakemake names files relative to its workdir, callers may pass absolute or release-relative
    paths: all must land on the same manifest key. A release-relative reading counts only if that
    file exists, so a raw file given as ``raw/x.csv`` is not mistaken for ``<release>/raw/x.csv``.
    """
    root = release_dir.resolve()
    p = Path(path)
    for cand, must_exist in ((p, False), (release_dir / p, True)):
        try:
            rel = cand.resolve().relative_to(root)
        except ValueError:
            continue
        if not must_exist or cand.exists():
            return rel.as_posix()
    return None


def count_rows(path) -> int | None:
    """Rows of a table: Parquet from its footer (no data read), CSV/TSV as records minus header."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    if suffix in TABULAR_TEXT:
        # csv.reader, not line counting: a quoted field may hold a newline
        with open(path, newline="", encoding="utf-8", errors="replace") as fh:
            records = sum(1 for rec in csv.reader(fh, delimiter=TABULAR_TEXT[suffix]) if rec)
        return max(records - 1, 0)
    return None


def _format(path: str) -> str:
    return Path(path).suffix.lower().lstrip(".") or "unknown"


# --- manifest ---------------------------------------------------------------------------------

def build_manifest(release_dir, files=None, producers=None, *, release: str, code_version: str,
                   packages: dict[str, str], code=None, vintages: dict[str, str] | None = None) -> dict:
    """The manifest of ``release_dir`` as a JSON-ready dict.

    ``files``: output paths (absolute, cwd-relative or release-relative); None = every output
    file under the release (see :func:`release_files`). ``producers``: output path ->
    ``{"rule": name, "inputs": [paths], "code_key": key}``. Inputs inside the release are recorded
    relative to it; files of this checkout as ``repo:<path>``; others (raw files) with the path as given,
    resolved against the current directory.
    ``code``: release-relative path -> the :class:`~medroutes.codebase.Code` of this checkout that
    builds it (None: not recorded). An output whose job record carries another code key was built
    by other code: the manifest refuses to vouch for it.
    """
    root = Path(release_dir)
    if not root.is_dir():
        raise MedroutesError(f"release folder not found: {root}")
    rels = release_files(root) if files is None else [_require_inside(root, f) for f in files]
    by_rel = {}
    for out, prod in (producers or {}).items():
        rel = _inside(root, out)
        if rel is not None:
            by_rel[rel] = prod

    cache: dict[Path, tuple[str, int]] = {}

    def digest(p: Path) -> tuple[str, int]:
        key = p.resolve()
        if key not in cache:
            cache[key] = (sha256_file(p), p.stat().st_size)
        return cache[key]

    # a raw input is hashed again here: it must still be the file intake recorded (and clean parsed)
    pinned = {}
    for rec_path in sorted((root / "intake").glob("*.provenance.json")):
        for f in read_json(rec_path).get("observed", []):
            pinned[Path(f["path"]).resolve()] = (f["sha256"], rec_path.name)

    entries = []
    for rel in sorted(set(rels)):
        path = root / rel
        if not path.is_file():
            raise MedroutesError(f"{path}: listed as a release output but not found")
        sha, size = digest(path)
        prod = by_rel.get(rel, {})
        inputs = []
        for given in prod.get("inputs", []):
            in_rel = _inside(root, given)
            actual = root / in_rel if in_rel is not None else Path(given)
            if not actual.is_file():
                raise MedroutesError(f"{given}: input of {rel} (rule {prod.get('rule')}) not found")
            in_sha, in_size = digest(actual)
            pin = pinned.get(actual.resolve()) if in_rel is None else None
            if pin is not None and pin[0] != in_sha:
                raise MedroutesError(f"{given}: raw file changed after intake: provenance record {pin[1]} has "
                                     f"sha256 {pin[0]}, the file now has {in_sha}; restore it, or rerun so "
                                     f"that intake and every step after it see the same bytes")
            inputs.append({"path": in_rel if in_rel is not None else _outside(given), "sha256": in_sha,
                           "bytes": in_size, "in_release": in_rel is not None})
        entry = {"path": rel, "format": _format(rel), "sha256": sha, "bytes": size,
                 "rows": count_rows(path), "rule": prod.get("rule"),
                 "inputs": sorted(inputs, key=lambda i: i["path"])}
        current = (code or {}).get(rel)
        if current is not None:
            built = prod.get("code_key")
            if built != current.key:
                raise MedroutesError(f"{rel}: built by other code than this checkout (job record: {built}; "
                                     f"checkout: {current.key}); rerun Snakemake to rebuild it")
            entry["code"] = {"key": current.key, "modules": current.modules, "packages": current.packages,
                             "declarations": current.declarations}
        entries.append(entry)

    return {
        "manifest_version": MANIFEST_VERSION,
        "release": release,
        "code_version": code_version,
        "packages": dict(sorted(packages.items())),
        **({"vintages": dict(sorted(vintages.items()))} if vintages else {}),  # source -> vintage read
        "files": entries,
        # the same files as a Frictionless data-package resource list, for tools that read one
        "resources": [{"name": re.sub(r"[^a-z0-9._/-]", "-", e["path"].lower()), "path": e["path"],
                       "format": e["format"], "bytes": e["bytes"], "hash": f"sha256:{e['sha256']}"}
                      for e in entries],
    }


def _require_inside(root: Path, path) -> str:
    rel = _inside(root, path)
    if rel is None:
        raise MedroutesError(f"{path}: not inside the release folder {root}")
    return rel


def write_manifest(manifest: dict, path) -> None:
    write_json(manifest, path)


def producers_from_snakemake(release_dir, workdir=".") -> dict[str, dict]:
    """Producing rule and inputs of each output, from Snakemake's own job records.

    Snakemake keeps one JSON record per output file in ``<workdir>/.snakemake/metadata``, named by
    the urlsafe-base64 of the path (split into ``@``-prefixed sub-folders when longer than a
    file name may be).
    This reads that internal format (record_format_version 6, Snakemake 9): convenient inside a
    rule, but a future Snakemake may change it. Relative paths are returned joined to
    ``workdir`` (unchanged for the default "."), so they resolve from the current directory as
    :func:`build_manifest` expects.
    """
    meta_dir = Path(workdir) / ".snakemake" / "metadata"
    root = Path(release_dir).resolve()
    out = {}
    if not meta_dir.is_dir():
        return out
    for rec in meta_dir.rglob("*"):
        if not rec.is_file():
            continue
        try:
            # long names are split into "@"-prefixed folders ("@" is not a base64 character)
            name = base64.urlsafe_b64decode("".join(part.removeprefix("@") for part in
                                                    rec.relative_to(meta_dir).parts)).decode()
            data = json.loads(rec.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue  # not a job record
        target = os.path.join(workdir, name)
        try:
            Path(target).resolve().relative_to(root)
        except ValueError:
            continue
        keys = [p for p in (data.get("params") or []) if isinstance(p, str) and CODE_PARAM in p]
        out[target] = {"rule": data.get("rule"),
                       "inputs": [os.path.join(workdir, i) for i in data.get("input") or []],
                       "code_key": _literal(keys[0]) if keys else None}
    return out


CODE_PARAM = "medroutes-code:"  # codebase.KEY_PREFIX: the code-key param in a job record (its repr)


def _literal(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def stale_code(entry: dict) -> list[str]:
    """What of the code recorded for a manifest entry differs in this checkout, in words."""
    from . import codebase

    code = entry.get("code")
    if not isinstance(code, dict):
        return []
    out = []
    for rel, sha in sorted((code.get("modules") or {}).items()):
        now = codebase.current_sha256(rel)
        if now != sha:
            out.append(f"{rel} {'is gone' if now is None else 'changed'} (manifest sha256 {sha[:12]}"
                       + ("" if now is None else f", checkout {now[:12]}") + ")")
    for rel, sha in sorted((code.get("declarations") or {}).items()):
        path = codebase.REPO / rel
        now = codebase.declarations_sha256(path) if path.is_file() else None
        if now != sha:
            out.append(f"declarations of {rel} {'are gone' if now is None else 'changed'}")
    for dist, version in sorted((code.get("packages") or {}).items()):
        try:
            now = md.version(dist)
        except md.PackageNotFoundError:
            now = "not installed"
        if now != version:
            out.append(f"package {dist} {version} in the manifest, {now} here")
    return out


def verify(release_dir, manifest_path=None) -> list[str]:
    """Re-hash every file the manifest lists; return problems as sentences (empty list = OK)."""
    root = Path(release_dir)
    if not root.is_dir():
        raise MedroutesError(f"release folder not found: {root}")
    manifest_path = Path(manifest_path) if manifest_path else root / MANIFEST_NAME
    if not manifest_path.is_file():
        raise MedroutesError(f"no manifest at {manifest_path}")
    try:
        listed = read_json(manifest_path)["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise MedroutesError(f"{manifest_path}: not a medroutes manifest ({exc})") from None
    # fail here, as one message, rather than halfway through the checks
    bad = [e for e in listed if not (isinstance(e, dict) and {"path", "sha256", "bytes"} <= e.keys())]
    if bad:
        raise MedroutesError(f"{manifest_path}: not a medroutes manifest (entry without path, sha256 "
                             f"and bytes: {bad[0]!r})")

    problems = []
    for entry in listed:
        rel = entry["path"]
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            problems.append(f"{rel}: path points outside the release")
            continue
        path = root / rel
        if not path.is_file():
            problems.append(f"{rel}: missing (listed in the manifest)")
            continue
        size = path.stat().st_size
        sha = sha256_file(path)
        if sha != entry["sha256"]:
            msg = f"{rel}: sha256 mismatch: manifest {entry['sha256']}, on disk {sha}"
            if size != entry["bytes"]:
                msg += f"; size mismatch: manifest {entry['bytes']} bytes, on disk {size} bytes"
            problems.append(msg)
        elif size != entry["bytes"]:  # same hash, other size: the manifest itself was edited
            problems.append(f"{rel}: size mismatch: manifest {entry['bytes']} bytes, on disk {size} bytes")
        stale = stale_code(entry)
        if stale:
            problems.append(f"{rel}: built by other code than this checkout: {'; '.join(stale)}")
    listed_paths = {e["path"] for e in listed}
    manifest_rel = _inside(root, manifest_path)
    for rel in release_files(root):
        if rel not in listed_paths and rel != manifest_rel:
            problems.append(f"{rel}: not listed in the manifest")
    return problems


# --- diff -------------------------------------------------------------------------------------

OLD, NEW = " (old)", " (new)"  # merge suffixes; a space keeps them clear of real column names


def _value_columns(schema: pa.Schema) -> list[str]:
    return [f.name for f in schema if pa.types.is_floating(f.type) or f.name == "value"]


def _choose_key(rel: str, schemas: list[pa.Schema], metas: list[dict], datasets) -> tuple[list[str], str]:
    common = set(schemas[0].names).intersection(*[s.names for s in schemas[1:]])
    for pattern, key in (datasets or {}).items():
        if fnmatch.fnmatchcase(rel, pattern) and set(key) <= common:
            return list(key), f"datasets[{pattern!r}]"
    for meta in metas:
        raw = meta.get("medroutes.key")
        if raw:
            key = json.loads(raw) if raw.startswith("[") else [k.strip() for k in raw.split(",") if k.strip()]
            if set(key) <= common:
                return key, "parquet metadata medroutes.key"
    values = set().union(*[_value_columns(s) for s in schemas])
    return [c for c in schemas[-1].names if c in common and c not in values], "all non-value columns"


def _py(v):
    """A cell as a plain JSON value (None for any missing value)."""
    if isinstance(v, list | tuple | dict):
        return v
    if isinstance(v, np.ndarray):  # list-typed Parquet columns
        return v.tolist()
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item"):
        v = v.item()
    return None if isinstance(v, float) and math.isnan(v) else v


def _nullable(t: pa.DataType):
    # integers and booleans as pandas nullable types: an outer merge would otherwise turn them
    # into floats, and a diff would report 1200 as 1200.0
    if pa.types.is_integer(t):
        return pd.Int64Dtype()
    if pa.types.is_boolean(t):
        return pd.BooleanDtype()
    return None


def _parquet_meta(path: Path) -> dict[str, str]:
    meta = pq.read_schema(path).metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items() if not k.startswith(b"pandas")}


def _diff_dataset(rel: str, old: Path, new: Path, datasets, limit: int) -> dict:
    schemas = [pq.read_schema(old), pq.read_schema(new)]
    metas = [_parquet_meta(old), _parquet_meta(new)]
    key, key_source = _choose_key(rel, schemas, metas, datasets)
    res = {"path": rel, "key": key, "key_source": key_source,
           "rows_old": pq.ParquetFile(old).metadata.num_rows, "rows_new": pq.ParquetFile(new).metadata.num_rows,
           "columns_added": [], "columns_removed": [],
           "metadata_changed": sorted(k for k in set(metas[0]) | set(metas[1])
                                      if metas[0].get(k) != metas[1].get(k)),
           "notes": []}
    ta, tb = pq.read_table(old), pq.read_table(new)
    if ta.schema.remove_metadata() == tb.schema.remove_metadata() and ta.equals(tb):
        # same data (release names differ in the metadata, so the bytes rarely match): no merge needed
        return {**res, "status": "unchanged", "rows_added": 0, "rows_removed": 0, "rows_changed": 0,
                "cells_changed": 0, "changed_by_column": {}, "added": [], "removed": [], "changes": []}
    a, b = ta.to_pandas(types_mapper=_nullable), tb.to_pandas(types_mapper=_nullable)
    res["columns_added"] = [c for c in b.columns if c not in a.columns]
    res["columns_removed"] = [c for c in a.columns if c not in b.columns]
    compare_cols = [c for c in a.columns if c in b.columns and c not in key]
    a, b = a[key + compare_cols].copy(), b[key + compare_cols].copy()

    # A key that repeats would multiply rows in the merge: number the repeats so each pairs once.
    merge_on = list(key)
    dups = [int(a.duplicated(key).sum()), int(b.duplicated(key).sum())] if key else [0, 0]
    if not key or any(dups):
        res["notes"].append(f"key {key} is not unique (old {dups[0]}, new {dups[1]} repeats): "
                            "repeated keys are paired in file order")
        for df in (a, b):
            df["_occurrence"] = df.groupby(key, dropna=False, sort=False).cumcount() if key else range(len(df))
        merge_on.append("_occurrence")
    for col in key:
        if a[col].dtype != b[col].dtype:  # merge refuses e.g. int64 against object
            a[col], b[col] = a[col].astype(str), b[col].astype(str)
            res["notes"].append(f"key column {col} changed type; compared as text")

    m = a.merge(b, on=merge_on, how="outer", suffixes=(OLD, NEW), indicator="_side")
    m = m.sort_values(merge_on, kind="mergesort", na_position="first").reset_index(drop=True)

    def key_of(row) -> dict:
        return {k: _py(row[k]) for k in key}

    added, removed = m[m["_side"] == "right_only"], m[m["_side"] == "left_only"]
    both = m[m["_side"] == "both"]
    diff_masks = {}
    for col in compare_cols:
        x, y = both[f"{col}{OLD}"], both[f"{col}{NEW}"]
        same = (x == y) | (x.isna() & y.isna())
        diff_masks[col] = ~same.fillna(False).astype(bool)
    any_diff = pd.concat(diff_masks.values(), axis=1).any(axis=1) if diff_masks else pd.Series(False, both.index)
    changed = both[any_diff]

    changes = []
    for idx, row in changed.iterrows():
        for col in compare_cols:
            if len(changes) >= limit:
                break
            if diff_masks[col].loc[idx]:
                changes.append({"key": key_of(row), "column": col, "old": _py(row[f"{col}{OLD}"]),
                                "new": _py(row[f"{col}{NEW}"])})
        if len(changes) >= limit:
            break
    res.update({
        "rows_added": len(added), "rows_removed": len(removed), "rows_changed": len(changed),
        "cells_changed": int(sum(int(mask.sum()) for mask in diff_masks.values())),
        "changed_by_column": {c: int(mask.sum()) for c, mask in diff_masks.items() if mask.any()},
        "added": [key_of(r) for _, r in added.head(limit).iterrows()],
        "removed": [key_of(r) for _, r in removed.head(limit).iterrows()],
        "changes": changes,
    })
    differs = (res["rows_added"] or res["rows_removed"] or res["rows_changed"]
               or res["columns_added"] or res["columns_removed"])
    res["status"] = "changed" if differs else "unchanged"
    return res


def diff_releases(old_dir, new_dir, datasets: dict[str, list[str]] | None = None, *, limit: int = 50) -> dict:
    """Row-level differences between two releases, dataset by dataset (Parquet matched by relative path).

    Key columns come from ``datasets`` (relative-path glob -> key columns, first match wins),
    else the Parquet metadata ``medroutes.key``, else every non-value (non-float) column.
    Listings (keys added/removed, changed cells) stop at ``limit`` per dataset; counts are exact.
    Other output files (CSV, JSON, figures) are compared by sha256 only.
    """
    old, new = Path(old_dir), Path(new_dir)
    for d in (old, new):
        if not d.is_dir():
            raise MedroutesError(f"release folder not found: {d}")
    old_files, new_files = set(release_files(old)), set(release_files(new))
    report = {"old": str(old), "new": str(new), "limit": limit, "datasets": [], "files": []}
    for rel in sorted(old_files | new_files):
        if rel.endswith(".parquet"):
            if rel not in old_files:
                report["datasets"].append({"path": rel, "status": "added", "rows_old": None,
                                           "rows_new": count_rows(new / rel)})
            elif rel not in new_files:
                report["datasets"].append({"path": rel, "status": "removed", "rows_old": count_rows(old / rel),
                                           "rows_new": None})
            else:
                report["datasets"].append(_diff_dataset(rel, old / rel, new / rel, datasets, limit))
        else:
            if rel not in old_files:
                status = "added"
            elif rel not in new_files:
                status = "removed"
            else:
                status = "unchanged" if sha256_file(old / rel) == sha256_file(new / rel) else "changed"
            report["files"].append({"path": rel, "status": status})
    return report


def _cell(v) -> str:
    text = "null" if v is None else str(v)
    return text.replace("|", "\\|").replace("\n", " ")


def _key_text(key: dict) -> str:
    return ", ".join(f"{k}={_cell(v)}" for k, v in key.items())


def diff_markdown(report: dict) -> str:
    """A Markdown summary of :func:`diff_releases`: one table of counts, then details per dataset."""
    lines = [f"# Release diff: `{report['old']}` → `{report['new']}`", "",
             "| dataset | status | rows old | rows new | added | removed | changed |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for d in report["datasets"]:
        counts = [d.get(k) for k in ("rows_old", "rows_new", "rows_added", "rows_removed", "rows_changed")]
        lines.append(f"| `{d['path']}` | {d['status']} | " + " | ".join("" if c is None else str(c) for c in counts)
                     + " |")
    limit = report.get("limit")
    for d in report["datasets"]:
        if d["status"] != "changed":
            continue
        lines += ["", f"## `{d['path']}`", "", f"Key: {', '.join(d['key']) or '(none)'} ({d['key_source']})."]
        for label in ("columns_added", "columns_removed"):
            if d[label]:
                lines.append(f"{label.replace('_', ' ').capitalize()}: {', '.join(d[label])}.")
        lines += [f"Note: {n}." for n in d["notes"]]
        if d["metadata_changed"]:
            lines.append(f"Parquet metadata changed: {', '.join(d['metadata_changed'])}.")
        for label, n in (("added", d["rows_added"]), ("removed", d["rows_removed"])):
            if n:
                shown = len(d[label])
                more = f" (first {shown} shown)" if shown < n else ""
                lines += ["", f"Rows {label}: {n}{more}", ""] + [f"- {_key_text(k)}" for k in d[label]]
        if d["rows_changed"]:
            by_col = ", ".join(f"{c} {n}" for c, n in d["changed_by_column"].items())
            more = f"; first {len(d['changes'])} cells shown" if len(d["changes"]) < d["cells_changed"] else ""
            lines += ["", f"Rows changed: {d['rows_changed']} ({d['cells_changed']} cells: {by_col}{more})", "",
                      "| key | column | old | new |", "| --- | --- | --- | --- |"]
            lines += [f"| {_key_text(c['key'])} | {c['column']} | {_cell(c['old'])} | {_cell(c['new'])} |"
                      for c in d["changes"]]
    others = [f for f in report["files"] if f["status"] != "unchanged"]
    unchanged = len(report["files"]) - len(others)
    lines += ["", "## Other files (compared by sha256)", ""]
    lines += [f"- `{f['path']}`: {f['status']}" for f in others]
    lines.append(f"- {unchanged} unchanged" if others else f"All {unchanged} unchanged.")
    if limit is not None:
        lines += ["", f"Listings stop at {limit} entries per dataset; counts are exact."]
    return "\n".join(lines) + "\n"


__all__ = ["build_manifest", "write_manifest", "verify", "diff_releases", "diff_markdown", "packages",
           "code_version", "producers_from_snakemake", "release_files", "stale_code", "count_rows"]
