"""National statistics supplied by the data holders (restricted working table): one typed row per
count of the supplied files (template config/templates/national_statistics.yaml), with its raw row;
its rejects and ledger come from the same job."""

from medroutes import evidence

EVIDENCE = "national_statistics"
INPUTS = {"raw": "restricted:national_statistics"}
OUTPUTS = {"parquet": "restricted/clean/national_statistics.parquet",
           "rejects": "restricted/clean/national_statistics.rejects.parquet",
           "ledger": "restricted/clean/national_statistics.ledger.json"}
CONFIG = ["@supplied:national_statistics", "@codebook", "@aliases", "@restricted_raw_dir", "areas", "routes",
          "countries", "restricted.years", "restricted.pseudonym_key_env", "restricted.synthetic_key"]
KEY = ["country", "agency", "indicator", "crime", "year", "sex", "age_group", "citizenship"]


def build(step):
    evidence.clean_step(step, EVIDENCE)


def schema_of(output: str, spec=None):
    return evidence.clean_schema_of(EVIDENCE, output)
