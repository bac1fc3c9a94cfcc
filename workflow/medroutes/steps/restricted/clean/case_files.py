"""Case files on investigated and dismantled smuggling networks (restricted working table): one
typed row per case of the supplied files (template config/templates/case_files.yaml), with its raw
row; its rejects and ledger (rows in = kept + rejected) come from the same job."""

from medroutes import evidence

EVIDENCE = "case_files"
INPUTS = {"raw": "restricted:case_files"}
OUTPUTS = {"parquet": "restricted/clean/case_files.parquet",
           "rejects": "restricted/clean/case_files.rejects.parquet",
           "ledger": "restricted/clean/case_files.ledger.json"}
CONFIG = ["@supplied:case_files", "@codebook", "@aliases", "@restricted_raw_dir", "areas", "routes",
          "countries", "restricted.years", "restricted.pseudonym_key_env", "restricted.synthetic_key"]
KEY = ["case_id"]


def build(step):
    evidence.clean_step(step, EVIDENCE)


def schema_of(output: str, spec=None):
    return evidence.clean_schema_of(EVIDENCE, output)
