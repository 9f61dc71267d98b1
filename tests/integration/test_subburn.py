"""Captions burned in (issue 12) against the real daemon: an approved Russian version is
rendered by the media worker, 16:9 and 9:16, sealed for the editors and listed with its
state; the files carry no metadata (the same checks as the clean video); publication puts
them beside the video with the captions as text; a newer approval replaces them, and a
withdrawal takes everything away."""
import json
import os
import re
import sqlite3
import subprocess
import time

import requests

from conftest import HTTP_TIMEOUT, _teardown, run_cli, start_instance
from intake_util import find_csrf
from test_appeals import MEDIA_CONF, check_clean, editors, media_files, pytestmark  # noqa: F401
from test_subtitles import VTT, add_appeal, cues_of, edit, inst, page, step, take, translator  # noqa: F401


def db_count(inst, sql, *args):
    db = sqlite3.connect(f"file:{inst.dir / 'sava.db'}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchone()[0]
    finally:
        db.close()


def case_files(inst, aid):
    """The appeal's sealed files other than the cue editor's timing aids (made once the
    editor page is opened, in the background)."""
    return db_count(inst, "SELECT count(*) FROM attachments WHERE case_id = ?1 AND id NOT IN "
                    "(SELECT wave FROM sub_aids WHERE case_id = ?1 AND wave IS NOT NULL UNION "
                    "SELECT pauses FROM sub_aids WHERE case_id = ?1 AND pauses IS NOT NULL)", bytes.fromhex(aid))


def wait_ready(editor, aid, version, timeout=240):
    """The staff page once the Russian render of version is ready."""
    deadline = time.time() + timeout
    while True:
        text = editor.get(f"/en/staff/appeals/{aid}").text
        if re.search(r"Русский</strong>, version %d: ready" % version, text):
            return text
        assert "it failed" not in text, text[text.find("Captions burned in"):][:800]
        assert time.time() < deadline, text[text.find("Captions burned in"):][:800]
        time.sleep(1)


def probe_size(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height", "-of", "json", str(path)],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    s = json.loads(out)["streams"][0]
    return s["width"], s["height"]


def save(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def translate_ru(who, aid, words):
    ids = cues_of(page(who, aid, "ru"))
    assert len(ids) == len(words)
    edit(who, aid, "ru", "save", {f"t_{i}": w for i, w in zip(ids, words)})


def test_approved_russian_is_burned_in_published_replaced_and_withdrawn(inst, tmp_path):
    edna, erin = editors(inst)
    tanya = translator(inst, edna)
    aid = add_appeal(inst, tmp_path)
    r = edna.get(f"/en/staff/subtitles/{aid}")
    assert edna.post(f"/en/staff/subtitles/{aid}/step", data={"csrf": find_csrf(r.text), "do": "start"}).status_code == 303

    # the transcription, approved: nothing is burned in for the spoken language
    take(tanya, aid, "en")
    r = tanya.post(f"/en/staff/subtitles/{aid}/import", files=[
        ("csrf", (None, find_csrf(page(tanya, aid, "en")))), ("lang", (None, "en")), ("format", (None, "vtt")),
        ("encoding", (None, "")), ("file", ("f.vtt", VTT.encode(), "text/vtt"))])
    assert r.status_code == 303 and "done=imported" in r.headers["Location"]
    step(tanya, aid, "en", "submit")
    step(erin, aid, "en", "review")
    step(edna, aid, "en", "approve")
    assert "Captions burned in" not in edna.get(f"/en/staff/appeals/{aid}").text
    blobs_before = case_files(inst, aid)

    # the Russian version approved: the media worker renders both shapes
    take(tanya, aid, "ru")
    translate_ru(tanya, aid, ["Я не хочу,", "чтобы мой сын шёл на войну.", "Верните его домой."])
    step(tanya, aid, "ru", "submit")
    step(erin, aid, "ru", "review")
    step(edna, aid, "ru", "approve")
    text = wait_ready(edna, aid, 1)
    hrefs = dict(re.findall(r'href="(/en/staff/subtitles/%s/burn\?lang=ru&amp;shape=(wide|tall|text))"' % aid, text))
    hrefs = {v: k.replace("&amp;", "&") for k, v in hrefs.items()}
    assert set(hrefs) == {"wide", "tall", "text"}, text
    # sealed for the editors: two more files of the case, none in the public folder yet
    assert case_files(inst, aid) == blobs_before + 2
    assert media_files(inst) == []
    assert tanya.get(f"/en/staff/appeals/{aid}").status_code == 404          # the editors' page
    wide = edna.get(hrefs["wide"])
    tall = edna.get(hrefs["tall"])
    assert wide.status_code == 200 and tall.status_code == 200
    assert wide.content[4:8] == b"ftyp" and tall.content[4:8] == b"ftyp"
    w, t = save(tmp_path, "w.mp4", wide.content), save(tmp_path, "t.mp4", tall.content)
    check_clean(w)
    check_clean(t)
    assert probe_size(w) == (1280, 720) and probe_size(t) == (720, 1280)
    words = edna.get(hrefs["text"])
    assert words.status_code == 200 and words.headers["Content-Disposition"].startswith("attachment")
    assert words.content.decode() == "Я не хочу,\nчтобы мой сын шёл на войну.\nВерните его домой.\n"
    # someone without the editors' key gets nothing, as for any file of the case
    assert erin.get(hrefs["wide"].replace(aid, "0" * 32)).status_code == 404

    # published: the renders and the words go beside the video, and on its page
    r = edna.post(f"/en/staff/appeals/{aid}/approve", data={"csrf": find_csrf(edna.get(f"/en/staff/appeals/{aid}").text)})
    assert r.status_code == 303
    r = erin.post(f"/en/staff/appeals/{aid}/publish", data={"csrf": find_csrf(erin.get(f"/en/staff/appeals/{aid}").text)})
    assert r.status_code == 303
    names = sorted(os.path.basename(f) for f in media_files(inst))
    assert names == ["en.vtt", "poster.jpg", "ru-16x9.mp4", "ru-9x16.mp4", "ru-captions.txt", "ru.vtt", "video.mp4"], names
    slug = os.path.basename(os.path.dirname(media_files(inst)[0]))
    public = requests.get(inst.url(f"/ru/appeals/{slug}"), timeout=HTTP_TIMEOUT).text
    for name in ("ru-16x9.mp4", "ru-9x16.mp4", "ru-captions.txt"):
        assert f'href="/media/{slug}/{name}"' in public, name
        got = requests.get(inst.url(f"/media/{slug}/{name}"), timeout=HTTP_TIMEOUT)
        assert got.status_code == 200, name
    got = requests.get(inst.url(f"/media/{slug}/ru-captions.txt"), timeout=HTTP_TIMEOUT)
    assert got.headers["Content-Type"].startswith("text/plain") and "Верните его домой." in got.content.decode()
    check_clean(os.path.join(inst.dir, "media", slug, "ru-9x16.mp4"))
    assert open(os.path.join(inst.dir, "media", slug, "ru-16x9.mp4"), "rb").read() == wide.content

    # a newer approval: the old renders go at once, the new ones replace them
    translate_ru(edna, aid, ["Я не хочу,", "чтобы мой сын шёл на войну.", "Пусть он вернётся."])
    step(edna, aid, "ru", "submit")
    step(tanya, aid, "ru", "review")
    step(erin, aid, "ru", "approve")
    assert "Пусть он вернётся." in requests.get(inst.url(f"/media/{slug}/ru-captions.txt"),
                                                 timeout=HTTP_TIMEOUT).content.decode()
    wait_ready(edna, aid, 2)
    assert case_files(inst, aid) == blobs_before + 2
    new_wide = open(os.path.join(inst.dir, "media", slug, "ru-16x9.mp4"), "rb").read()
    assert new_wide != wide.content and new_wide[4:8] == b"ftyp"
    check_clean(os.path.join(inst.dir, "media", slug, "ru-16x9.mp4"))
    public = requests.get(inst.url(f"/en/appeals/{slug}"), timeout=HTTP_TIMEOUT).text
    assert f'href="/media/{slug}/ru-9x16.mp4"' in public

    # withdrawn: every file goes, the renders' rows with the case
    r = edna.post(f"/en/staff/appeals/{aid}/withdraw",
                  data={"csrf": find_csrf(edna.get(f"/en/staff/appeals/{aid}").text), "confirm": "yes"})
    assert r.status_code == 303
    assert media_files(inst) == []
    assert requests.get(inst.url(f"/media/{slug}/ru-16x9.mp4"), timeout=HTTP_TIMEOUT).status_code == 404
    assert db_count(inst, "SELECT count(*) FROM sub_burns WHERE case_id = ?", bytes.fromhex(aid)) == 0
    assert db_count(inst, "SELECT count(*) FROM attachments WHERE case_id = ?", bytes.fromhex(aid)) == 0
    log = run_cli("audit", "verify", inst.dir)
    assert log.returncode == 0, log.stderr


def test_the_editor_shows_the_waveform_and_makes_cues_from_the_pauses(inst, tmp_path):
    edna, erin = editors(inst)
    # sound for 1.2 s of every 2 s, silence between: four stretches of "speech" in 8 s
    video = tmp_path / "pauses.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=f=440:d=8", "-f", "lavfi", "-i",
                    "testsrc=s=320x240:d=8", "-af", "volume='if(lt(mod(t,2),1.2),1,0)':eval=frame", "-shortest",
                    "-c:v", "libx264", "-c:a", "aac", str(video)], check=True, timeout=60)
    r = run_cli("appeal", "add", inst.dir, video, "--language", "en", timeout=240)
    assert r.returncode == 0, r.stderr
    aid = r.stdout.split()[0]
    r = edna.get(f"/en/staff/subtitles/{aid}")
    assert edna.post(f"/en/staff/subtitles/{aid}/step", data={"csrf": find_csrf(r.text), "do": "start"}).status_code == 303

    # the first look asks the media worker for the picture; it comes once, then stays
    text = page(edna, aid, "en")
    deadline = time.time() + 120
    while "/waveform" not in text:
        assert "drawing the sound" in text or "/waveform" in text, text[:3000]
        assert time.time() < deadline
        time.sleep(1)
        text = page(edna, aid, "en")
    wave = edna.get(f"/en/staff/subtitles/{aid}/waveform")
    assert wave.status_code == 200 and wave.headers["Content-Type"] == "image/jpeg" and wave.content[:2] == b"\xff\xd8"
    assert b"Exif" not in wave.content
    assert db_count(inst, "SELECT count(*) FROM sub_aids WHERE case_id = ? AND state = 2", bytes.fromhex(aid)) == 1
    # sealed, like the video it was drawn from: nothing of it in the clear on disk
    assert media_files(inst) == []
    # no cues yet: the page offers to make them from the pauses; no transcriber is set up
    assert 'value="pauses"' in text and "<rect" not in text
    assert "not set up on this server" in text and 'value="transcribe"' not in text
    r = edna.post(f"/en/staff/subtitles/{aid}/step", data={"csrf": find_csrf(text), "lang": "en", "do": "pauses"})
    assert r.status_code == 303 and "done=pauses" in r.headers["Location"], (r.status_code, r.text[:2000])
    text = page(edna, aid, "en")
    assert len(cues_of(text)) == 4, re.findall(r'name="[se]_\d+"[^>]*value="([^"]*)"', text)
    starts = re.findall(r'name="s_\d+"[^>]*value="([^"]*)"', text)
    ends = re.findall(r'name="e_\d+"[^>]*value="([^"]*)"', text)
    secs = [(float(a.split(":")[-1]) + 60 * int(a.split(":")[-2]), float(b.split(":")[-1])) for a, b in zip(starts, ends)]
    for k, (a, b) in enumerate(secs):
        assert abs(a - (0 if k == 0 else 2 * k + 0.02)) < 0.15 and abs(b - (2 * k + 1.2)) < 0.15, secs
    # the page's cues drawn over the sound, each a link to its fields
    boxes = re.findall(r'<a href="#c(\d+)"><rect class="cue-box" x="(\d+)"', text)
    assert [int(c) for c, _ in boxes] == cues_of(text)
    assert [int(x) for _, x in boxes] == sorted(int(x) for _, x in boxes) and int(boxes[1][1]) > 350
    # only over an empty transcription: a second press changes nothing
    r = edna.post(f"/en/staff/subtitles/{aid}/step", data={"csrf": find_csrf(text), "lang": "en", "do": "pauses"})
    assert r.status_code == 409
    assert len(cues_of(page(edna, aid, "en"))) == 4
    # the picture is the appeal's: someone who does not hold the editors' key gets nothing
    outsider = __import__("intake_util").Staff(inst, "olga", "translator").login()
    assert outsider.get(f"/en/staff/subtitles/{aid}/waveform").status_code == 404


FAKE_TRANSCRIBER = """#!/bin/sh
# a stand-in for whisper.cpp: reads the WAV sava made, says what it heard as WebVTT
test -s "$1" || exit 3
head -c 4 "$1" | grep -q RIFF || exit 4
printf 'WEBVTT\n\n00:00.500 --> 00:02.000\nmachine words in %s\n\n00:02.500 --> 00:04.000\n<i>more</i>\n' "$2"
"""


def test_a_machine_transcription_becomes_a_draft_to_correct(tmp_path):
    tr = tmp_path / "tr"
    tr.mkdir()
    script = tr / "fake-transcribe"
    script.write_text(FAKE_TRANSCRIBER)
    script.chmod(0o755)
    conf = dict(MEDIA_CONF)
    conf[("subtitles", "transcribe_cmd")] = str(script)
    inst = start_instance(tmp_path, conf=conf)
    try:
        edna, erin = editors(inst)
        aid = add_appeal(inst, tmp_path)
        r = edna.get(f"/en/staff/subtitles/{aid}")
        assert edna.post(f"/en/staff/subtitles/{aid}/step",
                         data={"csrf": find_csrf(r.text), "do": "start"}).status_code == 303
        text = page(edna, aid, "en")
        assert 'value="transcribe"' in text and "not set up" not in text
        r = edna.post(f"/en/staff/subtitles/{aid}/step", data={"csrf": find_csrf(text), "lang": "en", "do": "transcribe"})
        assert r.status_code == 303 and "done=transcribe" in r.headers["Location"], r.text[:2000]
        deadline = time.time() + 120
        while 'value="transcript"' not in text:
            assert "failed" not in text, text[:3000]
            assert time.time() < deadline
            time.sleep(1)
            text = page(edna, aid, "en")
        # sealed until used: nothing of it in the clear
        assert media_files(inst) == []
        r = edna.post(f"/en/staff/subtitles/{aid}/step", data={"csrf": find_csrf(text), "lang": "en", "do": "transcript"})
        assert r.status_code == 303 and "done=imported" in r.headers["Location"], r.text[:2000]
        vtt = edna.get(f"/en/staff/subtitles/{aid}/export?lang=en&format=vtt").content.decode()
        assert "00:00:00.500 --> 00:00:02.000\nmachine words in en" in vtt and "<i>more</i>" in vtt, vtt
        text = page(edna, aid, "en")
        assert 'value="transcript"' not in text and 'value="transcribe"' in text
        assert db_count(inst, "SELECT count(*) FROM sub_aids WHERE case_id = ? AND transcript IS NOT NULL",
                        bytes.fromhex(aid)) == 0
        log = run_cli("audit", "verify", inst.dir)
        assert log.returncode == 0, log.stderr
    finally:
        _teardown(inst)


def test_a_transcriber_inside_the_instance_is_refused(tmp_path):
    """transcribe_cmd's folder is bound into the sandbox, readable: one that holds the
    instance's keys (or is a system folder) is refused, and nothing runs."""
    script = tmp_path / "inst" / "tools" / "fake-transcribe"
    conf = dict(MEDIA_CONF)
    conf[("subtitles", "transcribe_cmd")] = str(script)
    inst = start_instance(tmp_path, conf=conf)
    try:
        script.parent.mkdir()
        script.write_text(FAKE_TRANSCRIBER)
        script.chmod(0o755)
        edna, erin = editors(inst)
        aid = add_appeal(inst, tmp_path)
        r = edna.get(f"/en/staff/subtitles/{aid}")
        assert edna.post(f"/en/staff/subtitles/{aid}/step",
                         data={"csrf": find_csrf(r.text), "do": "start"}).status_code == 303
        text = page(edna, aid, "en")
        r = edna.post(f"/en/staff/subtitles/{aid}/step", data={"csrf": find_csrf(text), "lang": "en", "do": "transcribe"})
        assert r.status_code == 303
        deadline = time.time() + 60
        while "not its own" not in (tmp_path / "serve.log").read_text():
            assert time.time() < deadline, "the refusal was not logged"
            time.sleep(0.5)
        assert 'value="transcript"' not in page(edna, aid, "en")
    finally:
        _teardown(inst)
