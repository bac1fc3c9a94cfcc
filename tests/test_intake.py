import functools
import hashlib
import http.server
import threading

import pytest
from medroutes.errors import IntakeError
from medroutes.intake import check_all, check_file, provenance

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


@pytest.fixture
def http_server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    (root / "data.csv").write_bytes(PAYLOAD)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_download_is_opt_in_and_verified(tmp_path, http_server):
    raw = tmp_path / "raw"
    src = source(url=f"{http_server}/data.csv")
    with pytest.raises(IntakeError, match="download"):
        check_all({"demo_src": src}, raw, ["demo_src"])
    assert not (raw / "demo_src" / "data.csv").exists()
    check_all({"demo_src": src}, raw, ["demo_src"], allow_download=True)
    assert (raw / "demo_src" / "data.csv").read_bytes() == PAYLOAD


def test_download_of_wrong_bytes_fails_the_checksum(tmp_path, http_server):
    src = source(url=f"{http_server}/data.csv")
    src["files"][0]["sha256"] = "0" * 64
    with pytest.raises(IntakeError, match="checksum mismatch"):
        check_all({"demo_src": src}, tmp_path / "raw", ["demo_src"], allow_download=True)


def test_unreachable_url_is_a_clear_error(tmp_path, http_server):
    src = source(url=f"{http_server}/nope.csv")
    with pytest.raises(IntakeError, match="could not download"):
        check_all({"demo_src": src}, tmp_path / "raw", ["demo_src"], allow_download=True)
