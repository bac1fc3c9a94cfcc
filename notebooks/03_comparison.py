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
# # 03 · Comparison
#
# The comparison tables of one release (`compare/*.parquet`), which the paper's figures plot:
#
# - **Route × year** (`compare/route_year.parquet`): flows and deaths on the three study routes.
# - **Reconciliation** (`compare/reconciliation.parquet`): the same arrivals in Italy and Spain as
#   Frontex, UNHCR and the Italian Ministry of the Interior measure them.
# - **Per capita** (`compare/per_capita.parquet`): smuggling offences and detected trafficking
#   victims per 100,000 population.
# - **Availability** (`compare/availability.parquet`): which indicator has data for which study
#   country and year.
#
# Read them with these caveats in mind:
#
# - **Detections, not persons.** Frontex counts detections of illegal border crossings: one person
#   crossing twice, or detected on two routes, counts twice. Detections and arrivals are different
#   measures, and the reconciliation below shows by how much they differ.
# - **Minimum estimates.** IOM's dead and missing are the deaths recorded; the true number is
#   higher. A ratio such as dead and missing per 1,000 detections mixes two sources' coverage.
# - **Null is not zero.** A measure with no observation is left empty (`NaN`), never 0.
# - **Partial years.** Where a source's data end before December, its last year is partial
#   (`partial_year`, `coverage_note`); do not compare such a year with full ones.
# - **Suppressed counts.** UNODC suppresses small counts (`obs_status` `C`): their rate stays
#   empty, because the count is small, not zero.

# %% tags=["parameters"]
release_dir = None  # the release folder, e.g. "results/2026.11.0"; None: the configured release
countries = None  # study countries (ISO3) for the per-capita section; None: those in the availability table

# %%
import pandas as pd
from IPython.display import Markdown, display
from medroutes.notebooks import locate_release, read_table

pd.set_option("display.max_rows", 200)
pd.set_option("display.max_columns", 60)
pd.set_option("display.max_colwidth", 200)
pd.set_option("display.float_format", lambda x: f"{x:,.0f}" if float(x).is_integer() else f"{x:,.3f}")

RELEASE = locate_release(release_dir)
route_year = read_table(RELEASE, "compare/route_year.parquet")
reconciliation = read_table(RELEASE, "compare/reconciliation.parquet")
per_capita = read_table(RELEASE, "compare/per_capita.parquet")
availability = read_table(RELEASE, "compare/availability.parquet")
if countries is None and availability is not None:
    countries = sorted(availability["country"].unique())
display(Markdown(f"Release folder: `{RELEASE}`"))


