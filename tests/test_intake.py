import functools
import hashlib
import http.server
import re
import threading
from pathlib import Path

import pytest
from medroutes.errors import IntakeError
from medroutes.intake import CHUNK, check_all, check_file, download, provenance, read_pinned

from .conftest import RAW

PAYLOAD = b"route,n\nCentral Mediterranean Route,3\n"
SHA = hashlib.sha256(PAYLOAD).hexdigest()


def source(url=None):
    f = {"name": "data.csv", "sha256": SHA, "bytes": len(PAYLOAD)}
    if url:
        f["url"] = url
    return {"id": "demo_src", "url": "https://publisher.example/data", "files": [f]}


def test_present_file_with_pinned_bytes_passes(tmp_path):
    (tmp_path / "demo_src").mkdir()
    (tmp_path / "demo_src" / "data.csv").write_bytes(PAYLOAD)
    record = provenance(source(), tmp_path)
    assert record["observed"][0]["sha256"] == SHA
    assert record["observed"][0]["bytes"] == len(PAYLOAD)
    assert record["source"]["id"] == "demo_src"


def test_missing_file_names_file_place_and_url(tmp_path):
    with pytest.raises(IntakeError) as err:
        check_file(tmp_path, source(), source()["files"][0])
    msg = str(err.value)
    assert "'data.csv'" in msg and str(tmp_path / "demo_src" / "data.csv") in msg
    assert "https://publisher.example/data" in msg and "MEDROUTES_RAW_DIR" in msg


