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


def route_labels(routes: dict) -> dict[str, str]:
    """Route code -> label, from config ``routes``."""
    return {code: r["label"] for code, r in routes.items()}


def country_names(countries: dict) -> dict[str, str]:
    """ISO3 -> name, from config ``countries``, in config order (the panel order)."""
    return {iso: c["name"] for iso, c in countries.items()}


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


def _route_panels(n: int, height: float = 3.2):
    return plt.subplots(1, n, figsize=(3.6 * n, height), sharey=True, squeeze=False)


def _title(fig, text: str, data_label: str | None) -> None:
    fig.suptitle(("[FIXTURE DATA] " if data_label else "") + text, x=0.01, ha="left", fontsize=10)


def deaths_ratio(table: pd.DataFrame, route_labels: dict[str, str], stem, *,
                 data_label: str | None = None) -> pd.DataFrame:
    """Dead and missing (IOM) and dead and missing per 1,000 detections (Frontex), by route and year."""
    plotted = table[["route", "year", "dead_and_missing", "detections", "dead_and_missing_per_1000_detections",
                     "partial_year"]].copy()
    years = f"{plotted['year'].min()}–{plotted['year'].max()}"
    with plt.rc_context(STYLE):
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
        width = 0.8 / max(len(ROUTE_COLOURS), 1)
        for i, (route, colour) in enumerate(ROUTE_COLOURS.items()):
            d = plotted[plotted["route"] == route]
            label = route_labels.get(route, route)
            left.bar(d["year"] + (i - 1) * width, d["dead_and_missing"], width=width, color=colour, label=label)
            right.plot(d["year"], d["dead_and_missing_per_1000_detections"], marker="o", ms=3, color=colour,
                       label=label)
        left.set_ylabel("Dead and missing (persons)")
        right.set_ylabel("Dead and missing per 1,000 detections")
        for ax in (left, right):
            ax.xaxis.get_major_locator().set_params(integer=True)
        left.legend(loc="upper right")
        _title(fig, f"Dead and missing, and deaths per crossing, by route, {years}", data_label)
        partial = sorted(plotted.loc[plotted["partial_year"], "year"].unique())
        note = f" Partial years: {', '.join(map(str, partial))}." if partial else ""
        fig.tight_layout(rect=(0, 0, 1, 0.94))
        _footer(fig, "Sources: IOM Missing Migrants Project (dead and missing, minimum estimates); Frontex "
                f"detections of illegal border crossings (detections, not persons). {years}.{note}", data_label)
        save(fig, stem, plotted)
    return plotted


def nationality_composition(table: pd.DataFrame, route_labels: dict[str, str], stem, *, first_year: int,
                            last_year: int, top: int = 6, data_label: str | None = None) -> pd.DataFrame:
    """Share of detections by nationality (the route's top nationalities over the period, others grouped)."""
    t = table[table["year"].between(first_year, last_year)]
    rows = []
    for route in ROUTE_COLOURS:
        d = t[t["route"] == route]
        leaders = (d[~d["nationality"].isin(["_U", "_O"])].groupby("nationality")["detections"].sum()
                   .sort_values(ascending=False, kind="mergesort").head(top).index.tolist())
        grouped = d.assign(group=d["nationality"].where(d["nationality"].isin(leaders), "other"))
        g = grouped.groupby(["year", "group"])["share"].sum().reset_index().assign(route=route)
        g["order"] = g["group"].map({n: i for i, n in enumerate(leaders)}).fillna(len(leaders))
        rows.append(g)
    plotted = pd.concat(rows, ignore_index=True)[["route", "year", "group", "share", "order"]]
    palette = SOURCE_COLOURS[:top] + ["#DDDDDD"]
    with plt.rc_context(STYLE):
        fig, axes = _route_panels(len(ROUTE_COLOURS), 3.6)
        for ax, route in zip(axes[0], ROUTE_COLOURS, strict=True):
            d = plotted[plotted["route"] == route]
            pivot = d.pivot_table(index="year", columns="group", values="share", aggfunc="sum").fillna(0)
            order = d.drop_duplicates("group").sort_values(["order", "group"])["group"].tolist()
            bottom = pd.Series(0.0, index=pivot.index)
            for k, group in enumerate(order):
                colour = palette[min(k, top)] if group != "other" else "#DDDDDD"
                ax.bar(pivot.index, pivot[group], bottom=bottom, color=colour, label=group, width=0.85)
                bottom += pivot[group]
            ax.set_title(route_labels.get(route, route), loc="left")
            ax.set_ylim(0, 1)
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(0, -0.12), ncol=4)
        axes[0][0].set_ylabel("Share of detections")
        _title(fig, f"Nationalities detected by route, {first_year}–{last_year}", data_label)
        fig.tight_layout(rect=(0, 0.02, 1, 0.94))
        _footer(fig, "Source: Frontex, detections of illegal border crossings by nationality (ISO3). The route's "
                f"{top} most detected nationalities over the period; 'other' includes unknown.", data_label)
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
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
        for route, colour in ROUTE_COLOURS.items():
            d = plotted[plotted["route"] == route]
            label = route_labels.get(route, route)
            left.plot(d["month"], d["detections_share_of_year"], marker="o", ms=3, color=colour, label=label)
            right.plot(d["month"], d["dead_and_missing_share_of_year"], marker="o", ms=3, color=colour, label=label)
        for ax, title in ((left, "Detections (Frontex)"), (right, "Dead and missing (IOM)")):
            ax.set_xticks(range(1, 13), months)
            ax.set_title(title, loc="left")
            ax.axhline(1 / 12, color="#999999", lw=0.8, ls=":")
        left.set_ylabel("Mean share of the year")
        left.legend(loc="upper left")
        _title(fig, f"Seasonality by route, mean over complete years {years}", data_label)
        fig.tight_layout(rect=(0, 0, 1, 0.93))
        _footer(fig, "Sources: Frontex detections of illegal border crossings; IOM Missing Migrants Project. "
                "Dotted line: an even spread (1/12). Only years both sources cover to December.", data_label)
        save(fig, stem, plotted)
    return plotted


