"""Route labels: every raw route label of every source, with its clean-row count and the study route it
maps to through config/config.yaml's ``routes``. Rows whose label maps to no study route are kept with a
null route (status ``outside``); a configured label that no raw row carries is listed with 0 rows
(status ``not_in_data``), so a typo or a publisher's renamed route is seen, not silently empty."""

import pandas as pd
import pyarrow as pa

from medroutes import harmonise as harmonising
from medroutes.io import read_json, write_csv
from medroutes.schema import described

INPUTS = {"labels": "harmonised/{source}.route_labels.json"}
OUTPUTS = {"parquet": "harmonised/route_labels.parquet", "csv": "harmonised/route_labels.csv"}
LOCAL = True  # one row per raw route label from the sources' summaries: too small to submit
REPORT = {"csv": ["route_labels.rst", "Route labels"]}
KEY = ["source_id", "raw_label", "status"]
SCHEMA = described(pa.schema([
    ("source_id", pa.string()), ("raw_label", pa.string()), ("rows", pa.int64()), ("route", pa.string()),
    ("status", pa.string()),
]), {
    "source_id": "registry id of the source (config/sources.yaml)",
    "raw_label": "the route label as the source writes it; null = blank in the raw file",
    "rows": "clean records carrying the label (clean/<source>.parquet)",
    "route": "the study route the label maps to; null = outside the study routes",
    "status": "; ".join(f"{k}: {v}" for k, v in harmonising.ROUTE_LABEL_STATUS.items()),
}, __name__)


def build(step):
    rows = [r for path in step.input["labels"] for r in read_json(path)]
    table = pd.DataFrame(rows, columns=SCHEMA.names).astype({"rows": "int64"})
    step.write(table)
    write_csv(table.sort_values(KEY, na_position="first"), step.output["csv"])
