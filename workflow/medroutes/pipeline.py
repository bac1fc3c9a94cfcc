"""The study's stages as plain functions over paths: what each Snakemake rule runs.

Each takes its inputs and outputs as paths and its settings as plain values, so tests call them
without Snakemake, and the rules stay one line.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from . import adapters, dictionary, figures, profiles, tables
from . import clean as cleaning
from . import harmonise as harmonising
from . import release as releasing
from .intake import provenance
from .io import read_json, read_parquet, sha256_file, write_csv, write_json, write_parquet, write_text
from .log import get_logger
from .resolve import CountryResolver

log = get_logger(__name__)


def _write(df: pd.DataFrame, out, schema: pa.Schema, key: list[str], *, dataset: str, release: str,
           upstream: list | dict, sort_by: list[str] | None = None) -> None:
    """Write a dataset with the metadata every output carries: name, key, release, upstream checksums."""
    shas = upstream if isinstance(upstream, dict) else {Path(p).name: sha256_file(p) for p in upstream}
    write_parquet(df, out, schema, sort_by or key,
                  {"dataset": dataset, "key": ",".join(key), "release": release,
                   "upstream_sha256": ",".join(f"{k}={v}" for k, v in sorted(shas.items()))})


def intake(source: dict, raw_dir, out_json) -> dict:
    record = provenance(source, raw_dir)
    write_json(record, out_json)
    for f in record["observed"]:
        log.info("%s: %s sha256 %s, %d bytes: ok", source["id"], f["path"], f["sha256"], f["bytes"])
    return record


def clean(source: dict, provenance_json, out_clean, out_rejects, out_ledger, *, release: str,
          max_count: int, max_period: str | None) -> dict:
    record = read_json(provenance_json)
    adapter = adapters.get(source["adapter"])
    raw = adapter.read([Path(f["path"]) for f in record["observed"]])
    shas = {f"{source['id']}/{f['name']}": f["sha256"] for f in record["observed"]}
    kept, rejects, ledger = cleaning.clean(raw, adapter.SPEC, raw_sha256=shas, max_count=max_count,
                                           max_period=max_period)
    sid = source["id"]
    # rows stay in raw-file order; the dataset's key is the adapter's record key
    _write(kept, out_clean, adapter.SPEC.arrow_schema(), list(adapter.SPEC.key), dataset=f"clean/{sid}",
           release=release, upstream=shas, sort_by=["raw_file", "raw_row", *adapter.SPEC.key])
    _write(rejects, out_rejects, cleaning.REJECTS_SCHEMA, ["raw_file", "raw_row", "raw_ref"],
           dataset=f"rejects/{sid}", release=release, upstream=shas)
    ledger = {"source_id": sid, **ledger}
    write_json(ledger, out_ledger)
    log.info("%s: rows in %d, kept %d, rejected %d %s", sid, ledger["rows_in"], ledger["rows_kept"],
             ledger["rows_rejected"], ledger["rejected_by_reason"])
    return ledger


def harmonise(source: dict, clean_parquet, out, *, release: str, routes: dict, resolver: CountryResolver,
              indicators: dict) -> pd.DataFrame:
    spec = adapters.get(source["adapter"]).SPEC
    obs = harmonising.harmonise(read_parquet(clean_parquet), spec, source["id"], routes, resolver, indicators)
    _write(obs, out, harmonising.OBS_SCHEMA, harmonising.OBS_KEY, dataset=f"harmonised/{source['id']}",
           release=release, upstream=[clean_parquet])
    log.info("%s: %d observations; by indicator %s", source["id"], len(obs),
             obs.groupby("indicator").size().to_dict())
    return obs


def combine(parts: list, out, *, release: str) -> pd.DataFrame:
    obs = pd.concat([read_parquet(p) for p in parts], ignore_index=True)
    _write(obs, out, harmonising.OBS_SCHEMA, harmonising.OBS_KEY, dataset="harmonised/observations",
           release=release, upstream=sorted(parts))
    log.info("observations: %d rows from %d sources", len(obs), len(parts))
    return obs


def compare_table(name: str, observations, outputs: list, *, release: str, **options) -> None:
    """Build comparison table ``name`` (an entry of medroutes.tables.TABLES) and write its outputs."""
    table = tables.TABLES[name]
    built = table.build(read_parquet(observations), **options)
    built = built if isinstance(built, tuple) else (built,)
    for df, spec, out in zip(built, table.outputs, outputs, strict=True):
        _write(df, out, spec.schema, spec.key, dataset=spec.dataset, release=release, upstream=[observations])
        log.info("%s: %d rows", spec.dataset, len(df))


def country_profile(observations, out, *, release: str, country: str, roles: list[str]) -> pd.DataFrame:
    profile = profiles.country_profile(read_parquet(observations), country, roles)
    _write(profile, out, profiles.PROFILE_SCHEMA, profiles.PROFILE_KEY, dataset=f"countries/{country}",
           release=release, upstream=[observations])
    log.info("%s: %d observations %s", country, len(profile), profile.groupby("relation").size().to_dict())
    return profile


def figure(name: str, tables: list, stem, **options) -> None:
    """Draw figure ``name`` (a function in medroutes.figures) from its tables, in order."""
    getattr(figures, name)(*[read_parquet(t) for t in tables], stem=stem, **options)


def manifest(files: list, out, *, release: str, code_version: str, packages: dict[str, str]) -> None:
    root = Path(out).parent
    built = releasing.build_manifest(root, files, releasing.producers_from_snakemake(root), release=release,
                                     code_version=code_version, packages=packages)
    releasing.write_manifest(built, out)
    log.info("manifest: %d files", len(built["files"]))


LEDGER_SCHEMA = pa.schema([("source_id", pa.string()), ("rows_in", pa.int64()), ("rows_kept", pa.int64()),
                           ("rows_rejected", pa.int64()), ("reason", pa.string()), ("rejected", pa.int64())])


def ledger(ledgers: list, out_parquet, out_csv, *, release: str) -> pd.DataFrame:
    """Every cleaning step's rows in, kept and rejected by reason, in one table; stops if any fails to add up."""
    rows = []
    for path in ledgers:
        led = read_json(path)
        cleaning.reconcile(led["rows_in"], led["rows_kept"], pd.Series(
            [r for r, n in led["rejected_by_reason"].items() for _ in range(n)], dtype=object))
        base = {k: led[k] for k in ("source_id", "rows_in", "rows_kept", "rows_rejected")}
        reasons = led["rejected_by_reason"] or {None: 0}
        rows += [{**base, "reason": reason, "rejected": n} for reason, n in reasons.items()]
    table = pd.DataFrame(rows, columns=LEDGER_SCHEMA.names)
    _write(table, out_parquet, LEDGER_SCHEMA, ["source_id", "reason"], dataset="clean/ledger", release=release,
           upstream=list(ledgers))
    write_csv(table.sort_values(["source_id", "reason"], na_position="first"), out_csv)
    return table


def data_dictionary(out_parquet, out_md, out_html, *, release: str, source_adapters: dict[str, str],
                    indicators: dict, countries: list[str], areas: dict) -> None:
    table = dictionary.build(source_adapters, indicators, countries, areas)
    write_parquet(table, out_parquet, dictionary.DICTIONARY_SCHEMA, dictionary.DICTIONARY_KEY,
                  {"dataset": "dictionary", "key": ",".join(dictionary.DICTIONARY_KEY), "release": release})
    text = dictionary.to_markdown(table, dictionary.descriptions())
    write_text(text, out_md)
    write_text(dictionary.to_html(table, dictionary.descriptions(), release), out_html)
