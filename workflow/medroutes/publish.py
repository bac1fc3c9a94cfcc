"""Publishing a release: describe it (Data Package, CITATION.cff, Zenodo), export the observations
as SDMX-CSV 2.0, pack the public files into one deterministic archive, and freeze the release.

    python -m medroutes publish results/2026.11.0

Everything written is a function of the release, the config and the registry: no wall clock, no
host, sorted entries, so two publishes of one release give the same bytes. ``published.json`` records
what built each output (code key, the config values its step reads, the raw files' pins); a later
Snakemake run that would change any of them is refused (:func:`check_frozen`, workflow/rules/common.smk).

This module is imported while the Snakefile parses: pandas, pyarrow, frictionless and pysdmx load
only inside the functions that need them.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from . import codebase, plan
from .errors import MedroutesError
from .io import atomic_path, read_json, sha256_file, write_json
from .release import PUBLICATION_FILES

PUBLICATION = codebase.REPO / "config" / "publication.yaml"
# written by publish, derived from the manifest: the manifest cannot list them (release.release_files skips them)
OWN_FILES = DATAPACKAGE, CITATION, ZENODO, SDMX, PUBLISHED = PUBLICATION_FILES
OBSERVATIONS = "harmonised/observations.parquet"
PUBLISHED_VERSION = "1"
DP_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
ARROW_TO_FRICTIONLESS = {"string": "string", "large_string": "string", "int64": "integer", "int32": "integer",
                         "double": "number", "float": "number", "bool": "boolean"}
MEDIATYPES = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv", "json": "application/json",
              "html": "text/html", "md": "text/markdown", "tex": "application/x-tex", "pdf": "application/pdf",
              "png": "image/png", "svg": "image/svg+xml"}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry: no clock in the archive


def json_text(obj) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"  # as io.write_json


def canonical(obj) -> str:
    # key order kept: a reordered `routes` may reorder an output, so it counts as a change
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- config -------------------------------------------------------------------------------------

def load_config(configfiles=(), overrides=()) -> dict:
    """config/config.yaml, then each ``--configfile``, then ``--config key=value`` (Snakemake's own
    parser and merge), as a Snakemake run with those arguments sees it."""
    from snakemake.cli import parse_config
    from snakemake.utils import update_config

    from .config import load_yaml

    config: dict = {}
    for path in [codebase.REPO / "config" / "config.yaml", *configfiles]:
        update_config(config, load_yaml(path))
    update_config(config, parse_config(list(overrides)))
    return config


def load_study(config: dict) -> plan.Study:
    return plan.Study.load(config, codebase.REPO, code_version=codebase.code_version(codebase.REPO),
                           packages=codebase.packages())


def load_publication(path=PUBLICATION) -> dict:
    from .config import load_yaml, validate

    meta = load_yaml(path)
    validate(meta, "publication.schema.yaml", str(path))
    return meta


# --- what built each output: the record a later run is compared with -----------------------------

def _step_of(rel: str, study: plan.Study):
    s = plan.step_of_output(rel, tuple(study.sources), tuple(study.countries))
    if s is None:
        return None, {}
    stem = rel.rpartition("/")[2].split(".", 1)[0]
    return s, ({s.wildcard: stem} if s.wildcard else {})


def fingerprint(rel: str, study: plan.Study) -> dict:
    """sha256 of each config value the output's step reads (dotted key or @-name), as this study has it."""
    s, wildcards = _step_of(rel, study)
    if s is None:
        return {}
    return {key: sha256_text(canonical(study.value(key, wildcards))) for key in s.config}


def _current_code_key(rel: str, study: plan.Study) -> str | None:
    if rel == release_manifest():
        return plan.code(plan.step("manifest")).key
    code = plan.code_of_output(rel, study.source_adapters, study.countries)
    return code.key if code else None


def release_manifest() -> str:
    from .release import MANIFEST_NAME

    return MANIFEST_NAME


def _public_outputs(study: plan.Study) -> list[str]:
    prefix = f"{study.release_dir}/"
    return sorted(p.removeprefix(prefix) for p in study.outputs_of(public=True))


