"""Case files, disclosure-controlled: cases per route x year (with totals), and among them those that
document each modus-operandi code (``case_files.modus_operandi``); cases with links to trafficking or
other crimes and their share (``case_files.nexus``); suspects summed over cases, under the (n, k)
dominance rule (``case_files.suspects``). The count tables are protected as one, each count of cases
with an attribute bounded by the count of all cases in its cell. Suppressed cells are null with
obs_status C and conf_status A (small count), O (dominance) or D (secondary); the audit of every
suppressed cell stays in the restricted folder (``restricted/protected/case_files.audit.parquet``)."""

import pandas as pd
import pyarrow as pa

from medroutes import disclosure, evidence
from medroutes.io import read_parquet
from medroutes.log import get_logger
from medroutes.schema import described

log = get_logger(__name__)

EVIDENCE = "case_files"
INPUTS = {"cases": "restricted/clean/case_files.parquet"}
OUTPUTS = {"modus_operandi": "protected/case_files.modus_operandi.parquet",
           "nexus": "protected/case_files.nexus.parquet",
           "suspects": "protected/case_files.suspects.parquet",
           "audit": "restricted/protected/case_files.audit.parquet"}
CONFIG = ["@codebook", "routes", "disclosure"]
STATUS_DOCS = {"obs_status": "SDMX observation status: C suppressed (value null), A normal",
               "conf_status": "SDMX confidentiality: F free, A primary (small count), O dominance, D secondary"}
CELL = {"route": "study route; _T all routes", "year": "year the investigation was opened; _T all years"}
MO_SCHEMA = described(pa.schema([("modus_operandi", pa.string()), ("route", pa.string()), ("year", pa.string()),
                                 ("cases", pa.float64()), ("obs_status", pa.string()), ("conf_status", pa.string())]),
                      {"modus_operandi": "code book modus_operandi code; 'all_cases' for every case", **CELL,
                       "cases": "number of cases documenting it (null: suppressed)", **STATUS_DOCS}, __name__)
NEXUS_SCHEMA = described(pa.schema([("route", pa.string()), ("year", pa.string()), ("cases", pa.float64()),
                                    ("cases_with_nexus", pa.float64()), ("share_with_nexus", pa.float64()),
                                    ("conf_status_cases", pa.string()), ("conf_status_nexus", pa.string())]),
                         {**CELL, "cases": "cases investigated (null: suppressed)",
                          "cases_with_nexus": "cases documenting a link to trafficking in persons, drug or "
                                              "arms trafficking or money laundering (code book nexus_codes; "
                                              "null: suppressed)",
                          "share_with_nexus": "cases_with_nexus / cases; null when either is suppressed",
                          "conf_status_cases": "SDMX confidentiality of cases (F, A, D)",
                          "conf_status_nexus": "SDMX confidentiality of cases_with_nexus (F, A, D)"}, __name__)
SUSPECTS_SCHEMA = described(pa.schema([("route", pa.string()), ("year", pa.string()), ("suspects", pa.float64()),
                                       ("obs_status", pa.string()), ("conf_status", pa.string())]),
                            {**CELL, "suspects": "suspects summed over the cases (null: suppressed)", **STATUS_DOCS},
                            __name__)
KEYS = {"modus_operandi": ["modus_operandi", "route", "year"], "nexus": ["route", "year"],
        "suspects": ["route", "year"], "audit": ["table", "cell"]}


def build(step):
    c = step.config
    rules = disclosure.Rules.from_config(c["disclosure"])
    cases = read_parquet(step.input["cases"])
    routes, codes = list(c["routes"]), list(c["@codebook"]["modus_operandi"])
    years = list(range(int(cases["year_opened"].min()), int(cases["year_opened"].max()) + 1)) if len(cases) else []
    dims = ["route", "year"]
    counts = evidence.case_tables(cases, routes, years, codes)
    counts["nexus"] = evidence.case_tables(cases.assign(nexus=evidence.any_of(cases, c["@codebook"]["nexus_codes"])
                                                        .astype(int)), routes, years, ["nexus"])["nexus"]
    published, audit = evidence.protect_cases(counts, rules, where="case files")
    mo = published[published["table"] != "nexus"].rename(columns={"value": "cases"})
    mo["modus_operandi"] = mo.pop("table").replace({"cases": "all_cases"})
    step.write(mo, "modus_operandi", schema=MO_SCHEMA, key=KEYS["modus_operandi"])
    all_cases = published[published["table"] == "cases"].set_index(dims)
    nexus = published[published["table"] == "nexus"].set_index(dims)
    table = all_cases[["value", "conf_status"]].rename(columns={"value": "cases", "conf_status": "conf_status_cases"})
    table = table.join(nexus[["value", "conf_status"]].rename(
        columns={"value": "cases_with_nexus", "conf_status": "conf_status_nexus"})).reset_index()
    table["share_with_nexus"] = evidence.share(table["cases_with_nexus"], table["cases"])
    step.write(table, "nexus", schema=NEXUS_SCHEMA, key=KEYS["nexus"])
    contrib = evidence.suspects_contributors(cases)
    suspects = evidence.with_totals(contrib.rename(columns={"contribution": "value"}).assign(
        value=lambda d: d["value"].astype(int)), {"route": routes, "year": [str(y) for y in years]}, dims)
    pub_s, audit_s = evidence.protect_all({"suspects": (suspects, dims)}, rules, where="case files",
                                          kind="magnitude", contributors={"suspects": contrib})
    step.write(pub_s.drop(columns="table").rename(columns={"value": "suspects"}), "suspects",
               schema=SUSPECTS_SCHEMA, key=KEYS["suspects"])
    both = pd.concat([evidence.audit_long(audit, ["table", *dims]), evidence.audit_long(audit_s, dims)],
                     ignore_index=True)
    step.write(both, "audit", schema=evidence.AUDIT_SCHEMA, key=KEYS["audit"])
    s1, s2 = disclosure.summary(published), disclosure.summary(pub_s)
    log.info("case files: %d count cells, primary %d, secondary %d; %d suspect cells, primary %d, dominance %d, "
             "secondary %d; narrowest audited interval %s (required %g)", s1["cells"], s1["primary"],
             s1["secondary"], s2["cells"], s2["primary"], s2["dominance"], s2["secondary"],
             f"{both['width'].min():g}" if len(both) else "none", rules.protection_interval)


def schema_of(output: str, spec=None):
    schemas = {"modus_operandi": MO_SCHEMA, "nexus": NEXUS_SCHEMA, "suspects": SUSPECTS_SCHEMA,
               "audit": evidence.AUDIT_SCHEMA}
    return schemas[output], KEYS[output]
