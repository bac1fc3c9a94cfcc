"""Publication figures: one print-ready style, deterministic PDF/PNG/SVG, each beside a CSV of what it plots.

Every figure is one of two journal widths (single column, full width), has no text below ``MIN_PT``
at that size, keeps its legends off the data, labels codes with their names, and gives each route,
study country and source the same colour everywhere. :func:`save` checks all of this before writing
and refuses a figure that fails (:class:`FigureError`). A partial year (fewer than 12 months of data)
is drawn hollow (lines, points) or hatched (bars), with a legend entry that says so.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from .errors import MedroutesError  # noqa: E402
from .io import atomic_path, write_csv  # noqa: E402

SINGLE, FULL = 3.5, 7.2  # inches: a journal's single-column and full-width figure
MIN_PT = 6.0             # the smallest text at final size
MIN_CONTRAST = 3.0       # against white: WCAG 2.1 non-text contrast (SC 1.4.11) for lines and marks

# Fixed colours, the same in every figure. Routes: Okabe-Ito. Study countries: Paul Tol's "muted" set,
# its three light members replaced by darker ones of his schemes so that all reach MIN_CONTRAST.
ROUTE_COLOURS = {
    "central_mediterranean": "#0072B2",
    "western_mediterranean": "#D55E00",
    "western_african": "#009E73",
}
COUNTRY_COLOURS = {"NGA": "#117733", "NER": "#999933", "SEN": "#332288", "MAR": "#CC6677", "TUN": "#AA4499",
                   "LBY": "#882255", "ITA": "#4477AA", "ESP": "#997700"}
SOURCE_COLOURS = {
    "frontex_ibc": "#0072B2", "iom_mmp": "#D55E00", "unhcr_med": "#000000", "italy_moi_landings": "#CC79A7",
    "eurostat_migr_eipre": "#009E73", "population": "#666666", "unodc_glotip": "#A6761D", "unodc_cts": "#7570B3",
    "national_statistics": "#882255", "case_files": "#332288", "interviews": "#117733", "literature": "#999933",
}
# Categories with no fixed colour (other nationalities, forms of exploitation) take these in order.
OTHER_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#000000", "#7570B3", "#A6761D", "#666666", "#E7298A"]
FORM_COLOURS = {"sexual_exploitation": "#000000", "forced_labour": "#D55E00", "other_forms": "#666666"}
NEUTRAL = "#BBBBBB"  # 'other' / grouped categories (a fill, not an identity colour)
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 7,
    "axes.titlesize": 7.5,
    "axes.labelsize": 7,
    "xtick.labelsize": 6.5,
    "ytick.labelsize": 6.5,
    "legend.fontsize": 6.5,
    "legend.title_fontsize": 6.5,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "lines.linewidth": 1.2,
    "lines.markersize": 3.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "figure.dpi": 300,  # lay out and check at the PNG's resolution (text widths are not linear in dpi)
    "savefig.dpi": 300,
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
PARTIAL = "Partial year (fewer than 12 months of data)"


class FigureError(MedroutesError):
    """A figure fails the print check (size, text size, a legend over data, text off the page)."""


def route_labels(routes: dict) -> dict[str, str]:
    """Route code -> label, from config ``routes``."""
    return {code: r["label"] for code, r in routes.items()}


def country_names(countries: dict) -> dict[str, str]:
    """ISO3 -> name, from config ``countries``, in config order (the panel order)."""
    return {iso: c["name"] for iso, c in countries.items()}


def source_labels(registry) -> dict[str, str]:
    """Source id -> its short title in the registry (the title, shortened, where none is given)."""
    return {s["id"]: s.get("short_title") or textwrap.shorten(s["title"], 40, placeholder="…") for s in registry}


def contrast(colour: str) -> float:
    """WCAG contrast ratio of a colour against white."""
    rgb = np.array(matplotlib.colors.to_rgb(colour))
    lin = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return 1.05 / (float(lin @ [0.2126, 0.7152, 0.0722]) + 0.05)


def new_figure(width: float, height: float, nrows: int = 1, ncols: int = 1, **kw):
    """A figure of one of the two print widths, laid out by matplotlib's constrained layout."""
    if width not in (SINGLE, FULL):
        raise ValueError(f"figure width {width} in: use figures.SINGLE ({SINGLE}) or figures.FULL ({FULL})")
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), layout="constrained", squeeze=False, **kw)
    return fig, axes


def frame(fig, title: str, footer: str, data_label: str | None) -> None:
    """Title on top, the sources note at the foot (inside the page, wrapped to its width)."""
    fig.suptitle(("[FIXTURE DATA] " if data_label else "") + title, x=0.01, ha="left", fontsize=8)
    width_pt = fig.get_size_inches()[0] * 72
    lines = textwrap.wrap(footer, width=int(width_pt / (0.55 * MIN_PT)))
    height = fig.get_size_inches()[1] * 72
    fig.text(0.01, 3 / height, "\n".join(lines), ha="left", va="bottom", fontsize=MIN_PT, color="#444444")
    foot = (len(lines) * MIN_PT * 1.25 + 6) / height
    # the figure's legend sits above the note, and the panels are laid out above both
    renderer = fig.canvas.get_renderer()
    for legend in fig.legends:
        legend.set_bbox_to_anchor((0.5, foot), transform=fig.transFigure)
        foot += (legend.get_window_extent(renderer).height + 4) / fig.dpi / fig.get_size_inches()[1]
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, foot, 1, 1 - foot))  # left, bottom, width, height
    if data_label:
        fig.text(0.5, 0.5, data_label, ha="center", va="center", fontsize=28, color="#CC0000",
                 alpha=0.25, rotation=20, transform=fig.transFigure)


