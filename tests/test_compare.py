import numpy as np
import pandas as pd
from medroutes.compare import route_year

ROUTES = ["central_mediterranean", "western_african"]


def obs(rows):
    cols = ["source_id", "indicator", "route", "category", "period", "value"]
    df = pd.DataFrame(rows, columns=cols)
    for col in ("ref_area", "counterpart_area", "sex", "age", "dimension"):
        df[col] = "_T"
    # IOM rows are incidents (one event each); the others are counts
    df["event_id"] = np.where(df["source_id"] == "iom_mmp", "MMP" + df.index.astype(str), "_T")
    return df


def months(source, indicator, route, category, year, values, first=1):
    """One monthly row per value, from month ``first`` of ``year``."""
    return [(source, indicator, route, category, f"{year}-{first + i:02d}", float(v)) for i, v in enumerate(values)]


FX = ("frontex_ibc", "irregular_border_crossings")
DM = ("iom_mmp", "dead_and_missing")


def row(table, route, year):
    return table[(table["route"] == route) & (table["year"] == year)].iloc[0]


def test_route_year_sums_ratio_and_nulls():
    table = route_year(obs([
        *months(*FX, "central_mediterranean", "sea", 2016, [1000, 1000] + [0] * 10),
        ("frontex_ibc", "irregular_border_crossings", "central_mediterranean", "land", "2016-02", 0.0),
        *months(*DM, "central_mediterranean", "_T", 2016, [0, 0, 30, 0, 0, 0, 10, 0, 0, 0, 0, 0]),
        ("iom_mmp", "dead_and_missing", None, "_T", "2016-07", 99.0),           # not a study route
    ]), ROUTES, 2016, 2017)
    assert len(table) == 4
    cm16 = row(table, "central_mediterranean", 2016)
    assert (cm16["detections_sea"], cm16["detections_land"], cm16["detections"]) == (2000, 0, 2000)
    assert cm16["dead_and_missing"] == 40 and cm16["dead_and_missing_per_1000_detections"] == 20
    assert cm16["detections_months"] == cm16["ratio_detections_months"] == 12 and not cm16["partial_year"]
    cm17 = row(table, "central_mediterranean", 2017)
    assert np.isnan(cm17["detections"]) and np.isnan(cm17["dead_and_missing_per_1000_detections"])
    assert pd.isna(cm17["detections_months"]) and not cm17["partial_year"]


def test_partial_year_is_read_from_the_observations_and_ratios_match_months():
    # IOM's daily records end on 15 November 2017: 2017 covers Jan-Oct; Frontex covers the whole year
    daily = [("iom_mmp", "dead_and_missing", "western_african", "_T", f"2017-{m:02d}-10", 10.0) for m in range(1, 12)]
    daily += [("iom_mmp", "dead_and_missing", "central_mediterranean", "_T", "2017-11-15", 1.0),
              ("iom_mmp", "dead_and_missing", "central_mediterranean", "_T", "2016-01-02", 1.0)]
    table = route_year(obs([
        *months(*FX, "western_african", "sea", 2016, [100] * 12),
        *months(*FX, "western_african", "sea", 2017, [100] * 12),
        *months(*DM, "western_african", "_T", 2016, [5] * 12),
        *daily,
    ]), ROUTES, 2016, 2017)
    wa16, wa17 = row(table, "western_african", 2016), row(table, "western_african", 2017)
    assert wa17["dead_and_missing_months"] == 10 and wa17["detections_months"] == 12 and wa17["partial_year"]
    assert "dead and missing (IOM MMP) cover Jan–Oct only" in wa17["coverage_note"]
    # the ratio divides Jan-Oct deaths (100) by Jan-Oct detections (1,000), not by the year's 1,200
    assert wa17["ratio_detections_months"] == 10 and wa17["dead_and_missing_per_1000_detections"] == 100
    assert "over the 10 months both sources cover" in wa17["coverage_note"]
    assert wa17["dead_and_missing"] == 110  # the column itself keeps every death recorded
    assert np.isnan(wa17["dead_and_missing_yoy"])  # against a partial year: no plain change
    assert wa17["detections_yoy"] == 0
    # 1,200 detections is above the minimum; with a higher minimum the ratio is flagged
    assert not wa16["low_base_detections"]
    flagged = route_year(obs([*months(*FX, "western_african", "sea", 2016, [100] * 12),
                              *months(*DM, "western_african", "_T", 2016, [5] * 12)]),
                         ROUTES, 2016, 2016, min_denominator=5000)
    r = row(flagged, "western_african", 2016)
    assert r["low_base_detections"] and "on fewer than 5,000 detections" in r["coverage_note"]
    assert r["dead_and_missing_per_1000_detections"] == 50  # flagged, not hidden


