import numpy as np
import pandas as pd
from medroutes.compare import route_year

ROUTES = ["central_mediterranean", "western_african"]


def obs(rows):
    cols = ["source_id", "indicator", "route", "category", "period", "value"]
    df = pd.DataFrame(rows, columns=cols)
    for col in ("ref_area", "counterpart_area", "sex", "age", "dimension"):
        df[col] = "_T"
    return df


def test_route_year_sums_ratio_and_nulls():
    table = route_year(obs([
        ("frontex_ibc", "irregular_border_crossings", "central_mediterranean", "sea", "2016-01", 1000.0),
        ("frontex_ibc", "irregular_border_crossings", "central_mediterranean", "sea", "2016-02", 1000.0),
        ("frontex_ibc", "irregular_border_crossings", "central_mediterranean", "land", "2016-02", 0.0),
        ("iom_mmp", "dead_and_missing", "central_mediterranean", "_T", "2016-03-01", 30.0),
        ("iom_mmp", "dead_and_missing", "central_mediterranean", "_T", "2016-07", 10.0),
        ("iom_mmp", "dead_and_missing", None, "_T", "2016-07", 99.0),           # not a study route
        ("frontex_ibc", "irregular_border_crossings", "western_african", "sea", "2017-12", 50.0),
        ("iom_mmp", "dead_and_missing", "western_african", "_T", "2017-11-15", 5.0),
    ]), ROUTES, 2016, 2017)
    assert len(table) == 4
    cm16 = table[(table["route"] == "central_mediterranean") & (table["year"] == 2016)].iloc[0]
    assert (cm16["detections_sea"], cm16["detections_land"], cm16["detections"]) == (2000, 0, 2000)
    assert cm16["dead_and_missing"] == 40 and cm16["dead_and_missing_per_1000_detections"] == 20
    cm17 = table[(table["route"] == "central_mediterranean") & (table["year"] == 2017)].iloc[0]
    assert np.isnan(cm17["detections"]) and np.isnan(cm17["dead_and_missing_per_1000_detections"])
    # coverage: IOM ends 2017-11-15, so 2017 is partial; Frontex ends 2017-12, complete
    wa17 = table[(table["route"] == "western_african") & (table["year"] == 2017)].iloc[0]
    assert bool(wa17["partial_year"]) and "IOM MMP data end 2017-11-15" in wa17["coverage_note"]
    assert not cm16["partial_year"]


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
