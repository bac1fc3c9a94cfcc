from medroutes import pipeline
from medroutes.smk import run

p = snakemake.params
run(snakemake, pipeline.figure, p.figure, snakemake.input[0], p.stem, data_label=snakemake.config["data_label"],
    **p.options)
