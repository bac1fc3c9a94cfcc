"""Key-informant interviews, disclosure-controlled: for each code book theme, by study route
(``interviews.by_route``: an interview counts on every route it discussed) and by sector
(``interviews.by_sector``), the interviews behind the figure, how many answered yes, no or did not
discuss it, and the share of the interviews answering yes. A count below the threshold, and enough
others that it cannot be recomputed, is null (``suppressed`` says how many of the row's counts are);
the themes' tables are protected as one, since the interviews in a group are the same number in each.
No identifier, pseudonym, note or quote is in either table. The audit stays in the restricted folder."""

import pandas as pd
import pyarrow as pa

from medroutes import disclosure, evidence
from medroutes.io import read_parquet
from medroutes.log import get_logger
from medroutes.schema import described

log = get_logger(__name__)

EVIDENCE = "interviews"
INPUTS = {"interviews": "restricted/clean/interviews.parquet"}
OUTPUTS = {"by_route": "protected/interviews.by_route.parquet", "by_sector": "protected/interviews.by_sector.parquet",
           "audit": "restricted/protected/interviews.audit.parquet"}
CONFIG = ["@codebook", "routes", "disclosure"]
COUNTS = {"interviews": "interviews in the group (null: suppressed)",
          "yes": "interviews coding the theme yes (null: suppressed)",
          "no": "interviews coding it no (null: suppressed)",
          "not_discussed": "interviews where it was not discussed (null: suppressed)",
          "share_yes": "yes / interviews; null when either is suppressed",
          "suppressed": "how many of the row's four counts are suppressed"}


def _schema(group: str, doc: str) -> pa.Schema:
    return described(pa.schema([("theme", pa.string()), (group, pa.string()), ("interviews", pa.float64()),
                                ("yes", pa.float64()), ("no", pa.float64()), ("not_discussed", pa.float64()),
                                ("share_yes", pa.float64()), ("suppressed", pa.int64())]),
                     {"theme": "code book theme", group: doc, **COUNTS}, __name__)


SCHEMAS = {"by_route": _schema("route", "study route discussed"),
           "by_sector": _schema("sector", "code book sector of the informant; _T all sectors"),
           "audit": evidence.AUDIT_SCHEMA}
KEYS = {"by_route": ["theme", "route"], "by_sector": ["theme", "sector"], "audit": ["table", "cell"]}


def build(step):
    c = step.config
    rules = disclosure.Rules.from_config(c["disclosure"])
    book = c["@codebook"]
    interviews = read_parquet(step.input["interviews"])
    by_route, by_sector = evidence.interview_tables(interviews, list(book["themes"]), list(book["theme_answers"]),
                                                    list(c["routes"]), list(book["sectors"]))
    pub_r, audit_r = evidence.protect_themes(by_route, "route", rules, where="interviews by route")
    pub_s, audit_s = evidence.protect_themes(by_sector, "sector", rules, where="interviews by sector")
    step.write(evidence.prevalence(pub_r, "route"), "by_route", schema=SCHEMAS["by_route"], key=KEYS["by_route"])
    step.write(evidence.prevalence(pub_s, "sector"), "by_sector", schema=SCHEMAS["by_sector"], key=KEYS["by_sector"])
    audit = pd.concat([evidence.audit_long(audit_r.assign(table="by_route"), ["theme", "route", "answer"]),
                       evidence.audit_long(audit_s.assign(table="by_sector"), ["theme", "sector", "answer"])],
                      ignore_index=True)
    step.write(audit, "audit", schema=SCHEMAS["audit"], key=KEYS["audit"])
    for name, pub in (("by route", pub_r), ("by sector", pub_s)):
        s = disclosure.summary(pub)
        log.info("interviews %s: %d cells, primary %d, secondary %d", name, s["cells"], s["primary"], s["secondary"])
    log.info("interviews: narrowest audited interval %s (required %g)",
             f"{audit['width'].min():g}" if len(audit) else "none", rules.protection_interval)


def schema_of(output: str, spec=None):
    return SCHEMAS[output], KEYS[output]
