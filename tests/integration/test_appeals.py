"""Video appeals (issue 11) against the real daemon: a public upload with a receipt, the
media worker's cleaning in its sandbox, two editors publishing, the gallery, withdrawal
by the receipt, refusals, and `sava appeal add/show`. Fixtures are made here with ffmpeg
(and exiftool to plant what phones write); every published file is checked with exiftool
and ffprobe, independently of sava's own scan."""
import json
import os
import re
import sqlite3
import shutil
import subprocess
import time

import pytest
import requests

from conftest import HTTP_TIMEOUT, run_cli, start_instance, _teardown
from intake_util import Staff, find_csrf, receipt_of, unique

pytestmark = pytest.mark.skipif(not (shutil.which("ffmpeg") and shutil.which("exiftool")),
                                reason="ffmpeg and exiftool are installed by tools/deps.sh")

APPEAL_LINK_RE = re.compile(r"/staff/appeals/([0-9a-f]{32})\b")


def _bwrap_works():
    """Whether bubblewrap can make its namespaces here (a container may forbid them)."""
    try:
        return subprocess.run(["bwrap", "--unshare-all", "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
                               "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--", "/bin/true"],
                              capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


# Where bubblewrap cannot run (some CI containers), the pipeline is still tested end to end
# without the sandbox, and says so; the sandbox itself is tested by tests/unit/test_media_sandbox.c.
MEDIA_CONF = {} if _bwrap_works() else {("media", "sandbox"): "none"}
if MEDIA_CONF:
    print("test_appeals: bubblewrap cannot make namespaces here: media jobs run with [media] sandbox = none")
GPS = "+52.2297+021.0122/"


def make_video(path, seconds=2, size="320x240", audio=True, rotate=None, extra=(), noise=False):
    """A small phone-like clip: video and (optionally) audio, with what phones write.
    noise: pictures that do not compress, so that even the cleaned copy is some 100 KiB."""
    src = f"testsrc=duration={seconds}:size={size}:rate=15"
    if noise:
        src = f"nullsrc=duration={seconds}:size={size}:rate=15,geq=lum='random(1)*255':cb=128:cr=128"
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", src]
    if audio:
        cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    cmd += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        cmd += ["-c:a", "aac", "-shortest"]
    cmd += ["-metadata", f"location={GPS}", "-metadata", "creation_time=2026-03-01T10:00:00Z",
            "-metadata", "make=Apple", "-metadata", "model=iPhone 12",
            "-metadata", f"com.apple.quicktime.location.ISO6709={GPS}"]
    if rotate is not None:
        cmd += ["-metadata:s:v", f"rotate={rotate}"]
    cmd += list(extra) + ["-movflags", "+use_metadata_tags", str(path)]
    subprocess.run(cmd, check=True, timeout=60)
    # an XMP packet, as editing apps write it
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-XMP-dc:Creator=Ala", f"-XMP-exif:GPSLatitude=52.2297",
                    str(path)], check=False, timeout=60)
    return path


def check_clean(path, poster=False):
    """What exiftool and ffprobe see of a published file: nothing that locates, names a
    device or dates the recording."""
    out = subprocess.run(["exiftool", "-a", "-G1", "-ee", "-j", str(path)], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    tags = json.loads(out)[0]
    bad = []
    for k, v in tags.items():
        name = k.split(":")[-1].lower()
        if any(w in name for w in ("gps", "location", "make", "model", "xmp", "creator", "software")):
            bad.append((k, v))
        if "date" in name and name not in ("filemodifydate", "fileaccessdate", "fileinodechangedate"):
            if str(v) not in ("0000:00:00 00:00:00", "0000:00:00 00:00:00Z"):
                bad.append((k, v))
    # "HandlerVendorID: Apple" is the iTunes metadata handler's vendor code, which ffmpeg's
    # muxer writes for every MP4: it names no device; "Make: Apple" would
    text = json.dumps({k: v for k, v in tags.items() if not k.endswith(":HandlerVendorID")})
    assert "52.2297" not in text and "iPhone" not in text and "Apple" not in text, text
    assert not bad, bad
    if poster:
        data = open(path, "rb").read()
        assert data[:2] == b"\xff\xd8" and b"Exif" not in data and b"ICC_PROFILE" not in data
        return
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True, text=True, timeout=60, check=True).stdout)
    kinds = [s["codec_type"] for s in probe["streams"]]
    assert kinds.count("video") == 1 and kinds.count("audio") == 1 and len(kinds) == 2, kinds
    v = [s for s in probe["streams"] if s["codec_type"] == "video"][0]
    a = [s for s in probe["streams"] if s["codec_type"] == "audio"][0]
    assert v["codec_name"] == "h264" and v["pix_fmt"] == "yuv420p" and v.get("profile") == "High", v
    assert max(v["width"], v["height"]) <= 1280
    assert "side_data_list" not in v and "rotate" not in v.get("tags", {}), v
    assert a["codec_name"] == "aac"
    assert "creation_time" not in json.dumps(probe)


