from medroutes import pipeline
from medroutes.smk import run

p = snakemake.params
run(snakemake, pipeline.route_year, snakemake.input[0], snakemake.output[0], release=snakemake.config["release"],
    routes=p.routes, first_year=p.years["first_year"], last_year=p.years["last_year"])