def test_checksum_mismatch_names_both_hashes(tmp_path):
    (tmp_path / "demo_src").mkdir()
    bad = PAYLOAD.replace(b"3", b"4")
    (tmp_path / "demo_src" / "data.csv").write_bytes(bad)
    with pytest.raises(IntakeError) as err:
        check_all({"demo_src": source()}, tmp_path, ["demo_src"])
    msg = str(err.value)
    assert SHA in msg and hashlib.sha256(bad).hexdigest() in msg and "data.csv" in msg


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the fixture folder; ``/huge.csv`` is an endless body (a hostile or broken server)."""

    def log_message(self, *args):
        self.server.requests.append(self.path)

    def do_GET(self):
        if self.path == "/huge.csv":
            self.send_response(200)
            self.end_headers()
            block = b"x" * (1 << 16)
            try:
                for _ in range(800):  # 50 MiB, unless the client hangs up first
                    self.wfile.write(block)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        super().do_GET()


@pytest.fixture
def http_server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    (root / "data.csv").write_bytes(PAYLOAD)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Handler, directory=str(root)))
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_download_is_opt_in_and_verified(tmp_path, http_server):
    raw = tmp_path / "raw"
    src = source(url=f"{http_server.url}/data.csv")
    with pytest.raises(IntakeError, match="download"):
        check_all({"demo_src": src}, raw, ["demo_src"])
    # opted in, start-up only lists what the download rule will fetch: it fetches nothing itself
    assert check_all({"demo_src": src}, raw, ["demo_src"], allow_download=True) == [("demo_src", src["files"][0])]
    assert not (raw / "demo_src" / "data.csv").exists() and http_server.requests == []
    download(src["files"][0]["url"], raw / "demo_src" / "data.csv", sha256=SHA, size=len(PAYLOAD))
    assert (raw / "demo_src" / "data.csv").read_bytes() == PAYLOAD
    assert check_all({"demo_src": src}, raw, ["demo_src"], allow_download=True) == []


def test_download_of_wrong_bytes_fails_the_checksum_and_leaves_nothing(tmp_path, http_server):
    dest = tmp_path / "raw" / "demo_src" / "data.csv"
    with pytest.raises(IntakeError, match="checksum mismatch") as err:
        download(f"{http_server.url}/data.csv", dest, sha256="0" * 64, size=len(PAYLOAD))
    assert SHA in str(err.value) and "nothing was saved" in str(err.value)
    assert leftovers(dest.parent) == []


def test_a_download_over_the_pinned_size_stops_early_and_leaves_nothing(tmp_path, http_server):
    """Issue 9, case 2: a 50 MiB body served for a 38-byte entry is cut off, and nothing is kept."""
    dest = tmp_path / "raw" / "demo_src" / "data.csv"
    with pytest.raises(IntakeError, match="more than the pinned 38 bytes") as err:
        download(f"{http_server.url}/huge.csv", dest, sha256=SHA, size=len(PAYLOAD))
    stopped_at = int(re.search(r"stopped reading at (\d+)", str(err.value)).group(1))
    assert stopped_at <= CHUNK + len(PAYLOAD)  # one read past the pin, not the 50 MiB
    assert leftovers(dest.parent) == []


def test_unreachable_url_is_a_clear_error(tmp_path, http_server):
    dest = tmp_path / "raw" / "demo_src" / "nope.csv"
    with pytest.raises(IntakeError, match="could not download"):
        download(f"{http_server.url}/nope.csv", dest, sha256=SHA, size=len(PAYLOAD))
    assert leftovers(dest.parent) == []


@pytest.mark.parametrize("name", ["/etc/passwd", "../../../../../x.csv", "sub/../../x.csv", "..", "C:\\x.csv"])
def test_a_registry_name_outside_the_source_folder_is_refused(tmp_path, name):
    """Issue 9, case 2: absolute names and '..' parts never reach the disk."""
    entry = {"name": name, "sha256": SHA, "bytes": len(PAYLOAD)}
    with pytest.raises(IntakeError, match="registry file name .* of source 'demo_src'"):
        check_file(tmp_path, {"id": "demo_src", "files": [entry]}, entry)


def test_a_registry_name_that_resolves_outside_through_a_symlink_is_refused(tmp_path):
    (tmp_path / "demo_src").mkdir()
    (tmp_path / "elsewhere.csv").write_bytes(PAYLOAD)
    (tmp_path / "demo_src" / "data.csv").symlink_to(tmp_path / "elsewhere.csv")
    with pytest.raises(IntakeError, match="outside the source's folder"):
        check_file(tmp_path, source(), source()["files"][0])


def test_a_file_over_its_pinned_size_is_refused_unread(tmp_path):
    """Issue 9, case 9."""
    (tmp_path / "demo_src").mkdir()
    (tmp_path / "demo_src" / "data.csv").write_bytes(PAYLOAD + b"x" * 100)
    with pytest.raises(IntakeError, match=r"138 bytes, over its pinned size of 38 bytes"):
        check_file(tmp_path, source(), source()["files"][0])


def test_the_bytes_parsed_are_the_bytes_intake_checked(tmp_path):
    """Issue 9, case 1: a file edited after the provenance record is refused when read for parsing."""
    (tmp_path / "demo_src").mkdir()
    path = tmp_path / "demo_src" / "data.csv"
    path.write_bytes(PAYLOAD)
    record = provenance(source(), tmp_path)["observed"][0]
    assert read_pinned(record) == PAYLOAD
    edited = PAYLOAD.replace(b"3", b"4")
    path.write_bytes(edited)
    with pytest.raises(IntakeError) as err:
        read_pinned(record)
    msg = str(err.value)
    assert "not the bytes intake checked" in msg and SHA in msg and hashlib.sha256(edited).hexdigest() in msg


def test_a_raw_file_edited_after_intake_stops_its_clean_step(tmp_path, monkeypatch):
    """Issue 9, case 1, as the issue reproduces it: the provenance record is written, then Italy 2016
    is edited in population.csv; the clean step refuses to parse the edited bytes, naming both hashes."""
    import shutil

    import yaml
    from medroutes import plan, runner

    from .conftest import RAW, REPO, load_config

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    from snakemake.utils import update_config

    cfg = load_config()
    update_config(cfg, yaml.safe_load((REPO / "config" / "demo.yaml").read_text(encoding="utf-8")))
    cfg["raw_dir"] = str(raw)
    monkeypatch.delenv("MEDROUTES_RAW_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    study = plan.Study.load(cfg, REPO, code_version="test", packages={})
    steps = {s.name: s for s in plan.steps()}

    def run(name):
        s, w = steps[name], {"source": "population"}
        return runner.run(name, study.inputs(s, w), study.outputs(s, w), study.config_of(s, w),
                          release="demo", release_dir=study.release_dir, wildcards=w)

    run("intake/source")
    target = raw / "population" / "population.csv"
    pinned = hashlib.sha256(target.read_bytes()).hexdigest()
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("Italy,") and ",2016," in line)
    lines[row] = re.sub(r",\d+(\s*)$", r",1\1", lines[row])
    target.write_text("".join(lines), encoding="utf-8")
    edited = hashlib.sha256(target.read_bytes()).hexdigest()
    with pytest.raises(IntakeError) as err:
        run("clean/source")
    assert pinned in str(err.value) and edited in str(err.value) and "changed after intake" in str(err.value)
    assert not (tmp_path / study.release_dir / "clean" / "population.parquet").exists()


def test_an_xlsx_that_inflates_out_of_proportion_is_refused_before_parsing(tmp_path):
    """Issue 9, case 9: a zip bomb stops with a named error, before the workbook reader sees it."""
    import io
    import zipfile

    from medroutes.adapters._common import check_zip_ratio
    from medroutes.errors import InputError

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (8 << 20))  # 8 MiB of one byte: packs ~1000x
    path = tmp_path / "bomb.xlsx"
    with pytest.raises(InputError, match=r"part 'xl/worksheets/sheet1.xml' unpacks [\d,]+x .* over the 100x "
                                         r"limit \(a zip bomb\?\); not parsed"):
        check_zip_ratio(path, buf.getvalue())
    check_zip_ratio(path, (RAW / "unodc_glotip" / "data_glotip.xlsx").read_bytes())  # a real layout passes
