import pandas as pd
import pyarrow as pa
import pytest
from medroutes.io import atomic_path, parquet_metadata, read_parquet, sha256_file, write_parquet

SCHEMA = pa.schema([("k", pa.string()), ("v", pa.float64()), ("n", pa.int64())])


def frame():
    return pd.DataFrame({"n": [2, 1, 3], "k": ["b", "a", "c"], "v": [0.5, None, 2.0]})


def test_parquet_is_byte_identical_and_sorted(tmp_path):
    write_parquet(frame(), tmp_path / "a.parquet", SCHEMA, ["k"], {"dataset": "t", "release": "r"})
    write_parquet(frame().iloc[::-1], tmp_path / "b.parquet", SCHEMA, ["k"], {"release": "r", "dataset": "t"})
    assert sha256_file(tmp_path / "a.parquet") == sha256_file(tmp_path / "b.parquet")
    back = read_parquet(tmp_path / "a.parquet")
    assert list(back.columns) == ["k", "v", "n"]
    assert back["k"].tolist() == ["a", "b", "c"]
    meta = parquet_metadata(tmp_path / "a.parquet")
    assert meta["medroutes.dataset"] == "t" and meta["medroutes.release"] == "r"
    assert not any(k.startswith("pandas") for k in meta)


def test_all_null_column_keeps_its_declared_type(tmp_path):
    df = pd.DataFrame({"k": ["a"], "v": [None], "n": [None]})
    write_parquet(df, tmp_path / "x.parquet", SCHEMA, ["k"])
    import pyarrow.parquet as pq

    assert pq.read_schema(tmp_path / "x.parquet").field("v").type == pa.float64()


def test_missing_schema_column_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="lacks schema columns"):
        write_parquet(frame().drop(columns="v"), tmp_path / "x.parquet", SCHEMA, ["k"])


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
