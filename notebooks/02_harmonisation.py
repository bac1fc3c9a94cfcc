# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Harmonisation
#
# The long observation table of one release (`harmonised/observations.parquet`): one row per
# observed value, every source on one contract (see the README, "Observations"). This notebook
# shows what a reviewer checks before trusting a comparison built on it:
#
# - **Observations by source, indicator and unit**: how many values each source contributes, and
#   in what unit (Frontex counts *detections*, not persons).
# - **Route coverage**: which observations carry a study route, and which are left without one.
# - **Area resolution**: reporting areas (`ref_area`) and citizenships (`counterpart_area`) as
#   ISO3 codes, area codes (`EU_EXT`, …) and the special codes `_T` total, `_U` unknown, `_O` other.
# - **Period coverage**: first and last period and frequency of every source, and missing years.
# - **Observation status**: `A` normal, `E` estimated, `P` provisional, `C` suppressed (value null).
# - **Lineage**: how one value traces back to its raw file, checksum and row.

# %% tags=["parameters"]
release_dir = None  # the release folder, e.g. "results/2026.11.0"; None: the configured release
routes = None  # study route codes; None: every route that occurs in the observations

# %%
import json

import pandas as pd
import pyarrow.parquet as pq
from IPython.display import Markdown, display
from medroutes.notebooks import locate_release, read_table

pd.set_option("display.max_rows", 200)
pd.set_option("display.max_columns", 60)
pd.set_option("display.max_colwidth", 120)

RELEASE = locate_release(release_dir)
OBS_PATH = "harmonised/observations.parquet"
obs = read_table(RELEASE, OBS_PATH)
if obs is None:
    raise FileNotFoundError(f"{RELEASE / OBS_PATH} is missing: this notebook has nothing to review")
meta = {k.decode(): v.decode() for k, v in (pq.read_schema(RELEASE / OBS_PATH).metadata or {}).items()}
if routes is None:
    routes = sorted(obs["route"].dropna().unique())
display(Markdown(f"Release folder: `{RELEASE}`; release **{meta.get('medroutes.release', '?')}**; "
                 f"**{len(obs):,}** observations from **{obs['source_id'].nunique()}** sources."))

# %% [markdown]
# Upstream files of the table, with the sha256 recorded in its Parquet metadata:

# %%
upstream = [item.split("=", 1) for item in meta.get("medroutes.upstream_sha256", "").split(",") if "=" in item]
display(pd.DataFrame(upstream, columns=["file", "sha256"]))

# %% [markdown]
# ## Observations by source, indicator and unit
#
# `values` counts non-null values; `suppressed` counts rows whose value is null because the
# publisher suppressed it (`obs_status` `C`). Sums are not shown: rows of one indicator overlap
# (a total beside its breakdowns), so adding them double counts.

# %%
# each summary takes the columns it needs, never a copy of the whole table (it may hold millions of rows)
by_indicator = (obs[["source_id", "indicator", "unit", "value", "period"]]
                .assign(has_value=obs["value"].notna(), suppressed=obs["obs_status"].eq("C"))
                .groupby(["source_id", "indicator", "unit"])
                .agg(rows=("value", "size"), values=("has_value", "sum"), suppressed=("suppressed", "sum"),
                     first_period=("period", "min"), last_period=("period", "max"))
                .reset_index())
display(by_indicator)

# %% [markdown]
# ## Route coverage
#
# Rows by source and route; `(none)` is an observation outside the study routes (another route,
# a country-level statistic, a global total). Sources whose raw route labels are not mapped to a
# study route leave the route null; `config/config.yaml: routes` holds the mapping.

# %%
route_counts = (obs[["source_id", "value"]].assign(route=obs["route"].fillna("(none)"))
                .pivot_table(index="source_id", columns="route", values="value", aggfunc="size", fill_value=0))
display(route_counts)

