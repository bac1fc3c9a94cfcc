import pandas as pd
from medroutes.arrivals import reconciliation
from medroutes.availability import availability
from medroutes.profiles import country_profile, reporting_role

COLS = ["source_id", "indicator", "route", "ref_area", "counterpart_area", "category", "period", "value"]


def obs(rows):
    return pd.DataFrame(rows, columns=COLS)


OBS = obs([
    ("frontex_ibc", "irregular_border_crossings", "central_mediterranean", "EU_EXT", "NGA", "sea", "2016-01", 100.0),
    ("frontex_ibc", "irregular_border_crossings", "central_mediterranean", "EU_EXT", "SEN", "sea", "2016-02", 50.0),
    ("frontex_ibc", "irregular_border_crossings", "western_mediterranean", "EU_EXT", "MAR", "sea", "2016-02", 30.0),
    ("frontex_ibc", "irregular_border_crossings", "western_african", "EU_EXT", "SEN", "sea", "2016-03", 5.0),
    ("unhcr_med", "arrivals", "central_mediterranean", "ITA", "_T", "_T", "2016-01", 120.0),
    ("unhcr_med", "arrivals", "central_mediterranean", "ITA", "_T", "_T", "2016-02", 40.0),
    ("unhcr_med", "arrivals", None, "ESP", "_T", "_T", "2016-02", 40.0),
    ("unhcr_med", "arrivals", None, "ESP", "_T", "sea", "2016-02", 30.0),   # a split, never added to _T
    ("italy_moi_landings", "sea_arrivals", None, "ITA", "_T", "_T", "2020-06-01", 10.0),
    ("italy_moi_landings", "sea_arrivals", None, "ITA", "_T", "_T", "2020-06-02", 15.0),
    ("italy_moi_landings", "sea_arrivals_ytd", None, "ITA", "NGA", "_T", "2020-06-15", 7.0),
    ("italy_moi_landings", "sea_arrivals_ytd", None, "ITA", "_T", "_T", "2020-12-31", 30.0),
    ("iom_mmp", "dead", "central_mediterranean", "LBY", "_T", "_T", "2016-05-02", 3.0),
    ("glotip", "victims", None, "NGA", "NGA", "_T", "2016", 9.0),              # nationals reported at home
])


def test_roles_follow_the_study_design():
    assert reporting_role(["origin"]) == "origin"
    assert reporting_role(["origin", "transit", "departure"]) == "transit/departure"
    assert reporting_role(["destination"]) == "destination"


def test_country_profile_has_every_observation_once_with_its_relation():
    nga = country_profile(OBS, "NGA", ["origin"])
    assert sorted(nga["relation"]) == ["citizenship", "citizenship", "reporting"]
    assert set(nga["role"]) == {"origin"} and set(nga["country"]) == {"NGA"}
    lby = country_profile(OBS, "LBY", ["transit", "departure"])
    assert lby["role"].tolist() == ["transit/departure"] and lby["relation"].tolist() == ["reporting"]


def test_availability_counts_sources_per_indicator_country_year():
    table = availability(OBS, ["NGA", "SEN", "ITA"])
    sen = table[(table["country"] == "SEN") & (table["indicator"] == "irregular_border_crossings")].iloc[0]
    assert (sen["relation"], sen["year"], sen["sources"], sen["n_observations"]) == (
        "citizenship", 2016, "frontex_ibc", 2)
    assert set(table["country"]) == {"NGA", "SEN", "ITA"}


def test_reconciliation_by_year_with_differences_and_reference():
    r = reconciliation(OBS).set_index(["country", "year", "measure"])
    fx = r.loc[("ITA", 2016, "frontex_detections_central_med")]
    assert (fx["value"], fx["reference_value"], fx["difference"]) == (150, 160, -10)
    assert round(fx["relative_difference"], 4) == -0.0625
    assert r.loc[("ESP", 2016, "unhcr_arrivals"), "value"] == 40  # the sea split is not added
    assert r.loc[("ESP", 2016, "frontex_detections_west_med_atlantic"), "value"] == 35
    daily = r.loc[("ITA", 2020, "moi_landings_daily")]
    # no UNHCR figure for 2020: the Ministry's 31 December year-to-date is the reference
    assert (daily["value"], daily["reference_measure"], daily["reference_value"]) == (25, "moi_landings_ytd_dec31", 30)
    assert pd.isna(r.loc[("ITA", 2020, "moi_landings_ytd_dec31"), "months_covered"])
