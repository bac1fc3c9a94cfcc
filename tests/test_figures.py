"""The print check every figure passes before it is written, and how partial years are drawn."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from medroutes import figures  # noqa: E402
from medroutes.figures import FigureError  # noqa: E402

ROUTES = {"central_mediterranean": "Central Mediterranean", "western_mediterranean": "Western Mediterranean",
          "western_african": "Western African (Atlantic)"}


def route_year(partial_2024=True):
    rows = []
    for route in ROUTES:
        for year in range(2019, 2025):
            months = 10 if (partial_2024 and year == 2024) else 12
            rows.append({"route": route, "year": year, "detections": 10_000.0 + year, "detections_months": 12,
                         "dead_and_missing": 300.0, "dead_and_missing_months": months, "partial_year": months < 12,
                         "dead_and_missing_per_1000_detections": 30.0, "ratio_detections_months": months,
                         "low_base_detections": route == "western_african" and year == 2019})
    return pd.DataFrame(rows)


def test_route_figures_pass_the_print_check_and_draw_partial_years_hollow(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(figures.plt, "close", lambda fig: drawn.append(fig))
    figures.route_flows_deaths(route_year(), ROUTES, tmp_path / "flows")
    figures.deaths_ratio(route_year(), ROUTES, tmp_path / "ratio")
    flows, ratio = drawn
    assert tuple(flows.get_size_inches()) == (figures.FULL, 3.3)
    right = flows.axes[1]
    hollow = [ln for ln in right.lines if ln.get_markerfacecolor() == "white"]
    assert sorted({float(x) for ln in hollow for x in ln.get_xdata()}) == [2024.0]
    solid = [ln for ln in right.lines if ln.get_linestyle() == "-"]
    assert all(np.isnan(ln.get_ydata()[-1]) for ln in solid)  # the solid line stops before the partial year
    assert figures.PARTIAL in [t.get_text() for t in flows.legends[0].get_texts()]
    # a partial year's bar is hatched, a full year's is not
    bars = [p for p in ratio.axes[0].patches if abs(p.get_x() + p.get_width() / 2 - 2024) < 0.5]
    assert bars and all(p.get_hatch() for p in bars)
    assert "Ratio on fewer than 1,000 detections" in [t.get_text() for t in ratio.legends[0].get_texts()]
    for stem in ("flows", "ratio"):
        assert (tmp_path / f"{stem}.png").stat().st_size > 0


def test_the_print_check_refuses_what_a_journal_would(tmp_path):
    with plt.rc_context(figures.STYLE):
        fig, axes = plt.subplots(figsize=(11.9, 3.8))
        with pytest.raises(FigureError, match="11.9 in wide"):
            figures.check_print(fig, "wide")
        fig, axes = figures.new_figure(figures.FULL, 3, 1, 1)
        ax = axes[0][0]
        ax.plot(range(10), range(10), label="data")
        ax.legend(loc="center")
        with pytest.raises(FigureError, match="a legend covers the panel"):
            figures.check_print(fig, "legend")
        ax.get_legend().remove()
        ax.set_title("tiny", fontsize=5)
        with pytest.raises(FigureError, match="'tiny' is 5 pt"):
            figures.check_print(fig, "small")
        ax.set_title("")
        figures.frame(fig, "A title", "A note", None)
        figures.check_print(fig, "ok")  # the same figure, fixed, passes
        fig.text(0.9, 0.5, "a note that runs far past the right edge of the page", fontsize=7)
        with pytest.raises(FigureError, match="runs off the page"):
            figures.check_print(fig, "off")
        plt.close("all")
    with pytest.raises(ValueError, match="use figures.SINGLE"):
        figures.new_figure(12, 3)


def test_fixed_colours_are_distinct_and_have_contrast_on_white():
    for palette in (figures.ROUTE_COLOURS, figures.COUNTRY_COLOURS, figures.SOURCE_COLOURS, figures.FORM_COLOURS):
        colours = [c.upper() for c in palette.values()]
        assert len(set(colours)) == len(colours)
        assert "#F0E442" not in colours
        low = {k: round(figures.contrast(c), 2) for k, c in palette.items()
               if figures.contrast(c) < figures.MIN_CONTRAST}
        assert not low, f"below {figures.MIN_CONTRAST}:1 on white: {low}"
    assert all(figures.contrast(c) >= figures.MIN_CONTRAST for c in figures.OTHER_COLOURS)
    # a study country keeps its colour whatever else a figure shows
    assert figures.nationality_colours(["ERI", "NGA"])["NGA"] == figures.COUNTRY_COLOURS["NGA"]
    assert figures.nationality_colours(["NGA", "ERI"])["ERI"] == figures.nationality_colours(["ERI"])["ERI"]
