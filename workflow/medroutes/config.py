"""Config and source registry: loading, JSON-Schema validation, and the raw-data directory."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import jsonschema
import yaml

from .errors import ConfigError

RAW_DIR_ENV = "MEDROUTES_RAW_DIR"
RESTRICTED_DIR_ENV = "MEDROUTES_RESTRICTED_DIR"
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


# libyaml's loader where PyYAML was built with it: the same safe subset, about ten times faster (every
# Snakemake process, a cluster job's included, parses the config, the registry and the schemas)
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=SafeLoader) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None


YAML_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False}


def command_line_booleans(config: dict, schema_name: str = "config.schema.yaml") -> None:
    """Make ``--config download=true`` mean what config.yaml's ``download: true`` means.

    Snakemake reads ``--config`` values as Python literals, so ``true`` arrives as the text
    "true". For every top-level key the schema types as boolean, the YAML spellings become booleans
    (in place); any other text is left for :func:`validate` to refuse."""
    for key, prop in load_yaml(SCHEMA_DIR / schema_name).get("properties", {}).items():
        value = config.get(key)
        if prop.get("type") == "boolean" and isinstance(value, str) and value.strip().lower() in YAML_BOOLEANS:
            config[key] = YAML_BOOLEANS[value.strip().lower()]


def validate(instance: dict, schema_name: str, what: str) -> None:
    """Validate against ``workflow/schemas/<schema_name>``; the message names the key and what is allowed."""
    validator = _validator(schema_name)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if errors:
        lines = []
        for err in errors:
            key = ".".join(str(p) for p in err.absolute_path) or "(top level)"
            allowed = ""
            if err.validator == "additionalProperties" and "properties" in err.schema:
                allowed = f" (allowed keys: {', '.join(sorted(err.schema['properties']))})"
            lines.append(f"  {key}: {err.message}{allowed}")
        raise ConfigError(f"{what} does not validate against {schema_name}:\n" + "\n".join(lines))


@functools.cache
def _validator(schema_name: str) -> jsonschema.Draft202012Validator:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    # one schema may use another's definitions ("sources.schema.yaml#/$defs/vintage")
    schemas = Registry().with_resources(
        (f.name, Resource.from_contents(load_yaml(f), default_specification=DRAFT202012))
        for f in sorted(SCHEMA_DIR.glob("*.schema.yaml")))
    return jsonschema.Draft202012Validator(load_yaml(SCHEMA_DIR / schema_name), registry=schemas)


def check_route_labels(routes: dict, registry: dict) -> None:
    """Refuse route labels that would silently move or lose data: a source key under
    ``source_labels`` that is not a registered source, or one source's label under two routes."""
    problems, seen = [], {}
    for route, spec in routes.items():
        for source, labels in (spec.get("source_labels") or {}).items():
            if source not in registry:
                problems.append(f"routes.{route}.source_labels: {source!r} is not a registered source "
                                f"(registered: {', '.join(sorted(registry))})")
                continue
            for label in labels:
                other = seen.setdefault((source, label), route)
                if other != route:
                    problems.append(f"routes: {source} label {label!r} is listed under both {other} and {route}; "
                                    "a raw value can belong to one route only")
    if problems:
        raise ConfigError("route labels in config do not add up:\n" + "\n".join(f"  {p}" for p in problems))


YEAR_RANGES = ("compare.years", "figures.availability_years", "figures.reconciliation_years")


def check_ranges(config: dict) -> None:
    """What JSON Schema cannot say: each year range runs forwards, and ``thresholds.max_period``
    is a date that exists (the pattern lets 2025-02-30 through)."""
    import datetime as dt

    problems = []
    for key in YEAR_RANGES:
        first, second = key.split(".")
        years = config[first][second]
        if years["first_year"] > years["last_year"]:
            problems.append(f"{key}: first_year {years['first_year']} is after last_year {years['last_year']}")
    period = config["thresholds"]["max_period"]
    try:
        dt.date.fromisoformat(period)
    except ValueError:
        problems.append(f"thresholds.max_period: {period!r} is not a calendar date (expected YYYY-MM-DD, "
                        "e.g. 2025-12-31)")
    if problems:
        raise ConfigError("config values out of range:\n" + "\n".join(f"  {p}" for p in problems))


def raw_dir(config: dict) -> Path:
    """The raw-data directory: ``$MEDROUTES_RAW_DIR`` when set and non-empty, else ``config['raw_dir']``."""
    return Path(os.environ.get(RAW_DIR_ENV) or config["raw_dir"])


