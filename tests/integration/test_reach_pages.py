"""Reach and the campaign dashboard in the browser: an editor registers a post, types a
count and imports export files at /staff/reach; /staff/campaign shows the three goals and
charts whose SVG parses and whose tables hold the data; every table as CSV; a viewer
reads the dashboard only; /metrics is never on the public port; the public counters page
exists only when switched on."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import run_cli
from intake_util import Staff, find_csrf

DATA = Path(__file__).resolve().parent.parent / "data" / "reach"
SVG_RE = re.compile(r"<svg\b.*?</svg>", re.S)


def table_rows(html, table_id):
    m = re.search(r'<table[^>]*id="%s".*?<tbody>(.*?)</tbody>' % table_id, html, re.S)
    assert m, f"no table {table_id}"
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S):
        rows.append([re.sub(r"<[^>]+>", "", td).strip() for td in re.findall(r"<td>(.*?)</td>", tr, re.S)])
    return rows


def import_file(editor, name, platform=""):
    token = editor.token()
    data = (DATA / name).read_bytes()
    return editor.post("/en/staff/reach/import",
                       files=[("csrf", (None, token)), ("platform", (None, platform)),
                              ("file", (name, data, "text/csv"))])


def test_editor_imports_registers_counts_and_the_dashboard_adds_up(make_instance):
    inst = make_instance(conf={("campaign", "views_by"): "2030-01-01"})
    edna = Staff(inst, "edna", "editor").login()
    r = edna.get("/en/staff/reach")
    assert r.status_code == 200 and "Register a post" in r.text
    # two files, then the first again: nothing more
    for name in ("generic_views.csv", "tiktok_Content.csv", "generic_views.csv"):
        r = import_file(edna, name)
        assert r.status_code == 200, r.text[:2000]
        assert "The file is imported" in r.text
    assert re.search(r"Counts added</dt><dd>0</dd>", r.text)
    assert re.search(r"Already known \(nothing changed\)</dt><dd>3</dd>", r.text)
    # a bad file: the line named, nothing imported
    token = edna.token()
    bad = (DATA / "generic_views.csv").read_bytes() + b"youtube,zz,,t,,2025-10-02,lots,lifetime\n"
    r = edna.post("/en/staff/reach/import", files=[("csrf", (None, token)), ("file", ("bad.csv", bad, "text/csv"))])
    assert r.status_code == 400 and "Line 5" in r.text and "Error:" in r.text
    r = edna.post("/en/staff/reach/import", files=[("csrf", (None, token)),
                                                    ("file", ("result.json", (DATA / "telegram_result.json").read_bytes(), "application/json"))])
    assert r.status_code == 400 and "no view counts" in r.text
    # register a Telegram post by hand and give it a count
    r = edna.post("/en/staff/reach/post", data={"csrf": token, "item": "Winter testimony", "platform": "telegram",
                                                 "url": "https://t.me/ourfund/5000", "posted_by": "partner",
                                                 "language": "be"})
    assert r.status_code == 303, r.text[:3000]
    page = edna.get("/en/staff/reach?item=Winter%20testimony").text
    number = re.search(r'<tr><td data-label="Number">(\d+)</td><td data-label="Appeal or item">'
                       r'<bdi>Winter testimony</bdi>', page).group(1)
    r = edna.post("/en/staff/reach/count", data={"csrf": token, "post": number, "day": "2025-10-01", "views": "1000"})
    assert r.status_code == 303 and "done=count" in r.headers["Location"]
    r = edna.post("/en/staff/reach/count", data={"csrf": token, "post": number, "day": "2025-10-02", "views": "900"})
    assert "done=lower" in r.headers["Location"]
    page = edna.get("/en/staff/reach").text
    assert "Counts that went down" in page and "(went down)" in page
    # the same post for another item: refused, unless moved on purpose (with its counts)
    moved = {"csrf": token, "item": "Spring testimony", "platform": "telegram", "url": "https://t.me/ourfund/5000"}
    r = edna.post("/en/staff/reach/post", data=moved)
    assert r.status_code == 400 and "tick the box" in r.text
    r = edna.post("/en/staff/reach/post", data=dict(moved, move="yes"))
    assert r.status_code == 303
    r = edna.post("/en/staff/reach/post", data=dict(moved, item="Winter testimony", move="yes"))
    assert r.status_code == 303
    # no form is taken without its CSRF token
    assert edna.post("/en/staff/reach/count", data={"post": number, "day": "2025-10-03",
                                                    "views": "5"}).status_code == 403
    # a wrong form gives back what was typed
    r = edna.post("/en/staff/reach/post", data={"csrf": token, "item": "", "platform": "myspace",
                                                 "url": "javascript:alert(1)", "channel": "kept words"})
    assert r.status_code == 400 and 'value="kept words"' in r.text and "error-summary" in r.text

    # the dashboard: the figures, and the charts' SVG parses
    r = edna.get("/en/staff/campaign")
    assert r.status_code == 200
    platforms = {row[0]: (int(row[1]), int(row[2])) for row in table_rows(r.text, "table-platforms")}
    want = {"youtube": 9120, "telegram": 5321 + 900, "vk": 2750, "tiktok": 29482}
    assert {k: v[1] for k, v in platforms.items()} == want
    total = sum(want.values())
    assert f"<strong>{total:,}</strong> of 40,000,000".replace(",", "\u202f") in r.text
    cumulative = table_rows(r.text, "table-cumulative")
    assert int(cumulative[-1][1]) == total
    weekly = table_rows(r.text, "table-weekly")
    assert sum(int(n) for row in weekly for n in row[1:]) == total
    svgs = SVG_RE.findall(r.text)
    assert len(svgs) == 3
    for s in svgs:
        root = ET.fromstring(s)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    bars = ET.fromstring(svgs[2])
    labels = [t.text for t in bars.iter("{http://www.w3.org/2000/svg}text")]
    assert "Winter testimony" in labels
    top = table_rows(r.text, "table-top")
    assert ["Winter testimony", "1", "900"] in top
    # every table as CSV, with the same numbers
    c = edna.get("/en/staff/campaign/export?table=platforms")
    assert c.status_code == 200 and c.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(c.text)))
    assert rows[0] == ["platform", "posts", "views"]
    assert {row[0]: int(row[2]) for row in rows[1:]} == want
    for table in ("goals", "weeks", "top", "languages"):
        c = edna.get(f"/en/staff/campaign/export?table={table}")
        assert c.status_code == 200 and len(list(csv.reader(io.StringIO(c.text)))) >= 2
    goals = list(csv.reader(io.StringIO(edna.get("/en/staff/campaign/export?table=goals").text)))
    assert goals[1][:4] == ["views", str(total), "40000000", "2030-01-01"]
    assert edna.get("/en/staff/campaign/export?table=nope").status_code == 404


def test_viewer_reads_the_dashboard_only(make_instance):
    inst = make_instance()
    vera = Staff(inst, "vera", "viewer").login()
    home = vera.get("/en/staff/").text
    assert "Campaign dashboard" in home and "/staff/reach\"" not in home
    assert vera.get("/en/staff/campaign").status_code == 200
    assert vera.get("/en/staff/reach").status_code == 404
    assert vera.post("/en/staff/reach/count", data={"csrf": vera.token(), "post": "1", "day": "2025-10-01",
                                                     "views": "5"}).status_code == 404
    owl = Staff(inst, "olga", "owl").login()
    assert owl.get("/en/staff/campaign").status_code == 404


def test_public_counters_only_when_switched_on(make_instance):
    off = make_instance()
    assert off.get("/en/campaign").status_code == 404
    on = make_instance(conf={("campaign", "public_counters"): "yes"})
    r = run_cli("reach", "import", on.dir, DATA / "tiktok_Content.csv")
    assert r.returncode == 0, r.stderr
    for lang, word in (("en", "thousand"), ("ru", "тыс."), ("be", "тыс.")):
        page = on.get(f"/{lang}/campaign")
        assert page.status_code == 200
        assert f"29 {word}" in page.text and "29482" not in page.text


def test_metrics_only_on_their_loopback_listener(make_instance, tmp_path):
    import requests
    from conftest import conf_set, free_port, sava_init
    port = free_port()
    inst = make_instance(conf={("metrics", "listen"): f"127.0.0.1:{port}"})
    r = run_cli("reach", "import", inst.dir, DATA / "generic_views.csv")
    assert r.returncode == 0, r.stderr
    assert inst.get("/en/guide").status_code == 200
    # never on the public port, in any form
    for path in ("/metrics", "/en/metrics", "/staff/metrics"):
        assert inst.get(path).status_code == 404
    m = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert m.status_code == 200 and m.headers["Content-Type"].startswith("text/plain")
    text = m.text
    assert "sava_campaign_views_total 17191" in text
    assert 'sava_campaign_views{platform="youtube"} 9120' in text
    assert 'sava_http_requests_total{class="public",status="2xx"}' in text
    assert re.search(r'sava_http_requests_total\{class="none",status="4xx"\} [1-9]', text)
    assert "sava_campaign_views_goal 40000000" in text
    # aggregates only: no post, channel or address
    assert "aB3dEfGh1jK" not in text and "t.me" not in text
    assert requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 404
    # a listener that is not loopback is refused when the file is read
    d = tmp_path / "wide"
    sava_init(d)
    conf_set(d, "metrics", "listen", "0.0.0.0:9108")
    r = run_cli("reach", "totals", d)
    assert r.returncode == 1 and "loopback" in r.stderr