# Kept for the restricted-evidence figures, which place their own layout.
def _title(fig, text: str, data_label: str | None) -> None:
    fig.suptitle(("[FIXTURE DATA] " if data_label else "") + text, x=0.01, ha="left", fontsize=8)


def _footer(fig, text: str, data_label: str | None) -> None:
    lines = textwrap.wrap(text, width=int(fig.get_size_inches()[0] * 72 / (0.55 * MIN_PT)))
    fig.text(0.01, 0.005, "\n".join(lines), ha="left", va="bottom", fontsize=MIN_PT, color="#444444")
    if data_label:
        fig.text(0.5, 0.5, data_label, ha="center", va="center", fontsize=28, color="#CC0000",
                 alpha=0.25, rotation=20, transform=fig.transFigure)


def check_print(fig, name: str) -> None:
    """Refuse a figure a journal's production check would refuse."""
    width = round(float(fig.get_size_inches()[0]), 3)
    if width not in (SINGLE, FULL):
        raise FigureError(f"figure {name}: {width} in wide; print widths are {SINGLE} in and {FULL} in")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    for t in fig.findobj(matplotlib.text.Text):
        if not t.get_visible() or not t.get_text().strip():
            continue
        if t.get_fontsize() < MIN_PT - 1e-9:
            raise FigureError(f"figure {name}: text {t.get_text()[:40]!r} is {t.get_fontsize():g} pt; the minimum "
                              f"at final size is {MIN_PT:g} pt")
    # titles, notes, axis labels and legends stay on the page (tick labels are matplotlib's to place)
    legends = [lg for lg in [*fig.legends, *(ax.get_legend() for ax in fig.axes)] if lg is not None]
    placed = [*fig.texts, *([fig._suptitle] if fig._suptitle else []), *(t for lg in legends for t in lg.get_texts())]
    for ax in fig.axes:
        placed += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
    for t in placed:
        if not t.get_visible() or not t.get_text().strip() or t.get_rotation() % 90 != 0:
            continue
        box = t.get_window_extent(renderer)
        if box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1 or box.y0 < page.y0 - 1 or box.y1 > page.y1 + 1:
            raise FigureError(f"figure {name}: text {t.get_text()[:40]!r} runs off the page")
    for lg in legends:
        box = lg.get_window_extent(renderer)
        for ax in fig.axes:
            if not ax.get_visible() or not ax.has_data():
                continue
            # a figure legend keeps off every panel and its tick labels; a panel's own legend off the data area
            area = ax.get_tightbbox(renderer, bbox_extra_artists=[]) if lg in fig.legends \
                else ax.patch.get_window_extent(renderer)
            if box.overlaps(area):
                raise FigureError(f"figure {name}: a legend covers the panel "
                                  f"{ax.get_title(loc='left') or ax.get_title() or '(untitled)'!r}")


def save(fig, stem: Path | str, data: pd.DataFrame) -> None:
    """Check the figure, then write ``<stem>.pdf|.png|.svg`` and ``<stem>.csv`` (the exact numbers plotted)."""
    stem = Path(stem)
    try:
        check_print(fig, stem.name)
    except FigureError:
        plt.close(fig)
        raise
    _freeze_layout(fig)
    for fmt in FORMATS:
        with atomic_path(stem.with_suffix(f".{fmt}")) as tmp:
            fig.savefig(tmp, format=fmt, metadata=METADATA[fmt])
            if fmt == "svg":
                _number_clip_paths(Path(tmp))
    write_csv(data, stem.with_suffix(".csv"))
    plt.close(fig)


def _freeze_layout(fig) -> None:
    """Fix the panels where the constrained layout put them, rounded to 1e-6 of the page, and stop
    the layout engine: every format is drawn from the same positions, and the solver's last-digit
    noise (seen in CI: nexus differed between two runs of the same code and data) cannot reach the
    bytes."""
    for ax in fig.axes:
        ax.set_position([round(v, 6) for v in ax.get_position().bounds])
    fig.set_layout_engine("none")


def _number_clip_paths(path: Path) -> None:
    """Name the SVG's clip paths clip0, clip1, ... in order of appearance: matplotlib hashes each clip
    box's coordinates to full float precision, and a difference in the 16th digit (seen between two
    runs of the same figure) changed the bytes, not the drawing."""
    import re

    text = path.read_text(encoding="utf-8")
    ids = dict.fromkeys(re.findall(r'<clipPath id="(p[0-9a-f]+)"', text))
    names = {old: f"clip{i}" for i, old in enumerate(ids)}
    if names:
        text = re.sub(r"\b(p[0-9a-f]{6,})\b", lambda m: names.get(m.group(1), m.group(1)), text)
        path.write_text(text, encoding="utf-8")