# %%
on_route = obs["route"].isin(routes)
on_routes = obs.loc[on_route, ["route", "source_id", "indicator", "unit", "value", "period"]]
if len(on_routes):
    display(Markdown("Study routes: indicators, units and period span"))
    display(on_routes.groupby(["route", "source_id", "indicator", "unit"])
            .agg(rows=("value", "size"), first_period=("period", "min"), last_period=("period", "max"))
            .reset_index())
else:
    display(Markdown("No observation carries a study route in this release."))

# %% [markdown]
# ## Area resolution
#
# Every country name or code in the raw files was resolved to ISO 3166-1 alpha-3 by one resolver
# (`medroutes.resolve`, with `config/country_aliases.yaml`); a name it cannot map stops the run.
# What remains besides ISO3 codes is deliberate: area codes from `config.yaml: areas` (`EU_EXT`
# for Frontex's EU external borders, EU aggregates), `_T` total, `_U` unknown (the source left it
# blank or said unknown), `_O` other (the source's own "other" group).


# %%
def code_kind(codes: pd.Series) -> pd.Series:
    kind = pd.Series("area code", index=codes.index)
    kind[codes.str.fullmatch(r"[A-Z]{3}")] = "ISO3"
    for special, label in (("_T", "_T total"), ("_U", "_U unknown"), ("_O", "_O other")):
        kind[codes == special] = label
    return kind


for col in ("ref_area", "counterpart_area"):
    display(Markdown(f"**{col}**: rows by kind of code"))
    display(pd.crosstab(obs["source_id"], code_kind(obs[col])))
    others = obs.loc[code_kind(obs[col]) == "area code", col]
    if len(others):
        display(Markdown(f"Area codes in `{col}`:"))
        display(others.value_counts().rename_axis(col).rename("rows").to_frame())

# %%
display(Markdown("Distinct ISO3 codes per source (reporting areas and citizenships):"))
iso = obs[["source_id"]].assign(ref_iso=obs["ref_area"].where(obs["ref_area"].str.fullmatch(r"[A-Z]{3}")),
                 cp_iso=obs["counterpart_area"].where(obs["counterpart_area"].str.fullmatch(r"[A-Z]{3}")))
display(iso.groupby("source_id").agg(ref_areas=("ref_iso", "nunique"), citizenships=("cp_iso", "nunique")))

# %% [markdown]
# Where `_U` unknown and `_O` other come from: rows per source and indicator, and the first raw
# rows of each, to open in the raw file.

# %%
special = obs[obs["counterpart_area"].isin(["_U", "_O"])]
if len(special):
    display(special.groupby(["source_id", "indicator", "counterpart_area"]).size().rename("rows").reset_index())
    display(special.groupby(["source_id", "counterpart_area"], sort=True).head(2)
            [["source_id", "indicator", "ref_area", "counterpart_area", "period", "value", "raw_ref"]]
            .reset_index(drop=True))
else:
    display(Markdown("No `_U` or `_O` citizenship in this release."))

# %% [markdown]
# ## Period coverage
#
# `freq` is `A` annual (`2016`), `M` monthly (`2016-03`) or `D` daily (`2016-03-14`).
# `missing_years` lists the calendar years between a source's first and last period with no
# observation at all.

# %%
years = obs["period"].str[:4].astype(int)
coverage = []
for (source, freq), idx in obs.groupby(["source_id", "freq"]).groups.items():
    present = sorted(set(years[idx]))
    gaps = sorted(set(range(present[0], present[-1] + 1)) - set(present))
    coverage.append({"source_id": source, "freq": freq, "first_period": obs.loc[idx, "period"].min(),
                     "last_period": obs.loc[idx, "period"].max(), "periods": obs.loc[idx, "period"].nunique(),
                     "rows": len(idx), "missing_years": ", ".join(map(str, gaps)) or "-"})
display(pd.DataFrame(coverage))

# %%
display(Markdown("Rows by source and year (from 2009, the start of the Frontex series):"))
recent = years >= 2009
display(pd.crosstab(obs.loc[recent, "source_id"], years[recent].rename("year")))

