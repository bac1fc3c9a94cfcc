from medroutes import pipeline
from medroutes.smk import run

out = snakemake.output
run(snakemake, pipeline.ledger, list(snakemake.input), out.parquet, out.csv, release=snakemake.config["release"])