def bottom_legend(fig, handles: list, ncol: int | None = None) -> None:
    """One legend for the whole figure, below its panels (never over the data)."""
    fig.legend(handles=handles, loc="lower center", ncol=ncol or min(len(handles), 4),
               handlelength=2.2, columnspacing=1.2)  # placed by frame(), above the sources note


def partial_handle(kind: str = "marker") -> Line2D | Patch:
    if kind == "bar":
        return Patch(facecolor="white", edgecolor="#555555", hatch="/////", lw=0.6, label=PARTIAL)
    return Line2D([], [], color="#555555", marker="o", mfc="white", ls=":", lw=0.8, label=PARTIAL)


def series(ax, x, y, complete, colour: str, ls: str = "-", marker: str = "o", label: str | None = None):
    """A line through the complete years; a partial year is a hollow marker joined by a dotted line,
    so a 4-month year never reads as a collapse of a whole one."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    complete = np.asarray(complete, dtype=bool)
    order = np.argsort(x, kind="mergesort")
    x, y, complete = x[order], y[order], complete[order]
    ax.plot(x, np.where(complete, y, np.nan), ls=ls, color=colour, marker=marker, label=label)
    for i in np.flatnonzero(~complete & ~np.isnan(y)):
        ax.plot([x[i]], [y[i]], marker=marker, mfc="white", mec=colour, ls="none")
        for j in (i - 1, i + 1):  # a dotted join to a neighbouring point, so the series still reads
            if 0 <= j < len(x) and not np.isnan(y[j]) and abs(x[j] - x[i]) == 1:
                ax.plot([x[i], x[j]], [y[i], y[j]], ls=":", lw=0.8, color=colour)


def years_axis(ax, first: int, last: int) -> None:
    step = 1 if last - first <= 6 else 2
    ax.set_xticks(range(first + (first % 2 if step == 2 else 0), last + 1, step))
    ax.set_xlim(first - 0.6, last + 0.6)


def year_panels(panels: list[tuple], first: int, last: int) -> None:
    """Title, y label, year axis and a zero baseline for each (axes, title, ylabel)."""
    for ax, title, ylabel in panels:
        ax.set_title(title, loc="left")
        ax.set_ylabel(ylabel)
        years_axis(ax, first, last)
        ax.set_ylim(bottom=0)


def _complete(months: pd.Series) -> pd.Series:
    return pd.to_numeric(months, errors="coerce").fillna(12).ge(12)


def route_flows_deaths(table: pd.DataFrame, route_labels: dict[str, str], stem, *,
                       data_label: str | None = None) -> pd.DataFrame:
    """Detections (Frontex) and dead and missing (IOM) by route and year, side by side."""
    plotted = table[["route", "year", "detections", "detections_months", "dead_and_missing",
                     "dead_and_missing_months", "partial_year"]].copy()
    first, last = int(plotted["year"].min()), int(plotted["year"].max())
    with plt.rc_context(STYLE):
        fig, axes = new_figure(FULL, 3.3, 1, 2)
        left, right = axes[0]
        for route, colour in ROUTE_COLOURS.items():
            d = plotted[plotted["route"] == route]
            if d.empty:
                continue
            series(left, d["year"], d["detections"] / 1000, _complete(d["detections_months"]), colour)
            series(right, d["year"], d["dead_and_missing"], _complete(d["dead_and_missing_months"]), colour)
        year_panels([(left, "Detections of illegal border crossings", "Detections (thousands)"),
                     (right, "Dead and missing", "Persons")], first, last)
        handles = [Line2D([], [], color=c, marker="o", label=route_labels.get(r, r)) for r, c in ROUTE_COLOURS.items()]
        partial = _partial_text(plotted, {"detections": "Frontex", "dead_and_missing": "IOM"})
        bottom_legend(fig, handles + ([partial_handle()] if partial else []))
        frame(fig, f"Detections and dead and missing by route, {first}–{last}",
              "Sources: Frontex, monthly detections of illegal border crossings (detections, not persons); IOM "
              f"Missing Migrants Project (minimum estimates).{partial}", data_label)
        save(fig, stem, plotted)
    return plotted


def _partial_text(t: pd.DataFrame, measures: dict[str, str]) -> str:
    """' Hollow: 2024 (IOM, 10 of 12 months).' for the partial years a figure draws."""
    parts = []
    for col, label in measures.items():
        short = t[pd.to_numeric(t[f"{col}_months"], errors="coerce") < 12]
        for (year, n), _ in short.groupby(["year", f"{col}_months"]):
            parts.append(f"{year} ({label}, {n} of 12 months)")
    return f" Hollow or hatched: partial years, {'; '.join(sorted(set(parts)))}." if parts else ""


def availability_heatmap(table: pd.DataFrame, country_names: dict[str, str], first_year: int, last_year: int,
                         stem, *, indicator_labels: dict[str, str] | None = None,
                         source_labels: dict[str, str] | None = None, data_label: str | None = None) -> pd.DataFrame:
    """Which indicator x study country x year has data (as reporting area or as citizenship), by source."""
    indicator_labels, source_labels = indicator_labels or {}, source_labels or {}
    years = list(range(first_year, last_year + 1))
    t = table[table["year"].between(first_year, last_year)]
    grouped = t.groupby(["country", "indicator", "year"])["sources"].agg(
        lambda s: ",".join(sorted(set(",".join(s).split(",")))))
    plotted = grouped.rename("sources").reset_index()
    indicators = sorted(plotted["indicator"].unique())
    sources = sorted(set(",".join(plotted["sources"]).split(",")) - {""})
    colour = {src: SOURCE_COLOURS.get(src, NEUTRAL) for src in sources}
    labels = [textwrap.shorten(indicator_labels.get(i, i), 58, placeholder="…") for i in indicators]
    decades = [y for y in years if y % 10 == 0] or years[:1]
    with plt.rc_context(STYLE):
        fig, axes = new_figure(FULL, 0.16 * len(indicators) + 1.5, 1, len(country_names), sharey=True)
        for ax, iso in zip(axes.flat, country_names, strict=False):
            for _, r in plotted[plotted["country"] == iso].iterrows():
                cell_sources = r["sources"].split(",")
                width = 1 / len(cell_sources)  # a cell fed by several sources is split between them
                for k, src in enumerate(cell_sources):
                    ax.add_patch(plt.Rectangle((r["year"] - 0.5 + k * width, indicators.index(r["indicator"]) - 0.42),
                                               width, 0.84, color=colour[src], lw=0))
            ax.set_xlim(first_year - 0.5, last_year + 0.5)
            ax.set_ylim(len(indicators) - 0.5, -0.5)
            ax.set_yticks(range(len(indicators)), labels)
            ax.set_xticks(decades, [str(y) for y in decades])
            ax.tick_params(length=0)
            ax.set_title(country_names[iso], loc="left")
            ax.grid(True, axis="x", color="#DDDDDD", lw=0.5)
            ax.set_axisbelow(True)
            for side in ("left", "bottom"):
                ax.spines[side].set_color("#999999")
        bottom_legend(fig, [Patch(color=colour[s], label=source_labels.get(s, s)) for s in sources], ncol=4)
        frame(fig, f"Data availability by indicator, study country and year, {first_year}–{last_year}",
              "A cell is filled where at least one harmonised observation has the country as reporting area or as "
              "citizenship; its colour names the source (a cell split in two has two).", data_label)
        save(fig, stem, plotted)
    return plotted


# measure -> (label, source whose colour it takes, line style, marker)
RECONCILIATION_STYLE = {
    "unhcr_arrivals": ("UNHCR, arrivals (persons)", "unhcr_med", "-", "o"),
    "frontex_detections_central_med": ("Frontex, detections, Central Mediterranean route", "frontex_ibc", "--", "s"),
    "frontex_detections_west_med_atlantic": ("Frontex, detections, W. Mediterranean + W. African routes",
                                             "frontex_ibc", "--", "s"),
    "moi_landings_daily": ("Italian Ministry of the Interior, daily landings summed", "italy_moi_landings", "-.",
                           "^"),
    "moi_landings_ytd_dec31": ("Italian Ministry of the Interior, year to date at 31 December",
                               "italy_moi_landings", ":", "D"),
}


def reconciliation(table: pd.DataFrame, country_names: dict[str, str], first_year: int, last_year: int,
                   stem, *, data_label: str | None = None) -> pd.DataFrame:
    """Arrivals to Italy and Spain by year as each source measures them."""
    plotted = table[table["year"].between(first_year, last_year)][
        ["country", "year", "measure", "value", "reference_value", "relative_difference", "months_covered"]]
    with plt.rc_context(STYLE):
        fig, axes = new_figure(FULL, 3.2, 1, 2)
        for ax, iso in zip(axes[0], ["ITA", "ESP"], strict=True):
            d = plotted[plotted["country"] == iso]
            for measure, (_, src, ls, marker) in RECONCILIATION_STYLE.items():
                m = d[d["measure"] == measure]
                if not m.empty:
                    series(ax, m["year"], m["value"] / 1000, _complete(m["months_covered"]), SOURCE_COLOURS[src],
                           ls=ls, marker=marker)
            ax.set_title(country_names.get(iso, iso), loc="left")
            ax.set_ylabel("Thousands")
            ax.set_ylim(bottom=0)
            years_axis(ax, first_year, last_year)
        used = [m for m in RECONCILIATION_STYLE if m in set(plotted["measure"])]
        handles = [Line2D([], [], color=SOURCE_COLOURS[RECONCILIATION_STYLE[m][1]], ls=RECONCILIATION_STYLE[m][2],
                          marker=RECONCILIATION_STYLE[m][3], label=RECONCILIATION_STYLE[m][0]) for m in used]
        short = plotted[pd.to_numeric(plotted["months_covered"], errors="coerce") < 12]
        bottom_legend(fig, handles + ([partial_handle()] if len(short) else []), ncol=2)
        partial = "; ".join(sorted({f"{country_names.get(r.country, r.country)}, "
                                    f"{RECONCILIATION_STYLE[r.measure][0].split(',')[0]} {r.year} "
                                    f"({r.months_covered} of 12 months)" for r in short.itertuples()}))
        frame(fig, f"Arrivals measured three ways, {first_year}–{last_year}",
              "Sources: UNHCR Mediterranean situation (monthly totals, to November 2019); Frontex detections of "
              "illegal border crossings (detections, not persons); Italian Ministry of the Interior, cruscotto "
              "statistico (from September 2019, provisional)." + (f" Hollow: partial years, {partial}." if partial
                                                                  else ""), data_label)
        save(fig, stem, plotted)
    return plotted


def deaths_ratio(table: pd.DataFrame, route_labels: dict[str, str], stem, *, min_denominator: float = 1000,
                 data_label: str | None = None) -> pd.DataFrame:
    """Dead and missing (IOM) and dead and missing per 1,000 detections (Frontex), by route and year."""
    plotted = table[["route", "year", "dead_and_missing", "dead_and_missing_months", "detections",
                     "dead_and_missing_per_1000_detections", "ratio_detections_months", "low_base_detections",
                     "partial_year"]].copy()
    first, last = int(plotted["year"].min()), int(plotted["year"].max())
    with plt.rc_context(STYLE):
        fig, axes = new_figure(FULL, 3.3, 1, 2)
        left, right = axes[0]
        width = 0.8 / max(len(ROUTE_COLOURS), 1)
        for i, (route, colour) in enumerate(ROUTE_COLOURS.items()):
            d = plotted[plotted["route"] == route]
            full = _complete(d["dead_and_missing_months"])
            x = d["year"] + (i - 1) * width
            left.bar(x[full], d["dead_and_missing"][full], width=width, color=colour, lw=0)
            left.bar(x[~full], d["dead_and_missing"][~full], width=width, color="white", edgecolor=colour,
                     hatch="/////", lw=0.6)
            ratio = d["dead_and_missing_per_1000_detections"]
            series(right, d["year"], ratio, _complete(d["ratio_detections_months"]), colour)
            low = d["low_base_detections"].fillna(False).astype(bool)
            right.plot(d["year"][low], ratio[low], ls="none", marker="x", ms=6, mew=1.1, color=colour)
        year_panels([(left, "Dead and missing (IOM)", "Persons"),
                     (right, "Dead and missing per 1,000 detections", "Per 1,000 detections")], first, last)
        handles = [Patch(color=c, label=route_labels.get(r, r)) for r, c in ROUTE_COLOURS.items()]
        if (~_complete(plotted["dead_and_missing_months"])).any():
            handles.append(partial_handle("bar"))
        if (~_complete(plotted["ratio_detections_months"])).any():
            handles.append(partial_handle())
        if plotted["low_base_detections"].fillna(False).astype(bool).any():
            handles.append(Line2D([], [], color="#555555", marker="x", ls="none", ms=6,
                                  label=f"Ratio on fewer than {min_denominator:,.0f} detections"))
        bottom_legend(fig, handles, ncol=3)
        partial = _partial_text(plotted.rename(columns={"ratio_detections_months": "ratio_months"}),
                                {"dead_and_missing": "IOM"})
        frame(fig, f"Dead and missing, and deaths per crossing, by route, {first}–{last}",
              "Sources: IOM Missing Migrants Project (dead and missing, minimum estimates); Frontex detections of "
              "illegal border crossings (detections, not persons). A partial year's ratio is taken over the months "
              f"both sources cover.{partial}", data_label)
        save(fig, stem, plotted)
    return plotted


def nationality_colours(codes: list[str]) -> dict[str, str]:
    """Study countries keep their fixed colour; other nationalities take OTHER_COLOURS in the order given."""
    others = iter(OTHER_COLOURS * 4)
    return {c: COUNTRY_COLOURS[c] if c in COUNTRY_COLOURS else next(others) for c in codes}


def nationality_composition(table: pd.DataFrame, route_labels: dict[str, str], stem, *, first_year: int,
                            last_year: int, names: dict[str, str], months: pd.DataFrame | None = None,
                            top: int = 5, data_label: str | None = None) -> pd.DataFrame:
    """Share of detections by nationality (the route's top nationalities over the period, others grouped).
    ``months``: route, year, detections_months (from compare/route_year), to hatch partial years."""
    t = table[table["year"].between(first_year, last_year)]
    rows, leaders_all = [], []
    for route in ROUTE_COLOURS:
        d = t[t["route"] == route]
        leaders = (d[~d["nationality"].isin(["_U", "_O"])].groupby("nationality")["detections"].sum()
                   .sort_values(ascending=False, kind="mergesort").head(top).index.tolist())
        leaders_all += [n for n in leaders if n not in leaders_all]
        grouped = d.assign(group=d["nationality"].where(d["nationality"].isin(leaders), "other"))
        g = grouped.groupby(["year", "group"])["share"].sum().reset_index().assign(route=route)
        g["order"] = g["group"].map({n: i for i, n in enumerate(leaders)}).fillna(len(leaders))
        rows.append(g)
    plotted = pd.concat(rows, ignore_index=True)[["route", "year", "group", "share", "order"]]
    if months is not None:
        plotted = plotted.merge(months[["route", "year", "detections_months"]], on=["route", "year"], how="left")
    else:
        plotted["detections_months"] = 12
    colours = {**nationality_colours(leaders_all), "other": NEUTRAL}
    with plt.rc_context(STYLE):
        fig, axes = new_figure(FULL, 3.4, 1, len(ROUTE_COLOURS), sharey=True)
        for ax, route in zip(axes[0], ROUTE_COLOURS, strict=True):
            d = plotted[plotted["route"] == route]
            pivot = d.pivot_table(index="year", columns="group", values="share", aggfunc="sum").fillna(0)
            partial = ~_complete(d.drop_duplicates("year").set_index("year")["detections_months"]).reindex(
                pivot.index).fillna(False)
            order = d.drop_duplicates("group").sort_values(["order", "group"])["group"].tolist()
            bottom = pd.Series(0.0, index=pivot.index)
            for group in order:
                ax.bar(pivot.index, pivot[group], bottom=bottom, color=colours[group], width=0.85, lw=0,
                       hatch=["/////" if p else None for p in partial], edgecolor="white")
                bottom += pivot[group]
            ax.set_title(route_labels.get(route, route), loc="left")
            ax.set_ylim(0, 1)
            years_axis(ax, first_year, last_year)
        axes[0][0].set_ylabel("Share of detections")
        handles = [Patch(color=colours[n], label=names.get(n, n)) for n in leaders_all]
        handles.append(Patch(color=NEUTRAL, label="All other and unknown"))
        if (~_complete(plotted["detections_months"])).any():
            handles.append(Patch(facecolor="#555555", edgecolor="white", hatch="/////", label=PARTIAL))
        bottom_legend(fig, handles, ncol=5)
        frame(fig, f"Nationalities detected by route, {first_year}–{last_year}",
              f"Source: Frontex, detections of illegal border crossings by nationality. Each route's {top} most "
              "detected nationalities over the period; a nationality has the same colour in every panel.",
              data_label)
        save(fig, stem, plotted.drop(columns="order"))
    return plotted


def seasonality(table: pd.DataFrame, route_labels: dict[str, str], stem, *,
                data_label: str | None = None) -> pd.DataFrame:
    """Average share of the year's detections and dead and missing falling in each month (complete years)."""
    t = table[table["complete_year"]]
    plotted = (t.groupby(["route", "month"])[["detections_share_of_year", "dead_and_missing_share_of_year"]]
               .mean().reset_index())
    years = f"{t['year'].min()}–{t['year'].max()}" if len(t) else "no complete year"
    months = ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"]
    with plt.rc_context(STYLE):
        fig, axes = new_figure(FULL, 3.0, 1, 2, sharey=True)
        left, right = axes[0]
        for route, colour in ROUTE_COLOURS.items():
            d = plotted[plotted["route"] == route]
            left.plot(d["month"], d["detections_share_of_year"], marker="o", color=colour)
            right.plot(d["month"], d["dead_and_missing_share_of_year"], marker="o", color=colour)
        for ax, title in ((left, "Detections (Frontex)"), (right, "Dead and missing (IOM)")):
            ax.set_xticks(range(1, 13), months)
            ax.set_title(title, loc="left")
            ax.axhline(1 / 12, color="#999999", lw=0.8, ls=":")
        left.set_ylabel("Mean share of the year")
        handles = [Line2D([], [], color=c, marker="o", label=route_labels.get(r, r)) for r, c in ROUTE_COLOURS.items()]
        handles.append(Line2D([], [], color="#999999", ls=":", lw=0.8, label="An even spread (1/12)"))
        bottom_legend(fig, handles)
        frame(fig, f"Seasonality by route, mean over complete years {years}",
              "Sources: Frontex detections of illegal border crossings; IOM Missing Migrants Project. Only years "
              "both sources cover for all 12 months.", data_label)
        save(fig, stem, plotted)
    return plotted


def _by_year(d: pd.DataFrame, value: str, first: int, last: int) -> pd.Series:
    """A series on every year of the range, so that a missing year breaks the line instead of bridging it."""
    return d.groupby("year")[value].sum(min_count=1).reindex(range(first, last + 1))


def nexus(nexus_table: pd.DataFrame, per_capita_table: pd.DataFrame, country_names: dict[str, str], stem, *,
          origins: list[str], names: dict[str, str] | None = None, data_label: str | None = None) -> pd.DataFrame:
    """Trafficking victims from the study's origin countries detected in Italy and Spain; forms of
    exploitation there; and smuggling offences per 100,000 population where reported."""
    names = {**(names or {}), **country_names}
    cit = nexus_table[(nexus_table["breakdown"] == "citizenship") & nexus_table["country"].isin(["ITA", "ESP"])]
    form = nexus_table[(nexus_table["breakdown"] == "form_of_exploitation")
                       & nexus_table["country"].isin(["ITA", "ESP"])].copy()
    # shares of the victims whose form is reported: GLOTIP's totals and breakdowns do not always agree
    form["share"] = form["victims"] / form.groupby(["country", "year"])["victims"].transform("sum")
    rate = per_capita_table[(per_capita_table["indicator"] == "smuggling_offences")
                            & per_capita_table["country"].isin(list(country_names))]
    plotted = pd.concat([
        cit.assign(panel="victims_by_citizenship", series=cit["country"] + ":" + cit["category"], value=cit["victims"]),
        form.assign(panel="victims_by_form", series=form["country"] + ":" + form["category"], value=form["share"]),
        rate.assign(panel="smuggling_offences_per_100k", series=rate["country"], value=rate["per_100k"]),
    ], ignore_index=True)[["panel", "series", "year", "value"]]
    if plotted.empty:
        first = last = 0
    else:
        first, last = int(plotted["year"].min()), int(plotted["year"].max())
    forms = sorted(form["category"].unique())
    form_colour = {f: FORM_COLOURS.get(f, NEUTRAL) for f in forms}
    with plt.rc_context(STYLE):
        fig, axes = new_figure(FULL, 5.4, 2, 2)
        (vi, ve), (vf, vr) = axes
        for ax, country in ((vi, "ITA"), (ve, "ESP")):
            for origin in origins:
                d = cit[(cit["country"] == country) & (cit["category"] == origin)]
                if d["victims"].notna().any():
                    y = _by_year(d, "victims", first, last)
                    ax.plot(y.index, y.to_numpy(), marker="o", color=COUNTRY_COLOURS.get(origin, NEUTRAL))
            ax.set_title(f"Detected victims in {names.get(country, country)}, by citizenship", loc="left")
            ax.set_ylabel("Persons")
        for country, ls, marker in (("ITA", "-", "o"), ("ESP", "--", "s")):
            for f in forms:
                d = form[(form["country"] == country) & (form["category"] == f)]
                y = _by_year(d, "share", first, last)
                vf.plot(y.index, y.to_numpy(), ls=ls, marker=marker, color=form_colour[f])
        vf.set_title("Detected victims by form of exploitation", loc="left")
        vf.set_ylabel("Share of victims whose form is reported")
        vf.set_ylim(0, 1)
        for iso, d in rate.groupby("country"):
            y = _by_year(d, "per_100k", first, last)
            vr.plot(y.index, y.to_numpy(), marker="o", color=COUNTRY_COLOURS.get(iso, NEUTRAL))
        vr.set_title("Smuggling of migrants offences, police-recorded", loc="left")
        vr.set_ylabel("Offences per 100,000 population")
        for ax in axes.flat:
            if first:
                years_axis(ax, first, last)
            ax.set_ylim(bottom=0)
        shown = [o for o in origins if cit[cit["category"] == o]["victims"].notna().any()]
        shown += [c for c in sorted(set(rate["country"])) if c not in shown]
        handles = [Line2D([], [], color=COUNTRY_COLOURS.get(c, NEUTRAL), marker="o", label=names.get(c, c))
                   for c in shown]
        handles += [Line2D([], [], color=form_colour[f], lw=2, label=f.replace("_", " ").capitalize()) for f in forms]
        if forms:
            handles += [Line2D([], [], color="#555555", ls="-", marker="o", label=f"Forms: {names.get('ITA', 'ITA')}"),
                        Line2D([], [], color="#555555", ls="--", marker="s",
                               label=f"Forms: {names.get('ESP', 'ESP')}")]
        bottom_legend(fig, handles, ncol=5)
        frame(fig, f"The smuggling-trafficking nexus, {first}–{last}",
              "Sources: UNODC Global Report on Trafficking in Persons (detected victims; counts below 5 are "
              "suppressed by UNODC and not drawn); UNODC Crime Trends Survey (offences); World Bank population. "
              "GLOTIP gives citizenship and form of exploitation separately, never crossed. A gap in a line is a "
              "year without data.", data_label)
        save(fig, stem, plotted)
    return plotted


def cell_grid(ax, row_labels: list[str], col_labels: list[str], *, fontsize: float) -> None:
    """A table-like heatmap's frame: column labels on top, row labels left, white lines between cells."""
    import numpy as np

    ax.set_xticks(range(len(col_labels)), col_labels, fontsize=fontsize)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(row_labels)), row_labels, fontsize=fontsize)
    ax.tick_params(length=0)
    ax.set_xticks(np.arange(len(col_labels) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(row_labels) + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", lw=1.5)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)


def protected_heatmap(shares: pd.DataFrame, counts: pd.DataFrame, row_labels: dict[str, str],
                      col_labels: dict[str, str], stem, *, title: str, footer: str, data: pd.DataFrame,
                      data_label: str | None = None) -> None:
    """Rows x columns of shares (0-1), each cell labelled 'share% (n)'; a null share (a suppressed count)
    is drawn hatched and labelled 'suppressed', never as a zero. ``shares`` and ``counts`` are indexed
    by the row codes with one column per column code."""
    import textwrap

    import numpy as np

    rows, cols = list(shares.index), list(shares.columns)
    values = shares.to_numpy(dtype=float)
    with plt.rc_context(STYLE):
        fig, axes = new_figure(FULL, 0.2 * len(rows) + 1.6)
        ax = axes[0][0]
        masked = np.ma.masked_invalid(values)
        ax.imshow(masked, cmap="Blues", vmin=0, vmax=1.15, aspect="auto")
        for (r, c), v in np.ndenumerate(values):
            if np.isnan(v):
                ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor="white", edgecolor="#999999",
                                           hatch="///", lw=0))
                ax.text(c, r, "suppressed", ha="center", va="center", fontsize=6.5, color="#555555")
            else:
                n = counts.iat[r, c]
                label = f"{100 * v:.0f}%" + ("" if pd.isna(n) else f" (n={int(n)})")
                ax.text(c, r, label, ha="center", va="center", fontsize=7,
                        color="white" if v > 0.6 else "#222222")
        cell_grid(ax, [textwrap.fill(row_labels.get(r, r), 60) for r in rows],
                  [textwrap.fill(col_labels.get(c, c), 16) for c in cols], fontsize=7)
        frame(fig, title, footer, data_label)
        save(fig, stem, data)