def _raw_pins(study: plan.Study) -> dict:
    """Current pins: public sources' files by name; a supplied restricted source only as one digest
    (published.json sits in the public release and must not name a data holder's files)."""
    out = {}
    for sid in study.sources:
        out[sid] = {f["name"]: f["sha256"] for f in study.registry[sid]["files"]}
    for sid, ok in study.supplied.items():
        if ok:
            files = sorted((f["name"], f["sha256"]) for f in study.registry[sid]["files"])
            out[sid] = {"digest": sha256_text(canonical(files))}
    return dict(sorted(out.items()))


def _raw_changes(manifest: dict, study: plan.Study) -> list[str]:
    """Raw files the release read (manifest inputs outside it) whose registry pin is another now."""
    out = set()
    for entry in manifest["files"]:
        for inp in entry.get("inputs", []):
            if inp.get("in_release"):
                continue
            parts = Path(inp["path"]).parts
            sid, name = (parts[-2], parts[-1]) if len(parts) >= 2 else (None, None)
            if sid not in study.registry or study.registry[sid].get("access") == "restricted":
                continue  # not a registered public raw file (e.g. a restricted working output)
            pins = {f["name"]: f["sha256"] for f in study.registry[sid]["files"]}
            if sid not in study.sources:
                out.add(f"raw file {sid}/{name}: source {sid} is no longer in use_sources")
            elif name not in pins:
                out.add(f"raw file {sid}/{name}: no longer pinned in the registry")
            elif pins[name] != inp["sha256"]:
                out.add(f"raw file {sid}/{name}: read with sha256 {inp['sha256'][:12]}, the registry pins "
                        f"{pins[name][:12]} now")
    return sorted(out)


def _grouped(found: dict[str, list[str]], what: str) -> list[str]:
    """One sentence per cause, naming a few of the outputs it touches."""
    out = []
    for cause, rels in sorted(found.items()):
        rels = sorted(set(rels))
        shown = ", ".join(rels[:3]) + (f" and {len(rels) - 3} more" if len(rels) > 3 else "")
        out.append(f"{what} {cause} ({len(rels)} output{'s' if len(rels) > 1 else ''}: {shown})")
    return out


def published_changes(release_dir, study: plan.Study) -> list[str]:
    """For a published release, what in this checkout, config, registry and data would change its
    outputs, as sentences (empty: a run leaves it as published). Unpublished: empty."""
    from . import release

    root = Path(release_dir)
    record_path = root / PUBLISHED
    if not record_path.is_file():
        return []
    try:
        record = read_json(record_path)
        manifest = read_json(root / release.MANIFEST_NAME)
        outputs, files = record["outputs"], manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MedroutesError(f"{record_path}: a published release whose record or manifest cannot be read "
                             f"({exc}); restore it from the archive") from None
    code_found: dict[str, list[str]] = {}
    config_found: dict[str, list[str]] = {}
    for entry in files:
        for stale in release.stale_code(entry):
            code_found.setdefault(stale, []).append(entry["path"])
    for rel, rec in outputs.items():
        built = rec.get("code_key")
        now = _current_code_key(rel, study)
        if built and now != built and not any(rel in v for v in code_found.values()):
            code_found.setdefault("of its step (modules it imports)", []).append(rel)
        now_config = fingerprint(rel, study)
        for key in sorted(set(rec.get("config", {})) | set(now_config)):
            if rec.get("config", {}).get(key) != now_config.get(key):
                config_found.setdefault(f"`{key}`", []).append(rel)
    out = _grouped(code_found, "code:") + _grouped(config_found, "config value")
    out += _raw_changes(manifest, study)
    then, now = record.get("raw", {}), _raw_pins(study)
    for sid in sorted(set(then) | set(now)):
        if sid in study.sources and sid in then and "digest" not in then[sid]:
            for name in sorted(set(now.get(sid, {})) - set(then[sid])):
                out.append(f"raw file {sid}/{name}: pinned now, not read by the release")
        elif then.get(sid) != now.get(sid):
            out.append(f"source {sid}: its pinned files differ from those the release read")
    made = set(_public_outputs(study)) - {release.MANIFEST_NAME}
    listed = set(record.get("files", []))
    if made - listed:
        out.append("the run would add outputs: " + ", ".join(sorted(made - listed)))
    if listed - made:
        out.append("the run would no longer make: " + ", ".join(sorted(listed - made)))
    return out


