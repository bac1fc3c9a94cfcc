"""Glue for ``script:`` rules: log to the rule's log file and the console, and turn the
pipeline's own errors into one readable message (no traceback) and a failed job."""

from __future__ import annotations

import logging
import sys

from .errors import MedroutesError
from .log import get_logger


def run(snakemake, fn, *args, **kwargs):
    root = get_logger("medroutes")
    handler = logging.FileHandler(snakemake.log[0], mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    logging.captureWarnings(True)
    try:
        return fn(*args, **kwargs)
    except MedroutesError as exc:
        root.error("%s", exc)
        sys.exit(1)
