from medroutes import pipeline
from medroutes.smk import run

p = snakemake.params
run(snakemake, pipeline.manifest, list(snakemake.input), snakemake.output[0], release=snakemake.config["release"],
    code_version=p.code_version, packages=p.packages)