def check_frozen(study: plan.Study, release_dir=None) -> None:
    """Stop a run (at parse time) that would change a published release."""
    root = Path(release_dir or study.release_dir)
    changes = published_changes(root, study)
    if changes:
        record = read_json(root / PUBLISHED)
        archive = record.get("archive", {})
        raise MedroutesError(
            f"release {record.get('release', study.config['release'])} is published (archive {archive.get('name')}, "
            f"sha256 {archive.get('sha256', '')[:12]}); this run would change it: {'; '.join(changes)}. "
            f"Choose a new release name (config `release`)")


# --- Data Package -------------------------------------------------------------------------------

def _dictionary(root: Path, manifest_paths: set[str]) -> dict[str, dict]:
    """dataset -> column -> (description, codes), from the release's own data dictionary."""
    import pyarrow.parquet as pq

    if "dictionary.parquet" not in manifest_paths:
        return {}
    out: dict[str, dict] = {}
    for r in pq.read_table(root / "dictionary.parquet").to_pylist():
        out.setdefault(r["dataset"], {})[r["column"]] = (r["description"] or "", r["codes"] or "")
    return out


def _dataset_name(rel: str, study: plan.Study) -> str:
    folder, _, name = rel.removesuffix(".parquet").rpartition("/")
    stem, dot, rest = name.partition(".")
    if folder == "countries" and stem in study.countries:  # one dictionary entry for every country file
        name = "<ISO3>" + dot + rest
    return f"{folder}/{name}" if folder else name


def _name(rel: str) -> str:
    import re

    return re.sub(r"[^a-z0-9._/-]", "-", rel.lower())


def _sources_of(rel: str, source_meta: dict) -> list[dict]:
    stem = rel.rpartition("/")[2].split(".", 1)[0]
    return [source_meta[stem]] if stem in source_meta else []


def _table_schema(path: Path, columns: dict) -> dict:
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    fields = []
    for f in schema:
        desc, codes = columns.get(f.name, ("", ""))
        field = {"name": f.name, "type": ARROW_TO_FRICTIONLESS.get(str(f.type), "any")}
        text = "; ".join(t for t in (desc, f"codes: {codes}" if codes else "") if t)
        if text:
            field["description"] = text
        if not f.nullable:
            field["constraints"] = {"required": True}
        fields.append(field)
    out = {"fields": fields}
    key = (schema.metadata or {}).get(b"medroutes.key", b"").decode()
    key = json.loads(key) if key.startswith("[") else [k for k in key.split(",") if k]
    if key and set(key) <= set(schema.names):
        out["primaryKey"] = key
    return out


SDMX_FIELDS_NUMBER = ("OBS_VALUE",)


def _sdmx_schema(header: list[str]) -> dict:
    return {"fields": [{"name": c, "type": "number" if c in SDMX_FIELDS_NUMBER else "string"} for c in header]}


