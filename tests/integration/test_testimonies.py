"""Testimonies (issue 14) against the real daemon: a testimony made from a request by a
coordinator after the man agreed, or entered by an editor; consent as versioned records
(scope, place, dates); the redacted copy beside the original, a strike list checked before
publishing; two approvers, neither of them the redactor (in the domain and in SQL); the
public stories; withdrawal of consent taking the story down at once; shredding the
original without (or with) the story; the Owl's own copy; and no word of the original on
disk in the clear."""
import re
import shutil
import sqlite3
import subprocess
import time

import pytest
import requests

from conftest import HTTP_TIMEOUT, run_cli, start_instance, _teardown
from intake_util import REQUEST_LINK_RE, Requester, Staff, coordinator, find_csrf, marker, scan_tree, unique
from test_corridor import account_id, set_profile

TESTIMONY_RE = re.compile(r'/staff/testimonies/([0-9a-f]{32})\b')
STORY_RE = re.compile(r'href="/en/stories/([0-9a-f]{32})"')


@pytest.fixture
def inst(tmp_path):
    i = start_instance(tmp_path)
    yield i
    _teardown(i)


def q(inst, sql, *args):
    db = sqlite3.connect(f"file:{inst.dir / 'sava.db'}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def team(inst):
    """anna (coordinator: her first login makes the triage and testimonies keys), who gives
    the testimonies' key to the editors edna and erin."""
    anna = coordinator(inst)
    edna = Staff(inst, "edna", "editor").login()
    erin = Staff(inst, "erin", "editor").login()
    r = edna.get("/en/staff/testimonies")
    assert r.status_code == 200 and "do not hold the testimonies" in r.text
    for handle, who in (("edna", edna), ("erin", erin)):
        page = anna.get("/en/staff/testimonies")
        assert page.status_code == 200
        r = anna.post("/en/staff/testimonies", data={"csrf": find_csrf(page.text), "account": account_id(inst, handle)})
        assert r.status_code == 303, r.text[:1000]
        who.login()
    assert "do not hold the testimonies" not in edna.get("/en/staff/testimonies").text
    return anna, edna, erin


def page(staff, tid):
    r = staff.get(f"/en/staff/testimonies/{tid}")
    assert r.status_code == 200, f"{staff.handle}: {r.status_code}"
    return r.text


def act(staff, tid, action, **data):
    text = page(staff, tid)
    data["csrf"] = find_csrf(text)
    return staff.post(f"/en/staff/testimonies/{tid}/{action}", data=data)


def copy_seq(staff, tid):
    m = re.search(r'name="copy_seq" value="(\d+)"', page(staff, tid))
    return m.group(1) if m else "0"


def consent(staff, tid, what=("text",), where=("site",), ago="0", days="", how="in the mailbox, in his words"):
    data = {k: "yes" for k in what + where}
    return act(staff, tid, "consent", ago=ago, days=days, how=how, **data)


def public_story_ids(lang="en", inst=None):
    r = requests.get(inst.url(f"/{lang}/stories"), timeout=HTTP_TIMEOUT)
    assert r.status_code == 200
    return unique(STORY_RE.findall(r.text)), r.text


def make_from_request(anna, req_text, inst):
    """A help request, and anna's testimony made from its one message."""
    Requester(inst).submit_ok(req_text)
    rid = unique(REQUEST_LINK_RE.findall(anna.list_page().text))[0]
    assert f"/staff/requests/{rid}/testimony" in anna.request_page(rid).text
    form = anna.get(f"/en/staff/requests/{rid}/testimony")
    assert form.status_code == 200 and req_text in form.text
    seq = re.search(r'name="pick" value="(\d+)"', form.text).group(1)
    # without his agreement: refused, and what was ticked comes back
    r = anna.post(f"/en/staff/requests/{rid}/testimony", data={"csrf": find_csrf(form.text), "pick": seq})
    assert r.status_code == 400 and "he agreed" in r.text and "checked" in r.text
    r = anna.post(f"/en/staff/requests/{rid}/testimony",
                  data={"csrf": find_csrf(form.text), "pick": seq, "agreed": "yes"})
    assert r.status_code == 303, r.text[:2000]
    return rid, TESTIMONY_RE.search(r.headers["Location"]).group(1)


def test_a_testimony_from_a_request_to_a_story_and_back(inst):
    anna, edna, erin = team(inst)
    secret = marker("ORIGINAL")
    told = f"{secret} Я служил в Гродно, командир Иван Петров. Потом ушёл через лес."
    rid, tid = make_from_request(anna, told, inst)
    # a testimony is never a request: the request pages do not open it
    assert anna.get(f"/en/staff/requests/{tid}").status_code == 404
    text = page(edna, tid)
    assert secret in text and "from a request, after he agreed · anna" in text and "none valid today" in text
    # the redacted copy, with a strike list; the page says what is still in it
    r = act(edna, tid, "copy", title="Как я ушёл", copy="Я служил в Гродно. Потом ушёл через лес.",
            strike="гродно\nИван Петров")
    assert r.status_code == 303
    text = page(edna, tid)
    assert "A struck name or place is still in the copy" in text and "гродно" in text
    assert "You edited this copy" in text and 'action="/en/staff/testimonies/' + tid + '/approve"' not in text
    # the redactor cannot approve her own copy (the domain and the SQL statement refuse)
    r = edna.post(f"/en/staff/testimonies/{tid}/approve", data={"csrf": find_csrf(page(edna, tid)),
                                                                 "copy_seq": copy_seq(erin, tid)})
    assert r.status_code == 409
    assert q(inst, "SELECT approved_by IS NULL FROM testimonies") == [(1,)]
    seq = copy_seq(erin, tid)
    assert act(anna, tid, "approve", copy_seq=seq).status_code == 303
    # no consent yet: refused
    r = act(erin, tid, "publish", copy_seq=seq)
    assert r.status_code == 409 and "consent to publish the text" in r.text
    # consent for his voice only, then on social platforms only: still refused
    assert consent(anna, tid, what=("voice",)).status_code == 303
    assert act(erin, tid, "publish", copy_seq=seq).status_code == 409
    assert consent(anna, tid, where=("social",)).status_code == 303
    assert act(erin, tid, "publish", copy_seq=seq).status_code == 409
    # consent given 10 days ago for 5 days: over
    assert consent(anna, tid, ago="10", days="5").status_code == 303
    r = act(erin, tid, "publish", copy_seq=seq)
    assert r.status_code == 409 and "consent to publish the text" in r.text
    # valid consent, but a struck name is still in the copy
    assert consent(anna, tid).status_code == 303
    r = act(erin, tid, "publish", copy_seq=seq)
    assert r.status_code == 409 and "strike list is still in the copy" in r.text
    assert public_story_ids(inst=inst)[0] == []
    # a new version (with ГРОДНО in capitals and ё: still struck), then a clean one
    assert act(edna, tid, "copy", title="Как я ушёл", copy="Я служил в ГРОДНО.", strike="Гродно").status_code == 303
    assert act(anna, tid, "approve", copy_seq=copy_seq(anna, tid)).status_code == 303
    assert "strike list" in act(erin, tid, "publish", copy_seq=copy_seq(erin, tid)).text
    r = act(edna, tid, "copy", title="Как я ушёл", copy="Я служил далеко от дома. Потом ушёл через лес.",
            strike="гродно\nИван Петров")
    assert r.status_code == 303
    seq2 = copy_seq(erin, tid)
    assert seq2 != seq
    # the new version voids the approval of the old one
    assert q(inst, "SELECT approved_by IS NULL FROM testimonies") == [(1,)]
    r = act(erin, tid, "publish", copy_seq=seq2)
    assert r.status_code == 409 and "two people" in r.text
    # an approval of the version she read, not of a newer one
    r = act(anna, tid, "approve", copy_seq=seq)
    assert r.status_code == 409
    assert act(anna, tid, "approve", copy_seq=seq2).status_code == 303
    # neither the first approver nor the redactor publishes
    assert act(anna, tid, "publish", copy_seq=seq2).status_code == 409
    assert act(edna, tid, "publish", copy_seq=seq2).status_code == 409
    r = act(erin, tid, "publish", copy_seq=seq2)
    assert r.status_code == 303, r.text[:3000]
    ids, listing = public_story_ids(inst=inst)
    assert len(ids) == 1 and "Как я ушёл" in listing
    story = requests.get(inst.url(f"/en/stories/{ids[0]}"), timeout=HTTP_TIMEOUT)
    assert story.status_code == 200 and "Я служил далеко от дома" in story.text
    assert secret not in story.text and "Гродно" not in story.text and "<script" not in story.text
    for lang in ("be", "ru"):
        assert requests.get(inst.url(f"/{lang}/stories/{ids[0]}"), timeout=HTTP_TIMEOUT).status_code == 200
    # published: the copy cannot change under it
    assert act(edna, tid, "copy", title="x", copy="y", strike="").status_code == 409
    # the SQL itself refuses a story whose approver is its redactor
    db = sqlite3.connect(inst.dir / "sava.db")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE stories SET approved_by = redacted_by")
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE testimonies SET approved_by = redacted_by")
    finally:
        db.close()
    # a renewal that ends sooner brings the story's end forward with it (it stays up)
    (until,) = q(inst, "SELECT until_hour FROM stories")[0]
    assert consent(anna, tid, days="5").status_code == 303
    (until2,) = q(inst, "SELECT until_hour FROM stories")[0]
    assert until2 < until and until2 == (int(time.time()) // 86400 + 5) * 24
    assert requests.get(inst.url(f"/en/stories/{ids[0]}"), timeout=HTTP_TIMEOUT).status_code == 200
    # a withdrawal of consent takes it down at once
    r = act(anna, tid, "withdraw", w_how="he wrote in the mailbox")
    assert r.status_code == 400 and "Tick the box" in r.text
    assert act(anna, tid, "withdraw", confirm="yes", w_how="he wrote in the mailbox").status_code == 303
    assert requests.get(inst.url(f"/en/stories/{ids[0]}"), timeout=HTTP_TIMEOUT).status_code == 404
    assert public_story_ids(inst=inst)[0] == []
    text = page(erin, tid)
    assert "withdrawn" in text and "none valid today" in text
    assert act(erin, tid, "publish", copy_seq=seq2).status_code == 409
    # every step is in the audit log
    audit = "".join(anna.get(f"/en/staff/audit?page={n}").text for n in range(1, 8))
    for words in ("testimony made", "story copy edited", "story approved", "story published",
                  "testimony consent recorded", "testimony consent withdrawn", "story taken down", "testimony read"):
        assert words in audit, words
    # nothing of the original on disk in the clear
    inst.stop()
    found = []
    scan_tree(inst.dir, [secret, "Иван Петров", "командир"], found)
    assert found == []


def test_an_editors_testimony_the_owl_and_shredding(inst):
    anna, edna, erin = team(inst)
    olga = Staff(inst, "olga", "owl").login()
    # an editor enters one; the form says what is missing and keeps what was typed
    r = edna.get("/en/staff/testimonies/new")
    assert r.status_code == 200
    r = edna.post("/en/staff/testimonies/new", data={"csrf": find_csrf(r.text), "language": "", "text": "kept words"})
    assert r.status_code == 400 and "kept words" in r.text and "Choose the language" in r.text
    r = edna.post("/en/staff/testimonies/new", data={"csrf": find_csrf(r.text), "language": "ru",
                                                     "text": "Рассказ без имён."})
    assert r.status_code == 303
    tid = TESTIMONY_RE.search(r.headers["Location"]).group(1)
    # an Owl does not see it, nor a staff member without the key
    assert olga.get(f"/en/staff/testimonies/{tid}").status_code == 404
    vera = Staff(inst, "vera", "editor").login()
    assert vera.get(f"/en/staff/testimonies/{tid}").status_code == 404
    # editors do not record consent: the Owl or a coordinator does
    assert consent(edna, tid).status_code == 404
    assert consent(anna, tid).status_code == 303
    assert act(edna, tid, "copy", title="Рассказ", copy="Рассказ без имён.", strike="").status_code == 303
    assert act(erin, tid, "approve", copy_seq=copy_seq(erin, tid)).status_code == 303
    assert act(anna, tid, "publish", copy_seq=copy_seq(anna, tid)).status_code == 303
    ids = public_story_ids(inst=inst)[0]
    assert len(ids) == 1
    # shredding the original leaves the story up, unless asked
    r = act(anna, tid, "shred")
    assert r.status_code == 400
    assert act(anna, tid, "shred", confirm="yes").status_code == 303
    assert edna.get(f"/en/staff/testimonies/{tid}").status_code == 404
    assert q(inst, "SELECT count(*) FROM testimonies") == [(0,)]
    assert requests.get(inst.url(f"/en/stories/{ids[0]}"), timeout=HTTP_TIMEOUT).status_code == 200
    listing = edna.get("/en/staff/testimonies").text
    assert "its original was shredded" in listing
    # its public files go first: while they cannot, the story stays (to be taken down again)
    stuck = inst.dir / "media" / ids[0] / "stuck"
    stuck.mkdir(parents=True)
    (stuck / "x").write_bytes(b"x")
    r = edna.post(f"/en/staff/stories/{ids[0]}/takedown", data={"csrf": find_csrf(listing)})
    assert r.status_code != 303
    assert q(inst, "SELECT count(*) FROM stories") == [(1,)]
    shutil.rmtree(stuck)
    # any holder takes the orphan story down
    r = edna.post(f"/en/staff/stories/{ids[0]}/takedown", data={"csrf": find_csrf(listing)})
    assert r.status_code == 303
    assert not (inst.dir / "media" / ids[0]).exists()
    assert requests.get(inst.url(f"/en/stories/{ids[0]}"), timeout=HTTP_TIMEOUT).status_code == 404
    # the Owl of a request: her own copy of the testimony made from it
    set_profile(olga, ["en"], 3)
    Requester(inst).submit_ok("Мой рассказ для Совы.")
    rid = unique(REQUEST_LINK_RE.findall(anna.list_page().text))[0]
    r = anna.post(f"/en/staff/requests/{rid}/assign",
                  data={"csrf": find_csrf(anna.request_page(rid).text), "owl": account_id(inst, "olga")})
    assert r.status_code == 303
    form = olga.get(f"/en/staff/requests/{rid}/testimony")
    assert form.status_code == 200
    seq = re.search(r'name="pick" value="(\d+)"', form.text).group(1)
    r = olga.post(f"/en/staff/requests/{rid}/testimony",
                  data={"csrf": find_csrf(form.text), "pick": seq, "agreed": "yes"})
    assert r.status_code == 303, r.text[:2000]
    tid2 = TESTIMONY_RE.search(r.headers["Location"]).group(1)
    assert "Мой рассказ для Совы." in page(olga, tid2)
    assert tid2 in olga.get("/en/staff/testimonies").text
    # she records his consent and withdraws it; she cannot edit or approve
    assert consent(olga, tid2).status_code == 303
    assert act(olga, tid2, "copy", title="t", copy="c", strike="").status_code == 404
    assert act(olga, tid2, "withdraw", confirm="yes").status_code == 303
    # shredding with the story: the story goes too
    assert consent(anna, tid2).status_code == 303
    assert act(edna, tid2, "copy", title="Сова", copy="Мой рассказ.", strike="").status_code == 303
    assert act(anna, tid2, "approve", copy_seq=copy_seq(anna, tid2)).status_code == 303
    assert act(erin, tid2, "publish", copy_seq=copy_seq(erin, tid2)).status_code == 303
    ids = public_story_ids(inst=inst)[0]
    assert len(ids) == 1
    assert act(erin, tid2, "shred", confirm="yes", story_too="yes").status_code == 303
    assert public_story_ids(inst=inst)[0] == []
    assert q(inst, "SELECT count(*) FROM stories") == [(0,)]


def test_stories_pages_without_any_story(inst):
    for lang, words in (("en", "No story is published yet"), ("ru", None), ("be", None)):
        r = requests.get(inst.url(f"/{lang}/stories"), timeout=HTTP_TIMEOUT)
        assert r.status_code == 200 and "<script" not in r.text
        if words:
            assert words in r.text
    assert requests.get(inst.url("/en/stories/" + "0" * 32), timeout=HTTP_TIMEOUT).status_code == 404
    assert requests.get(inst.url("/en/stories/nope"), timeout=HTTP_TIMEOUT).status_code == 404


def test_the_purge_takes_stories_down_when_consent_ends_and_shreds_old_originals(inst):
    anna, edna, erin = team(inst)
    ids = []
    for n in range(2):
        r = edna.get("/en/staff/testimonies/new")
        r = edna.post("/en/staff/testimonies/new", data={"csrf": find_csrf(r.text), "language": "be",
                                                         "text": f"Аповед {n}."})
        assert r.status_code == 303
        tid = TESTIMONY_RE.search(r.headers["Location"]).group(1)
        assert consent(anna, tid).status_code == 303
        assert act(edna, tid, "copy", title=f"Аповед {n}", copy=f"Аповед {n}.", strike="").status_code == 303
        assert act(erin, tid, "approve", copy_seq=copy_seq(erin, tid)).status_code == 303
        assert act(anna, tid, "publish", copy_seq=copy_seq(anna, tid)).status_code == 303
        ids.append(tid)
    assert len(public_story_ids(inst=inst)[0]) == 2
    inst.stop()
    db = sqlite3.connect(inst.dir / "sava.db")
    try:
        with db:
            # the first story's consent ended an hour ago; the second testimony was last
            # touched past [testimonies] keep_days (365)
            db.execute("UPDATE stories SET until_hour = ? WHERE testimony = ?", (int(time.time()) // 3600 - 1,
                                                                                  bytes.fromhex(ids[0])))
            db.execute("UPDATE cases SET activity_hour = activity_hour - 366 * 24 WHERE id = ?", (bytes.fromhex(ids[1]),))
    finally:
        db.close()
    r = run_cli("purge", str(inst.dir))
    assert r.returncode == 0, r.stderr
    rows = q(inst, "SELECT testimony IS NULL, title FROM stories")
    assert rows == [(1, "Аповед 1")]   # the second story stays, its original shredded
    assert [r[0].lower() for r in q(inst, "SELECT hex(id) FROM testimonies")] == [ids[0]]
    assert q(inst, "SELECT count(*) FROM cases WHERE stage = 102") == [(1,)]


def _pitch(path):
    """The main frequency of the file's sound, from zero crossings of ffmpeg's decoding."""
    import array
    pcm = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", "48000", "-ss", "0.5",
                          "-t", "2", "-f", "s16le", "-"], capture_output=True, check=True, timeout=60).stdout
    s = array.array("h", pcm)
    crossings = sum(1 for a, b in zip(s, s[1:]) if (a < 0) != (b < 0))
    return crossings / 2 / (len(s) / 48000)


