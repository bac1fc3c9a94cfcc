from medroutes.notebooks import execute_to_html
from medroutes.smk import run

run(snakemake, execute_to_html, snakemake.input.notebook, snakemake.output[0], snakemake.params.parameters)
