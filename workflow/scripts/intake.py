from medroutes import pipeline
from medroutes.smk import run

run(snakemake, pipeline.intake, snakemake.params.source, snakemake.params.raw_dir, snakemake.output[0])