def test_arrivals_change_of_source_and_partial_base_give_no_year_on_year_change():
    unhcr = [("unhcr_med", "arrivals", "central_mediterranean", "_T", f"{y}-{m:02d}", 1000.0)
             for y in (2018, 2019) for m in range(1, 13) if (y, m) != (2019, 12)]
    moi = [("italy_moi_landings", "sea_arrivals", None, "_T", f"2020-{m:02d}-{d:02d}", 10.0)
           for m in range(1, 13) for d in (1, 15, 28)]
    table = obs(unhcr + moi)
    table.loc[table["source_id"] == "italy_moi_landings", "ref_area"] = "ITA"
    t = route_year(table, ROUTES, 2018, 2020)
    cm18, cm19, cm20 = (row(t, "central_mediterranean", y) for y in (2018, 2019, 2020))
    assert cm18["arrivals_months"] == 12 and cm19["arrivals_months"] == 11 and cm19["partial_year"]
    assert "arrivals (UNHCR) cover Jan–Nov only" in cm19["coverage_note"]
    assert np.isnan(cm19["arrivals_yoy"])  # 11 months against 12
    assert cm20["arrivals_source"] == "italy_moi_landings" and cm20["arrivals_months"] == 12
    assert np.isnan(cm20["arrivals_yoy"])  # a change of source


def test_complete_months_reads_monthly_daily_and_annual_periods():
    from medroutes.coverage import complete_months, months_text

    assert complete_months(pd.Series(["2019-01", "2019-03"])) == {2019: frozenset({1, 3})}
    assert complete_months(pd.Series(["2019"])) == {2019: frozenset(range(1, 13))}
    # daily: the span 2019-09-01 .. 2020-02-14 covers Sep-Dec 2019 and Jan 2020, not February
    got = complete_months(pd.Series(["2019-09-01", "2019-10-12", "2019-11-30", "2019-12-24", "2020-01-03",
                                     "2020-02-14"]))
    assert got == {2019: frozenset({9, 10, 11, 12}), 2020: frozenset({1})}
    # within EDGE_DAYS of the edges (incident data with quiet days) still counts
    assert complete_months(pd.Series(["2014-01-02", "2014-12-29"]))[2014] == frozenset({1, 12})
    assert complete_months(pd.Series(["2014-01-05", "2014-12-31"]))[2014] == frozenset({12})
    # events (incidents): every month of the span counts, with or without an incident in it
    assert complete_months(pd.Series(["2014-01-02", "2014-06-10", "2014-12-29"]), events=True)[2014] == frozenset(
        range(1, 13))
    assert complete_months(pd.Series(["2014-01-02", "2014-06-10", "2014-12-29"]))[2014] == frozenset({1, 6, 12})
    assert complete_months(pd.Series(["2014-02", "2014-11-15"]), events=True)[2014] == frozenset(range(1, 11))
    assert months_text({1, 2, 3, 5, 9, 10}) == "Jan–Mar, May, Sep–Oct" and months_text(set()) == "none"


def test_per_capita_joins_population_and_keeps_suppressed_counts_null():
    from medroutes.compare import per_capita

    T = ("_T",) * 5
    cols = ["indicator", "source_id", "ref_area", "period", "value", "obs_status",
            "counterpart_area", "sex", "age", "dimension", "category"]
    obs = pd.DataFrame([
        ("population", "population", "ITA", "2016", 60_000_000.0, "A", *T),
        ("population", "population", "MAR", "2016", 35_000_000.0, "A", *T),
        ("smuggling_offences", "unodc_cts", "ITA", "2016", 1_500.0, "A", *T),
        ("smuggling_offences_rate", "unodc_cts", "ITA", "2016", 2.49, "A", *T),
        ("smuggling_offences", "unodc_cts", "ESP", "2016", 400.0, "A", *T),       # no population: left out
        ("trafficking_victims_detected", "unodc_glotip", "MAR", "2016", None, "C", *T),
        ("trafficking_victims_detected", "unodc_glotip", "ITA", "2016", 600.0, "A", "_T", "F", "_T", "_T", "_T"),
    ], columns=cols)
    table = per_capita(obs).set_index(["indicator", "country"])
    ita = table.loc[("smuggling_offences", "ITA")]
    assert ita["per_100k"] == 2.5 and ita["published_per_100k"] == 2.49
    assert ("smuggling_offences", "ESP") not in table.index
    mar = table.loc[("trafficking_victims_detected", "MAR")]
    assert mar["obs_status"] == "C" and np.isnan(mar["per_100k"])
    assert ("trafficking_victims_detected", "ITA") not in table.index  # only the female breakdown exists