def pick(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns that exist in this release's table, in the order given."""
    return df[[c for c in columns if c in df.columns]]


# %% [markdown]
# ## Route × year
#
# One row per study route and year. `detections` is Frontex sea plus land detections;
# `dead_and_missing` IOM's recorded dead and missing on the route; the ratio is per 1,000
# detections (per 1,000 arrivals where the table has arrivals). The full table follows the summary.

# %%
if route_year is None:
    display(Markdown("**Skipped**: no route × year table in this release."))
else:
    summary_cols = ["route", "year", "detections", "arrivals", "arrivals_source", "dead_and_missing", "incidents",
                    "dead_and_missing_per_1000_detections", "dead_and_missing_per_1000_arrivals", "partial_year",
                    "coverage_note"]
    display(pick(route_year, summary_cols))
    for measure in ("detections", "dead_and_missing"):
        if measure in route_year.columns:
            display(Markdown(f"**{measure}** by year and route"))
            display(route_year.pivot(index="year", columns="route", values=measure))

# %% [markdown]
# Partial years, and measures left empty (no observation for that route and year):

# %%
if route_year is not None:
    partial = route_year[route_year["partial_year"]] if "partial_year" in route_year.columns else route_year.iloc[:0]
    if len(partial):
        display(pick(partial, ["route", "year", "coverage_note"]).reset_index(drop=True))
    else:
        display(Markdown("No partial year in the table's span."))
    numeric = route_year.select_dtypes("number").drop(columns=["year"], errors="ignore")
    empty = numeric.isna().groupby(route_year["route"]).sum()
    display(Markdown("Empty cells per route and measure (years without data):"))
    display(empty.loc[:, empty.any()] if empty.any().any() else Markdown("none"))

# %%
if route_year is not None:
    display(Markdown("The full route × year table:"))
    display(route_year)

# %% [markdown]
# ## Reconciliation: arrivals by source
#
# For Italy and Spain, each year, each source's measure of arrivals beside a reference (UNHCR's
# arrivals while they last, then, for Italy, the Ministry's 31 December year-to-date landings).
# `relative_difference` = (value - reference) / reference. Differences are expected: detections are
# not persons, the Frontex route is wider than one country, and the Ministry's daily series is
# provisional. `months_covered` below 12 marks a measure with part of the year only.

# %%
if reconciliation is None:
    display(Markdown("**Skipped**: no reconciliation table in this release."))
else:
    for country, part in reconciliation.groupby("country", sort=True):
        display(Markdown(f"### {country}: value by year and measure"))
        display(part.pivot(index="year", columns="measure", values="value"))
        display(Markdown(f"{country}: relative difference from the reference"))
        display(part.pivot(index="year", columns="measure", values="relative_difference"))
    short = reconciliation[reconciliation["months_covered"].notna() & (reconciliation["months_covered"] < 12)]
    if len(short):
        display(Markdown("Measures covering less than 12 months of their year:"))
        display(pick(short, ["country", "year", "measure", "value", "months_covered"]).reset_index(drop=True))
    display(Markdown("What each measure is:"))
    display(reconciliation[["measure", "source_id", "note"]].drop_duplicates("measure").sort_values("measure")
            .reset_index(drop=True))

# %% [markdown]
# ## Per capita
#
# Offences of smuggling of migrants (UNODC CTS) and detected victims of trafficking (UNODC GLOTIP)
# per 100,000 population (World Bank). Where UNODC publishes its own rate (`published_per_100k`),
# ours should be close to it; UNODC divides by UN population estimates, so small gaps are expected,
# large ones are worth a look. A suppressed count (`obs_status` `C`) has no value and no rate.

# %%
if per_capita is None:
    display(Markdown("**Skipped**: no per-capita table in this release."))
else:
    pc = per_capita.assign(gap=per_capita["per_100k"] - per_capita["published_per_100k"])
    display(Markdown("Rows, suppressed counts and the largest gap from the published rate, by indicator:"))
    display(pc.groupby("indicator").agg(rows=("value", "size"), countries=("country", "nunique"),
                                        first_year=("year", "min"), last_year=("year", "max"),
                                        suppressed=("obs_status", lambda s: int((s == "C").sum())),
                                        max_abs_gap=("gap", lambda s: s.abs().max())))
    display(Markdown("The largest gaps between our rate and UNODC's published one:"))
    gaps = pc[pc["gap"].notna()].assign(abs_gap=lambda d: d["gap"].abs())
    display(gaps.sort_values(["abs_gap", "indicator", "country", "year"], ascending=[False, True, True, True],
                             kind="mergesort").head(10).drop(columns="abs_gap").reset_index(drop=True))
    study = pc[pc["country"].isin(countries)] if countries is not None else pc
    display(Markdown(f"Study countries ({', '.join(countries) if countries is not None else 'all'}): "
                     "rate per 100,000 by year"))
    if len(study):
        display(study.pivot_table(index=["indicator", "country"], columns="year", values="per_100k"))
        display(Markdown("Study-country rows in full:"))
        display(study.drop(columns="gap").reset_index(drop=True))
    else:
        display(Markdown("No per-capita row for the study countries."))

# %% [markdown]
# ## Data availability
#
# Number of years with at least one observation, by indicator and study country, where the
# country is the reporting area (`reporting`) or the citizenship of the people counted
# (`citizenship`). The full table also names the sources and counts observations per year.

# %%
if availability is None:
    display(Markdown("**Skipped**: no availability table in this release."))
else:
    for relation, part in availability.groupby("relation", sort=True):
        display(Markdown(f"**{relation}**: years with data"))
        display(part.pivot_table(index="indicator", columns="country", values="year", aggfunc="nunique",
                                 fill_value=0))
    span = (availability.groupby(["indicator", "relation"])
            .agg(countries=("country", "nunique"), first_year=("year", "min"), last_year=("year", "max"),
                 sources=("sources", lambda s: ",".join(sorted(set(",".join(s).split(",")))))).reset_index())
    display(Markdown("Span and sources by indicator:"))
    display(span)