def raw_dir_origin() -> str:
    """Which setting supplied the raw-data directory, for error messages."""
    return f"${RAW_DIR_ENV}" if os.environ.get(RAW_DIR_ENV) else "config raw_dir"


def load_registry(path) -> dict[str, dict]:
    """Read ``sources.yaml`` into ``{source_id: entry}``, validated."""
    data = load_yaml(path)
    validate(data, "sources.schema.yaml", str(path))
    require_unique([s["id"] for s in data["sources"]], f"{path}: source ids registered twice")
    return {s["id"]: s for s in data["sources"]}


def require_unique(ids: list[str], message: str) -> None:
    """Refuse a list of ids where one repeats, naming the repeated ones after ``message``."""
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"{message}: {dupes}")


def restricted_raw_dir(config: dict) -> Path:
    """Where data holders' files are: ``$MEDROUTES_RESTRICTED_DIR`` when set, else ``restricted.raw_dir``."""
    return Path(os.environ.get(RESTRICTED_DIR_ENV) or config["restricted"]["raw_dir"])


def is_restricted(entry: dict) -> bool:
    return entry.get("access", "public") == "restricted"


def apply_overlay(registry: dict[str, dict], path) -> dict[str, dict]:
    """The registry with the local overlay's pins (``restricted.overlay``) on its restricted sources.

    The overlay is git-ignored and optional: absent, no restricted source is supplied. It may only pin
    files of registered restricted sources, so a local file can never change what a public source reads."""
    path = Path(path)
    if not path.is_file():
        return registry
    data = load_yaml(path)
    validate(data, "overlay.schema.yaml", str(path))
    out = dict(registry)
    for entry in data["sources"]:
        sid = entry["id"]
        if sid not in registry:
            what = "pins files of" if "files" in entry else "adds vintages to"
            raise ConfigError(f"{path}: {what} {sid!r}, which is not a registered source; registered: "
                              f"{sorted(registry)}")
        if "vintages" in entry:  # a researcher's newer vintage of a public source (medroutes register)
            if is_restricted(registry[sid]):
                raise ConfigError(f"{path}: adds vintages to {sid!r}, a restricted source; pin its files instead")
            out[sid] = {**out[sid], "vintages": [*registry[sid].get("vintages", []), *entry["vintages"]]}
        if "files" in entry:
            if not is_restricted(registry[sid]):
                raise ConfigError(f"{path}: pins files of {sid!r}, a public source; the overlay pins only "
                                  "restricted sources' files (a public source gets a new vintage: "
                                  f"python -m medroutes register {sid} FILE...)")
            out[sid] = {**out[sid], "files": entry["files"]}
    return out


def vintages_of(entry: dict) -> list[dict]:
    """Every registered vintage of a public source, as {vintage, as_of, landing, url, files, folder}: the
    one pinned in ``files`` (in ``<raw_dir>/<id>/``), then each of ``vintages`` (in ``<id>@<vintage>/``)."""
    pinned = {"vintage": entry.get("vintage") or entry.get("as_of") or "pinned", "as_of": entry.get("as_of"),
              "landing": entry.get("landing"), "files": entry["files"], "folder": entry["id"]}
    return [pinned, *({**v, "folder": f"{entry['id']}@{v['vintage']}"} for v in entry.get("vintages", []))]


def select_vintages(registry: dict[str, dict], wanted: dict | None) -> dict[str, dict]:
    """Each public source resolved to one vintage: config ``vintages[<id>]``, else the newest (labels are
    ISO dates or versions, compared as text). The entry's ``files`` and ``as_of`` become that vintage's,
    and ``vintage`` names it; a file outside the source's own folder carries its ``folder``."""
    wanted = wanted or {}
    unknown = sorted(set(wanted) - set(registry))
    if unknown:
        raise ConfigError(f"config vintages names sources not in the registry: {unknown}")
    out = {}
    for sid, entry in registry.items():
        if is_restricted(entry):
            out[sid] = entry
            continue
        options = vintages_of(entry)
        labels = [v["vintage"] for v in options]
        require_unique(labels, f"source {sid!r}: vintages registered twice")
        pick = str(wanted.get(sid) or max(labels))
        if pick not in labels:
            raise ConfigError(f"config vintages.{sid} = {pick!r} is not a registered vintage of {sid}; registered: "
                              f"{labels} (bring one in with: python -m medroutes register {sid} FILE...)")
        v = options[labels.index(pick)]
        files = [f if v["folder"] == sid else {**f, "folder": v["folder"]} for f in v["files"]]
        out[sid] = {**entry, "files": files, "as_of": v.get("as_of") or entry.get("as_of"), "vintage": pick,
                    **({"landing": v["landing"]} if v.get("landing") else {})}
    return out
