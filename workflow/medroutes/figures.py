"""Publication figures: one style, deterministic PDF/PNG/SVG, each beside a CSV of what it plots."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .io import atomic_path, write_csv  # noqa: E402

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
ROUTE_COLOURS = {
    "central_mediterranean": "#0072B2",
    "western_mediterranean": "#E69F00",
    "western_african": "#009E73",
}
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "svg.hashsalt": "medroutes",  # fixed ids in SVG output
    "svg.fonttype": "none",  # text stays text in SVG, so authors can restyle it
    "pdf.compression": 6,
}
# Fixed metadata so the same numbers give the same bytes.
METADATA = {
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": "medroutes"},
    "svg": {"Date": None, "Creator": "medroutes"},
    "png": {"Software": None},
}
FORMATS = ("pdf", "png", "svg")


def save(fig, stem: Path | str, data: pd.DataFrame) -> None:
    """Write ``<stem>.pdf|.png|.svg`` and ``<stem>.csv`` (the exact numbers plotted)."""
    stem = Path(stem)
    for fmt in FORMATS:
        with atomic_path(stem.with_suffix(f".{fmt}")) as tmp:
            fig.savefig(tmp, format=fmt, metadata=METADATA[fmt], bbox_inches="tight")
    write_csv(data, stem.with_suffix(".csv"))
    plt.close(fig)


def _footer(fig, text: str, data_label: str | None) -> None:
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=7, color="#444444", wrap=True)
    if data_label:
        fig.text(0.5, 0.5, data_label, ha="center", va="center", fontsize=28, color="#CC0000",
                 alpha=0.25, rotation=20, transform=fig.transFigure)


def route_flows_deaths(table: pd.DataFrame, route_labels: dict[str, str], stem, *,
                       data_label: str | None = None) -> pd.DataFrame:
    """Detections (Frontex) and dead and missing (IOM) by route and year, two stacked panels."""
    plotted = table[["route", "year", "detections", "dead_and_missing", "partial_year"]].copy()
    years = f"{plotted['year'].min()}–{plotted['year'].max()}"
    with plt.rc_context(STYLE):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
        for route, colour in ROUTE_COLOURS.items():
            d = plotted[plotted["route"] == route]
            if d.empty:
                continue
            label = route_labels.get(route, route)
            top.plot(d["year"], d["detections"] / 1000, marker="o", ms=3, color=colour, label=label)
            bottom.plot(d["year"], d["dead_and_missing"], marker="o", ms=3, color=colour, label=label)
        top.set_ylabel("Detections of illegal border\ncrossings (thousands)")
        bottom.set_ylabel("Dead and missing (persons)")
        bottom.set_xlabel("Year")
        top.set_title(("[FIXTURE DATA] " if data_label else "")
                      + f"Detections and dead and missing by route, {years}", loc="left")
        top.legend(loc="upper right")
        bottom.xaxis.get_major_locator().set_params(integer=True)
        partial = sorted(plotted.loc[plotted["partial_year"], "year"].unique())
        note = f" Partial years: {', '.join(map(str, partial))}." if partial else ""
        _footer(fig, "Sources: Frontex, monthly detections of illegal border crossings (via IOM gdidata); "
                f"IOM Missing Migrants Project. {years}. Detections count crossings, not persons.{note}",
                data_label)
        save(fig, stem, plotted)
    return plotted


# One colour per source (Okabe-Ito order, then greys), so a reader sees where each cell comes from.
SOURCE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
                  "#999999", "#666666"]


def availability_heatmap(table: pd.DataFrame, country_names: dict[str, str], first_year: int, last_year: int,
                         stem, *, data_label: str | None = None) -> pd.DataFrame:
    """Which indicator x study country x year has data (as reporting area or as citizenship), by source."""
    years = list(range(first_year, last_year + 1))
    t = table[table["year"].between(first_year, last_year)]
    grouped = t.groupby(["country", "indicator", "year"])["sources"].agg(
        lambda s: ",".join(sorted(set(",".join(s).split(",")))))
    plotted = grouped.rename("sources").reset_index()
    indicators = sorted(plotted["indicator"].unique())
    sources = sorted(set(",".join(plotted["sources"]).split(",")) - {""})
    colour = {src: SOURCE_COLOURS[i % len(SOURCE_COLOURS)] for i, src in enumerate(sources)}
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(2, 4, figsize=(11, 0.25 * len(indicators) * 2 + 2.4), sharex=True, sharey=True)
        for ax, iso in zip(axes.flat, country_names, strict=False):
            for _, r in plotted[plotted["country"] == iso].iterrows():
                cell_sources = r["sources"].split(",")
                width = 1 / len(cell_sources)  # a cell fed by several sources is split between them
                for k, src in enumerate(cell_sources):
                    ax.add_patch(plt.Rectangle((r["year"] - 0.5 + k * width, indicators.index(r["indicator"]) - 0.45),
                                               width, 0.9, color=colour[src], lw=0))
            ax.set_xlim(first_year - 0.5, last_year + 0.5)
            ax.set_ylim(len(indicators) - 0.5, -0.5)
            ax.set_yticks(range(len(indicators)), indicators, fontsize=7)
            ax.set_xticks(years[:: max(1, len(years) // 4)], [str(y) for y in years[:: max(1, len(years) // 4)]],
                          fontsize=7)
            ax.set_title(country_names[iso], loc="left", fontsize=9)
            ax.grid(True, color="#EEEEEE", lw=0.5)
            ax.set_axisbelow(True)
        handles = [plt.Rectangle((0, 0), 1, 1, color=colour[s]) for s in sources]
        fig.legend(handles, sources, loc="lower center", ncol=min(len(sources), 7), fontsize=7,
                   bbox_to_anchor=(0.5, 0.0))
        fig.suptitle(("[FIXTURE DATA] " if data_label else "")
                     + f"Data availability by indicator, study country and year, {first_year}–{last_year}",
                     x=0.01, ha="left", fontsize=10)
        fig.tight_layout(rect=(0, 0.05, 1, 0.96))
        _footer(fig, "A cell is filled where at least one harmonised observation has the country as reporting area "
                "or as citizenship; its colour names the source. Sources: config/sources.yaml.", data_label)
        save(fig, stem, plotted)
    return plotted


RECONCILIATION_STYLE = {
    "unhcr_arrivals": ("UNHCR arrivals (persons)", "#000000", "-"),
    "frontex_detections_central_med": ("Frontex detections, Central Med. route", "#0072B2", "--"),
    "frontex_detections_west_med_atlantic": ("Frontex detections, W. Med. + W. African routes", "#E69F00", "--"),
    "moi_landings_daily": ("Ministry of the Interior, daily landings summed", "#CC79A7", "-."),
    "moi_landings_ytd_dec31": ("Ministry of the Interior, year-to-date at 31 Dec.", "#D55E00", ":"),
}


def reconciliation(table: pd.DataFrame, country_names: dict[str, str], first_year: int, last_year: int,
                   stem, *, data_label: str | None = None) -> pd.DataFrame:
    """Arrivals to Italy and Spain by year as each source measures them."""
    plotted = table[table["year"].between(first_year, last_year)][
        ["country", "year", "measure", "value", "reference_value", "relative_difference", "months_covered"]]
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=False)
        for ax, iso in zip(axes, ["ITA", "ESP"], strict=True):
            d = plotted[plotted["country"] == iso]
            for measure, (label, colour, ls) in RECONCILIATION_STYLE.items():
                m = d[d["measure"] == measure]
                if not m.empty:
                    ax.plot(m["year"], m["value"] / 1000, ls=ls, marker="o", ms=3, color=colour, label=label)
            ax.set_title(country_names.get(iso, iso), loc="left")
            ax.set_ylabel("Thousands")
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.legend(fontsize=7, loc="best")
        fig.suptitle(("[FIXTURE DATA] " if data_label else "")
                     + f"Arrivals measured three ways, {first_year}–{last_year}", x=0.01, ha="left")
        _footer(fig, "Sources: UNHCR Mediterranean situation (monthly totals, to Nov. 2019); Frontex detections "
                "of illegal border crossings (detections, not persons); Italian Ministry of the Interior, "
                "cruscotto statistico (from Sep. 2019, provisional). Partial years: see months_covered in the CSV.",
                data_label)
        save(fig, stem, plotted)
    return plotted
