"""The literature review's reference list (``config/literature/references.bib``): one row per public
work, under the stable key the tag sheet cites it by."""

from medroutes import literature
from medroutes.schema import described

INPUTS = {"references": "repo:config/literature/references.bib"}
CONFIG = []
LOCAL = True  # a table of the reference list: too small to submit
KEY = ["key"]
SCHEMA = described(literature.REFERENCES_SCHEMA, {
    "key": "citation key (BibTeX key or CSL id), cited by the tag sheet",
    "type": "BibTeX entry type (article, book, techreport, ...)",
    "title": "title, BibTeX markup removed",
    "author": "authors as 'Family, Given; ...' (an organisation as its name; editors marked '(ed.)')",
    "year": "year of publication",
    "venue": "journal, book, institution or publisher",
    "doi": "DOI without the resolver prefix, where the record has one",
    "url": "URL, where the record has one",
}, __name__)


def build(step):
    step.write(literature.read_references(step.input["references"]))
