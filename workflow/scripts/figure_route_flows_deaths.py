from medroutes import pipeline
from medroutes.smk import run

p = snakemake.params
run(snakemake, pipeline.figure_route_flows_deaths, snakemake.input[0], p.stem,
    route_labels=p.route_labels, data_label=p.data_label)
