"""compare/published_check: publishers' own figures matched within the tolerance, or explained."""

import pandas as pd
import pytest
import yaml
from medroutes import published
from medroutes.config import ConfigError
from medroutes.published import PublishedFigureError

ROUTE_YEAR = pd.DataFrame({"route": ["central_mediterranean"] * 2, "year": [2016, 2017],
                           "detections": [181_376.0, 118_962.0], "dead_and_missing": [4574.0, None]})
ROUTE_MONTH = pd.DataFrame({"route": ["western_african"] * 12, "year": [2024] * 12, "month": range(1, 13),
                            "detections": [1000.0] * 12})
TABLES = {"route_year": ROUTE_YEAR, "route_month": ROUTE_MONTH, "reconciliation": pd.DataFrame(
    {"country": ["ITA"], "year": [2016], "measure": ["unhcr_arrivals"], "value": [181_436.0]})}


def entry(fid, value, pipeline, approx=False, **more):
    return {"id": fid, "publisher": "Frontex", "measure": "detections", "area": "Central Mediterranean",
            "period": "2016", "value": value, "approx": approx, "document": "Risk Analysis for 2017",
            "url": "https://example.org/ra2017", "published": "2017-02-15",
            "quote": "with 181,459 migrants being detected", "pipeline": pipeline, **more}


CM16 = {"table": "route_year", "key": {"route": "central_mediterranean", "year": 2016}, "column": "detections"}


def test_each_figure_is_matched_explained_or_flagged():
    t = published.check([
        entry("exact", 181_459, CM16),                                # +0.05%: within 0.5%
        entry("rounded", 185_000, CM16, approx=True),                 # +2.0%: within 2.5% for a rounded figure
        entry("preliminary", 170_000, CM16, difference={"kind": "preliminary",
                                                        "explanation": "published in January from provisional data"}),
        entry("unexplained", 170_000, CM16),
        entry("jan_nov", 11_000, {"table": "route_month", "key": {"route": "western_african", "year": 2024},
                                  "months": [1, 11], "column": "detections"}),
        entry("no_value", 2_000, {**CM16, "key": {"route": "central_mediterranean", "year": 2017},
                                  "column": "dead_and_missing"}),
        entry("unhcr", 181_436, {"table": "reconciliation", "key": {"country": "ITA", "year": 2016,
                                                                    "measure": "unhcr_arrivals"}, "column": "value"}),
    ], TABLES).set_index("id")
    assert t.loc["exact", "status"] == "matched" and t.loc["exact", "difference"] == 83
    assert t.loc["rounded", "status"] == "matched" and t.loc["rounded", "tolerance"] == 0.025
    assert t.loc["preliminary", "status"] == "explained" and t.loc["preliminary", "difference_kind"] == "preliminary"
    assert t.loc["unexplained", "status"] == "unexplained"
    assert t.loc["jan_nov", "pipeline_value"] == 11_000 and t.loc["jan_nov", "status"] == "matched"
    assert "months 1-11" in t.loc["jan_nov", "pipeline_key"]
    assert t.loc["no_value", "status"] == "no pipeline value"
    assert t.loc["unhcr", "status"] == "matched"
    assert list(t.reset_index().columns) == published.SCHEMA.names


def test_a_counterpart_that_does_not_exist_is_named(tmp_path):
    with pytest.raises(PublishedFigureError, match="figure bad: compare/route_year has no column 'arrivals_x'"):
        published.check([entry("bad", 1, {**CM16, "column": "arrivals_x"})], TABLES)
    path = tmp_path / "published_figures.yaml"
    bare = entry("noquote", 1, CM16)
    del bare["quote"]
    path.write_text(yaml.safe_dump({"figures": [bare]}))
    with pytest.raises(ConfigError, match="quote"):
        published.load(path)
    path.write_text(yaml.safe_dump({"figures": [entry("twice", 1, CM16), entry("twice", 2, CM16)]}))
    with pytest.raises(ConfigError, match=r"repeated: \['twice'\]"):
        published.load(path)


def test_the_study_list_is_valid_and_cites_every_figure():
    figures = published.load("config/published_figures.yaml")
    assert len(figures) >= 15
    for f in figures:
        assert f["url"].startswith("http") and len(f["quote"]) > 10 and f["document"]
    families = {f["publisher"].split(" ")[0] for f in figures}
    assert {"Frontex", "UNHCR", "IOM", "Ministero"} <= families
