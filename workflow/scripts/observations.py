from medroutes import pipeline
from medroutes.smk import run

run(snakemake, pipeline.combine, list(snakemake.input), snakemake.output[0], release=snakemake.config["release"])
