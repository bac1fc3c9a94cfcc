import pandas as pd
import pytest
import rdata
from medroutes.adapters import frontex_ibc
from medroutes.adapters import read as read_records
from medroutes.clean import clean
from medroutes.errors import InputError
from medroutes.harmonise import harmonise

from .conftest import RAW

RDA = RAW / "frontex_ibc" / "frontex.rda"


def write_rda(tmp_path, df, name="frontex"):
    path = tmp_path / "frontex_ibc" / "frontex.rda"
    path.parent.mkdir(exist_ok=True)
    rdata.write_rda(path, {name: df})
    return path


def test_reads_months_modes_and_lineage():
    raw = read_records(frontex_ibc, [RDA])
    assert len(raw) == 14
    first = raw.iloc[0]
    assert (first["route"], first["mode"], first["citizenship"], first["period"]) == (
        "Central Mediterranean Route", "sea", "NGA", "2016-01")
    assert first["raw_ref"] == "frontex_ibc/frontex.rda frontex record 1"


def test_harmonised_detections(config, resolver, indicators):
    kept, rejects, ledger = clean(read_records(frontex_ibc, [RDA]), frontex_ibc.SPEC, raw_sha256={})
    assert ledger["rows_rejected"] == 0
    obs, _ = harmonise(kept, frontex_ibc.SPEC, "frontex_ibc", config["routes"], resolver, indicators)
    cm = obs[obs["route"] == "central_mediterranean"]
    assert cm.loc[cm["period"].str.startswith("2016"), "value"].sum() == 1200 + 5300 + 900 + 40
    assert set(obs["dimension"]) == {"mode"} and set(obs["category"]) == {"sea", "land"}
    assert set(obs["unit"]) == {"detections"} and set(obs["freq"]) == {"M"}
    assert set(obs["ref_area"]) == {"EU_EXT"}
    # Frontex's non-ISO codes resolve through the alias table and area list
    by_nat = dict(zip(kept["citizenship"], obs.sort_values("raw_row")["counterpart_area"], strict=True))
    assert by_nat["OOS"] == "_U" and by_nat["STL"] == "STL" and by_nat["XKX"] == "XKX"
    assert obs["route"].isna().sum() == 2  # Eastern Mediterranean and Western Balkans


def test_unknown_type_and_bad_month_are_rejected(tmp_path):
    df = pd.DataFrame({"route": ["Central Mediterranean Route"] * 3, "type": ["Sea", "Air", "Sea"],
                       "nat": ["NGA", "NGA", "SEN"], "t": [16801.0, 16801.0, 16815.0], "n": [5.0, 2.0, 1.0]})
    kept, rejects, ledger = clean(read_records(frontex_ibc, [write_rda(tmp_path, df)]), frontex_ibc.SPEC, raw_sha256={})
    assert ledger["rows_kept"] == 1
    assert dict(zip(rejects["raw_row"], rejects["reason"], strict=True)) == {2: "unknown_mode", 3: "invalid_period"}
    assert "'Air'" in rejects.iloc[0]["detail"]


def test_missing_object_and_column_are_named(tmp_path):
    df = pd.DataFrame({"route": ["x"], "type": ["Sea"], "nat": ["NGA"], "t": [16801.0], "n": [1.0]})
    with pytest.raises(InputError, match=r"object 'frontex' not found.*ibc"):
        read_records(frontex_ibc, [write_rda(tmp_path, df, name="ibc")])
    with pytest.raises(InputError, match=r"missing column\(s\) \['n'\]"):
        read_records(frontex_ibc, [write_rda(tmp_path, df.drop(columns="n"))])


@pytest.mark.parametrize("content", [b"", RDA.read_bytes()[:100], b"not an R file at all"])
def test_empty_truncated_or_foreign_file_is_a_clear_error(tmp_path, content):
    path = tmp_path / "frontex_ibc" / "frontex.rda"
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_records(frontex_ibc, [path])
    assert "frontex.rda" in str(err.value) and "expected" in str(err.value)
