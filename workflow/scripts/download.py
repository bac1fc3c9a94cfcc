# The download rule (download: true, a registered file missing at start-up): fetch, check, rename.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).resolve().parent))

from medroutes.runner import download_from_snakemake  # noqa: E402

download_from_snakemake(snakemake)