PUBLISHER_SOURCE = {"Frontex": "frontex_ibc", "UNHCR": "unhcr_med", "IOM": "iom_mmp",
                    "Ministero dell'Interno": "italy_moi_landings"}


def published_check(table: pd.DataFrame, stem, *, country_names: dict[str, str] | None = None,
                    route_names: dict[str, str] | None = None, data_label: str | None = None) -> pd.DataFrame:
    """Each published figure's difference from the pipeline's number, in per cent, with the tolerance."""
    t = table[table["relative_difference"].notna()].copy()
    t["source"] = [next((s for p, s in PUBLISHER_SOURCE.items() if pub.startswith(p)), "") for pub in t["publisher"]]
    t = t.sort_values(["source", "area", "period", "id"], kind="mergesort").reset_index(drop=True)
    short = {"frontex_ibc": "Frontex", "unhcr_med": "UNHCR", "iom_mmp": "IOM", "italy_moi_landings": "Italian MoI"}
    area = {**{iso: name for iso, name in (country_names or {}).items()}, **(route_names or {})}
    t["label"] = [f"{short.get(r.source, r.publisher)}: {area.get(r.area, r.area)}, {r.period.replace('/', ' to ')}"
                  for r in t.itertuples()]
    t["label"] = [lab + (", rounded" if a else "") for lab, a in zip(t["label"], t["approx"], strict=True)]
    twice = t["label"].duplicated(keep=False)  # the same place and period published twice: say which is which
    t["label"] = [f"{lab} ({r.measure.split(' (')[0]}"
                  + ("" if r.published == "unknown" else f", published {r.published}") + ")" if tw else lab
                  for lab, r, tw in zip(t["label"], t.itertuples(), twice, strict=True)]
    plotted = t[["id", "label", "source", "published_value", "pipeline_value", "relative_difference", "tolerance",
                 "status"]]
    with plt.rc_context(STYLE):
        fig, axes = new_figure(FULL, 0.115 * len(t) + 1.5)
        ax = axes[0][0]
        y = np.arange(len(t))
        ax.barh(y, 2 * 100 * t["tolerance"], left=-100 * t["tolerance"], height=0.8, color="#EEEEEE", lw=0)
        ax.axvline(0, color="#999999", lw=0.6)
        limit = 12.0  # per cent: a difference beyond it is drawn at the edge, with its value
        pct = 100 * t["relative_difference"]
        for status, face, marker in (("matched", None, "o"), ("explained", "white", "o"), ("unexplained", None, "X")):
            d = t[t["status"] == status]
            colours = [SOURCE_COLOURS.get(s, "#555555") for s in d["source"]]
            ax.scatter(pct[d.index].clip(-limit, limit), d.index, s=14, marker=marker, zorder=3,
                       facecolors=colours if face is None else face, edgecolors=colours, linewidths=0.9)
        for i in t.index[pct.abs() > limit]:
            ax.annotate(f"{pct[i]:+.0f}% \u2192" if pct[i] > 0 else f"\u2190 {pct[i]:+.0f}%",
                        (float(np.sign(pct[i]) * limit), i), xytext=(-6 if pct[i] > 0 else 6, 0),
                        textcoords="offset points", ha="right" if pct[i] > 0 else "left", va="center",
                        fontsize=MIN_PT, color="#444444")
        ax.set_xlim(-limit - 0.5, limit + 0.5)
        ax.set_yticks(y, t["label"], fontsize=MIN_PT)
        ax.set_ylim(len(t) - 0.5, -0.5)
        ax.set_xlabel("Published figure minus the pipeline's, % of the pipeline's")
        ax.tick_params(axis="y", length=0)
        used = [s for s in SOURCE_COLOURS if s in set(t["source"])]
        names = {**{v: k for k, v in PUBLISHER_SOURCE.items()},
                 "italy_moi_landings": "Italian Ministry of the Interior"}
        handles = [Line2D([], [], color=SOURCE_COLOURS[s], marker="o", ls="none", label=names[s]) for s in used]
        handles += [Line2D([], [], color="#555555", marker="o", ls="none", label="Matched, within the tolerance"),
                    Line2D([], [], color="#555555", marker="o", mfc="white", ls="none",
                           label="Beyond it, difference explained"),
                    Patch(color="#EEEEEE", label="Tolerance (0.5% exact, 2.5% rounded)")]
        if (t["status"] == "unexplained").any():
            handles.append(Line2D([], [], color="#555555", marker="X", ls="none", label="Unexplained"))
        bottom_legend(fig, handles, ncol=4)
        counts = t["status"].value_counts()
        frame(fig, "Publishers' own headline figures against the pipeline's",
              f"{len(t)} published figures: {counts.get('matched', 0)} matched, {counts.get('explained', 0)} "
              f"explained, {counts.get('unexplained', 0)} unexplained. Each figure's document, date, quote and "
              "explanation are in compare/published_check; most are quoted from reposts or news reports citing "
              "the publisher.", data_label)
        save(fig, stem, plotted)
    return plotted
