#!/usr/bin/python3
"""The subtitle editor's page for a 600-cue version: latency p50/p99 (issue 12).

In one run, on 127.0.0.1: a test instance (`sava init --insecure-fast-kdf`, the media
sandbox off when bubblewrap cannot run here), two editors (the first makes the editors'
key and gives it to the second), an appeal registered with `sava appeal add` (a 20 s clip
made by ffmpeg), and a 600-cue English version imported with `sava subtitles import`.
Then, one keep-alive connection, sequentially: --rounds GETs of the editor's pages (each of
its 38 pages of 16 cues in turn: every GET decrypts the whole version, checks every cue and
writes an audit entry), and, as the reference measured in the same run, as many GETs of the
appeal's editor page (`/staff/appeals/{id}`: the same case opened, its items decrypted, an
audit entry). Reported: p50, p99 and max of each, in ms. The instance is deleted at the end.
Uses the integration tests' helpers (tests/integration), with Debian's python3-requests.

usage: /usr/bin/python3 bench/subtitle_editor.py [--rounds 400] [--cues 600]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
os.environ.setdefault("SAVA_BIN", os.path.join(ROOT, "build", "sava"))

from conftest import _teardown, run_cli, start_instance  # noqa: E402
from test_appeals import MEDIA_CONF, editors, make_video  # noqa: E402
from test_staff import PASSPHRASE, totp  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=400)
    ap.add_argument("--cues", type=int, default=600)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="sava-bench-subed-") as tmp:
        inst = start_instance(tmp, conf={**MEDIA_CONF, ("server", "log_requests"): "no"})
        try:
            edna, _ = editors(inst)
            video = make_video(os.path.join(tmp, "v.mp4"), seconds=20)
            r = run_cli("appeal", "add", inst.dir, video, "--language", "en", timeout=300)
            assert r.returncode == 0, r.stderr
            aid = r.stdout.split()[0]
            lines = ["WEBVTT", ""]
            for i in range(a.cues):
                s, e = i * 2000, i * 2000 + 1800
                f = lambda ms: "%02d:%02d:%02d.%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)
                lines += [f"{f(s)} --> {f(e)}", f"Cue {i}: I do not want my son to go to war.", "Bring him home.", ""]
            vtt = os.path.join(tmp, "en.vtt")
            open(vtt, "w").write("\n".join(lines))
            code = totp(edna.secret, int(time.time()) // 30)
            r = subprocess.run([os.environ["SAVA_BIN"], "subtitles", "import", inst.dir, aid, "en", vtt, "--as", "edna"],
                               input=f"{PASSPHRASE}\n{code}\n", capture_output=True, text=True, timeout=60)
            assert r.returncode == 0, r.stderr
            print(f"# {r.stdout.strip()}; {os.cpu_count()} cores; {os.uname().release}")
            pages = (a.cues + 15) // 16
            for name, path in (("editor page (600 cues)", lambda i: f"/en/staff/subtitles/{aid}?lang=en&page={i % pages + 1}"),
                               ("reference: the appeal's page", lambda i: f"/en/staff/appeals/{aid}")):
                for i in range(10):   # warm
                    edna.get(path(i))
                times = []
                for i in range(a.rounds):
                    t0 = time.perf_counter()
                    resp = edna.get(path(i))
                    times.append((time.perf_counter() - t0) * 1000)
                    assert resp.status_code == 200, resp.status_code
                print(f"| {name} | {a.rounds} | {pct(times, 50):.1f} | {pct(times, 99):.1f} | {max(times):.1f} |")
        finally:
            _teardown(inst)


if __name__ == "__main__":
    main()