# %% [markdown]
# ## Observation status
#
# `A` normal, `E` estimated, `P` provisional (the Italian Ministry's daily landings), `C`
# suppressed: the publisher withheld a small count (UNODC suppresses counts below 5); its value is
# null, never zero. Any other code comes through from the publisher's own flags and is listed
# separately below.

# %%
status = pd.crosstab(obs["source_id"], obs["obs_status"])
display(status)
unknown_status = sorted(set(obs["obs_status"]) - {"A", "E", "P", "C"})
if unknown_status:
    display(Markdown(f"Status codes outside the contract's `A`/`E`/`P`/`C`: {unknown_status}. "
                     "Eurostat flags pass through: `B` break in time series, `D` definition differs."))
    display(obs[obs["obs_status"].isin(unknown_status)]
            [["source_id", "indicator", "ref_area", "period", "value", "obs_status", "raw_ref"]]
            .reset_index(drop=True).head(20))
suppressed_with_value = obs[(obs["obs_status"] == "C") & obs["value"].notna()]
display(Markdown(f"Suppressed rows that still carry a value: **{len(suppressed_with_value)}** (expected 0)."))

# %% [markdown]
# ## Breakdowns
#
# Rows by sex, age and other dimension; `_T` is the total over that breakdown.

# %%
for col in ("sex", "age", "dimension"):
    display(pd.crosstab(obs["source_id"], obs[col]))

# %% [markdown]
# ## Lineage: from a value back to its raw row
#
# Every observation names its raw file (`raw_file`), the sha256 of that file (`raw_sha256`) and
# the row or cell it came from (`raw_row`, `raw_ref`). The example below takes one observation on a
# study route (the first by key), finds the clean record it was derived from
# (`clean/<source>.parquet`, same `raw_file` and `raw_row`) and the provenance record of the raw
# file (`intake/<source>.provenance.json`), whose sha256 must be the observation's `raw_sha256`.
#
# To trace a number in a comparison table, filter the observations on its route, year and
# indicator: `raw_ref` names every contributing raw row, e.g.
# `obs[(obs.route == "central_mediterranean") & obs.period.str.startswith("2016")
# & (obs.indicator == "dead_and_missing")]["raw_ref"]`.

# %%
example = obs.loc[on_route.idxmax()] if on_route.any() else obs.iloc[0]
display(Markdown(f"**The observation** (`{example['source_id']}`, `{example['indicator']}`, period "
                 f"`{example['period']}`, value {example['value']:,} {example['unit']}):"))
display(example.to_frame("value"))

clean = read_table(RELEASE, f"clean/{example['source_id']}.parquet")
if clean is not None:
    record = clean[(clean["raw_file"] == example["raw_file"]) & (clean["raw_row"] == example["raw_row"])]
    display(Markdown(f"**The clean record** ({len(record)} row of `clean/{example['source_id']}.parquet`):"))
    display(record.T)

prov_path = RELEASE / "intake" / f"{example['source_id']}.provenance.json"
if prov_path.is_file():
    prov = json.loads(prov_path.read_text(encoding="utf-8"))
    name = example["raw_file"].split("/", 1)[-1]
    raw = next((f for f in prov["observed"] if f["name"] == name), None)
    if raw is not None:
        same = raw["sha256"] == example["raw_sha256"]
        display(Markdown(f"**The raw file**: `{raw['path']}` ({raw['bytes']:,} bytes), sha256 `{raw['sha256']}`: "
                         f"{'matches' if same else 'DOES NOT MATCH'} the observation's `raw_sha256`. "
                         f"Open it at **{example['raw_ref']}**."))
    else:
        print(f"{name} is not among the observed files of {prov_path}")
else:
    print(f"SKIPPED: {prov_path} is not in this release.")

# %%
display(Markdown("All observations from the same raw row (one raw row often gives several values):"))
display(obs[(obs["raw_file"] == example["raw_file"]) & (obs["raw_row"] == example["raw_row"])]
        [["indicator", "route", "ref_area", "counterpart_area", "sex", "age", "dimension", "category", "period",
          "value", "unit", "obs_status"]].reset_index(drop=True))
