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
