"""Eurostat migr_eipre adapter: JSON-stat decoding, read -> clean -> harmonise on hand-written fixtures."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml
from medroutes.adapters import eurostat_migr_eipre as adapter
from medroutes.adapters import read as read_records
from medroutes.clean import clean
from medroutes.errors import InputError, ResolveError
from medroutes.harmonise import harmonise
from medroutes.resolve import CountryResolver

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "tests/fixtures/raw/eurostat_migr_eipre"
BAD = ROOT / "tests/fixtures/bad/eurostat_migr_eipre"
FIXTURE = RAW / "eurostat_migr_eipre.json"
REAL = ROOT.parent / "shared/data/eurostat_migr_eipre/eurostat_migr_eipre.json"
SOURCE = "eurostat_migr_eipre"

# Proposed config additions (see /tmp/handoff/eurostat_migr_eipre.md).
NEW_INDICATORS = {"illegally_present_tcn": {"unit": "persons",
                                            "label": "Third-country nationals found to be illegally present"}}
NEW_AREAS = {"EU27_2020": "European Union, 27 member states (from 2020), as Eurostat aggregates it",
             "EU28": "European Union, 28 member states (2013-2020), as Eurostat aggregates it"}


def _yaml(name: str) -> dict:
    return yaml.safe_load((ROOT / "config" / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def env():
    cfg = _yaml("config.yaml")
    indicators = {**_yaml("indicators.yaml")["indicators"], **NEW_INDICATORS}
    resolver = CountryResolver(_yaml("country_aliases.yaml"), {**cfg["areas"], **NEW_AREAS})
    return cfg["routes"], resolver, indicators


def run(paths, env, sha="f" * 64):
    raw = read_records(adapter, paths)
    shas = {f: sha for f in raw["raw_file"].unique()}
    kept, rejects, ledger = clean(raw, adapter.SPEC, raw_sha256=shas, max_count=10_000_000,
                                  max_period="2025-12-31")
    routes, resolver, indicators = env
    obs, _ = harmonise(kept, adapter.SPEC, SOURCE, routes, resolver, indicators)
    return raw, kept, rejects, ledger, obs


def pick(obs, area, period, dimension="_T", category="_T"):
    sel = obs[(obs.ref_area == area) & (obs.period == period) & (obs.dimension == dimension)
              & (obs.category == category)]
    assert len(sel) == 1, (area, period, dimension, category, len(sel))
    return sel.iloc[0]


def write(tmp_path: Path, doc: dict, name: str = "eurostat_migr_eipre.json") -> Path:
    folder = tmp_path / SOURCE
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def fixture_doc() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


# --- the JSON-stat decoder ------------------------------------------------------------------------

def test_decode_sparse_fixture():
    cube = adapter.decode(fixture_doc(), FIXTURE)
    assert cube.ids == ("freq", "reason", "apprehen", "citizen", "sex", "age", "unit", "geo", "time")
    assert cube.categories[7] == ("EU27_2020", "EU28", "EL", "ES", "IT", "UK")
    assert len(cube.values) == 39 and cube.status == {338: "d", 0: "d", 10: "b"}
    # row-major: the last dimension (time) runs fastest
    assert cube.coords(14) == {"freq": "A", "reason": "TOTAL", "apprehen": "TOTAL", "citizen": "TOTAL",
                                    "sex": "T", "age": "TOTAL", "unit": "PER", "geo": "IT", "time": "2021"}
    c = cube.coords(191)
    assert (c["reason"], c["apprehen"], c["geo"], c["time"]) == ("ENTRY_NLEG", "BCP_L", "ES", "2021")
    assert cube.values[191] == 1345


def test_decode_dense_arrays_array_index_and_omitted_index():
    path = BAD / "dense_flags.json"
    cube = adapter.decode(adapter.load_json(path, path.read_bytes()), path)
    assert cube.ids[5:] == ("geo", "reason", "apprehen", "time")
    assert cube.categories[0] == ("A",)  # index omitted: the single label key
    assert cube.categories[-1] == ("2016", "2017")  # index object written out of order
    assert sorted(cube.values) == [0, 2, 4, 5, 6, 8, 12, 14, 15, 16, 17]  # nulls skipped
    assert cube.status == {1: "c", 4: "e", 5: "bp", 12: "u", 13: "p", 17: "r"}
    c = cube.coords(13)
    assert (c["geo"], c["reason"], c["apprehen"], c["time"]) == ("ES", "TOTAL", "TOTAL", "2017")


def test_sparse_and_dense_forms_read_the_same(tmp_path):
    doc = fixture_doc()
    n = math.prod(doc["size"])
    dense = {**doc,
             "value": [doc["value"].get(str(i)) for i in range(n)],
             "status": [doc["status"].get(str(i)) for i in range(n)]}
    for dim in dense["dimension"].values():  # and index as arrays
        index = dim["category"]["index"]
        dim["category"]["index"] = sorted(index, key=index.get)
    a = read_records(adapter, [FIXTURE]).drop(columns=["raw_file", "raw_ref"])
    b = read_records(adapter, [write(tmp_path, dense)]).drop(columns=["raw_file", "raw_ref"])
    pd.testing.assert_frame_equal(a, b)


def test_status_given_as_one_string_applies_to_every_value(tmp_path):
    doc = {**fixture_doc(), "status": "p"}
    raw = read_records(adapter, [write(tmp_path, doc)])
    assert len(raw) == 39 and set(raw["status"]) == {"p"} and set(raw["obs_status"]) == {"P"}


@pytest.mark.parametrize("mutate, where, expected", [
    (lambda d: d.update(version="1.0"), "key 'version'", '"2.0"'),
    (lambda d: d.update(size=d["size"][:-1]), "key 'size'", "9 non-negative whole numbers"),
    (lambda d: d.pop("value"), "key 'value'", "JSON-stat dataset"),
    (lambda d: d.update(value=7), "key 'value'", "a dense array or an object"),
    (lambda d: d["dimension"].pop("geo"), "key 'dimension'", "with the dimensions"),
    (lambda d: d["dimension"]["reason"]["category"]["index"].update(OTH=7), "dimension 'reason'",
     "distinct position 0..n-1"),
    (lambda d: d["dimension"]["time"]["category"].pop("index"), "dimension 'time'", "an array of category"),
    (lambda d: d["status"].update({"9x": "d"}), "status['9x']", "a whole number from 0 to 431"),
])
def test_decoder_errors_name_file_place_and_expectation(tmp_path, mutate, where, expected):
    doc = fixture_doc()
    mutate(doc)
    path = write(tmp_path, doc)
    with pytest.raises(InputError) as err:
        read_records(adapter, [path])
    msg = str(err.value)
    assert str(path) in msg and where in msg and expected in msg


# --- code mapping -----------------------------------------------------------------------------------

@pytest.mark.parametrize("reason, apprehen, expected", [
    ("TOTAL", "TOTAL", ("_T", "_T")),
    ("ENTRY_NLEG", "TOTAL", ("reason", "illegal_entry")),
    ("OSTAY", "TOTAL", ("reason", "overstay")),
    ("OTH", "TOTAL", ("reason", "other_reason")),
    ("TOTAL", "BRD_EXT", ("place_of_apprehension", "external_border_area")),
    ("TOTAL", "INL", ("place_of_apprehension", "inland_area")),
    ("TOTAL", "BCP_SLA", ("place_at_external_border", "border_crossing_point")),
    ("TOTAL", "BCP_S", ("place_at_external_border", "between_bcp_sea")),
    ("TOTAL", "BCP_L", ("place_at_external_border", "between_bcp_land")),
    ("OSTAY", "INL", ("reason_by_place_of_apprehension", "overstay|inland_area")),
    ("ENTRY_NLEG", "BCP_S", ("reason_by_place_at_external_border", "illegal_entry|between_bcp_sea")),
    ("XNEW", "TOTAL", None),
    ("TOTAL", "AIRPORT", None),
])
def test_breakdown(reason, apprehen, expected):
    assert adapter.breakdown(reason, apprehen) == expected


@pytest.mark.parametrize("flag, expected", [
    (None, "A"), ("", "A"), ("d", "D"), ("b", "B"), ("e", "E"), ("s", "E"), ("p", "P"), ("c", "C"),
    ("r", "A"), ("bp", "B"), ("ep", "E"), ("dc", "C"), ("u", None), ("z", None), ("bu", None),
])
def test_obs_status(flag, expected):
    assert adapter.obs_status(flag) == expected


# --- read -> clean -> harmonise on the demo fixture ---------------------------------------------------

def test_fixture_read_clean_harmonise(env):
    raw, kept, rejects, ledger, obs = run([FIXTURE], env)
    assert ledger == {"rows_in": 39, "rows_kept": 39, "rows_rejected": 0, "rejected_by_reason": {}}
    assert len(obs) == 39
    assert set(obs.indicator) == {"illegally_present_tcn"} and set(obs.unit) == {"persons"}
    assert set(obs.freq) == {"A"} and obs.route.isna().all()
    assert set(obs.counterpart_area) == set(obs.sex) == set(obs.age) == {"_T"}
    assert obs.groupby("dimension").size().to_dict() == {
        "_T": 16, "reason": 9, "place_of_apprehension": 4, "place_at_external_border": 6,
        "reason_by_place_of_apprehension": 2, "reason_by_place_at_external_border": 2}

    assert pick(obs, "ITA", "2016").value == 31940
    assert pick(obs, "ESP", "2016").value == 38405
    assert pick(obs, "ITA", "2021", "reason_by_place_at_external_border",
                "illegal_entry|between_bcp_sea").value == 61870
    # geo codes: EL and UK are Eurostat's, EU aggregates are region codes
    assert pick(obs, "GRC", "2017").value == 69830
    assert pick(obs, "GBR", "2016").value == 47320
    assert pick(obs, "EU27_2020", "2021").value == 650400
    assert pick(obs, "EU28", "2017").value == 455800
    assert set(obs.ref_area) == {"EU27_2020", "EU28", "GRC", "ESP", "ITA", "GBR"}


def test_fixture_status_flags_and_zeros(env):
    obs = run([FIXTURE], env)[-1]
    flagged = obs[obs.obs_status != "A"].set_index("raw_row")["obs_status"].to_dict()
    assert flagged == {0: "D", 10: "B", 338: "D"}
    assert pick(obs, "ITA", "2021", "reason", "other_reason").obs_status == "D"
    # zeros are values (EL reports no breakdown of a positive total), not missing
    for reason in ("illegal_entry", "overstay", "other_reason"):
        assert pick(obs, "GRC", "2021", "reason", reason).value == 0
    assert pick(obs, "ITA", "2021", "place_at_external_border", "between_bcp_land").value == 0


def test_no_double_counting_within_a_dimension(env):
    obs = run([FIXTURE], env)[-1]

    def total(area, dimension):
        return obs[(obs.ref_area == area) & (obs.period == "2021") & (obs.dimension == dimension)].value.sum()

    for area in ("ITA", "ESP"):
        t = pick(obs, area, "2021").value
        assert total(area, "reason") == t
        assert total(area, "place_of_apprehension") == t
        ext = pick(obs, area, "2021", "place_of_apprehension", "external_border_area").value
        # Eurostat rounds each cell to 5, so parts may miss their parent by up to 5 per part
        assert abs(total(area, "place_at_external_border") - ext) <= 5 * 3
    assert total("ITA", "place_at_external_border") == 66210
    assert total("ESP", "place_at_external_border") == 20120  # vs 20115: rounding, kept as given


def test_lineage(env):
    raw, kept, _, _, obs = run([FIXTURE], env)
    row = pick(obs, "ITA", "2021")
    assert row.raw_row == 14 and row.raw_file == "eurostat_migr_eipre/eurostat_migr_eipre.json"
    assert row.raw_ref == ("eurostat_migr_eipre/eurostat_migr_eipre.json value[14] "
                           "(reason=TOTAL apprehen=TOTAL geo=IT time=2021)")
    assert row.raw_sha256 == "f" * 64
    assert list(raw.raw_row) == sorted(raw.raw_row)  # records in cell order
    assert kept.persons.dtype == "Int64"


def test_eu_aggregates_resolve_as_configured_areas_and_nothing_else_does():
    cfg = _yaml("config.yaml")
    kept = clean(read_records(adapter, [FIXTURE]), adapter.SPEC, raw_sha256={})[0]
    indicators = {**_yaml("indicators.yaml")["indicators"], **NEW_INDICATORS}
    obs, _ = harmonise(kept, adapter.SPEC, SOURCE, cfg["routes"],
                       CountryResolver(_yaml("country_aliases.yaml"), cfg["areas"]), indicators)
    assert {"EU27_2020", "EU28"} <= set(obs["ref_area"])
    areas = {k: v for k, v in cfg["areas"].items() if not k.startswith("EU")}
    with pytest.raises(ResolveError, match=r"'EU27_2020' \(3 rows\).*'EU28' \(2 rows\)"):
        harmonise(kept, adapter.SPEC, SOURCE, cfg["routes"], CountryResolver(_yaml("country_aliases.yaml"), areas),
                  indicators)


# --- records rejected, and the C cell kept ----------------------------------------------------------

def test_dense_flags_rejections_and_kept_statuses(env):
    raw, kept, rejects, ledger, obs = run([BAD / "dense_flags.json"], env)
    assert ledger["rows_in"] == 13 and ledger["rows_kept"] == 7
    assert ledger["rejected_by_reason"] == {
        "unknown_category": 1, "unsupported_status_flag": 1, "missing_value": 1,
        "not_whole_number": 1, "negative_count": 1, "not_a_number": 1}
    by_row = rejects.set_index("raw_row")
    assert by_row.loc[8, "reason"] == "unknown_category" and "'XNEW'" in by_row.loc[8, "detail"]
    assert by_row.loc[12, "reason"] == "unsupported_status_flag" and "'u'" in by_row.loc[12, "detail"]
    assert by_row.loc[13, "reason"] == "missing_value" and "status 'p'" in by_row.loc[13, "detail"]
    assert by_row.loc[14, "value"] == "25.5" and by_row.loc[16, "value"] == ":"
    assert by_row.loc[8, "raw_ref"].endswith("value[8] (reason=XNEW apprehen=TOTAL geo=IT time=2016)")

    status = obs.set_index("raw_row")["obs_status"].to_dict()
    assert status == {0: "A", 1: "C", 2: "A", 4: "E", 5: "B", 6: "A", 17: "A"}
    confidential = obs[obs.raw_row == 1].iloc[0]
    assert pd.isna(confidential.value) and confidential.ref_area == "ITA" and confidential.period == "2017"
    assert pick(obs, "ITA", "2016", "reason_by_place_of_apprehension", "illegal_entry|inland_area").value == 300


# --- unreadable input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, fragments", [
    ("empty.json", ["file is empty", "JSON-stat 2.0 dataset"]),
    ("truncated.json", ["line 3 column 1", "not valid JSON"]),
    ("api_error.json", ["not a JSON-stat dataset", "Invalid value for dimension geo", '"class": "dataset"']),
    ("size_mismatch.json", ["dimension 'geo'", "'size' gives 3 categories but category.index lists 2",
                            "['IT', 'ES']"]),
    ("missing_dimension.json", ["key 'id'", "missing dimension(s) ['apprehen']"]),
    ("unfixed_sex.json", ["dimension 'sex'", "['T', 'M', 'F']", "only 'T'", "sex=T"]),
    ("bad_value_key.json", ["value['7']", "a whole number from 0 to 1"]),
    ("dense_short.json", ["key 'value'", "array has 3 entries", "4 entries"]),
])
def test_input_errors(name, fragments):
    path = BAD / name
    with pytest.raises(InputError) as err:
        read_records(adapter, [path])
    msg = str(err.value)
    assert str(path) in msg
    for fragment in fragments:
        assert fragment in msg


def test_not_utf8(tmp_path):
    path = tmp_path / "eurostat_migr_eipre.json"
    path.write_bytes(b'{"label": "Gr\xe8ce"}')
    with pytest.raises(InputError, match=r"byte 13.*UTF-8"):
        read_records(adapter, [path])


def test_nan_is_not_json(tmp_path):
    path = tmp_path / "eurostat_migr_eipre.json"
    path.write_text(FIXTURE.read_text(encoding="utf-8").replace('"230":5,', '"230":NaN,'), encoding="utf-8")
    with pytest.raises(InputError, match=r"eurostat_migr_eipre.json: NaN is not a JSON value"):
        read_records(adapter, [path])


# --- real data (skipped when ../shared/data is absent) -----------------------------------------------

@pytest.mark.realdata
@pytest.mark.skipif(not REAL.exists(), reason="needs ../shared/data")
def test_real_file_matches_provenance(env):
    raw, kept, rejects, ledger, obs = run([REAL], env)
    assert ledger["rows_in"] == ledger["rows_kept"] == 1978
    totals = obs[obs.dimension == "_T"].set_index(["ref_area", "period"]).value
    assert totals[("ITA", "2016")] == 32365 and totals[("ESP", "2016")] == 37295
    assert totals[("ITA", "2022")] == 138420 and totals[("ESP", "2017")] == 44625
    assert obs.obs_status.value_counts().to_dict() == {"A": 1969, "D": 5, "B": 4}
