"""The rejects ledger: per source, rows in, kept and rejected, by rejection reason.

The job stops if any source's rows in differ from kept plus rejected."""

import pandas as pd
import pyarrow as pa

from medroutes import clean as cleaning
from medroutes.io import read_json, write_csv
from medroutes.schema import described

INPUTS = {"ledgers": "clean/{source}.ledger.json"}
OUTPUTS = {"parquet": "clean/ledger.parquet", "csv": "clean/ledger.csv"}
REPORT = {"csv": ["ledger.rst", "Rejects ledger"]}
RULE = "ledger"
KEY = ["source_id", "reason"]
SCHEMA = described(pa.schema([
    ("source_id", pa.string()), ("rows_in", pa.int64()), ("rows_kept", pa.int64()), ("rows_rejected", pa.int64()),
    ("reason", pa.string()), ("rejected", pa.int64()),
]), {
    "source_id": "registry id of the source (config/sources.yaml)",
    "rows_in": "raw records the source's adapter read",
    "rows_kept": "records kept in clean/<source>.parquet",
    "rows_rejected": "records rejected into clean/<source>.rejects.parquet",
    "reason": "rejection reason code; null on the one row of a source with no rejects",
    "rejected": "records rejected for this reason",
}, __name__)


def build(step):
    rows = []
    for path in step.input["ledgers"]:
        led = read_json(path)
        cleaning.check_row_counts(led["rows_in"], led["rows_kept"], pd.Series(
            [r for r, n in led["rejected_by_reason"].items() for _ in range(n)], dtype=object))
        base = {k: led[k] for k in ("source_id", "rows_in", "rows_kept", "rows_rejected")}
        reasons = led["rejected_by_reason"] or {None: 0}
        rows += [{**base, "reason": reason, "rejected": n} for reason, n in reasons.items()]
    table = pd.DataFrame(rows, columns=SCHEMA.names)
    step.write(table)
    write_csv(table.sort_values(KEY, na_position="first"), step.output["csv"])
