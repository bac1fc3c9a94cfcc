from medroutes import pipeline
from medroutes.smk import run

run(snakemake, pipeline.country_profile, snakemake.input[0], snakemake.output[0],
    release=snakemake.config["release"], country=snakemake.wildcards.country, roles=snakemake.params.roles)