def _frame(path, at):
    return subprocess.run(["ffmpeg", "-v", "error", "-ss", at, "-i", str(path), "-frames:v", "1", "-f", "rawvideo",
                           "-pix_fmt", "rgb24", "-"], capture_output=True, check=True, timeout=60).stdout


def _black_share(rgb, w, x0, y0, x1, y1):
    near = total = 0
    for y in range(y0, y1):
        for x in range(x0, x1):
            i = (y * w + x) * 3
            total += 1
            near += rgb[i] < 40 and rgb[i + 1] < 40 and rgb[i + 2] < 40
    return near / total


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="ffmpeg is installed by tools/deps.sh")
def test_a_story_with_its_video_redacted(tmp_path):
    from test_appeals import MEDIA_CONF, check_clean
    inst = start_instance(tmp_path, conf=MEDIA_CONF)
    try:
        anna, edna, erin = team(inst)
        clip = tmp_path / "told.mp4"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=4:size=320x240:rate=15",
                        "-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-c:v", "libx264", "-preset", "ultrafast",
                        "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-metadata", "location=+53.9+027.5/",
                        str(clip)], check=True, timeout=60)
        r = edna.get("/en/staff/testimonies/new")
        r = edna.post("/en/staff/testimonies/new", data={"csrf": find_csrf(r.text), "language": "ru",
                                                         "text": "Он рассказал на видео."})
        tid = TESTIMONY_RE.search(r.headers["Location"]).group(1)
        text = page(edna, tid)
        assert "No video" in text and f"/staff/testimonies/{tid}/media" in text
        token = find_csrf(text)
        # a box outside the picture: refused, nothing stored, what was typed comes back
        parts = [("csrf", (None, token)), ("voice", (None, "yes")), ("b1_from", (None, "0")), ("b1_to", (None, "60")),
                 ("b1_x", (None, "80")), ("b1_y", (None, "0")), ("b1_w", (None, "50")), ("b1_h", (None, "50")),
                 ("video", ("told.mp4", clip.read_bytes(), "video/mp4"))]
        r = edna.post(f"/en/staff/testimonies/{tid}/media", files=parts)
        assert r.status_code == 400 and "Box 1" in r.text and 'value="80"' in r.text
        parts[4] = ("b1_x", (None, "0"))
        r = edna.post(f"/en/staff/testimonies/{tid}/media", files=parts)
        assert r.status_code == 303, r.text[:2000]
        deadline = time.time() + 120
        while "redacted: see it below" not in page(edna, tid):
            assert time.time() < deadline, page(edna, tid)[-3000:]
            time.sleep(0.5)
        assert edna.get(f"/en/staff/testimonies/{tid}/video").status_code == 200
        # edna set the video's redaction: she does not approve erin's copy of it
        assert act(erin, tid, "copy", title="На видео", copy="Он рассказал.", strike="").status_code == 303
        assert act(edna, tid, "approve", copy_seq=copy_seq(edna, tid)).status_code == 409
        assert q(inst, "SELECT approved_by IS NULL FROM testimonies") == [(1,)]
        assert act(edna, tid, "copy", title="На видео", copy="Он рассказал.", strike="").status_code == 303
        assert consent(anna, tid).status_code == 303                      # text only
        assert act(erin, tid, "approve", copy_seq=copy_seq(erin, tid)).status_code == 303
        r = act(anna, tid, "publish", copy_seq=copy_seq(anna, tid))
        assert r.status_code == 409 and "his voice" in r.text
        assert consent(anna, tid, what=("text", "voice")).status_code == 303   # boxes do not spare the face
        assert act(anna, tid, "publish", copy_seq=copy_seq(anna, tid)).status_code == 409
        assert consent(anna, tid, what=("text", "voice", "face")).status_code == 303
        r = act(anna, tid, "publish", copy_seq=copy_seq(anna, tid))
        assert r.status_code == 303, r.text[:3000]
        sid = public_story_ids(inst=inst)[0][0]
        # the SQL itself refuses an approver who set the video's redaction
        db = sqlite3.connect(inst.dir / "sava.db")
        try:
            with pytest.raises(sqlite3.IntegrityError):
                db.execute("UPDATE testimonies SET media_by = approved_by")
        finally:
            db.close()
        story = requests.get(inst.url(f"/en/stories/{sid}"), timeout=HTTP_TIMEOUT)
        assert f"/media/{sid}/video.mp4" in story.text
        v = requests.get(inst.url(f"/media/{sid}/video.mp4"), timeout=HTTP_TIMEOUT)
        assert v.status_code == 200
        out = tmp_path / "published.mp4"
        out.write_bytes(v.content)
        before, after = _pitch(clip), _pitch(out)
        assert abs(before - 440) < 10 and abs(after - 440 * 0.78) < 15, (before, after)
        rgb = _frame(out, "1.0")
        assert _black_share(rgb, 320, 0, 0, 160, 120) > 0.99        # the box covers its place
        assert _black_share(rgb, 320, 160, 120, 320, 240) < 0.5     # and only that
        check_clean(out)
        # a new record for his text only no longer allows the video: the story goes down
        assert consent(anna, tid).status_code == 303
        assert requests.get(inst.url(f"/media/{sid}/video.mp4"), timeout=HTTP_TIMEOUT).status_code == 404
        assert requests.get(inst.url(f"/en/stories/{sid}"), timeout=HTTP_TIMEOUT).status_code == 404
        assert not (inst.dir / "media" / sid).exists()
        # published again with his full consent; the withdrawal takes the video down with the story
        assert consent(anna, tid, what=("text", "voice", "face")).status_code == 303
        assert act(erin, tid, "approve", copy_seq=copy_seq(erin, tid)).status_code in (303, 409)
        assert act(anna, tid, "publish", copy_seq=copy_seq(anna, tid)).status_code == 303
        sid = public_story_ids(inst=inst)[0][0]
        assert requests.get(inst.url(f"/media/{sid}/video.mp4"), timeout=HTTP_TIMEOUT).status_code == 200
        assert act(anna, tid, "withdraw", confirm="yes").status_code == 303
        assert requests.get(inst.url(f"/media/{sid}/video.mp4"), timeout=HTTP_TIMEOUT).status_code == 404
        assert not (inst.dir / "media" / sid).exists()
        # the original's location tag was never on disk in the clear (its blob is sealed)
        inst.stop()
        found = []
        scan_tree(inst.dir, ["+53.9+027.5", "Он рассказал на видео"], found)
        assert found == []
    finally:
        _teardown(inst)