def datapackage(root: Path, manifest: dict, study: plan.Study, meta: dict, date: str, extra: dict) -> dict:
    """The Data Package (v2) of the release: every manifest file as a resource (Parquet ones as tables with
    field types, descriptions and primary key), plus the SDMX export; ``extra``: path -> (sha256, bytes)."""
    paths = {e["path"] for e in manifest["files"]}
    columns = _dictionary(root, paths)
    source_meta = {sid: _source(study.registry[sid]) for sid in study.sources}
    resources = []
    for e in manifest["files"]:
        rel = e["path"]
        res = {"name": _name(rel), "path": rel, "format": e["format"]}
        if e["format"] in MEDIATYPES:
            res["mediatype"] = MEDIATYPES[e["format"]]
        res.update({"bytes": e["bytes"], "hash": f"sha256:{e['sha256']}"})
        if rel.endswith(".parquet"):
            step, _ = _step_of(rel, study)
            res["type"] = "table"
            if step is not None and step.description:
                res["description"] = " ".join(step.description.split())
            res["schema"] = _table_schema(root / rel, columns.get(_dataset_name(rel, study), {}))
        else:
            res["type"] = "file"  # figures, JSON records, pages: described by hash and size only
        if sources := _sources_of(rel, source_meta):
            res["sources"] = sources
        resources.append(res)
    if SDMX in extra:
        sha, size, header = extra[SDMX]
        resources.append({"name": _name(SDMX), "path": SDMX, "type": "table", "format": "csv",
                          "mediatype": "application/vnd.sdmx.data+csv; version=2.0.0", "encoding": "utf-8",
                          "description": f"{OBSERVATIONS} as SDMX-CSV 2.0 (suppressed cells: OBS_VALUE empty, "
                                         "CONF_STATUS C)", "bytes": size, "hash": f"sha256:{sha}",
                          "schema": _sdmx_schema(header)})
    lic = meta["license"]
    return {
        "$schema": DP_PROFILE,
        "name": _name(f"medroutes-{manifest['release']}"),
        "title": _title(meta, study),
        "description": _description(meta, study, manifest),
        "version": manifest["release"],
        "created": f"{date}T00:00:00Z",
        "keywords": list(meta.get("keywords", [])),
        "licenses": [{"name": lic["id"], "path": lic["url"], "title": lic["title"]}],
        "contributors": [{"title": _person(a), "roles": ["author"], **({"organization": a["affiliation"]}
                          if a.get("affiliation") else {})} for a in meta["authors"]],
        "sources": [source_meta[sid] for sid in study.sources],
        "resources": resources,
    }


def _source(entry: dict) -> dict:
    # Data Package sources have title, path and version; the registry's licence and citation ride along
    return {"title": " ".join(entry["title"].split()), "path": entry["url"], "version": str(entry.get("as_of", "")),
            "id": entry["id"], "publisher": " ".join(entry["publisher"].split()),
            "licence": " ".join(entry["licence"].split()), "citation": " ".join(entry["citation"].split())}


def _person(a: dict) -> str:
    return a.get("name") or f"{a['given-names']} {a['family-names']}"


def _title(meta: dict, study: plan.Study) -> str:
    title = " ".join(meta["title"].split())
    label = study.config.get("data_label")
    return f"{title} ({label})" if label else title  # a fixture release never looks like the real one


def _description(meta: dict, study: plan.Study, manifest: dict) -> str:
    return (f"{' '.join(meta['description'].split())} Release {manifest['release']}: {len(manifest['files'])} "
            f"files from {len(study.sources)} sources ({', '.join(study.sources)}).")


def release_date(meta: dict, study: plan.Study) -> str:
    """The release date: config, else the newest `as_of` of the sources used (never today)."""
    if meta.get("date_released"):
        return str(meta["date_released"])
    dates = [str(study.registry[s]["as_of"]) for s in study.sources if study.registry[s].get("as_of")]
    if not dates:
        raise MedroutesError("config/publication.yaml: date_released is null and no source in use_sources has "
                             "an as_of date; set date_released (YYYY-MM-DD)")
    return max(dates)


def validate_datapackage(root, descriptor_path=None, *, data: bool = True) -> list[str]:
    """Problems with ``<root>/datapackage.json`` (or ``descriptor_path``, its paths under ``root``) as
    sentences: the descriptor against the Data Package profile (frictionless), each resource's bytes and
    sha256, and (``data``) each table's rows against its schema (types, required fields, primary key).
    Parquet rows go to frictionless as inline rows: its parquet reader goes through pandas, where an
    integer column with nulls arrives as floats, and it counts no bytes or hash for a parquet file."""
    import pyarrow.parquet as pq
    from frictionless import FrictionlessException, Package, Resource

    root = Path(root)
    path = Path(descriptor_path) if descriptor_path else root / DATAPACKAGE
    try:
        descriptor = read_json(path)
    except (OSError, ValueError) as exc:
        return [f"{path}: cannot be read as JSON ({exc})"]
    problems = [f"{path}: {kind}: {note}" for kind, note in
                Package.validate_descriptor(descriptor).flatten(["type", "note"])]
    if problems:
        return problems

    def check(name: str, resource_descriptor: dict, **kw) -> list[str]:
        try:
            errors = Resource(resource_descriptor, **kw).validate().flatten(["type", "note"])
        except FrictionlessException as exc:
            return [f"resource {name}: {exc}"]
        more = [f"resource {name}: {len(errors) - 5} more errors"] if len(errors) > 5 else []
        return [f"resource {name}: {kind}: {note}" for kind, note in errors[:5]] + more

    for res in descriptor["resources"]:
        name = res.get("name")
        file_only = {k: res[k] for k in ("name", "path", "format", "hash", "bytes") if k in res}
        problems += check(name, {**file_only, "type": "file"}, basepath=str(root))
        if not data or res.get("type") != "table" or "schema" not in res:
            continue
        if res.get("format") == "parquet":
            table = pq.read_table(root / res["path"])
            rows = [table.schema.names, *map(list, zip(*(c.to_pylist() for c in table.columns), strict=True))]
            problems += check(name, {"name": name, "data": rows, "schema": res["schema"]})
        else:
            problems += check(name, {k: v for k, v in res.items() if k not in ("hash", "bytes")},
                              basepath=str(root))
    return problems


