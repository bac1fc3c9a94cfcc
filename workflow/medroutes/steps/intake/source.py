"""Provenance record of a source's raw files: each file's path, pinned and observed sha256 and size."""

from medroutes.intake import provenance
from medroutes.io import write_json
from medroutes.log import get_logger

log = get_logger(__name__)

INPUTS = {"raw": "raw:{source}"}
OUTPUTS = {"json": "intake/{source}.provenance.json"}
CONFIG = ["@source", "@raw_dir"]
LOCAL = True  # hashes the raw files, nothing more: cheaper in the main process than as a cluster job


def build(step):
    source = step.config["@source"]
    record = provenance(source, step.config["@raw_dir"])
    write_json(record, step.output["json"])
    for f in record["observed"]:
        log.info("%s: %s sha256 %s, %d bytes: ok", source["id"], f["path"], f["sha256"], f["bytes"])
