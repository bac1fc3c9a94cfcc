"""Modus operandi of the investigated networks: share of cases documenting each code, by study route
(all years), from the disclosure-controlled case-file tables."""

from medroutes import figures
from medroutes.io import read_parquet

EVIDENCE = "case_files"
INPUTS = {"modus_operandi": "protected/case_files.modus_operandi.parquet"}
CONFIG = ["@codebook", "routes", "data_label"]
LOCAL = True  # draws from a table of a few hundred rows at any data size: a redraw takes seconds, never a queue
REPORT = {"png": ["case_files.rst", "Figures"], "csv": ["case_files.rst", "Figure data"]}


def build(step):
    c = step.config
    mo = read_parquet(step.input["modus_operandi"])
    mo = mo[mo["year"] == "_T"]
    wide = mo.pivot(index="modus_operandi", columns="route", values="cases")
    routes = [r for r in c["routes"] if r in wide.columns]
    codes = [k for k in c["@codebook"]["modus_operandi"] if k in wide.index]
    cases = wide.loc["all_cases", routes]
    counts = wide.loc[codes, routes]
    shares = counts.div(cases, axis=1)
    data = mo[mo["route"].isin(routes)].assign(share_of_cases=lambda d: d["cases"] / d["route"].map(cases))
    n_cases = ", ".join(f"{figures.route_labels(c['routes'])[r]} {'suppressed' if cases.isna()[r] else int(cases[r])}"
                        for r in routes)
    figures.protected_heatmap(
        shares, counts, c["@codebook"]["modus_operandi"], figures.route_labels(c["routes"]), step.stem,
        title="Modus operandi documented in the case files, by route (all years)",
        footer=f"Share of investigated cases whose file documents each practice (n = cases). Cases: {n_cases}. "
               "Counts below the disclosure threshold, and enough others that they cannot be recomputed, are "
               "suppressed. Source: case files (restricted), disclosure-controlled.",
        data=data, data_label=c["data_label"])