# --- CITATION.cff and .zenodo.json ----------------------------------------------------------------

def citation_cff(meta: dict, study: plan.Study, release: str, date: str) -> str:
    import yaml

    refs = []
    for sid in study.sources:
        s = _source(study.registry[sid])
        refs.append({"type": "data", "title": s["title"], "authors": [{"name": s["publisher"]}], "url": s["path"],
                     **({"date-released": s["version"]} if s["version"] else {}),
                     "notes": f"{s['citation']} Licence: {s['licence']}"})
    doc = {"cff-version": "1.2.0",
           "message": "If you use these data, please cite them as below, and cite the original sources (references).",
           "type": "dataset", "title": _title(meta, study), "version": release, "date-released": date,
           "authors": [dict(a) for a in meta["authors"]], "license": meta["license"]["id"],
           "abstract": " ".join(meta["description"].split()), "keywords": list(meta.get("keywords", []))}
    if meta.get("repository_code"):
        doc["repository-code"] = meta["repository_code"]
    doc["references"] = refs
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def zenodo(meta: dict, study: plan.Study, manifest: dict, date: str) -> dict:
    def creator(a):
        name = a.get("name") or f"{a['family-names']}, {a['given-names']}"
        return {"name": name, **{k: a[k].removeprefix("https://orcid.org/") if k == "orcid" else a[k]
                                 for k in ("affiliation", "orcid") if a.get(k)}}

    related, seen = [], set()
    for sid in study.sources:
        url = study.registry[sid]["url"]
        if url not in seen:  # Zenodo refuses a repeated identifier
            seen.add(url)
            related.append({"identifier": url, "relation": "isDerivedFrom", "resource_type": "dataset",
                            "scheme": "url"})
    if meta.get("repository_code"):
        related.append({"identifier": meta["repository_code"], "relation": "isSupplementedBy",
                        "resource_type": "software", "scheme": "url"})
    return {"title": _title(meta, study), "upload_type": "dataset", "description": _description(meta, study, manifest),
            "creators": [creator(a) for a in meta["authors"]], "version": manifest["release"],
            "publication_date": date, "access_right": "open", "license": meta["license"]["id"].lower(),
            "keywords": list(meta.get("keywords", [])), "related_identifiers": related,
            "references": [" ".join(study.registry[s]["citation"].split()) for s in study.sources]}


# --- SDMX-CSV 2.0 ---------------------------------------------------------------------------------

# contract column -> SDMX component id, in the order they are written; every key column is a
# dimension (route and counterpart labels, event ids keep two IOM incidents or two raw labels apart)
SDMX_DIMENSIONS = {"freq": "FREQ", "source_id": "SOURCE_ID", "indicator": "INDICATOR", "route": "ROUTE",
                   "route_label": "ROUTE_LABEL", "ref_area": "REF_AREA", "counterpart_area": "COUNTERPART_AREA",
                   "counterpart_label": "COUNTERPART_LABEL", "sex": "SEX", "age": "AGE", "dimension": "DIMENSION",
                   "category": "CATEGORY", "event_id": "EVENT_ID", "period": "TIME_PERIOD"}
SDMX_ATTRIBUTES = ("UNIT_MEASURE", "OBS_STATUS", "CONF_STATUS")
# CL_OBS_STATUS has no "suppressed": a suppressed cell is a missing value (O) whose cause CONF_STATUS gives
SUPPRESSED_OBS_STATUS = "O"


