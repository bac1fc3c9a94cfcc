"""Restricted evidence: which data holders' files this run has, the pseudonym key, and pseudonyms.

A restricted source is registered in ``config/sources.yaml`` with ``access: restricted`` and no files;
its files are pinned in the local, git-ignored overlay (``restricted.overlay``). Unpinned, it is "not
supplied": the run goes on without it and says so once. Its working outputs stay in the restricted
folder; a public output comes from them only through disclosure control (``steps/protected/``).
"""

from __future__ import annotations

import hashlib
import hmac
import os

from .errors import ConfigError

PSEUDONYM_PREFIX = "KI-"
PSEUDONYM_HEX = 16  # 64 bits of the HMAC: collisions are negligible for a study's few hundred informants


def not_supplied_note(study) -> str | None:
    """The one message naming every registered restricted source that is not supplied."""
    missing = [sid for sid, ok in study.supplied.items() if not ok]
    if not missing:
        return None
    return (f"restricted sources not supplied (the run goes on without them): {', '.join(missing)}. To supply "
            f"one, put its files in {study.restricted_raw_dir}/<source_id>/ and pin them in "
            f"{study.config['restricted']['overlay']} (README: Restricted evidence).")


SYNTHETIC_PREFIX = "SYNTHETIC_"


def unread_note(study) -> str | None:
    """Supplied restricted sources of an evidence type no step reads yet: verified, kept, not used."""
    read = {s.evidence for s in study.steps() if s.evidence}
    unread = [sid for sid, ok in study.supplied.items() if ok and study.registry[sid].get("evidence") not in read]
    if not unread:
        return None
    return (f"restricted sources supplied and verified but read by no step yet: {', '.join(unread)} (the public "
            "evidence map is built from config/literature/ only); their files stay where they are, unpublished.")


def pseudonym_key(config: dict, supplied_files: list[str] = ()) -> bytes:
    """The HMAC key for informant identifiers, from the environment variable config names; or, when
    every supplied restricted file is SYNTHETIC example data, the config's ``restricted.synthetic_key``
    (so the demo runs without a secret, and a real file can never be hashed under a committed key)."""
    var = config["restricted"]["pseudonym_key_env"]
    key = os.environ.get(var, "")
    synthetic = config["restricted"].get("synthetic_key")
    if not key and synthetic and supplied_files and all(
            os.path.basename(f).startswith(SYNTHETIC_PREFIX) for f in supplied_files):
        return synthetic.encode("utf-8")
    if not key:
        raise ConfigError(
            f"interview data is supplied but ${var} is not set: informant identifiers are pseudonymised with "
            f"a keyed hash (HMAC-SHA-256) whose key comes only from the environment. Set {var} to the study's "
            f"secret key (never commit it) and rerun.")
    return key.encode("utf-8")


def check_key(study) -> None:
    """Stop at start-up, before any job, when interviews are supplied without the key."""
    if study.supplied_of("interviews"):
        pseudonym_key(study.config, supplied_file_names(study))


def supplied_file_names(study) -> list[str]:
    return [f["name"] for sid, ok in study.supplied.items() if ok for f in study.registry[sid]["files"]]


def pseudonymise(key: bytes, identifier: str) -> str:
    """A stable pseudonym for an informant identifier: HMAC-SHA-256 under the study key, truncated.
    Without the key it cannot be recomputed from a guessed identifier, unlike a plain hash."""
    digest = hmac.new(key, identifier.strip().encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX]