@pytest.fixture
def inst(tmp_path):
    i = start_instance(tmp_path, conf=MEDIA_CONF)
    yield i
    _teardown(i)


def editors(inst):
    """Two editors: the first makes the editors' key at her login and gives it to the
    second, on the appeals page."""
    edna = Staff(inst, "edna", "editor").login()
    erin = Staff(inst, "erin", "editor").login()
    r = erin.get("/en/staff/appeals")
    assert r.status_code == 200 and "do not hold the editors" in r.text
    page = edna.get("/en/staff/appeals")
    assert page.status_code == 200
    m = re.search(r'name="account" value="([0-9a-f]{32})"', page.text)
    assert m, "edna's page offers the key to erin"
    r = edna.post("/en/staff/appeals", data={"csrf": find_csrf(page.text), "account": m.group(1)})
    assert r.status_code == 303
    erin.login()
    return edna, erin


def upload(inst, data, fields=None, name="clip.mp4", lang="en"):
    s = requests.Session()
    page = s.get(inst.url(f"/{lang}/appeal"), timeout=HTTP_TIMEOUT)
    assert page.status_code == 200, page.text[:500]
    token = find_csrf(page.text)
    form = {"language": "ru", "shown_name": "Ala", "text": "You can refuse.", "consent": "yes"}
    form.update(fields or {})
    parts = [("csrf", (None, token))] + [(k, (None, v)) for k, v in form.items()]
    if data is not None:
        parts.append(("video", (name, data, "video/mp4")))
    r = s.post(inst.url(f"/{lang}/appeal"), files=parts, timeout=HTTP_TIMEOUT * 3, allow_redirects=False)
    return s, r


def wait_state(editor, state, n=1, timeout=90):
    """The appeals in a state (STORE_APPEAL_*), once there are n of them."""
    deadline = time.time() + timeout
    while True:
        ids = unique(APPEAL_LINK_RE.findall(editor.get(f"/en/staff/appeals?state={state}").text))
        if len(ids) >= n or time.time() > deadline:
            return ids
        time.sleep(0.5)


def media_files(inst):
    root = os.path.join(inst.dir, "media")
    out = []
    for dp, _, fs in os.walk(root):
        out += [os.path.join(dp, f) for f in fs]
    return sorted(out)


def reach_rows(inst, aid):
    """The reach records that name appeal aid (none before it is published, none after
    it is withdrawn)."""
    db = sqlite3.connect(f"file:{inst.dir / 'sava.db'}?mode=ro", uri=True)
    try:
        return db.execute("SELECT count(*) FROM reach_posts WHERE appeal = ?", (bytes.fromhex(aid),)).fetchone()[0]
    finally:
        db.close()


