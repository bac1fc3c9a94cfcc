from medroutes import pipeline
from medroutes.smk import run

run(snakemake, pipeline.availability, snakemake.input[0], snakemake.output[0],
    release=snakemake.config["release"], countries=snakemake.params.countries)
