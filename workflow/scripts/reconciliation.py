from medroutes import pipeline
from medroutes.smk import run

run(snakemake, pipeline.reconciliation, snakemake.input[0], snakemake.output[0], release=snakemake.config["release"])
