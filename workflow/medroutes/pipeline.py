"""The study's stages as plain functions over paths: what each Snakemake rule runs.

Each takes its inputs and outputs as paths and its settings as plain values, so tests call them
without Snakemake, and the rules stay one line.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import adapters, compare, figures
from . import clean as cleaning
from . import harmonise as harmonising
from .intake import provenance
from .io import read_json, read_parquet, sha256_file, write_json, write_parquet
from .log import get_logger
from .resolve import CountryResolver

log = get_logger(__name__)


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
    paths = [Path(f["path"]) for f in record["observed"]]
    raw = adapter.read(paths)
    shas = {f"{source['id']}/{f['name']}": f["sha256"] for f in record["observed"]}
    kept, rejects, ledger = cleaning.clean(raw, adapter.SPEC, raw_sha256=shas, max_count=max_count,
                                           max_period=max_period)
    meta = {"dataset": f"clean/{source['id']}", "release": release,
            "upstream_sha256": ",".join(f"{k}={v}" for k, v in sorted(shas.items()))}
    write_parquet(kept, out_clean, adapter.SPEC.arrow_schema(), ["raw_file", "raw_row"], meta)
    write_parquet(rejects, out_rejects, cleaning.REJECTS_SCHEMA, ["raw_file", "raw_row"],
                  {**meta, "dataset": f"rejects/{source['id']}"})
    ledger = {"source_id": source["id"], **ledger}
    write_json(ledger, out_ledger)
    log.info("%s: rows in %d, kept %d, rejected %d %s", source["id"], ledger["rows_in"],
             ledger["rows_kept"], ledger["rows_rejected"], ledger["rejected_by_reason"])
    return ledger



def harmonise(source: dict, clean_parquet, out, *, release: str, routes: dict,
              resolver: CountryResolver, indicators: dict) -> pd.DataFrame:
    spec = adapters.get(source["adapter"]).SPEC
    obs = harmonising.harmonise(read_parquet(clean_parquet), spec, source["id"], routes, resolver, indicators)
    write_parquet(obs, out, harmonising.OBS_SCHEMA, harmonising.OBS_KEY,
                  {"dataset": f"harmonised/{source['id']}", "release": release,
                   "upstream_sha256": f"{Path(clean_parquet).name}={sha256_file(clean_parquet)}"})
    log.info("%s: %d observations; by indicator %s", source["id"], len(obs),
             obs.groupby("indicator").size().to_dict())
    return obs


def combine(parts: list, out, *, release: str) -> pd.DataFrame:
    obs = pd.concat([read_parquet(p) for p in parts], ignore_index=True)
    write_parquet(obs, out, harmonising.OBS_SCHEMA, harmonising.OBS_KEY,
                  {"dataset": "harmonised/observations", "release": release,
                   "upstream_sha256": ",".join(f"{Path(p).name}={sha256_file(p)}" for p in sorted(parts))})
    log.info("observations: %d rows from %d sources", len(obs), len(parts))
    return obs


def route_year(observations, out, *, release: str, routes: list[str], first_year: int,
               last_year: int) -> pd.DataFrame:
    table = compare.route_year(read_parquet(observations), routes, first_year, last_year)
    write_parquet(table, out, compare.ROUTE_YEAR_SCHEMA, compare.ROUTE_YEAR_KEY,
                  {"dataset": "compare/route_year", "release": release,
                   "upstream_sha256": f"{Path(observations).name}={sha256_file(observations)}"})
    return table


def figure_route_flows_deaths(route_year_parquet, stem, *, route_labels: dict[str, str],
                              data_label: str | None) -> None:
    figures.route_flows_deaths(read_parquet(route_year_parquet), route_labels, stem, data_label=data_label)


__all__ = ["intake", "clean", "harmonise", "combine", "route_year", "figure_route_flows_deaths"]
