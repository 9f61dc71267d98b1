"""Subtitles (issue 12) against the real daemon: `sava subtitles import/export` as a staff
member (WebVTT, SRT, windows-1251, a bad line named with its number), versions sealed
on disk, the translator's task queue, the cue editor's actions as plain POSTs, the
two-person rules of review and approval, a re-timed source carrying its translation,
restore, and the approved tracks in the public gallery and gone on withdrawal."""
import os
import re
import subprocess
import time

import pytest
import requests

from conftest import CLI_TIMEOUT, HTTP_TIMEOUT, SAVA_BIN, start_instance, _teardown, run_cli
from intake_util import Staff, find_csrf
from test_appeals import MEDIA_CONF, editors, make_video, media_files, pytestmark  # noqa: F401
from test_staff import PASSPHRASE, totp

VTT = """WEBVTT

NOTE made by hand

00:00.500 --> 00:02.000
SUBMARKER one: I do not want

00:02.100 --> 00:03.900
my son to go to war

00:04.000 --> 00:05.900
<i>bring him home</i>
"""


@pytest.fixture
def inst(tmp_path):
    i = start_instance(tmp_path, conf=MEDIA_CONF)
    yield i
    _teardown(i)


def cli_as(staff, *args, stdin=None):
    """`sava subtitles ...` signed in as staff: her passphrase and a current code on stdin."""
    code = totp(staff.secret, int(time.time()) // 30)
    data = stdin if stdin is not None else f"{PASSPHRASE}\n{code}\n"
    r = subprocess.run([str(SAVA_BIN), "subtitles", *map(str, args), "--as", staff.handle], input=data.encode(),
                       capture_output=True, timeout=CLI_TIMEOUT)
    # bytes as written (CRLF kept), as text
    return subprocess.CompletedProcess(r.args, r.returncode, r.stdout.decode(), r.stderr.decode())


def add_appeal(inst, tmp_path, language="en", seconds=6):
    video = make_video(tmp_path / f"v{language}.mp4", seconds=seconds)
    r = run_cli("appeal", "add", inst.dir, video, "--language", language, timeout=CLI_TIMEOUT * 4)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()[0]


def translator(inst, edna, handle="tanya"):
    """A translator who holds the editors' key, given by an editor on the appeals page."""
    t = Staff(inst, handle, "translator").login()
    page = edna.get("/en/staff/appeals")
    ids = re.findall(r'name="account" value="([0-9a-f]{32})"', page.text)
    assert ids, "the editors' page offers the key to the translator"
    for acct in ids:
        r = edna.post("/en/staff/appeals", data={"csrf": find_csrf(page.text), "account": acct})
        assert r.status_code == 303
        page = edna.get("/en/staff/appeals")
    t.login()
    return t


def test_import_export_formats_and_bad_lines(inst, tmp_path):
    edna, erin = editors(inst)
    aid = add_appeal(inst, tmp_path)
    src = tmp_path / "en.vtt"
    src.write_text(VTT)
    r = cli_as(edna, "import", inst.dir, aid, "en", src)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "version 1, 3 cues"

    r = cli_as(edna, "export", inst.dir, aid, "en")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("WEBVTT\n")
    assert "00:00:00.500 --> 00:00:02.000\nSUBMARKER one: I do not want\n" in r.stdout
    assert "<i>bring him home</i>" in r.stdout
    r = cli_as(edna, "export", inst.dir, aid, "en", "--format", "srt")
    assert r.returncode == 0 and "1\r\n00:00:00,500 --> 00:00:02,000\r\nSUBMARKER one" in r.stdout
    # round trip: the exported SRT imports back to the same cues
    back = tmp_path / "back.srt"
    back.write_text(r.stdout, newline="")
    r = cli_as(edna, "import", inst.dir, aid, "en", back)
    assert r.returncode == 0 and r.stdout.strip() == "version 2, 3 cues", r.stderr
    r2 = cli_as(edna, "export", inst.dir, aid, "en", "--version", "1")
    r3 = cli_as(edna, "export", inst.dir, aid, "en", "--version", "2")
    assert r2.stdout == r3.stdout

    # a bad timing line: its file and line number, and nothing stored
    bad = tmp_path / "bad.vtt"
    bad.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nok\n\n00:01.000 --> 00:0x.000\nlost\n")
    r = cli_as(edna, "import", inst.dir, aid, "en", bad)
    assert r.returncode == 1 and f"{bad}:6:" in r.stderr, r.stderr
    r = cli_as(edna, "export", inst.dir, aid, "en")
    assert "lost" not in r.stdout
    bad.write_text("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,000 -> 00:00:04,000\nx\n")
    r = cli_as(edna, "import", inst.dir, aid, "en", bad, "--format", "srt")
    assert r.returncode == 1 and f"{bad}:6: this timing line does not parse" in r.stderr, r.stderr
    # windows-1251 needs to be named
    ru = tmp_path / "ru.srt"
    ru.write_bytes("1\r\n00:00:00,500 --> 00:00:02,000\r\nЯ не хочу, ўсё\r\n\r\n".encode("cp1251"))
    r = cli_as(edna, "import", inst.dir, aid, "ru", ru)
    assert r.returncode == 1 and "windows-1251" in r.stderr and ":3:" in r.stderr
    r = cli_as(edna, "import", inst.dir, aid, "ru", ru, "--encoding", "windows-1251")
    assert r.returncode == 0 and r.stdout.strip() == "version 1, 1 cues", r.stderr
    r = cli_as(edna, "export", inst.dir, aid, "ru")
    assert "Я не хочу, ўсё" in r.stdout

    # a wrong code signs nobody in
    r = cli_as(edna, "export", inst.dir, aid, "en", stdin=f"{PASSPHRASE}\n000000\n")
    assert r.returncode == 1 and "could not sign in" in r.stderr
    # the words are sealed: not on disk in the clear
    for dp, _, fs in os.walk(inst.dir):
        for f in fs:
            with open(os.path.join(dp, f), "rb") as fh:
                assert b"SUBMARKER" not in fh.read(), os.path.join(dp, f)
    log = run_cli("audit", "verify", inst.dir)
    assert log.returncode == 0, log.stderr


def page(staff, aid, lang, **q):
    qs = "&".join(f"{k}={v}" for k, v in q.items())
    r = staff.get(f"/en/staff/subtitles/{aid}?lang={lang}" + (f"&{qs}" if qs else ""))
    assert r.status_code == 200, (r.status_code, r.text[:2000])
    return r.text


def take(staff, aid, lang):
    text = page(staff, aid, lang)
    m = re.search(r'name="task" value="([0-9a-f]{32})"', text)
    assert m, "the editor page offers the task"
    r = staff.post("/en/staff/subtitles", data={"csrf": find_csrf(text), "task": m.group(1), "do": "take"})
    assert r.status_code == 303 and "done=take" in r.headers["Location"], r.headers.get("Location")


def step(staff, aid, lang, what, status=303, **extra):
    text = page(staff, aid, lang)
    r = staff.post(f"/en/staff/subtitles/{aid}/step", data={"csrf": find_csrf(text), "lang": lang, "do": what, **extra})
    assert r.status_code == status, (what, r.status_code, r.text[:3000])
    return r


def import_web(staff, aid, lang, data, name="f.vtt", fmt="vtt", encoding=""):
    text = page(staff, aid, lang)
    parts = [("csrf", (None, find_csrf(text))), ("lang", (None, lang)), ("format", (None, fmt)),
             ("encoding", (None, encoding)), ("file", (name, data, "text/vtt"))]
    return staff.post(f"/en/staff/subtitles/{aid}/import", files=parts)


def cues_of(text):
    """The cue ids of the editor's form, in order."""
    m = re.search(r'name="cues" value="([0-9,]*)"', text)
    return [int(x) for x in m.group(1).split(",") if x] if m else []


def edit(staff, aid, lang, op, fields=None, status=303):
    text = page(staff, aid, lang)
    data = {"csrf": find_csrf(text), "lang": lang, "page": "1", "op": op,
            "cues": ",".join(map(str, cues_of(text)))}
    for cid in cues_of(text):
        for k in ("s", "e", "t"):
            m = re.search(r'name="%s_%d"[^>]*value="([^"]*)"' % (k, cid), text) if k != "t" else \
                re.search(r'name="t_%d"[^>]*>([^<]*)</textarea>' % cid, text)
            data[f"{k}_{cid}"] = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") if m else ""
    data.update(fields or {})
    r = staff.post(f"/en/staff/subtitles/{aid}/edit", data=data)
    assert r.status_code == status, (op, r.status_code, r.text[:3000])
    return r


def export(staff, aid, lang, fmt="vtt"):
    r = staff.get(f"/en/staff/subtitles/{aid}/export?lang={lang}&format={fmt}")
    assert r.status_code == 200, r.status_code
    assert r.headers["Content-Disposition"].startswith("attachment")
    return r.content.decode()


OVERLAP = VTT.replace("00:02.100 --> 00:03.900", "00:01.500 --> 00:03.900")


def test_translator_to_approved_russian_with_two_people_and_the_gallery(inst, tmp_path):
    edna, erin = editors(inst)
    tanya = translator(inst, edna)
    aid = add_appeal(inst, tmp_path)

    # not started: a translator cannot start it; an editor can
    r = tanya.get(f"/en/staff/subtitles/{aid}")
    assert r.status_code == 200 and "has not started" in r.text and "do\" value=\"start" not in r.text
    r = edna.get(f"/en/staff/subtitles/{aid}")
    r = edna.post(f"/en/staff/subtitles/{aid}/step", data={"csrf": find_csrf(r.text), "do": "start"})
    assert r.status_code == 303
    queue = tanya.get("/en/staff/subtitles").text
    assert "en → en" in queue and "to transcribe" in queue and "en → ru" not in queue
    assert "en → en" not in tanya.get("/en/staff/subtitles?lang=ru").text

    # a translator changes nothing before she takes the task
    r = import_web(tanya, aid, "en", VTT.encode())
    assert r.status_code == 303 and "error=" in r.headers["Location"]
    take(tanya, aid, "en")
    assert "en → en" in tanya.get("/en/staff/subtitles?mine=1").text
    # the video for her previews, in parts; the editors' own pages stay closed to her
    part = tanya.get(f"/en/staff/subtitles/{aid}/video", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100, part.status_code
    assert tanya.get(f"/en/staff/appeals/{aid}").status_code == 404
    assert tanya.get(f"/en/staff/appeals/{aid}/video").status_code == 404

    # an overlapping draft: its errors are counted, and block approval
    r = import_web(tanya, aid, "en", OVERLAP.encode())
    assert r.status_code == 303 and "done=imported" in r.headers["Location"], r.headers["Location"]
    text = page(tanya, aid, "en")
    assert re.search(r'<span id="qc-errors">1</span>', text) and "Overlaps the cue before" in text
    step(tanya, aid, "en", "submit")
    step(tanya, aid, "en", "review", status=409)       # never her own
    step(erin, aid, "en", "review")
    step(erin, aid, "en", "approve", status=409)       # she reviewed it
    r = step(edna, aid, "en", "approve", status=409)   # the overlap
    assert "quality errors" in r.text
    step(edna, aid, "en", "approve_back")

    # the fixed file, through the web form; then the editor's actions
    take(tanya, aid, "en")
    r = import_web(tanya, aid, "en", b"WEBVTT\n\n00:00.000 --> 00:01.000\nok\n\nbad line\n", name="x.vtt")
    assert r.status_code == 303 and "import_error=6" in r.headers["Location"] and "line=6" in r.headers["Location"]
    shown = tanya.get(r.headers["Location"].split("#")[0]).text
    assert "a timing line is missing. (line 6)" in shown
    r = import_web(tanya, aid, "en", VTT.encode())
    assert r.status_code == 303 and "done=imported" in r.headers["Location"]
    cids = cues_of(page(tanya, aid, "en"))
    assert len(cids) == 3
    edit(tanya, aid, "en", f"split:{cids[1]}")
    assert "my son" in export(tanya, aid, "en") and len(cues_of(page(tanya, aid, "en"))) == 4
    new = cues_of(page(tanya, aid, "en"))
    assert new[:2] == cids[:2] and new[3] == cids[2]          # ids stay; the new half gets a new one
    edit(tanya, aid, "en", f"merge:{cids[1]}")
    assert cues_of(page(tanya, aid, "en")) == cids
    edit(tanya, aid, "en", f"add:{cids[2]}")
    assert len(cues_of(page(tanya, aid, "en"))) == 4
    edit(tanya, aid, "en", f"delete:{cues_of(page(tanya, aid, 'en'))[3]}")
    # a bad time: the form comes back with what she typed and says why
    r = edit(tanya, aid, "en", "save", {f"s_{cids[0]}": "soon", f"t_{cids[0]}": "typed words"}, status=400)
    assert "error-summary" in r.text and "typed words" in r.text and 'value="soon"' in r.text
    edit(tanya, aid, "en", "save", {f"t_{cids[1]}": "my son to go to war."})
    edit(tanya, aid, "en", "shift", {"shift": "-100"})
    vtt = export(tanya, aid, "en")
    assert "00:00:00.400 --> 00:00:01.900\nSUBMARKER one" in vtt and "my son to go to war." in vtt
    text = page(tanya, aid, "en")
    assert '<span id="qc-errors">0</span>' in text
    assert re.search(r'/staff/subtitles/%s/video#t=0\.400,1\.900' % aid, text)

    step(tanya, aid, "en", "submit")
    step(erin, aid, "en", "review")
    step(tanya, aid, "en", "approve", status=409)       # an editor approves
    step(edna, aid, "en", "approve")
    queue = tanya.get("/en/staff/subtitles?lang=ru").text
    assert "en → ru" in queue and "to translate" in queue

    # the Russian translation, cue by cue against the source
    take(tanya, aid, "ru")
    text = page(tanya, aid, "ru")
    assert "SUBMARKER one: I do not want" in text     # the source beside her words
    ids = cues_of(text)
    assert len(ids) == 3
    words = ["Я не хочу,", "чтобы мой сын шёл на войну.", "Верните его домой."]
    edit(tanya, aid, "ru", "save", {f"t_{i}": w for i, w in zip(ids, words)})
    ru = export(tanya, aid, "ru")
    assert "00:00:00.400 --> 00:00:01.900\nЯ не хочу," in ru

    # the source is re-timed (and approved again): the translation follows it
    edit(edna, aid, "en", "shift", {"shift": "1000"})
    step(edna, aid, "en", "submit")
    step(tanya, aid, "en", "review")
    step(erin, aid, "en", "approve")
    ru = export(tanya, aid, "ru")
    assert "00:00:01.400 --> 00:00:02.900\nЯ не хочу," in ru and "Верните его домой." in ru

    step(tanya, aid, "ru", "submit")
    step(erin, aid, "ru", "review")
    step(edna, aid, "ru", "approve")

    # versions: view an earlier one, restore it as a new draft
    text = page(tanya, aid, "en", version="1")
    assert "1 / 3" in text and "Overlaps the cue before" in text
    step(edna, aid, "en", "restore", version="2")   # the one before the re-timing
    text = page(edna, aid, "en")
    assert "4 / 4" in text and "00:00:00.400" in text

    # published: the approved tracks go with it, and go away with it
    page_ = edna.get(f"/en/staff/appeals/{aid}")
    r = edna.post(f"/en/staff/appeals/{aid}/approve", data={"csrf": find_csrf(page_.text)})
    assert r.status_code == 303
    page_ = erin.get(f"/en/staff/appeals/{aid}")
    r = erin.post(f"/en/staff/appeals/{aid}/publish", data={"csrf": find_csrf(page_.text)})
    assert r.status_code == 303
    # (the Russian renders and their words come as the media worker makes them: test_subburn.py)
    names = sorted(os.path.basename(f) for f in media_files(inst) if "-" not in os.path.basename(f))
    assert names == ["en.vtt", "poster.jpg", "ru.vtt", "video.mp4"], names
    slug = os.path.basename(os.path.dirname(media_files(inst)[0]))
    public = requests.get(inst.url(f"/ru/appeals/{slug}"), timeout=HTTP_TIMEOUT).text
    assert f'<track kind="subtitles" src="/media/{slug}/ru.vtt" srclang="ru" label="Русский" default>' in public
    assert f'src="/media/{slug}/en.vtt" srclang="en"' in public
    served = requests.get(inst.url(f"/media/{slug}/ru.vtt"), timeout=HTTP_TIMEOUT)
    assert served.status_code == 200 and served.headers["Content-Type"].startswith("text/vtt")
    assert "Верните его домой." in served.content.decode() and "01.400 --> " in served.content.decode()

    # the transcription re-timed and approved after publication: the public Russian follows
    edit(edna, aid, "en", "shift", {"shift": "500"})
    step(edna, aid, "en", "submit")
    step(tanya, aid, "en", "review")
    step(erin, aid, "en", "approve")
    served = requests.get(inst.url(f"/media/{slug}/ru.vtt"), timeout=HTTP_TIMEOUT).content.decode()
    assert "00:00:00.900 --> 00:00:02.400\nЯ не хочу," in served, served

    page_ = edna.get(f"/en/staff/appeals/{aid}")
    r = edna.post(f"/en/staff/appeals/{aid}/withdraw", data={"csrf": find_csrf(page_.text), "confirm": "yes"})
    assert r.status_code == 303
    assert media_files(inst) == []
    assert tanya.get(f"/en/staff/subtitles/{aid}?lang=ru").status_code == 404
    assert "en → " not in tanya.get("/en/staff/subtitles").text
    log = run_cli("audit", "verify", inst.dir)
    assert log.returncode == 0, log.stderr
