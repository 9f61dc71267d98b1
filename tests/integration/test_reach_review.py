"""Reach after its security review: a file is checked whole and then stored in short
parts, so a help request sent during a large import still goes through; a day after
tomorrow, or an invisible character in what is shown, refuses the file with its line; an
import is listed and can be taken back (page and command line); the file's channel names
and account-naming addresses are not kept; reach audit entries name no editor; one page
import at a time; /metrics counts no log_quiet route, has no Owls or men-safe figure, and
answers only to a loopback Host."""

import datetime
import re
import socket
import sqlite3
import subprocess
import time

import requests
from pathlib import Path

from conftest import SAVA_BIN, free_port, run_cli
from intake_util import Requester, Staff, coordinator

DATA = Path(__file__).resolve().parent.parent / "data" / "reach"
HEADER = "platform,post_id,url,title,published_at,measured_on,views,period\n"


def day(offset):
    return (datetime.date.today() + datetime.timedelta(days=offset)).isoformat()


def import_bytes(editor, name, data, token=None):
    token = token or editor.token()
    return editor.post("/en/staff/reach/import",
                       files=[("csrf", (None, token)), ("platform", (None, "")), ("file", (name, data, "text/csv"))])


def totals(inst):
    r = run_cli("reach", "totals", inst.dir)
    assert r.returncode == 0, r.stderr
    return dict(line.split(" ") for line in r.stdout.splitlines())


def test_future_days_and_hidden_characters_refuse_the_file(make_instance, tmp_path):
    inst = make_instance()
    ok = HEADER + f"vk,1,https://vk.com/clip-1_1,t,,{day(1)},10,lifetime\n"
    future = ok + f"vk,2,https://vk.com/clip-1_2,t,,{day(2)},10,lifetime\n"
    f = tmp_path / "future.csv"
    f.write_text(future)
    r = run_cli("reach", "import", inst.dir, f)
    assert r.returncode == 1 and "line 3: the day counted is later than tomorrow" in r.stderr
    assert "nothing was imported" in r.stderr
    assert totals(inst) == {"total": "0"}
    # a right-to-left override in a post id: refused, never shown
    f.write_text(ok + "vk,ab\u202edc,,t,,2025-10-01,10,lifetime\n", encoding="utf-8")
    r = run_cli("reach", "import", inst.dir, f)
    assert r.returncode == 1 and "line 3:" in r.stderr and "control or invisible character" in r.stderr
    assert "\u202e" not in r.stderr
    # tomorrow is taken (the platforms' day may be ahead of the server's)
    f.write_text(ok)
    r = run_cli("reach", "import", inst.dir, f)
    assert r.returncode == 0, r.stderr
    assert totals(inst)["total"] == "10"
    # on the page too, with the line named
    edna = Staff(inst, "edna", "editor").login()
    r = import_bytes(edna, "future.csv", future.encode())
    assert r.status_code == 400 and "Line 3" in r.text and "later than tomorrow" in r.text


