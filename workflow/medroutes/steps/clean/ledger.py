"""The rejects ledger: per source and stage, rows in, kept and rejected, by rejection reason.

Stage ``clean`` counts raw records (clean/<source>.rejects.parquet); stage ``harmonise`` counts the
observations read off the kept records, of which those that repeat another raw row's observation are
rejected (harmonised/<source>.rejects.parquet). The job stops if any rows in differ from kept plus
rejected."""

import pandas as pd
import pyarrow as pa

from medroutes import clean as cleaning
from medroutes.io import read_json, write_csv
from medroutes.schema import described

INPUTS = {"ledgers": "clean/{source}.ledger.json", "observations": "harmonised/{source}.ledger.json"}
OUTPUTS = {"parquet": "clean/ledger.parquet", "csv": "clean/ledger.csv"}
LOCAL = True  # one row per source from the sources' ledgers: too small to submit
REPORT = {"csv": ["ledger.rst", "Rejects ledger"]}
RULE = "ledger"
KEY = ["source_id", "stage", "reason"]
STAGES = {"ledgers": "clean", "observations": "harmonise"}
SCHEMA = described(pa.schema([
    ("source_id", pa.string()), ("stage", pa.string()), ("rows_in", pa.int64()), ("rows_kept", pa.int64()),
    ("rows_rejected", pa.int64()),
    ("reason", pa.string()), ("rejected", pa.int64()),
]), {
    "source_id": "registry id of the source (config/sources.yaml)",
    "stage": "clean: raw records the adapter read, kept in clean/<source>.parquet or rejected into "
             "clean/<source>.rejects.parquet; harmonise: observations read off the kept records, kept in "
             "harmonised/<source>.parquet or rejected into harmonised/<source>.rejects.parquet",
    "rows_in": "records (clean) or observations (harmonise) in",
    "rows_kept": "records or observations kept",
    "rows_rejected": "records or observations rejected",
    "reason": "rejection reason code; null on the one row of a source with no rejects",
    "rejected": "records rejected for this reason",
}, __name__)


def build(step):
    rows = []
    for name, stage in STAGES.items():
        for path in step.input[name]:
            rows += _rows(read_json(path), stage)
    table = pd.DataFrame(rows, columns=SCHEMA.names)
    step.write(table)
    write_csv(table.sort_values(KEY, na_position="first"), step.output["csv"])


def _rows(led: dict, stage: str) -> list[dict]:
    cleaning.check_row_counts(led["rows_in"], led["rows_kept"], pd.Series(
        [r for r, n in led["rejected_by_reason"].items() for _ in range(n)], dtype=object))
    base = {"stage": stage, **{k: led[k] for k in ("source_id", "rows_in", "rows_kept", "rows_rejected")}}
    reasons = led["rejected_by_reason"] or {None: 0}
    return [{**base, "reason": reason, "rejected": n} for reason, n in reasons.items()]
