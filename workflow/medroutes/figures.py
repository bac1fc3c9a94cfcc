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
