import hashlib
import http.server
import io
import os
import tarfile
import threading

import numpy as np
import pytest

from skrnn.datasets import download_imdb, get_data_home, load_imdb

REVIEWS = {
    ("train", "neg", 3, 2): "Bad.<br />Really bad.",
    ("train", "neg", 1, 4): "Dull film.",
    ("train", "pos", 10, 9): "Great!",
    ("train", "pos", 2, 7): "Good film, café.",
    ("test", "neg", 5, 1): "Awful.",
    ("test", "pos", 6, 10): "Superb.",
}


def _add(tar, name, data=b"", **attrs):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    for key, value in attrs.items():
        setattr(info, key, value)
    tar.addfile(info, io.BytesIO(data) if data else None)


def make_archive(path, extra=()):
    with tarfile.open(path, "w:gz") as tar:
        _add(tar, "aclImdb/README", b"readme")
        for (subset, label, rid, rating), text in REVIEWS.items():
            _add(tar, f"aclImdb/{subset}/{label}/{rid}_{rating}.txt", text.encode())
        for name, kwargs in extra:
            _add(tar, name, **kwargs)
    return path


def make_folder(root):
    for (subset, label, rid, rating), text in REVIEWS.items():
        folder = root / "aclImdb" / subset / label
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{rid}_{rating}.txt").write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("layout", ["archive", "folder"])
def test_reads_both_layouts_in_stable_order(tmp_path, layout):
    if layout == "archive":
        make_archive(tmp_path / "aclImdb_v1.tar.gz")
    else:
        make_folder(tmp_path)
    train = load_imdb("train", data_home=tmp_path, download_if_missing=False)
    assert train.data == ["Dull film.", "Bad.<br />Really bad.", "Good film, café.", "Great!"]
    assert train.target.tolist() == [0, 0, 1, 1]
    assert train.ratings.tolist() == [4, 2, 7, 9]
    assert train.target_names == ["neg", "pos"]
    assert "Maas" in train.DESCR
    X, y = load_imdb("all", data_home=tmp_path, return_X_y=True)
    assert len(X) == 6 and y.tolist() == [0, 0, 1, 1, 0, 1]


def test_archive_path_and_env_var(tmp_path, monkeypatch):
    archive = make_archive(tmp_path / "aclImdb_v1_labeled.tar.gz")
    assert len(load_imdb("test", data_home=archive).data) == 2
    monkeypatch.setenv("SKRNN_DATA_HOME", str(tmp_path))
    assert get_data_home() == tmp_path
    assert len(load_imdb("test", download_if_missing=False).data) == 2


def test_shuffle_is_seeded(tmp_path):
    make_archive(tmp_path / "aclImdb_v1.tar.gz")
    a = load_imdb("all", data_home=tmp_path, shuffle=True, random_state=1)
    b = load_imdb("all", data_home=tmp_path, shuffle=True, random_state=1)
    assert a.data == b.data and sorted(a.data) == sorted(load_imdb("all", data_home=tmp_path).data)
    assert [REVIEWS_BY_TEXT[t] for t in a.data] == a.target.tolist()


REVIEWS_BY_TEXT = {text: int(label == "pos") for (_, label, _, _), text in REVIEWS.items()}


def test_bad_subset(tmp_path):
    with pytest.raises(ValueError, match="subset"):
        load_imdb("validation", data_home=tmp_path)


def test_missing_without_download_says_how_to_fix(tmp_path):
    with pytest.raises(OSError, match="SKRNN_DATA_HOME"):
        load_imdb(data_home=tmp_path / "nothing", download_if_missing=False)


@pytest.mark.parametrize(
    "member, match",
    [
        (("../evil.txt", {"data": b"x"}), "unsafe member"),
        (("aclImdb/../../evil.txt", {"data": b"x"}), "unsafe member"),
        (("aclImdb/train/pos/99_9.txt", {"type": tarfile.SYMTYPE, "linkname": "/etc/passwd"}), "link"),
        (("aclImdb/link", {"type": tarfile.LNKTYPE, "linkname": "aclImdb/README"}), "link"),
    ],
)
def test_unsafe_archives_are_refused(tmp_path, member, match):
    archive = make_archive(tmp_path / "aclImdb_v1.tar.gz", extra=[member])
    with pytest.raises(ValueError, match=match):
        load_imdb(data_home=archive)