def test_an_appeal_from_upload_to_gallery_and_withdrawal(inst, tmp_path):
    edna, erin = editors(inst)
    video = make_video(tmp_path / "phone.mp4", rotate=90, noise=True)
    raw = open(video, "rb").read()
    assert GPS.encode() in raw or b"52.2297" in raw   # the fixture carries what it should

    s, r = upload(inst, raw)
    assert r.status_code == 200, r.text[:2000]
    receipt = receipt_of(r)
    assert receipt and "Your video has been received" in r.text

    # cleaned in the sandbox: the original is gone from the instance's disk
    ids = wait_state(edna, 2)
    assert len(ids) == 1, "the appeal reached review"
    aid = ids[0]
    for dp, _, fs in os.walk(inst.dir):
        for f in fs:
            data = open(os.path.join(dp, f), "rb").read()
            assert b"52.2297" not in data and b"iPhone" not in data, os.path.join(dp, f)

    page = edna.get(f"/en/staff/appeals/{aid}")
    assert page.status_code == 200 and "Ala" in page.text and "You can refuse." in page.text
    poster = edna.get(f"/en/staff/appeals/{aid}/poster")
    assert poster.status_code == 200 and poster.content[:2] == b"\xff\xd8"
    assert poster.headers["Content-Type"] == "image/jpeg"

    # not yet published: no reach record may name it
    token = find_csrf(edna.get("/en/staff/reach").text)
    r = edna.post("/en/staff/reach/post", data={"csrf": token, "appeal": aid, "platform": "youtube",
                                                "url": "https://www.youtube.com/watch?v=abcdefghijk",
                                                "posted_by": "partner", "language": "ru"})
    assert r.status_code != 303 and reach_rows(inst, aid) == 0

    # two people: the one who approves cannot publish
    r = edna.post(f"/en/staff/appeals/{aid}/approve", data={"csrf": find_csrf(page.text)})
    assert r.status_code == 303
    page = edna.get(f"/en/staff/appeals/{aid}")
    assert "Another editor has to publish it" in page.text and f"/staff/appeals/{aid}/publish" not in page.text
    r = edna.post(f"/en/staff/appeals/{aid}/publish", data={"csrf": find_csrf(page.text)})
    assert r.status_code == 409 and media_files(inst) == []
    page = erin.get(f"/en/staff/appeals/{aid}")
    r = erin.post(f"/en/staff/appeals/{aid}/publish", data={"csrf": find_csrf(page.text)})
    assert r.status_code == 303, r.text[:1000]

    files = media_files(inst)
    assert [os.path.basename(f) for f in files] == ["poster.jpg", "video.mp4"]
    check_clean(files[1])
    check_clean(files[0], poster=True)
    slug = os.path.basename(os.path.dirname(files[0]))

    gallery = requests.get(inst.url("/ru/appeals"), timeout=HTTP_TIMEOUT)
    assert gallery.status_code == 200 and f"/ru/appeals/{slug}" in gallery.text
    public = requests.get(inst.url(f"/en/appeals/{slug}"), timeout=HTTP_TIMEOUT)
    assert public.status_code == 200
    assert re.search(r'<video controls preload="none" poster="/media/%s/poster.jpg"' % slug, public.text)
    assert "<script" not in public.text
    served = requests.get(inst.url(f"/media/{slug}/video.mp4"), timeout=HTTP_TIMEOUT)
    assert served.status_code == 200 and served.content == open(files[1], "rb").read()
    assert served.headers["Content-Type"] == "video/mp4"
    part = requests.get(inst.url(f"/media/{slug}/video.mp4"), headers={"Range": "bytes=0-99"}, timeout=HTTP_TIMEOUT)
    assert part.status_code == 206 and part.content == served.content[:100]

    # the editors' preview: the same bytes, decrypted, and in parts for a player
    whole = served.content
    n = len(whole)
    assert n > 3 * 65536   # so that a range crosses the sealed file's 64 KiB frames
    prev = edna.get(f"/en/staff/appeals/{aid}/video")
    assert prev.status_code == 200 and prev.content == whole and prev.headers["Accept-Ranges"] == "bytes"
    for rng, lo, hi in (("bytes=0-99", 0, 99), ("bytes=-50", n - 50, n - 1),
                        ("bytes=%d-%d" % (n // 2 - 8, n // 2 + 7), n // 2 - 8, n // 2 + 7), ("bytes=%d-" % (n - 10), n - 10, n - 1),
                        ("bytes=0-", 0, min(n, 4 << 20) - 1)):
        r = edna.get(f"/en/staff/appeals/{aid}/video", headers={"Range": rng})
        assert r.status_code == 206, rng
        assert r.headers["Content-Range"] == "bytes %d-%d/%d" % (lo, hi, n), rng
        assert r.content == whole[lo:hi + 1], rng
    # a player's parts one after another (each goes on from where the last one ended,
    # across the sealed file's frames), then seeking back and forth: the same bytes
    got, step = b"", 30001
    for lo in range(0, n, step):
        hi = min(lo + step, n) - 1
        r = edna.get(f"/en/staff/appeals/{aid}/video", headers={"Range": "bytes=%d-%d" % (lo, hi)})
        assert r.status_code == 206 and r.headers["Content-Range"] == "bytes %d-%d/%d" % (lo, hi, n)
        got += r.content
    assert got == whole
    for lo, hi in ((n - 70000, n - 65000), (100, 65636), (65536, 65536), (65535, 131073), (3, 3), (n - 1, n - 1)):
        r = edna.get(f"/en/staff/appeals/{aid}/video", headers={"Range": "bytes=%d-%d" % (lo, hi)})
        assert r.status_code == 206 and r.content == whole[lo:hi + 1], (lo, hi)
    r = erin.get(f"/en/staff/appeals/{aid}/video", headers={"Range": "bytes=1000-1999"})   # another editor's own
    assert r.status_code == 206 and r.content == whole[1000:2000]
    r = edna.get(f"/en/staff/appeals/{aid}/video", headers={"Range": "bytes=%d-" % n})
    assert r.status_code == 416 and r.headers["Content-Range"] == "bytes */%d" % n and r.content == b""
    r = edna.get(f"/en/staff/appeals/{aid}/video", headers={"Range": "bytes=5-1"})   # malformed: ignored
    assert r.status_code == 200 and r.content == whole

    # where it was posted: only a published appeal can be named (the reach review's
    # finding), and her withdrawal below takes every such row with it
    token = find_csrf(edna.get("/en/staff/reach").text)
    post = {"csrf": token, "appeal": aid, "platform": "youtube", "url": "https://www.youtube.com/watch?v=abcdefghijk",
            "posted_by": "partner", "language": "ru"}
    r = edna.post("/en/staff/reach/post", data=post)
    assert r.status_code == 303, r.text[:2000]
    assert reach_rows(inst, aid) == 1

    # her receipt shows it published, and withdraws it
    st = requests.Session()
    page = st.get(inst.url("/en/appeal/status"), timeout=HTTP_TIMEOUT)
    r = st.post(inst.url("/en/appeal/status"), data={"csrf": find_csrf(page.text), "receipt": receipt},
                timeout=HTTP_TIMEOUT * 3, allow_redirects=False)
    assert r.status_code == 303
    page = st.get(inst.url("/en/appeal/status"), timeout=HTTP_TIMEOUT)
    assert "published" in page.text and f"/en/appeals/{slug}" in page.text
    # the same receipt opens no mailbox: an appeal is not a conversation
    r = st.get(inst.url("/en/mailbox"), timeout=HTTP_TIMEOUT, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"].endswith("/en/appeal/status")
    r = st.post(inst.url("/en/appeal/withdraw"), data={"csrf": find_csrf(page.text)}, timeout=HTTP_TIMEOUT)
    assert r.status_code == 400 and media_files(inst)   # not without the confirmation
    r = st.post(inst.url("/en/appeal/withdraw"), data={"csrf": find_csrf(page.text), "confirm": "yes"},
                timeout=HTTP_TIMEOUT)
    assert r.status_code == 200 and "Your video was withdrawn" in r.text
    assert media_files(inst) == []
    assert reach_rows(inst, aid) == 0
    assert requests.get(inst.url(f"/en/appeals/{slug}"), timeout=HTTP_TIMEOUT).status_code == 404
    assert requests.get(inst.url(f"/media/{slug}/video.mp4"), timeout=HTTP_TIMEOUT).status_code == 404
    assert f"/en/appeals/{slug}" not in requests.get(inst.url("/en/appeals"), timeout=HTTP_TIMEOUT).text
    assert edna.get(f"/en/staff/appeals/{aid}").status_code == 404   # its case is shredded
    assert aid in edna.get("/en/staff/appeals?state=4").text          # its tombstone stays listed

    log = run_cli("audit", "verify", inst.dir)
    assert log.returncode == 0, log.stderr


def test_bad_files_are_refused_with_a_reason_and_never_published(inst, tmp_path):
    edna, _ = editors(inst)
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>\n" * 50
    _, r = upload(inst, html, name="video.mp4")
    assert r.status_code == 200, r.text[:500]
    good = open(make_video(tmp_path / "v.mp4"), "rb").read()
    _, r = upload(inst, good[: len(good) // 3], name="cut.mp4")
    assert r.status_code == 200
    ids = wait_state(edna, 5, n=2)
    assert len(ids) == 2
    for aid in ids:
        page = edna.get(f"/en/staff/appeals/{aid}")
        assert "Why it was refused" in page.text, page.text[:2000]
        assert f"/staff/appeals/{aid}/publish" not in page.text
    assert media_files(inst) == []


def test_the_form_says_what_is_missing_and_keeps_what_was_typed(inst):
    Staff(inst, "edna", "editor").login()
    _, r = upload(inst, None, fields={"consent": "", "language": "xx", "shown_name": "Оля"})
    assert r.status_code == 400
    assert "Choose the video file to send." in r.text
    assert "Tick the box to say that we may publish your video" in r.text
    assert "Choose one of the options in the list." in r.text
    assert 'value="Оля"' in r.text


def test_appeals_wait_for_an_editors_key(tmp_path):
    inst = start_instance(tmp_path, conf=MEDIA_CONF)
    try:
        r = requests.get(inst.url("/en/appeal"), timeout=HTTP_TIMEOUT)
        assert r.status_code == 503 and "Videos are not accepted here yet" in r.text
        assert "<form" not in r.text
    finally:
        _teardown(inst)


def test_the_command_line_registers_and_cleans_an_appeal(inst, tmp_path):
    Staff(inst, "edna", "editor").login()
    video = make_video(tmp_path / "partner.mov", audio=False)
    r = run_cli("appeal", "add", inst.dir, str(video), "--language", "be", "--title", "From Vilnius", timeout=180)
    assert r.returncode == 0, r.stderr
    aid = r.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"[0-9a-f]{32}", aid)
    r = run_cli("appeal", "show", inst.dir, aid)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.split()
    assert lines[0] == "review" and len(lines) == 3
    for p in lines[1:]:
        assert os.path.exists(p) and os.path.getsize(p) > 0
    assert run_cli("appeal", "show", inst.dir, "0" * 32).returncode == 1
    assert run_cli("appeal", "add", inst.dir, str(video), "--language", "xx").returncode == 1


def test_while_the_editors_key_waits_for_rotation_an_appeal_is_never_a_request(inst, tmp_path):
    """Review finding: an appeal sealed to each editor's own key (the editors' key waits
    for rotation after a revocation) must not open through the request pages, which would
    hand out the original with its GPS."""
    edna, erin = editors(inst)
    carl = Staff(inst, "carl", "editor").login()
    page = edna.get("/en/staff/appeals")
    m = re.search(r'name="account" value="([0-9a-f]{32})"', page.text)
    assert edna.post("/en/staff/appeals", data={"csrf": find_csrf(page.text), "account": m.group(1)}).status_code == 303
    r = run_cli("revoke", inst.dir, "carl")
    assert r.returncode == 0, r.stderr
    raw = open(make_video(tmp_path / "p.mp4"), "rb").read()
    _, r = upload(inst, raw)
    assert r.status_code == 200, r.text[:500]
    ids = wait_state(edna, 2)
    assert len(ids) == 1
    aid = ids[0]
    assert edna.get(f"/en/staff/appeals/{aid}").status_code == 200
    for path in (f"/en/staff/requests/{aid}", f"/en/staff/applications/{aid}"):
        assert edna.get(path).status_code == 404, path
    page = edna.get(f"/en/staff/appeals/{aid}")
    assert edna.post(f"/en/staff/requests/{aid}/note", data={"csrf": find_csrf(page.text), "note": "x"}).status_code == 404
    # edna's next login rotates the key and moves the appeal to it: an editor who gets the
    # key only now opens it too
    edna.login()
    dora = Staff(inst, "dora", "editor").login()
    page = edna.get("/en/staff/appeals")
    m = re.search(r'name="account" value="([0-9a-f]{32})"', page.text)
    assert edna.post("/en/staff/appeals", data={"csrf": find_csrf(page.text), "account": m.group(1)}).status_code == 303
    dora.login()
    assert dora.get(f"/en/staff/appeals/{aid}").status_code == 200


def test_a_help_receipt_withdraws_no_appeal(inst, tmp_path):
    from intake_util import Requester, coordinator
    coordinator(inst)
    Staff(inst, "edna", "editor").login()
    receipt = Requester(inst).submit_ok("I need help")
    st = requests.Session()
    page = st.get(inst.url("/en/appeal/status"), timeout=HTTP_TIMEOUT)
    r = st.post(inst.url("/en/appeal/status"), data={"csrf": find_csrf(page.text), "receipt": receipt},
                timeout=HTTP_TIMEOUT * 3, allow_redirects=False)
    assert r.status_code == 303
    page = st.get(inst.url("/en/appeal/status"), timeout=HTTP_TIMEOUT)
    assert "Withdraw your video" not in page.text
    r = st.post(inst.url("/en/appeal/withdraw"), data={"csrf": find_csrf(page.text), "confirm": "yes"},
                timeout=HTTP_TIMEOUT)
    assert r.status_code == 404 and "Your video was withdrawn" not in r.text


def test_a_cleaning_cut_by_a_restart_starts_again_from_an_editors_page(tmp_path):
    """sava killed in the middle of a job: the appeal waits (its keys were only in
    memory), and the next editor's page hands the job her keys again."""
    inst = start_instance(tmp_path, conf=MEDIA_CONF)
    try:
        edna = Staff(inst, "edna", "editor").login()
        raw = open(make_video(tmp_path / "long.mp4", seconds=20, size="1280x720"), "rb").read()
        _, r = upload(inst, raw)
        assert r.status_code == 200
        time.sleep(0.3)   # the job has started: ffmpeg is encoding
        inst.proc.kill()
        inst.proc.wait(timeout=30)
        inst2 = start_instance(tmp_path, init=False)
        try:
            edna.inst = inst2
            edna.login()
            # left "cleaning" by the kill, back to waiting at the start; this page re-arms it
            page = edna.get("/en/staff/appeals?state=0")
            waiting = unique(APPEAL_LINK_RE.findall(page.text))
            assert len(waiting) == 1, page.text[:2000]
            cleaned = wait_state(edna, 2)
            assert cleaned == waiting, "the cut cleaning was started again and finished"
            r = run_cli("appeal", "show", inst2.dir, cleaned[0])
            assert r.stdout.split()[0] == "review"
        finally:
            _teardown(inst2)
    finally:
        if inst.proc.poll() is None:
            _teardown(inst)


def test_webm_and_a_vertical_phone_video_are_cleaned(inst, tmp_path):
    edna = Staff(inst, "edna", "editor").login()
    webm = tmp_path / "a.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=15",
                    "-f", "lavfi", "-i", "sine=duration=2", "-c:v", "libvpx", "-c:a", "libopus", "-shortest",
                    str(webm)], check=True, timeout=120)
    vertical = make_video(tmp_path / "v.mp4", size="240x320", extra=("-metadata:s:v", "rotate=90"))
    for f in (webm, vertical):
        _, r = upload(inst, open(f, "rb").read(), name=f.name)
        assert r.status_code == 200
    assert len(wait_state(edna, 2, n=2)) == 2


def test_a_refused_appeals_original_is_shredded_after_rejected_days(inst, tmp_path):
    """A refused video keeps its original (with whatever it carries) only as long as a
    rejected request is kept ([retention] rejected_days, 2): then the purge shreds it."""
    edna = Staff(inst, "edna", "editor").login()
    _, r = upload(inst, b"<html>not a video</html>" * 100, name="x.mp4")
    assert r.status_code == 200
    ids = wait_state(edna, 5)
    assert len(ids) == 1
    aid = ids[0]
    blobs = os.listdir(os.path.join(inst.dir, "blobs"))
    assert len(blobs) == 1   # the original, sealed
    # its last activity three days ago (the daemon's clock is not ours to move)
    subprocess.run(["sqlite3", os.path.join(inst.dir, "sava.db"),
                    "UPDATE cases SET activity_hour = activity_hour - 72 WHERE stage = 101"], check=True, timeout=30)
    r = run_cli("purge", inst.dir)
    assert r.returncode == 0, r.stderr
    assert os.listdir(os.path.join(inst.dir, "blobs")) == []
    assert edna.get(f"/en/staff/appeals/{aid}").status_code == 404
    r = run_cli("appeal", "show", inst.dir, aid)
    assert r.stdout.split() == ["refused:", "not", "a", "video"], r.stdout
