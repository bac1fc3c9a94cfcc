"""Restricted sources: registered without files, pinned only through the local overlay, verified like
any raw file when supplied, reported once when not; informant identifiers pseudonymised with a key
that only the environment holds."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
import yaml
from medroutes import plan, restricted
from medroutes.config import load_registry
from medroutes.errors import ConfigError, IntakeError
from medroutes.intake import check_all

from .conftest import REPO, load_config

STUDY_COUNTRIES = ["NGA", "NER", "SEN", "MAR", "TUN", "LBY", "ITA", "ESP"]


def study(tmp_path, monkeypatch, overlay: dict | None = None, **restricted_cfg) -> plan.Study:
    cfg = load_config()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MEDROUTES_RESTRICTED_DIR", raising=False)
    cfg["restricted"] = {**cfg["restricted"], "overlay": str(tmp_path / "sources.local.yaml"),
                         "raw_dir": str(tmp_path / "restricted-raw"), **restricted_cfg}
    if overlay is not None:
        (tmp_path / "sources.local.yaml").write_text(yaml.safe_dump(overlay), encoding="utf-8")
    return plan.Study.load(cfg, REPO, code_version="test", packages={})


def test_the_registry_has_a_restricted_entry_per_country_and_one_per_other_evidence_type():
    reg = load_registry(REPO / "config" / "sources.yaml")
    restricted_ = {k: v for k, v in reg.items() if v.get("access") == "restricted"}
    natstat = sorted(c for v in restricted_.values() if v["evidence"] == "national_statistics" for c in v["countries"])
    assert natstat == sorted(STUDY_COUNTRIES)
    assert sorted(v["evidence"] for v in restricted_.values() if v["evidence"] != "national_statistics") == [
        "case_files", "interviews", "literature"]
    # nothing about a data holder's file is committed: no name, no pin
    assert all(v["files"] == [] for v in restricted_.values())


def test_a_restricted_entry_that_pins_a_file_in_the_registry_is_refused(tmp_path):
    reg = yaml.safe_load((REPO / "config" / "sources.yaml").read_text(encoding="utf-8"))
    entry = next(s for s in reg["sources"] if s.get("access") == "restricted")
    entry["files"] = [{"name": "cases.xlsx", "sha256": "0" * 64, "bytes": 1}]
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(reg), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sources\.\d+\.files: .* is expected to be empty"):
        load_registry(path)


def test_without_an_overlay_nothing_is_supplied_and_one_note_names_every_restricted_source(tmp_path, monkeypatch):
    s = study(tmp_path, monkeypatch)
    assert s.restricted_sources and not any(s.supplied.values())
    note = restricted.not_supplied_note(s)
    assert all(sid in note for sid in s.restricted_sources) and note.count("not supplied") == 1
    # a step of an evidence type nobody supplied is not in the run; the others are
    some = plan.steps()[0]
    assert s.active(some) and not s.active(replace(some, evidence="case_files"))


def pin(path) -> dict:
    data = path.read_bytes()
    return {"name": path.name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def supplied(tmp_path, monkeypatch, sid: str, name: str, text: str) -> tuple[plan.Study, object]:
    """A study whose overlay pins one synthetic file of restricted source ``sid``."""
    folder = tmp_path / "restricted-raw" / sid
    folder.mkdir(parents=True)
    (folder / name).write_text(text, encoding="utf-8")
    return study(tmp_path, monkeypatch, {"sources": [{"id": sid, "files": [pin(folder / name)]}]}), folder


def test_a_supplied_file_is_read_from_the_restricted_folder_and_verified(tmp_path, monkeypatch):
    s, folder = supplied(tmp_path, monkeypatch, "case_files_dcis", "SYNTHETIC_cases.csv", "case_id\nSYN-1\n")
    assert s.supplied["case_files_dcis"] and s.supplied_of("case_files") == ["case_files_dcis"]
    assert s.raw_files("case_files_dcis") == [str(folder / "SYNTHETIC_cases.csv")]
    assert s.inputs(replace(plan.steps()[0], inputs={"raw": "restricted:case_files"}), {}) == {
        "raw": [str(folder / "SYNTHETIC_cases.csv")]}
    check_all(s.registry, s.restricted_raw_dir, ["case_files_dcis"])
    (folder / "SYNTHETIC_cases.csv").write_text("case_id\nSYN-2\n", encoding="utf-8")
    with pytest.raises(IntakeError, match="checksum mismatch .*SYNTHETIC_cases.csv"):
        check_all(s.registry, s.restricted_raw_dir, ["case_files_dcis"])


def test_restricted_outputs_and_their_logs_live_outside_the_public_release(tmp_path, monkeypatch):
    s = study(tmp_path, monkeypatch, out_dir="restricted-out")
    release = s.config["release"]
    assert s.path("restricted/clean/case_files.parquet") == f"restricted-out/{release}/clean/case_files.parquet"
    assert s.path("protected/x.parquet") == f"{s.release_dir}/protected/x.parquet"
    step = replace(plan.steps()[0], name="restricted/clean/case_files")
    assert step.log == "restricted/logs/clean/case_files.log"
    assert step.benchmark == "restricted/benchmarks/clean/case_files.tsv"


@pytest.mark.parametrize("overlay, message", [
    ({"sources": [{"id": "frontex_ibc", "files": [{"name": "x.rda", "sha256": "0" * 64, "bytes": 1}]}]},
     "pins files of 'frontex_ibc', a public source"),
    ({"sources": [{"id": "nobody", "files": [{"name": "x.csv", "sha256": "0" * 64, "bytes": 1}]}]},
     "pins files of 'nobody', which is not a registered source"),
    ({"sources": [{"id": "case_files_dcis", "files": [{"name": "../x.csv", "sha256": "0" * 64, "bytes": 1}]}]},
     r"sources\.0\.files\.0\.name"),
])
def test_an_overlay_can_only_pin_registered_restricted_sources_inside_their_folder(tmp_path, monkeypatch, overlay,
                                                                                 message):
    with pytest.raises(ConfigError, match=message):
        study(tmp_path, monkeypatch, overlay)


def test_interviews_supplied_without_the_key_stop_the_run_naming_the_variable(tmp_path, monkeypatch):
    s, _ = supplied(tmp_path, monkeypatch, "interviews_ki", "SYNTHETIC_interviews.csv", "informant_id\nSYN-KI-001\n")
    monkeypatch.delenv("MEDROUTES_PSEUDONYM_KEY", raising=False)
    with pytest.raises(ConfigError, match=r"interview data is supplied but \$MEDROUTES_PSEUDONYM_KEY is not set"):
        restricted.check_key(s)
    monkeypatch.setenv("MEDROUTES_PSEUDONYM_KEY", "synthetic-test-key")
    restricted.check_key(s)


def test_pseudonyms_are_keyed_stable_and_reveal_nothing_of_the_identifier():
    a = restricted.pseudonymise(b"key-one", "SYN-KI-001")
    assert a == restricted.pseudonymise(b"key-one", " SYN-KI-001 ")
    assert a != restricted.pseudonymise(b"key-two", "SYN-KI-001")
    assert a != restricted.pseudonymise(b"key-one", "SYN-KI-002")
    assert a.startswith("KI-") and "SYN" not in a and len(a) == 3 + restricted.PSEUDONYM_HEX
    # a plain hash of the identifier is not the pseudonym (it could be recomputed by guessing ids)
    assert hashlib.sha256(b"SYN-KI-001").hexdigest()[:16] not in a


def test_the_overlay_and_the_restricted_folders_are_git_ignored():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    cfg = load_config()["restricted"]
    # anchored at the repository root: a bare "restricted/" would also hide steps/restricted/
    assert f"/{cfg['overlay']}" in ignored
    assert f"/{cfg['out_dir']}/" in ignored and f"/{cfg['raw_dir']}/" in ignored


def test_a_supplied_source_no_step_reads_is_named_not_silently_ignored(tmp_path, monkeypatch):
    from medroutes.restricted import unread_note

    s, _ = supplied(tmp_path, monkeypatch, "literature_matrix", "SYNTHETIC_tags.csv", "key\nx\n")
    assert unread_note(s).startswith("restricted sources supplied and verified but read by no step yet: "
                                     "literature_matrix")
    s, _ = supplied(tmp_path, monkeypatch, "case_files_dcis", "SYNTHETIC_cases.csv", "case_id\nSYN-1\n")
    assert unread_note(s) is None