def nexus(nexus_table: pd.DataFrame, per_capita_table: pd.DataFrame, country_names: dict[str, str], stem, *,
          origins: list[str], data_label: str | None = None) -> pd.DataFrame:
    """Trafficking victims from the study's origin countries detected in Italy and Spain; forms of
    exploitation there; and smuggling offences per 100,000 population where reported."""
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
    years = f"{int(plotted['year'].min())}–{int(plotted['year'].max())}" if len(plotted) else ""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
        colours = {o: SOURCE_COLOURS[i % len(SOURCE_COLOURS)] for i, o in enumerate(origins)}
        for country, ls in (("ITA", "-"), ("ESP", "--")):
            for origin in origins:
                d = cit[(cit["country"] == country) & (cit["category"] == origin)].sort_values("year")
                if d["victims"].notna().any():
                    axes[0].plot(d["year"], d["victims"], ls=ls, marker="o", ms=2.5, color=colours[origin],
                                 label=f"{country_names.get(origin, origin)} in {country_names.get(country, country)}")
        axes[0].set_title("Detected victims by citizenship", loc="left")
        axes[0].set_ylabel("Persons (suppressed counts <5 not drawn)")
        forms = sorted(form["category"].unique())
        for country, ls in (("ITA", "-"), ("ESP", "--")):
            for k, f in enumerate(forms):
                d = form[(form["country"] == country) & (form["category"] == f)].sort_values("year")
                axes[1].plot(d["year"], d["share"], ls=ls, marker="o", ms=2.5, color=SOURCE_COLOURS[k],
                             label=f"{f.replace('_', ' ')}, {country_names.get(country, country)}")
        axes[1].set_title("Detected victims by form of exploitation", loc="left")
        axes[1].set_ylabel("Share of victims whose form is reported")
        for k, (iso, d) in enumerate(rate.sort_values("year").groupby("country")):
            axes[2].plot(d["year"], d["per_100k"], marker="o", ms=2.5, color=SOURCE_COLOURS[k],
                         label=country_names.get(iso, iso))
        axes[2].set_title("Smuggling of migrants offences", loc="left")
        axes[2].set_ylabel("Offences per 100,000 population")
        for ax in axes:
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.legend(fontsize=6, loc="upper left")
        _title(fig, f"The smuggling-trafficking nexus, {years}", data_label)
        fig.tight_layout(rect=(0, 0, 1, 0.93))
        _footer(fig, "Sources: UNODC GLOTIP (detected victims; Italy solid, Spain dashed); UNODC Crime Trends "
                "Survey (police-recorded offences); World Bank population. GLOTIP gives citizenship and form of "
                "exploitation separately, never crossed.", data_label)
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
        fig, ax = plt.subplots(figsize=(7.2, 0.28 * len(rows) + 1.3))
        fig.subplots_adjust(left=0.42, right=0.99, top=0.86, bottom=0.04)
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
        cell_grid(ax, [row_labels.get(r, r) for r in rows], [textwrap.fill(col_labels.get(c, c), 16) for c in cols],
                  fontsize=7.5)
        _title(fig, title, data_label)
        _footer(fig, footer, data_label)
        save(fig, stem, data)
