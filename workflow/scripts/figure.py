from medroutes import pipeline
from medroutes.smk import run

p = snakemake.params
run(snakemake, pipeline.figure, p.figure, list(snakemake.input), p.stem, data_label=snakemake.config["data_label"],
    **p.options)
