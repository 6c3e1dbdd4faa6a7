import hashlib
import http.server
import threading
from functools import partial

import pytest

from deepresolve.download import DownloadError, fetch, file_hash

PAYLOAD = b"chr1:0-5 ACGTA 1\nchr1:5-10 TTTTG 0\n" * 50
MD5 = "md5:" + hashlib.md5(PAYLOAD).hexdigest()


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves ``good`` intact, ``truncated`` cut short of its Content-Length, and counts hits."""

    hits: dict = {}

    def do_GET(self):  # noqa: N802 - http.server API
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == "/good":
            body, length = PAYLOAD, len(PAYLOAD)
        elif self.path == "/truncated":
            body, length = PAYLOAD[:100], len(PAYLOAD)
        elif self.path == "/flaky" and Handler.hits[self.path] < 3:
            self.send_error(503)
            return
        elif self.path == "/flaky":
            body, length = PAYLOAD, len(PAYLOAD)
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_fetch_verifies_checksum_and_reuses_good_file(server, tmp_path):
    out = fetch(f"{server}/good", tmp_path / "a.data", known_hash=MD5, backoff=0)
    assert out.read_bytes() == PAYLOAD
    hits = Handler.hits["/good"]
    fetch(f"{server}/good", out, known_hash=MD5, backoff=0)
    assert Handler.hits["/good"] == hits  # verified copy reused, no new request
    assert file_hash(out, "md5") == MD5


def test_wrong_checksum_is_rejected_and_nothing_left(server, tmp_path):
    with pytest.raises(DownloadError, match=r"(?s)could not fetch .*/good.*md5"):
        fetch(f"{server}/good", tmp_path / "b.data", known_hash="md5:" + "0" * 32, retries=2,
              backoff=0)  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_truncated_transfer_is_detected(server, tmp_path):
    with pytest.raises(DownloadError, match="attempt 2"):
        fetch(f"{server}/truncated", tmp_path / "c.data", retries=2, backoff=0, timeout=5)
    assert list(tmp_path.iterdir()) == []


def test_retries_until_the_server_answers(server, tmp_path):
    out = fetch(f"{server}/flaky", tmp_path / "d.data", retries=3, backoff=0)
    assert out.read_bytes() == PAYLOAD and Handler.hits["/flaky"] == 3


def test_corrupt_existing_file_is_replaced(server, tmp_path):
    target = tmp_path / "e.data"
    target.write_bytes(PAYLOAD[:-10])  # a partial earlier download
    fetch(f"{server}/good", target, known_hash=MD5, backoff=0)
    assert target.read_bytes() == PAYLOAD


def test_content_validation_without_checksum(tmp_path):
    src = tmp_path / "src.data"
    src.write_bytes(b"not the right format\n")

    def must_have_three_columns(path):
        for i, line in enumerate(path.read_text().splitlines(), 1):
            if len(line.split()) != 3:
                raise ValueError(f"{path.name}: line {i} has {len(line.split())} columns")

    with pytest.raises(DownloadError, match="line 1 has 4 columns"):
        fetch(src.as_uri(), tmp_path / "out" / "f.data", validate=must_have_three_columns,
              retries=1)  # fmt: skip
    assert list((tmp_path / "out").iterdir()) == []
    src.write_bytes(PAYLOAD)
    out = fetch(src.as_uri(), tmp_path / "out" / "f.data", validate=must_have_three_columns)
    assert out.read_bytes() == PAYLOAD


def test_md5sum_listing_checks_each_listed_file(tmp_path):
    """A folder's md5sum.txt is itself a download (format-checked); every file is then
    checked against the md5 it lists."""
    from deepresolve.download import fetch_listed, read_checksums

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.narrowPeak.gz").write_bytes(PAYLOAD)
    (src / "md5sum.txt").write_text(f"{MD5[4:]}  a.narrowPeak.gz\n{'0' * 32} *b.narrowPeak.gz\n\n")
    listing = fetch(
        (src / "md5sum.txt").as_uri(), tmp_path / "dl" / "md5sum.txt",
        validate=lambda p: read_checksums(p, "md5"),
    )  # fmt: skip
    assert read_checksums(listing) == {"a.narrowPeak.gz": MD5[4:], "b.narrowPeak.gz": "0" * 32}
    out = fetch_listed((src / "a.narrowPeak.gz").as_uri(), tmp_path / "dl" / "a.gz", listing)
    assert out.read_bytes() == PAYLOAD
    (src / "b.narrowPeak.gz").write_bytes(PAYLOAD)  # not the listed md5
    with pytest.raises(DownloadError, match="md5"):
        fetch_listed(
            (src / "b.narrowPeak.gz").as_uri(), tmp_path / "dl" / "b.gz", listing, retries=1
        )
    with pytest.raises(KeyError, match=r"md5sum\.txt lists no md5 for 'c\.narrowPeak\.gz'"):
        fetch_listed((src / "c.narrowPeak.gz").as_uri(), tmp_path / "dl" / "c.gz", listing)
    assert sorted(p.name for p in (tmp_path / "dl").iterdir()) == ["a.gz", "md5sum.txt"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("not a listing\n", "line 1 is not '<md5>  <file name>'"),
        (f"{'0' * 31}  a.gz\n", "line 1"),
        (f"{'0' * 32}\n", "line 1"),
        ("\n\n", "lists no files"),
    ],
)
def test_bad_checksum_listing_is_named(tmp_path, text, message):
    from deepresolve.download import read_checksums

    path = tmp_path / "md5sum.txt"
    path.write_text(text)
    with pytest.raises(ValueError, match=rf"md5sum\.txt: {message}"):
        read_checksums(path, "md5")
    (tmp_path / "SHA256SUMS").write_text(f"{'a' * 64}  ./zeng/x/test.data\n")
    assert read_checksums(tmp_path / "SHA256SUMS", "sha256") == {"./zeng/x/test.data": "a" * 64}
