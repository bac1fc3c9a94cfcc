from medroutes import pipeline
from medroutes.resolve import CountryResolver
from medroutes.smk import run

p = snakemake.params
run(snakemake, pipeline.harmonise, p.source, snakemake.input[0], snakemake.output[0],
    release=snakemake.config["release"], routes=p.routes, resolver=CountryResolver(p.aliases, p.areas),
    indicators=p.indicators)