def test_truncated_archive_is_a_clear_error(tmp_path):
    good = make_archive(tmp_path / "good.tar.gz").read_bytes()
    bad = tmp_path / "bad" / "aclImdb_v1.tar.gz"
    bad.parent.mkdir()
    bad.write_bytes(good[: len(good) // 2])
    before = sorted(os.listdir(bad.parent))
    with pytest.raises(ValueError, match="truncated or corrupt"):
        load_imdb(data_home=bad.parent)
    assert sorted(os.listdir(bad.parent)) == before


# -- the download path, against a real HTTP server on 127.0.0.1 -------------------
class _Server:
    """Serves ``payload`` at /aclImdb_v1.tar.gz; ``cut`` bytes less on the first ``cuts`` requests."""

    def __init__(self, payload):
        self.payload = payload
        self.cuts = 0
        self.requests = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests += 1
                self.send_response(200)
                self.send_header("Content-Length", str(len(server.payload)))
                self.end_headers()
                body = server.payload
                if server.cuts > 0:
                    server.cuts -= 1
                    body = body[: len(body) // 2]
                self.wfile.write(body)
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/aclImdb_v1.tar.gz"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(tmp_path):
    payload = make_archive(tmp_path / "served.tar.gz").read_bytes()
    srv = _Server(payload)
    srv.sha256 = hashlib.sha256(payload).hexdigest()
    yield srv
    srv.close()


def test_download_verifies_caches_and_is_not_repeated(tmp_path, server):
    home = tmp_path / "home"
    bunch = load_imdb("train", data_home=home, url=server.url, sha256=server.sha256, verbose=False)
    assert len(bunch.data) == 4
    assert (home / "aclImdb_v1.tar.gz").read_bytes() == server.payload
    load_imdb("test", data_home=home, url=server.url, sha256=server.sha256, verbose=False)
    assert server.requests == 1
    assert os.listdir(home) == ["aclImdb_v1.tar.gz"]


def test_checksum_mismatch_leaves_nothing(tmp_path, server):
    home = tmp_path / "home"
    with pytest.raises(OSError, match="SHA-256"):
        load_imdb(data_home=home, url=server.url, sha256="0" * 64, verbose=False)
    assert os.listdir(home) == []


def test_cut_connection_leaves_nothing_and_retry_works(tmp_path, server):
    home = tmp_path / "home"
    server.cuts = 1
    with pytest.raises(OSError, match="broke off"):
        download_imdb(home, url=server.url, sha256=server.sha256, verbose=False)
    assert os.listdir(home) == []
    path = download_imdb(home, url=server.url, sha256=server.sha256, verbose=False)
    assert path.read_bytes() == server.payload


def test_no_network_error_is_one_clear_line(tmp_path):
    with pytest.raises(OSError, match="To work offline.*SKRNN_DATA_HOME") as info:
        load_imdb(data_home=tmp_path / "h", url="http://127.0.0.1:9/none.tar.gz", verbose=False)
    assert "\n" not in str(info.value)
    assert os.listdir(tmp_path / "h") == []


def test_unsafe_downloaded_archive_is_refused(tmp_path):
    payload = make_archive(tmp_path / "evil.tar.gz", extra=[("../../escape.txt", {"data": b"x"})]).read_bytes()
    srv = _Server(payload)
    try:
        with pytest.raises(ValueError, match="unsafe member"):
            load_imdb(
                data_home=tmp_path / "home", url=srv.url,
                sha256=hashlib.sha256(payload).hexdigest(), verbose=False,
            )
    finally:
        srv.close()
    assert not (tmp_path / "escape.txt").exists()


# -- the real dataset -------------------------------------------------------------
def test_real_imdb(imdb_home):
    train = load_imdb("train", data_home=imdb_home)
    test = load_imdb("test", data_home=imdb_home)
    assert len(train.data) == len(test.data) == 25_000
    assert np.bincount(train.target).tolist() == [12_500, 12_500]
    assert set(train.ratings[train.target == 0]) <= {1, 2, 3, 4}
    assert set(train.ratings[train.target == 1]) <= {7, 8, 9, 10}
    assert all(isinstance(d, str) and d for d in train.data[:100])
