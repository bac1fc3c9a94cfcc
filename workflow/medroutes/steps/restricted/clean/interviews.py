"""Key-informant interview coding (restricted working table): one row per interview of the supplied
coding sheets (template config/templates/interviews.yaml), the informant identifier replaced by its
HMAC-SHA-256 pseudonym as it is read; its rejects (identifiers and free text withheld) and ledger
come from the same job."""

from medroutes import evidence

EVIDENCE = "interviews"
INPUTS = {"raw": "restricted:interviews"}
OUTPUTS = {"parquet": "restricted/clean/interviews.parquet",
           "rejects": "restricted/clean/interviews.rejects.parquet",
           "ledger": "restricted/clean/interviews.ledger.json"}
CONFIG = ["@supplied:interviews", "@codebook", "@aliases", "@restricted_raw_dir", "areas", "routes",
          "countries", "restricted.years", "restricted.pseudonym_key_env", "restricted.synthetic_key"]
KEY = ["informant_id", "month"]


def build(step):
    evidence.clean_step(step, EVIDENCE)


def schema_of(output: str, spec=None):
    return evidence.clean_schema_of(EVIDENCE, output)