def sdmx_csv(observations: Path, meta: dict) -> str:
    """``harmonised/observations`` as SDMX-CSV 2.0 text, written by pysdmx from an explicit structure."""
    import pandas as pd
    import pyarrow.parquet as pq
    from pysdmx.io.csv.sdmx20.writer import write
    from pysdmx.io.pd import PandasDataset
    from pysdmx.model import Component, Components, Concept, DataType, Role, Schema

    obs = pq.read_table(observations).to_pandas()
    suppressed = obs["obs_status"] == "C"
    df = pd.DataFrame({sid: obs[col] for col, sid in SDMX_DIMENSIONS.items()})
    df["OBS_VALUE"] = obs["value"].where(~suppressed)  # written by pysdmx as Python's shortest float text
    df["UNIT_MEASURE"] = obs["unit"]
    df["OBS_STATUS"] = obs["obs_status"].where(~suppressed, SUPPRESSED_OBS_STATUS)
    df["CONF_STATUS"] = pd.Series("", index=obs.index).where(~suppressed, "C")

    def comp(cid, role, required, dtype=DataType.STRING):
        level = {"attachment_level": "O"} if role == Role.ATTRIBUTE else {}  # attributes of each observation
        return Component(id=cid, required=required, role=role, concept=Concept(id=cid, dtype=dtype), **level)

    nullable = {f.name for f in pq.read_schema(observations) if f.nullable}
    components = [comp(sid, Role.DIMENSION, col not in nullable) for col, sid in SDMX_DIMENSIONS.items()]
    components.append(comp("OBS_VALUE", Role.MEASURE, False, DataType.DOUBLE))
    components += [comp("UNIT_MEASURE", Role.ATTRIBUTE, True), comp("OBS_STATUS", Role.ATTRIBUTE, True),
                   comp("CONF_STATUS", Role.ATTRIBUTE, False)]
    s = meta["sdmx"]
    structure = Schema(context="dataflow", agency=s["agency"], id=s["id"], version=s["version"],
                       components=Components(components))
    try:
        text = write([PandasDataset(structure=structure, data=df)])
    except Exception as exc:  # pysdmx raises its own error types; the user needs the file and the reason
        raise MedroutesError(f"{observations}: SDMX-CSV 2.0 export failed: {exc}") from None
    return text.replace("\r\n", "\n")


# --- archive and publish --------------------------------------------------------------------------

def write_archive(root: Path, members: list[str], prefix: str, out: Path) -> None:
    """A zip of ``members`` (release-relative) under ``prefix/``: sorted, fixed times and modes, no owner."""
    with atomic_path(out) as tmp, zipfile.ZipFile(tmp, "w") as zf:
        for rel in sorted(members):
            info = zipfile.ZipInfo(f"{prefix}/{rel}", date_time=ZIP_TIME)
            info.create_system = 3  # unix, whatever the host
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(root / rel, "rb") as src, zf.open(info, "w") as dst:
                while block := src.read(1 << 20):
                    dst.write(block)


def _check_public(root: Path, rels: list[str], study: plan.Study) -> None:
    restricted_dir = Path(study.restricted_dir).resolve()
    if restricted_dir == root.resolve() or root.resolve() in restricted_dir.parents:
        raise MedroutesError(f"config restricted.out_dir puts the restricted folder {restricted_dir} inside the "
                             f"release {root}: refusing to publish")
    for rel in rels:
        real = (root / rel).resolve()
        if rel.startswith(plan.RESTRICTED) or restricted_dir in real.parents:
            raise MedroutesError(f"{root / rel}: a restricted working file in the release manifest; never published")
        if root.resolve() not in real.parents:
            raise MedroutesError(f"{root / rel}: points outside the release folder (a link?); refusing to publish")