def test_a_revoked_owl_leaves_her_testimonies_at_the_next_epoch(inst):
    anna, edna, erin = team(inst)
    olga = Staff(inst, "olga", "owl").login()
    set_profile(olga, ["en"], 3)
    Requester(inst).submit_ok("Моя история.")
    rid = unique(REQUEST_LINK_RE.findall(anna.list_page().text))[0]
    r = anna.post(f"/en/staff/requests/{rid}/assign",
                  data={"csrf": find_csrf(anna.request_page(rid).text), "owl": account_id(inst, "olga")})
    assert r.status_code == 303
    form = olga.get(f"/en/staff/requests/{rid}/testimony")
    seq = re.search(r'name="pick" value="(\d+)"', form.text).group(1)
    r = olga.post(f"/en/staff/requests/{rid}/testimony", data={"csrf": find_csrf(form.text), "pick": seq, "agreed": "yes"})
    tid = TESTIMONY_RE.search(r.headers["Location"]).group(1)
    olga_id = bytes.fromhex(account_id(inst, "olga"))
    assert q(inst, "SELECT epoch FROM cases WHERE id = ?", bytes.fromhex(tid)) == [(0,)]
    assert q(inst, "SELECT count(*) FROM case_copies WHERE case_id = ? AND holder = ?", bytes.fromhex(tid), olga_id) == [(1,)]
    r = run_cli("revoke", str(inst.dir), "olga")
    assert r.returncode == 0, r.stderr
    anna.login()   # a member's login moves the testimony to a new epoch without her
    assert q(inst, "SELECT epoch FROM cases WHERE id = ?", bytes.fromhex(tid)) == [(1,)]
    assert q(inst, "SELECT owl FROM testimonies") == [(None,)]
    assert q(inst, "SELECT count(*) FROM case_copies WHERE holder = ?", olga_id) == [(0,)]
    assert "Моя история." in page(edna, tid)   # the holders still read it, through the link
