"""Published media served by sava itself (issue 11): GET and HEAD /media/<slug>/<name>
from DIR/media, with the type from sava's table, ranges, validators, a year's cache,
and nothing else under /media/ (no listing, no traversal, no links followed)."""

import hashlib
import os
import re
import time

import pytest

from conftest import (HTTP_TIMEOUT, _teardown, assert_security_headers, header_values, raw_request,
                      start_instance)

SLUG = "appeal-1"
SIZE = 100_000
DATA = os.urandom(SIZE)
HOUR = "public, max-age=3600"
ETAG_RE = re.compile(r'^"[0-9a-f]{32}"$')


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """One instance for this module; DIR/media is made after it started, as the domain
    makes it with the first file it publishes."""
    inst = start_instance(tmp_path_factory.mktemp("media"))
    folder = inst.dir / "media" / SLUG
    folder.mkdir(parents=True)
    (folder / "video.mp4").write_bytes(DATA)
    try:
        yield inst
    finally:
        _teardown(inst)


def put(inst, name, data, slug=SLUG):
    folder = inst.dir / "media" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return f"/media/{slug}/{name}"


URL = f"/media/{SLUG}/video.mp4"


# ---------------------------------------------------------------- whole files

def test_full_get(media):
    r = media.get(URL)
    assert r.status_code == 200
    assert r.content == DATA
    assert r.headers["Content-Type"] == "video/mp4"
    assert r.headers["Content-Length"] == str(SIZE)
    assert header_values(r, "X-Content-Type-Options") == ["nosniff"]
    assert header_values(r, "Cache-Control") == [HOUR]
    assert header_values(r, "Accept-Ranges") == ["bytes"]
    assert header_values(r, "Content-Disposition") == ["inline"]
    assert ETAG_RE.match(r.headers["ETag"]), r.headers["ETag"]
    assert re.match(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$", r.headers["Last-Modified"])
    assert "Set-Cookie" not in r.headers
    assert_security_headers(r, cache="media")


def test_etag_stable_and_opaque(media):
    a, b = media.get(URL), media.get(URL)
    assert a.headers["ETag"] == b.headers["ETag"]
    st = os.stat(media.dir / "media" / SLUG / "video.mp4")
    for fact in (st.st_ino, st.st_size, int(st.st_mtime)):
        assert str(fact) not in a.headers["ETag"]
    # another file, another tag
    other = put(media, "other.mp4", DATA)
    assert media.get(other).headers["ETag"] != a.headers["ETag"]


@pytest.mark.parametrize("name,ctype,disposition", [
    ("poster.jpg", "image/jpeg", ["inline"]),
    ("subs.en.vtt", "text/vtt; charset=utf-8", []),
    ("subs_ru-1.srt", "application/x-subrip", []),
    ("clip.mp4", "video/mp4", ["inline"]),
])
def test_type_from_table(media, name, ctype, disposition):
    # bytes that a sniffer would call HTML: the table decides, and nosniff says so
    body = b"<html><script>alert(1)</script>" + name.encode()
    r = media.get(put(media, name, body))
    assert r.status_code == 200
    assert r.content == body
    assert header_values(r, "Content-Type") == [ctype]
    assert header_values(r, "Content-Disposition") == disposition
    assert header_values(r, "X-Content-Type-Options") == ["nosniff"]


def test_empty_file(media):
    url = put(media, "empty.vtt", b"")
    r = media.get(url)
    assert r.status_code == 200 and r.content == b""
    # no range of an empty file can be written: the whole (empty) file
    r = media.get(url, headers={"Range": "bytes=0-10"})
    assert r.status_code == 200 and r.content == b""


# ---------------------------------------------------------------- ranges

@pytest.mark.parametrize("spec,first,last", [
    ("bytes=0-99", 0, 99),                    # first bytes
    ("bytes=1000-1999", 1000, 1999),          # middle
    ("bytes=-500", SIZE - 500, SIZE - 1),     # suffix
    ("bytes=99000-", 99000, SIZE - 1),        # open-ended
    ("bytes=5-5", 5, 5),                      # one byte
    ("bytes=0-9999999", 0, SIZE - 1),         # last past the end: cut to it
    ("bytes=-9999999", 0, SIZE - 1),          # suffix longer than the file
    ("BYTES=10-19", 10, 19),                  # the unit is case-insensitive
])
def test_range(media, spec, first, last):
    r = media.get(URL, headers={"Range": spec})
    assert r.status_code == 206, spec
    assert r.content == DATA[first:last + 1]
    assert r.headers["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert r.headers["Content-Length"] == str(last - first + 1)
    assert r.headers["Content-Type"] == "video/mp4"
    assert header_values(r, "Cache-Control") == [HOUR]
    assert ETAG_RE.match(r.headers["ETag"])


@pytest.mark.parametrize("spec", [f"bytes={SIZE}-", f"bytes={SIZE + 5}-{SIZE + 10}", "bytes=-0"])
def test_range_unsatisfiable(media, spec):
    r = media.get(URL, headers={"Range": spec})
    assert r.status_code == 416, spec
    assert r.headers["Content-Range"] == f"bytes */{SIZE}"
    assert r.content == b""
    assert_security_headers(r)


@pytest.mark.parametrize("spec", [
    "bytes=abc", "bytes=5-2", "bytes=", "bytes=-", "bytes=1-2-3", "items=0-1", "0-1", "bytes=+1-2",
    "bytes=0x10-20", "bytes=99999999999999999999999-", "bytes = 0-1;",
    "bytes=0-1,5-6",   # several ranges: the whole file, by choice (files.c)
])
def test_range_ignored(media, spec):
    r = media.get(URL, headers={"Range": spec})
    assert r.status_code == 200, spec
    assert r.content == DATA
    assert "Content-Range" not in r.headers


# ---------------------------------------------------------------- validators

def test_if_none_match(media):
    etag = media.get(URL).headers["ETag"]
    for inm in (etag, f"W/{etag}", f'"nope", {etag}', "*"):
        r = media.get(URL, headers={"If-None-Match": inm})
        assert r.status_code == 304, inm
        assert r.content == b""
        assert r.headers["ETag"] == etag
        assert header_values(r, "Cache-Control") == [HOUR]
    for inm in ('"nope"', etag[:-2] + '"', "garbage"):
        r = media.get(URL, headers={"If-None-Match": inm})
        assert r.status_code == 200, inm
        assert r.content == DATA
    # If-None-Match wins over If-Modified-Since and over Range
    lm = media.get(URL).headers["Last-Modified"]
    r = media.get(URL, headers={"If-None-Match": '"nope"', "If-Modified-Since": lm})
    assert r.status_code == 200
    r = media.get(URL, headers={"If-None-Match": etag, "Range": "bytes=0-9"})
    assert r.status_code == 304


def test_if_modified_since(media):
    lm = media.get(URL).headers["Last-Modified"]
    r = media.get(URL, headers={"If-Modified-Since": lm})
    assert r.status_code == 304 and r.content == b""
    r = media.head(URL, headers={"If-Modified-Since": lm})
    assert r.status_code == 304
    for ims in ("Thu, 01 Jan 1970 00:00:00 GMT", "yesterday", "Sun, 06 Nov 2094 08:49:37 GMT"):
        r = media.get(URL, headers={"If-Modified-Since": ims})
        assert r.status_code == 200, ims
        assert r.content == DATA


def test_if_range(media):
    first = media.get(URL)
    etag, lm = first.headers["ETag"], first.headers["Last-Modified"]
    r = media.get(URL, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert r.status_code == 206 and r.content == DATA[:10]
    r = media.get(URL, headers={"Range": "bytes=0-9", "If-Range": lm})
    assert r.status_code == 206 and r.content == DATA[:10]
    for stale in ('"00000000000000000000000000000000"', f"W/{etag}", "Thu, 01 Jan 1970 00:00:00 GMT"):
        r = media.get(URL, headers={"Range": "bytes=0-9", "If-Range": stale})
        assert r.status_code == 200, stale
        assert r.content == DATA
        assert "Content-Range" not in r.headers


# ---------------------------------------------------------------- HEAD and methods

def test_head(media):
    raw = raw_request(media.port, "HEAD", URL)
    assert raw.status == 200
    assert raw.get("Content-Length") == str(SIZE)
    assert raw.get("Content-Type") == "video/mp4"
    assert ETAG_RE.match(raw.get("ETag"))
    assert raw.body == b"", "HEAD sent a body"
    # Range is defined for GET only (RFC 9110): HEAD ignores it
    raw = raw_request(media.port, "HEAD", URL, headers=[("Range", "bytes=0-9")])
    assert raw.status == 200 and raw.get("Content-Length") == str(SIZE) and raw.body == b""


def test_keep_alive_after_head_and_range(media):
    """Several answers on one connection, so a HEAD or a range left nothing behind."""
    c = media.http_conn()
    try:
        for method, headers, want in (("HEAD", {}, b""), ("GET", {"Range": "bytes=10-19"}, DATA[10:20]),
                                      ("GET", {}, DATA), ("HEAD", {}, b"")):
            c.request(method, URL, headers=headers)
            r = c.getresponse()
            assert r.read() == want
    finally:
        c.close()


def test_post_refused(media):
    r = media.post(URL, data="x")
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET, HEAD"


# ---------------------------------------------------------------- what is never served

def test_nothing_else_under_media(media):
    folder = media.dir / "media" / SLUG
    (folder / "b.html").write_bytes(b"<p>text")   # a type never served (.txt is: captions)
    (folder / "V.MP4").write_bytes(DATA)
    (folder / "d.mp4").mkdir(exist_ok=True)
    (folder / "nested").mkdir(exist_ok=True)
    (folder / "nested" / "x.mp4").write_bytes(DATA)
    (folder / "link.mp4").symlink_to(media.dir / "sava.db")
    (folder / "up.jpg").symlink_to("../../sava.db")
    (media.dir / "media" / "linked").symlink_to(folder)   # a slug that is a link
    os.mkfifo(folder / "pipe.mp4")
    long_name = "a" * 61 + ".mp4"                            # 65 bytes
    (folder / long_name).write_bytes(DATA)
    db = (media.dir / "sava.db").read_bytes()
    assert db[:16] == b"SQLite format 3\x00"
    targets = [
        "/media/../sava.db", "/media/%2e%2e/sava.db", f"/media/{SLUG}/..%2f..%2fsava.db",
        f"/media/{SLUG}/../../sava.db", f"/media/{SLUG}/%2e%2e", "/media/..", "/media/.",
        f"/media/{SLUG}/b.html", f"/media/{SLUG}/", "/media/", "/media", f"/media/{SLUG}",
        f"/media/{SLUG.upper()}/video.mp4", f"/media/{SLUG}/VIDEO.MP4", f"/media/{SLUG}/V.MP4",
        f"/media/{SLUG}/%76ideo.mp4", f"/media/{SLUG}/video.mp4/", f"/media/{SLUG}/video.mp4/x",
        f"/media/{SLUG}//video.mp4", f"/media//{SLUG}/video.mp4", f"/media/{SLUG}/.video.mp4",
        f"/media/{SLUG}/-video.mp4", f"/media/-{SLUG}/video.mp4", f"/media/{SLUG}/video.MP4",
        f"/media/{SLUG}/video.mp4.html", f"/media/{SLUG}/video", f"/media/{SLUG}/.mp4",
        f"/media/{SLUG}/d.mp4", f"/media/{SLUG}/nested/x.mp4", f"/media/{SLUG}/link.mp4",
        f"/media/{SLUG}/up.jpg", "/media/linked/video.mp4", f"/media/{SLUG}/pipe.mp4",
        f"/media/{SLUG}/{long_name}", f"/media/{'a' * 65}/video.mp4", "/media/a.b/video.mp4",
        "/media/a_b/video.mp4", f"/media/{SLUG}/video%00.mp4", f"/media/{SLUG}/vid\\eo.mp4",
    ]
    for t in targets:
        t0 = time.monotonic()
        r = raw_request(media.port, "GET", t)
        assert r.status == 404, f"{t}: {r.status}"
        assert b"SQLite format 3" not in r.body, t
        assert DATA[:64] not in r.body, t
        assert r.get("Content-Type", ).startswith("text/html"), t
        assert time.monotonic() - t0 < HTTP_TIMEOUT / 2, f"{t} took too long (a FIFO opened blocking?)"
    # the query string is not part of the name
    assert raw_request(media.port, "GET", URL + "?v=1").status == 200
    media.assert_answers()


def test_deleted_file(media):
    url = put(media, "withdrawn.mp4", DATA)
    assert media.get(url).status_code == 200
    os.unlink(media.dir / "media" / SLUG / "withdrawn.mp4")
    assert media.get(url).status_code == 404
    assert media.head(url).status_code == 404
    assert media.get(url, headers={"Range": "bytes=0-9"}).status_code == 404


def test_large_file_and_withdrawal_while_served(media):
    """A 20 MB file streams whole with the right sha256; withdrawn (unlinked) while one
    client reads it, that client still gets every byte and a new request gets 404."""
    big = os.urandom(20 * 1024 * 1024)
    url = put(media, "large.mp4", big)
    want = hashlib.sha256(big).hexdigest()
    r = media.get(url, stream=True)
    try:
        assert r.status_code == 200
        assert r.headers["Content-Length"] == str(len(big))
        h = hashlib.sha256()
        got = 0
        it = r.iter_content(256 * 1024)
        for chunk in it:
            h.update(chunk)
            got += len(chunk)
            if got >= 1024 * 1024:
                break
        os.unlink(media.dir / "media" / SLUG / "large.mp4")
        assert media.get(url).status_code == 404
        for chunk in it:
            h.update(chunk)
            got += len(chunk)
    finally:
        r.close()
    assert got == len(big)
    assert h.hexdigest() == want
    # and once more, whole, from a new file
    url = put(media, "large2.mp4", big)
    r = media.get(url, timeout=HTTP_TIMEOUT * 3)
    assert r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == want
    media.assert_answers()


def test_log_names_route_only(media):
    media.get(f"/media/{SLUG}/video.mp4")
    media.get("/media/secret-slug-xyz/never.mp4")
    deadline = time.monotonic() + HTTP_TIMEOUT
    while "/media/{slug}/{name} 404" not in media.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = media.log()
    assert "GET /media/{slug}/{name} 200" in log
    assert "GET /media/{slug}/{name} 404" in log
    assert SLUG not in log and "secret-slug-xyz" not in log and "video.mp4" not in log


def test_no_media_folder(make_instance):
    """An instance that has published nothing: 404, then served once the folder appears."""
    inst = make_instance()
    assert inst.get("/media/a/b.mp4").status_code == 404
    url = put(inst, "b.mp4", b"0123456789", slug="a")
    r = inst.get(url)
    assert r.status_code == 200 and r.content == b"0123456789"
