"""The study's stages as plain functions over paths: what each Snakemake rule runs.

Each takes its inputs and outputs as paths and its settings as plain values, so tests call them
without Snakemake, and the rules stay one line.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from . import adapters, compare, figures, profiles, reconcile
from . import clean as cleaning
from . import harmonise as harmonising
from .intake import provenance
from .io import read_json, read_parquet, sha256_file, write_json, write_parquet
from .log import get_logger
from .resolve import CountryResolver

log = get_logger(__name__)


def _write(df: pd.DataFrame, out, schema: pa.Schema, key: list[str], *, dataset: str, release: str,
           upstream: list | dict) -> None:
    """Write a dataset with the metadata every output carries: name, release, upstream checksums."""
    shas = upstream if isinstance(upstream, dict) else {Path(p).name: sha256_file(p) for p in upstream}
    write_parquet(df, out, schema, key, {"dataset": dataset, "release": release,
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
    _write(kept, out_clean, adapter.SPEC.arrow_schema(), ["raw_file", "raw_row"], dataset=f"clean/{sid}",
           release=release, upstream=shas)
    _write(rejects, out_rejects, cleaning.REJECTS_SCHEMA, ["raw_file", "raw_row"], dataset=f"rejects/{sid}",
           release=release, upstream=shas)
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


def route_year(observations, out, *, release: str, routes: list[str], first_year: int,
               last_year: int) -> pd.DataFrame:
    table = compare.route_year(read_parquet(observations), routes, first_year, last_year)
    _write(table, out, compare.ROUTE_YEAR_SCHEMA, compare.ROUTE_YEAR_KEY, dataset="compare/route_year",
           release=release, upstream=[observations])
    return table


def country_profile(observations, out, *, release: str, country: str, roles: list[str]) -> pd.DataFrame:
    profile = profiles.country_profile(read_parquet(observations), country, roles)
    _write(profile, out, profiles.PROFILE_SCHEMA, profiles.PROFILE_KEY, dataset=f"countries/{country}",
           release=release, upstream=[observations])
    log.info("%s: %d observations %s", country, len(profile), profile.groupby("relation").size().to_dict())
    return profile


def availability(observations, out, *, release: str, countries: list[str]) -> pd.DataFrame:
    table = profiles.availability(read_parquet(observations), countries)
    _write(table, out, profiles.AVAILABILITY_SCHEMA, profiles.AVAILABILITY_KEY, dataset="compare/availability",
           release=release, upstream=[observations])
    return table


def reconciliation(observations, out, *, release: str) -> pd.DataFrame:
    table = reconcile.reconciliation(read_parquet(observations))
    _write(table, out, reconcile.RECONCILIATION_SCHEMA, reconcile.RECONCILIATION_KEY,
           dataset="compare/reconciliation", release=release, upstream=[observations])
    return table


def figure(name: str, table_parquet, stem, **options) -> None:
    """Draw figure ``name`` (a function in medroutes.figures) from one table."""
    getattr(figures, name)(read_parquet(table_parquet), stem=stem, **options)


def per_capita(observations, out, *, release: str) -> pd.DataFrame:
    table = compare.per_capita(read_parquet(observations))
    _write(table, out, compare.PER_CAPITA_SCHEMA, compare.PER_CAPITA_KEY, dataset="compare/per_capita",
           release=release, upstream=[observations])
    return table
