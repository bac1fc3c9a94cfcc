from medroutes import pipeline
from medroutes.smk import run

out, p = snakemake.output, snakemake.params
run(snakemake, pipeline.data_dictionary, out.parquet, out.md, out.html, release=snakemake.config["release"],
    source_adapters=p.source_adapters, indicators=p.indicators, countries=p.countries, areas=p.areas)
