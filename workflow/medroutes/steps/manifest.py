"""The release manifest: every output with sha256, bytes, rows, the rule and the code that made it
(every module's sha256, package versions) and its inputs' checksums; and the vintage of each source.
``medroutes verify`` checks a release against it, and against the code of the checkout it runs in."""

from pathlib import Path

from medroutes import codebase, plan
from medroutes import release as releasing
from medroutes.log import get_logger

log = get_logger(__name__)

INPUTS = {"outputs": "@outputs"}
OUTPUTS = {"json": "manifest.json"}
CONFIG = ["@source_adapters", "countries", "@code_version", "@packages", "@vintages"]
LOCAL = True  # reads the main process's .snakemake/metadata for each file's rule, inputs and code key


def build(step):
    c = step.config
    codebase.use_cache(Path(".snakemake") / "medroutes-code-cache.json")  # the parse's import analysis
    root = Path(step.output["json"]).parent
    files = step.input["outputs"]
    rels = [releasing._require_inside(root, f) for f in files]
    code = {rel: plan.code_of_output(rel, c["@source_adapters"], list(c["countries"])) for rel in rels}
    built = releasing.build_manifest(root, files, releasing.producers_from_snakemake(root), release=step.release,
                                     code_version=c["@code_version"], packages=c["@packages"],
                                     code={k: v for k, v in code.items() if v is not None},
                                     vintages=c["@vintages"])
    releasing.write_manifest(built, step.output["json"])
    log.info("manifest: %d files", len(built["files"]))
