"""National statistics supplied by the data holders, disclosure-controlled and in the observation
contract: per restricted source (natstat_<ISO3>), indicator, crime and year, counts by sex with their
total (age and citizenship summed). A suppressed count is null with obs_status C and its SDMX
conf_status (A, D); these rows join the public sources in harmonised/observations. The lineage
names the restricted source only: its rows stay in the restricted folder, as does the audit."""

import pyarrow as pa

from medroutes import disclosure, evidence
from medroutes import harmonise as harmonising
from medroutes.io import read_parquet
from medroutes.log import get_logger
from medroutes.schema import described, description

log = get_logger(__name__)

EVIDENCE = "national_statistics"
INPUTS = {"rows": "restricted/clean/national_statistics.parquet"}
OUTPUTS = {"parquet": "protected/national_statistics.parquet",
           "audit": "restricted/protected/national_statistics.audit.parquet"}
CONFIG = ["@indicators", "disclosure"]
INDICATORS = ["suspects_arrested", "persons_prosecuted", "persons_convicted", "victims_identified",
              "networks_dismantled"]
SCHEMA = described(harmonising.OBS_SCHEMA.append(pa.field("conf_status", pa.string(), nullable=False)), {
    **{f.name: description(f) for f in harmonising.OBS_SCHEMA},
    "conf_status": "SDMX confidentiality: F free, A primary (small count), D secondary"}, __name__)
KEY = harmonising.OBS_KEY


def build(step):
    c = step.config
    rules = disclosure.Rules.from_config(c["disclosure"])
    rows = read_parquet(step.input["rows"])
    rows["source_id"] = rows["raw_file"].str.split("/").str[0]
    years = sorted(rows["year"].unique().tolist())
    tables = evidence.natstat_tables(rows, INDICATORS, years)
    published, audit = evidence.protect_all({k: (t, dims) for k, (t, dims) in tables.items()}, rules,
                                            where="national statistics")
    obs = evidence.natstat_observations(published, c["@indicators"])
    step.write(obs, upstream={})
    step.write(evidence.audit_long(audit, ["crime", "year", "sex"]), "audit", schema=evidence.AUDIT_SCHEMA,
               key=["table", "cell"])
    s = disclosure.summary(published)
    log.info("national statistics: %d cells, primary %d, secondary %d; narrowest audited interval %s (required %g)",
             s["cells"], s["primary"], s["secondary"], f"{audit['width'].min():g}" if len(audit) else "none",
             rules.protection_interval)


def schema_of(output: str, spec=None):
    return (evidence.AUDIT_SCHEMA, ["table", "cell"]) if output == "audit" else (SCHEMA, KEY)
