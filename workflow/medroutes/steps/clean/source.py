"""A source's tidy table: one typed row per kept raw record, with its lineage (raw file, sha256, row).

Its rejects (``<source>.rejects.parquet``: one row per rejected record, with the reason) and its
ledger (``<source>.ledger.json``: rows in = kept + rejected, by reason) come from the same job.
The columns are the source adapter's (``medroutes/adapters/<source>.py``, its ``SPEC``)."""


from pathlib import Path

from medroutes import adapters
from medroutes import clean as cleaning
from medroutes.io import read_json, write_json
from medroutes.log import get_logger

log = get_logger(__name__)

INPUTS = {"provenance": "intake/{source}.provenance.json", "raw": "raw:{source}"}
OUTPUTS = {"parquet": "clean/{source}.parquet", "rejects": "clean/{source}.rejects.parquet",
           "ledger": "clean/{source}.ledger.json"}
CONFIG = ["@source", "thresholds"]
ADAPTER = True
REJECTS_KEY = ["raw_file", "raw_row", "raw_ref"]


def build(step):
    source, thresholds = step.config["@source"], step.config["thresholds"]
    sid = source["id"]
    record = read_json(step.input["provenance"])
    adapter = adapters.get(source["adapter"])
    raw = adapters.read(adapter, record["observed"])  # the bytes parsed are checked against the record
    # keyed as the lineage names a file: <folder>/<name> (a later vintage's folder is <source>@<vintage>)
    shas = {f"{Path(f['path']).parent.name}/{f['name']}": f["sha256"] for f in record["observed"]}
    kept, rejects, ledger = cleaning.clean(raw, adapter.SPEC, raw_sha256=shas, max_count=thresholds["max_count"],
                                           max_period=thresholds["max_period"])
    # rows stay in raw-file order; the dataset's key is the adapter's record key
    step.write(kept, schema=adapter.SPEC.arrow_schema(), key=adapter.SPEC.key, upstream=shas,
               sort_by=["raw_file", "raw_row", *adapter.SPEC.key], vintage=source.get("vintage"))
    step.write(rejects, "rejects", schema=cleaning.REJECTS_SCHEMA, key=REJECTS_KEY, dataset=f"rejects/{sid}",
               upstream=shas, vintage=source.get("vintage"))
    ledger = {"source_id": sid, **ledger}
    write_json(ledger, step.output["ledger"])
    log.info("%s: rows in %d, kept %d, rejected %d %s", sid, ledger["rows_in"], ledger["rows_kept"],
             ledger["rows_rejected"], ledger["rejected_by_reason"])


def schema_of(output: str, spec):
    """(schema, key) of an output for a source whose adapter declares ``spec`` (the data dictionary)."""
    if output == "rejects":
        return cleaning.REJECTS_SCHEMA, REJECTS_KEY
    return spec.arrow_schema(), spec.key
