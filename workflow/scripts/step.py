# Every generated rule runs this: the step module named by params.step builds the rule's outputs.
from medroutes.runner import run_from_snakemake

run_from_snakemake(snakemake)
