# Every generated rule runs this: the step module named by params.step builds the rule's outputs.
# Snakemake appends the script's folder to sys.path; put this checkout's package first, so a job
# runs the code its rule's code key was computed from, whichever medroutes is installed.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).resolve().parent))

from medroutes.runner import run_from_snakemake  # noqa: E402

run_from_snakemake(snakemake)