def test_an_import_is_listed_and_taken_back(make_instance):
    inst = make_instance()
    edna = Staff(inst, "edna", "editor").login()
    for name in ("generic_views.csv", "tiktok_Content.csv"):
        r = import_bytes(edna, name, (DATA / name).read_bytes())
        assert r.status_code == 200 and "The file is imported" in r.text, r.text[:2000]
    before = totals(inst)
    assert before["tiktok"] == "29482"
    page = edna.get("/en/staff/reach/import").text
    links = re.findall(r'href="(/en/staff/reach/import/remove\?file=([0-9a-f]{64}))"', page)
    assert len(links) == 2 and "Remove this import" in page
    # the TikTok file is the one whose removal takes the tiktok counts
    tiktok = None
    for href, _ in links:
        confirm = edna.get(href)
        assert confirm.status_code == 200 and "It cannot be undone" in confirm.text, inst.log()[-3000:]
        if "TikTok" in confirm.text:
            tiktok = href
            assert re.search(r"Counts it gave</dt><dd>3</dd>", confirm.text)
    assert tiktok
    hexdigits = tiktok.split("=")[1]
    token = edna.token()
    assert edna.post("/en/staff/reach/import/remove", data={"file": hexdigits}).status_code == 403
    r = edna.post("/en/staff/reach/import/remove", data={"csrf": token, "file": hexdigits})
    assert r.status_code == 303 and r.headers["Location"].endswith("/en/staff/reach/import?removed=3")
    done = edna.get(r.headers["Location"]).text
    assert "The import is removed. Counts deleted: 3" in done
    after = totals(inst)
    assert "tiktok" not in after and int(after["total"]) == int(before["total"]) - 29482
    assert hexdigits not in done
    # the posts only it made are gone; the dashboard adds up without it
    con = sqlite3.connect(inst.dir / "sava.db")
    try:
        assert con.execute("SELECT count(*) FROM reach_posts WHERE platform = 'tiktok'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM reach_imports").fetchone()[0] == 1
    finally:
        con.close()
    # gone means gone: a second removal finds nothing
    assert edna.post("/en/staff/reach/import/remove", data={"csrf": token, "file": hexdigits}).status_code == 404
    assert edna.get(tiktok).status_code == 404
    # it can be imported again; and a viewer cannot remove anything
    r = import_bytes(edna, "tiktok_Content.csv", (DATA / "tiktok_Content.csv").read_bytes())
    assert "Counts added</dt><dd>3</dd>" in r.text
    vera = Staff(inst, "vera", "viewer").login()
    assert vera.get(tiktok).status_code == 404
    # the command line: list, then remove by the hash it prints
    r = run_cli("reach", "imports", inst.dir)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 2 and hexdigits in r.stdout
    r = run_cli("reach", "remove", inst.dir, hexdigits)
    assert r.returncode == 0 and "removed: 3 counts deleted" in r.stdout
    assert "tiktok" not in totals(inst)
    r = run_cli("reach", "remove", inst.dir, hexdigits)
    assert r.returncode == 1 and "no file" in r.stderr
    assert run_cli("reach", "remove", inst.dir, "xyz").returncode == 2


def test_files_channels_are_not_kept_and_audit_names_no_editor(make_instance):
    inst = make_instance()
    edna = Staff(inst, "edna", "editor").login()
    r = import_bytes(edna, "tiktok_Content.csv", (DATA / "tiktok_Content.csv").read_bytes())
    assert r.status_code == 200
    token = edna.token()
    r = edna.post("/en/staff/reach/post", data={"csrf": token, "item": "Winter testimony", "platform": "telegram",
                                                 "url": "https://t.me/ourfund/5000", "posted_by": "partner"})
    assert r.status_code == 303
    con = sqlite3.connect(inst.dir / "sava.db")
    try:
        rows = con.execute("SELECT platform, url, channel FROM reach_posts WHERE platform = 'tiktok'").fetchall()
        assert len(rows) == 3 and all(url == "" and channel == "" for _, url, channel in rows)
        entries = [e for (e,) in con.execute("SELECT entry FROM audit ORDER BY idx")]
    finally:
        con.close()
    reach = [e for e in entries if int.from_bytes(e[24:26], "little") in (50, 51, 52, 53)]
    assert {int.from_bytes(e[24:26], "little") for e in reach} == {50, 52}
    for e in reach:
        assert e[8:24] == bytes(16) and e[26:42] == bytes(16), "a reach entry names an editor or an object"
    assert "ourfund" not in edna.get("/en/staff/reach").text.replace("t.me/ourfund", "")


