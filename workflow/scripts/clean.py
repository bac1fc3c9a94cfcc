from medroutes import pipeline
from medroutes.smk import run

out, p = snakemake.output, snakemake.params
run(snakemake, pipeline.clean, p.source, snakemake.input.provenance, out.clean, out.rejects, out.ledger,
    release=snakemake.config["release"], max_count=p.thresholds["max_count"], max_period=p.thresholds["max_period"])