def publish(release_dir, study: plan.Study, meta: dict, archive=None, *, validate: bool = True,
            log=print) -> dict:
    """Publish ``release_dir`` (see the module doc); return the published record."""
    import time

    from . import release

    root = Path(release_dir)
    t0 = time.perf_counter()
    problems = release.verify(root)
    if problems:
        raise MedroutesError(f"{root}: does not verify ({len(problems)} problem(s), first: {problems[0]}); "
                             f"run `python -m medroutes verify {root}`")
    manifest_path = root / release.MANIFEST_NAME
    manifest = read_json(manifest_path)
    if manifest.get("release") != study.config["release"]:
        raise MedroutesError(f"{manifest_path}: release {manifest.get('release')!r}, but the config's release is "
                             f"{study.config['release']!r}; publish with the config that built it "
                             "(--configfile, --config)")
    rels = [e["path"] for e in manifest["files"]]
    _check_public(root, rels, study)
    if raw := _raw_changes(manifest, study):
        raise MedroutesError(f"{root}: built from other raw files than the registry pins now: {raw[0]}")
    archive = Path(archive) if archive else root.parent / f"{root.name}.zip"
    log(f"verified {len(rels)} files in {time.perf_counter() - t0:.1f} s")

    date = release_date(meta, study)
    texts: dict[str, str] = {}  # every file publish writes into the release, built before any is written
    extra = {}
    if OBSERVATIONS in rels:
        t = time.perf_counter()
        texts[SDMX] = sdmx_csv(root / OBSERVATIONS, meta)
        data = texts[SDMX].encode("utf-8")
        extra[SDMX] = (hashlib.sha256(data).hexdigest(), len(data), texts[SDMX].partition("\n")[0].split(","))
        log(f"made {SDMX} in {time.perf_counter() - t:.1f} s")
    texts[DATAPACKAGE] = json_text(datapackage(root, manifest, study, meta, date, extra))
    texts[CITATION] = citation_cff(meta, study, manifest["release"], date)
    texts[ZENODO] = json_text(zenodo(meta, study, manifest, date))
    if (root / PUBLISHED).is_file():  # publishing again is allowed only when it gives the same bytes
        before = read_json(root / PUBLISHED).get("published_files", {})
        differ = sorted(n for n, text in texts.items() if before.get(n) != sha256_text(text))
        changes = published_changes(root, study)
        if differ or changes:
            raise MedroutesError(f"release {manifest['release']} is already published; publishing again would "
                                 f"change {', '.join(differ + changes)}. Choose a new release name (config `release`)")
    for name, text in texts.items():
        with atomic_path(root / name) as tmp:
            tmp.write_bytes(text.encode("utf-8"))
    if validate:
        t = time.perf_counter()
        problems = validate_datapackage(root)
        if problems:
            raise MedroutesError(f"{root / DATAPACKAGE}: does not validate ({len(problems)} problem(s), first: "
                                 f"{problems[0]})")
        log(f"validated {DATAPACKAGE} (descriptor, hashes, every table's rows) in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    members = [release.MANIFEST_NAME, *rels, *texts]
    write_archive(root, members, root.name, archive)
    log(f"wrote {archive} ({len(members)} files) in {time.perf_counter() - t:.1f} s")
    record = {
        "published_version": PUBLISHED_VERSION,
        "release": manifest["release"],
        "date_released": date,
        "archive": {"name": archive.name, "sha256": sha256_file(archive), "bytes": archive.stat().st_size},
        "manifest_sha256": sha256_file(manifest_path),
        "published_files": {name: sha256_text(text) for name, text in sorted(texts.items())},
        "config_sha256": sha256_text(canonical({k: v for k, v in study.config.items() if k != "restricted_status"})),
        "files": sorted(rels),
        # per output: the code key and the config values (sha256 each) that made it
        "outputs": {rel: {"code_key": (e.get("code") or {}).get("key"), "config": fingerprint(rel, study)}
                    for rel, e in ((e["path"], e) for e in manifest["files"])},
        "raw": _raw_pins(study),
    }
    record["outputs"][release.MANIFEST_NAME] = {"code_key": _current_code_key(release.MANIFEST_NAME, study),
                                                "config": fingerprint(release.MANIFEST_NAME, study)}
    write_json(record, root / PUBLISHED)
    log(f"published {manifest['release']}: {archive} sha256 {record['archive']['sha256']} "
        f"({time.perf_counter() - t0:.1f} s in all)")
    return record


__all__ = ["publish", "published_changes", "check_frozen", "validate_datapackage", "sdmx_csv", "load_config",
           "load_study", "load_publication"]