def test_a_help_request_goes_through_during_a_large_import(make_instance, tmp_path):
    # the intake's own rate limit (burst, per minute) must not be what refuses them
    inst = make_instance(conf={("intake", "per_minute"): "600", ("intake", "burst"): "100"})
    coordinator(inst)   # the triage key exists: requests are taken
    # 60,000 daily counts of 3,000 posts: many parts of REACH_IMPORT_PART counts
    lines = [HEADER]
    for p in range(3000):
        for d in range(20):
            lines.append(f"vk,p{p},,,,2025-09-{d + 1:02d},{p + d},day\n")
    big = tmp_path / "big.csv"
    big.write_text("".join(lines))
    proc = subprocess.Popen([str(SAVA_BIN), "reach", "import", str(inst.dir), str(big)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sent_during = 0
    try:
        while proc.poll() is None or sent_during == 0:
            running = proc.poll() is None
            visitor = Requester(inst)
            visitor.help_page()
            r = visitor.submit("I was called up for Monday; what can I do?")
            assert r.status_code == 200 and 'id="receipt"' in r.text, \
                (r.status_code, re.sub(r"<[^>]+>", " ", r.text)[:1500], inst.log()[-2000:])
            if running and proc.poll() is None:
                sent_during += 1
            if not running or sent_during >= 20:
                break
    finally:
        out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert "60000 rows read, 60000 added" in out
    assert sent_during >= 1, "the import ended before any help request was sent: make the file larger"
    assert int(totals(inst)["vk"]) == sum(p + d for p in range(3000) for d in range(20))


def test_one_page_import_at_a_time(make_instance):
    inst = make_instance()
    edna = Staff(inst, "edna", "editor").login()
    token = edna.token()
    data = (DATA / "generic_views.csv").read_bytes() * 1
    req = requests.Request("POST", inst.url("/en/staff/reach/import"),
                           files=[("csrf", (None, token)), ("platform", (None, "")),
                                  ("file", ("slow.csv", data + b"#" * 200000, "text/csv"))],
                           cookies=edna.s.cookies).prepare()
    body = req.body
    head = f"POST /en/staff/reach/import HTTP/1.1\r\nHost: 127.0.0.1:{inst.port}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in req.headers.items()) + "\r\n"
    slow = socket.create_connection(("127.0.0.1", inst.port), timeout=30)
    try:
        slow.sendall(head.encode() + body[: len(body) // 2])
        # let the server take the slow file's part (and its claim) before the first probe:
        # a probe that got there first would hold the slot and the slow one be the refused
        time.sleep(1.5)
        busy = None
        for _ in range(100):
            r = import_bytes(edna, "vk.csv", (HEADER + "vk,9,,,,2025-10-01,5,lifetime\n").encode(), token)
            if r.status_code == 503:
                busy = r
                break
            time.sleep(0.1)
        assert busy is not None, "a second import was never refused while the first was running"
        assert "Another import is running" in busy.text and "choose it again" in busy.text
        assert "error-summary" in busy.text
    finally:
        slow.close()
    # the slot is free again once the server has seen the first request go (bounded: a
    # loaded machine under ASan can take some seconds to notice the closed socket)
    deadline = time.time() + 60
    while True:
        r = import_bytes(edna, "vk.csv", (HEADER + "vk,9,,,,2025-10-01,5,lifetime\n").encode(), token)
        if r.status_code != 503 or time.time() > deadline:
            break
        time.sleep(0.2)
    assert r.status_code == 200 and "The file is imported" in r.text


def test_metrics_host_quiet_routes_and_no_sensitive_figures(make_instance):
    port = free_port()
    inst = make_instance(conf={("metrics", "listen"): f"127.0.0.1:{port}"})
    url = f"http://127.0.0.1:{port}/metrics"
    # a wrong receipt, a form without its token: log_quiet routes, never counted
    for _ in range(3):
        assert inst.post("/en/mailbox", data={"receipt": "1234"}).status_code in (400, 403)
    m = requests.get(url, timeout=10)
    assert m.status_code == 200
    assert re.search(r'sava_http_requests_total\{class="public",status="4xx"\} 0\n', m.text)
    assert "sava_campaign_owls" not in m.text and "sava_campaign_safe" not in m.text
    # DNS rebinding: another name for the same address is refused
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1", f"localhost:{port + 1}"):
        assert requests.get(url, headers={"Host": host}, timeout=10).status_code == 421
    for host in (f"localhost:{port}", f"LOCALHOST:{port}", f"127.0.0.1:{port}"):
        assert requests.get(url, headers={"Host": host}, timeout=10).status_code == 200
