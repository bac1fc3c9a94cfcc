from medroutes import pipeline
from medroutes.smk import run

run(snakemake, pipeline.compare_table, snakemake.params.table, snakemake.input[0], list(snakemake.output),
    release=snakemake.config["release"], **snakemake.params.options)
