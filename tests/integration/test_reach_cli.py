"""Reach from the command line: `sava reach import` takes every sample layout with the
right totals, adds nothing the second time, names the first bad line and then imports
nothing, flags a lower lifetime count; `sava reach totals` sums the latest per platform."""

import re
import sqlite3
from pathlib import Path

from conftest import conf_set, run_cli, sava_init

DATA = Path(__file__).resolve().parent.parent / "data" / "reach"
LINE = re.compile(r": (\d+) rows read, (\d+) added, (\d+) already known")


def imp(d, name, *extra):
    path = name if isinstance(name, Path) else DATA / name
    return run_cli("reach", "import", d, path, *extra)


def counts(r):
    m = LINE.search(r.stdout)
    assert m, (r.stdout, r.stderr)
    return tuple(int(x) for x in m.groups())


def totals(d):
    r = run_cli("reach", "totals", d)
    assert r.returncode == 0, r.stderr
    out = {}
    for line in r.stdout.splitlines():
        name, views = line.split(" ")
        out[name] = int(views)
    return out


def snapshots(d):
    with sqlite3.connect(f"file:{d}/sava.db?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM reach_snapshots").fetchone()[0]


def test_every_sample_layout_with_its_totals(tmp_path):
    d = tmp_path / "inst"
    sava_init(d)
    r = imp(d, "generic_views.csv")
    assert r.returncode == 0 and counts(r) == (3, 3, 0)
    assert totals(d) == {"youtube": 9120, "telegram": 5321, "vk": 2750, "total": 17191}
    r = imp(d, "youtube_en_Table data.csv")
    assert r.returncode == 0 and "YouTube Studio Table data" in r.stdout
    assert counts(r) == (3, 6, 0)   # views and engaged views of three videos; the total row is not one
    # aB3dEfGh1jK is in both files: one post, its latest lifetime count
    assert totals(d)["youtube"] == 15230
    r = imp(d, "youtube_en_Chart data.csv")
    assert r.returncode == 0 and counts(r) == (3, 3, 0)
    assert totals(d)["youtube"] == 15230   # daily rows do not add to posts that have lifetime counts
    for name, platform, want in (("tiktok_Content.csv", "tiktok", 29482),
                                 ("instagram_posts.csv", "instagram", 25830)):
        r = imp(d, name)
        assert r.returncode == 0, r.stderr
        assert totals(d)[platform] == want
    t = totals(d)
    assert t["total"] == 15230 + 5321 + 2750 + 29482 + 25830 == sum(v for k, v in t.items() if k != "total")


def test_the_same_file_twice_adds_nothing(tmp_path):
    d = tmp_path / "inst"
    sava_init(d)
    assert counts(imp(d, "tiktok_Content.csv")) == (3, 3, 0)
    before = snapshots(d)
    r = imp(d, "tiktok_Content.csv")
    assert r.returncode == 0 and counts(r) == (3, 0, 3)
    assert snapshots(d) == before
    assert totals(d) == {"tiktok": 29482, "total": 29482}


def test_a_bad_line_is_named_and_nothing_is_imported(tmp_path):
    d = tmp_path / "inst"
    sava_init(d)
    bad = tmp_path / "bad.csv"
    good = (DATA / "generic_views.csv").read_text()
    bad.write_text(good + "youtube,zz,,t,,2025-10-02,lots,lifetime\n")
    r = imp(d, bad)
    assert r.returncode == 1
    assert "line 5:" in r.stderr and "nothing was imported" in r.stderr
    assert snapshots(d) == 0
    assert totals(d) == {"total": 0}


def test_unknown_layouts_and_telegram_are_refused_with_the_reason(tmp_path):
    d = tmp_path / "inst"
    sava_init(d)
    r = imp(d, "telegram_result.json")
    assert r.returncode == 1 and "no view counts" in r.stderr
    other = tmp_path / "other.csv"
    other.write_text("name,age\nx,1\n")
    r = imp(d, other)
    assert r.returncode == 1 and "YouTube Studio" in r.stderr and "TikTok Studio" in r.stderr
    r = imp(d, "meta_daily_views.csv")
    assert r.returncode == 1 and "--platform" in r.stderr
    r = imp(d, "meta_daily_views.csv", "--platform", "instagram")
    assert r.returncode == 0 and counts(r) == (3, 3, 0)
    # a channel's daily series is kept, but it is not a post: no double counting
    assert totals(d) == {"total": 0}


def test_a_platform_not_in_the_configuration_is_refused(tmp_path):
    d = tmp_path / "inst"
    sava_init(d)
    conf_set(d, "reach", "platforms", "youtube,telegram")
    r = imp(d, "generic_views.csv")
    assert r.returncode == 1 and "line 4:" in r.stderr and '"vk"' in r.stderr
    assert snapshots(d) == 0


def test_a_lower_lifetime_count_is_kept_and_flagged(tmp_path):
    d = tmp_path / "inst"
    sava_init(d)
    head = "platform,post_id,url,title,published_at,measured_on,views,period\n"
    a = tmp_path / "a.csv"
    a.write_text(head + "youtube,v1,,t,,2025-10-01,500,lifetime\n")
    b = tmp_path / "b.csv"
    b.write_text(head + "youtube,v1,,t,,2025-10-05,420,lifetime\n")
    assert counts(imp(d, a)) == (1, 1, 0)
    r = imp(d, b)
    assert r.returncode == 0 and "1 lower than the count before" in r.stdout
    assert totals(d)["youtube"] == 420
    with sqlite3.connect(f"file:{d}/sava.db?mode=ro", uri=True) as db:
        rows = db.execute("SELECT views, lower FROM reach_snapshots ORDER BY measured_day").fetchall()
        assert rows == [(500, 0), (420, 1)]
        assert db.execute("SELECT lower FROM reach_latest").fetchall() == [(1,)]


def test_help_names_the_commands():
    r = run_cli("--help")
    assert "reach import DIR FILE" in r.stdout and "reach totals DIR" in r.stdout
    r = run_cli("reach", "--help")
    assert r.returncode == 0 and "Chart data" in r.stdout
    assert run_cli("reach", "import").returncode == 2
