#!/usr/bin/python3
"""make screenshots: a throwaway instance with a bit of everything in it, its pages
rendered in Debian's headless chromium in be, ru and en at 360 and 1280 px, and
axe-core run over each of them (tools/screenshots/shoot.js does the browser part).

What it does, in order:
1. `sava init --insecure-fast-kdf build/screenshots-instance` (removed first), then
   `sava serve` on 127.0.0.1 and a free port;
2. staff accounts with every role (invited with `sava invite`, enrolled and logged in
   over HTTP, the same way tests/integration does it, whose helpers it reuses), a help
   request with an answer, an assigned case with a note, a volunteer's application, a
   testimony, a drop submission and (if ffmpeg is here) a video appeal;
3. hands the pages and each browser's cookies to shoot.js, which writes
   build/screenshots/PAGE-LANG-WIDTH.png and build/screenshots/axe.txt;
4. stops the server by its PID, and exits with shoot.js's status (non-zero when axe
   found any violation).

Everything listens on 127.0.0.1 only; the instance is a test instance (fast KDF) and
holds nothing real."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("BUILD", "build")
os.environ.setdefault("SAVA_BIN", str(BUILD / "sava"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))

import requests  # noqa: E402

from conftest import HTTP_TIMEOUT, conf_set, run_cli, start_instance, stop_process  # noqa: E402
from intake_util import Requester, Staff, find_csrf, multipart, unique, REQUEST_LINK_RE  # noqa: E402
from test_staff import invite  # noqa: E402

INSTANCE = BUILD / "screenshots-instance"
OUT = BUILD / "screenshots"
NODE_DIR = BUILD / "screenshots-node"


def say(msg):
    print(f"screenshots: {msg}", flush=True)


def step(what, fn, *args):
    """A setup step that may fail without stopping the others (the pages it would have
    filled are then shot empty); says so."""
    try:
        return fn(*args)
    except Exception as e:   # noqa: BLE001 (report and go on)
        say(f"setup step '{what}' failed: {e}")
        return None


def account_id(text, handle):
    """The account id next to a handle in a page listing accounts to choose from."""
    m = re.search(r'value="([0-9a-f]{32})"[^>]*>\s*' + re.escape(handle), text)
    return m.group(1) if m else None


def give_key(holder, path, handle):
    """The holder of a group key gives it to handle on the page that offers it."""
    page = holder.get(path)
    ids = re.findall(r'name="account" value="([0-9a-f]{32})"', page.text)
    if not ids:
        raise RuntimeError(f"{path} offers no account to {holder.handle}")
    for aid in ids:
        page = holder.get(path)
        holder.post(path, data={"csrf": find_csrf(page.text), "account": aid})


def help_request(inst, anna, olga):
    rq = Requester(inst, "en")
    receipt = rq.submit_ok("My son got a call-up notice yesterday. He is 24 and lives in Hrodna. "
                           "What can he do before the date on it?", situation="notice", region="grodno")
    rid = unique(REQUEST_LINK_RE.findall(anna.list_page().text))[0]
    r = anna.reply(rid, "We are here. Do not go to the office yet. Tell us what the notice says, "
                        "without his name or address.")
    assert r.status_code in (200, 303), r.status_code
    rq.open_ok(receipt)
    r = rq.reply("Thank you. It says he must come on Monday at 9.")
    assert r.status_code in (200, 303), r.status_code
    page = anna.request_page(rid)
    m = re.search(r'<option value="([0-9a-f]{32})"[^>]*>\s*olga', page.text)
    if m:
        anna.post(f"/staff/requests/{rid}/assign", data={"csrf": find_csrf(page.text), "account": m.group(1)})
    page = anna.request_page(rid)
    anna.post(f"/staff/requests/{rid}/note", data={"csrf": find_csrf(page.text),
                                                   "note": "Talked to him once; he will write again."})
    # a second request nobody has read yet, so the queue is not empty
    Requester(inst, "ru").submit_ok("Мужу пришла повестка. Что делать?", situation="notice", region="minsk_city")
    return rq, rid


def volunteer(inst):
    rq = Requester(inst, "be")
    page = rq.get("/be/volunteer")
    r = rq.post("/be/volunteer", data={"csrf": find_csrf(page.text) or rq.token,
                                       "about": "I am a lawyer in Vilnius.", "languages": "be ru",
                                       "contact": "ask anna", "vouchers": "anna"})
    assert r.status_code in (200, 303), r.status_code


def drop(inst):
    rq = Requester(inst, "en")
    page = rq.get("/en/drop")
    r = rq.post("/en/drop", files=multipart(find_csrf(page.text), "An order from the unit, scanned.", (),
                                            (("order.txt", b"not a real order\n"),)))
    assert r.status_code in (200, 303), r.status_code


def testimony(edna):
    page = edna.get("/en/staff/testimonies/new")
    data = {"csrf": find_csrf(page.text), "text": "I left before the date on the notice. I am safe now.",
            "agreed": "yes", "language": "ru"}
    r = edna.post("/en/staff/testimonies/new", data=data)
    assert r.status_code in (200, 303), r.status_code


def appeal(inst):
    if not shutil.which("ffmpeg"):
        raise RuntimeError("no ffmpeg")
    clip = INSTANCE.parent / "screenshots-clip.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=1:size=320x240:rate=10",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(clip)],
                   check=True, timeout=60, stdin=subprocess.DEVNULL)
    s = requests.Session()
    page = s.get(inst.url("/en/appeal"), timeout=HTTP_TIMEOUT)
    parts = [("csrf", (None, find_csrf(page.text))), ("language", (None, "be")), ("shown_name", (None, "Ala")),
             ("text", (None, "You can refuse.")), ("consent", (None, "yes")),
             ("video", ("clip.mp4", clip.read_bytes(), "video/mp4"))]
    r = s.post(inst.url("/en/appeal"), files=parts, timeout=HTTP_TIMEOUT * 3, allow_redirects=False)
    assert r.status_code in (200, 303), r.status_code


def cookies_of(session):
    return [{"name": c.name, "value": c.value} for c in session.cookies]


def pages(rid, enroll_path):
    """(name, path after /{lang}, browser[, action]) for every page shot; the action
    "submit" sends the page's form empty (its error page), "help" fills the help form's
    message and sends it (the receipt page). Staff pages go through
    /{lang}/staff/... so that each is shot in its language."""
    public = [("landing", "/", "visitor"), ("guide", "/guide", "visitor"), ("about", "/about", "visitor"),
              ("help", "/help", "visitor"), ("help-error", "/help", "visitor", "submit"),
              ("receipt", "/help", "visitor", "help"),
              ("mailbox-login", "/mailbox", "visitor"), ("mailbox", "/mailbox", "requester"),
              ("volunteer", "/volunteer", "visitor"), ("appeal", "/appeal", "visitor"),
              ("appeal-status", "/appeal/status", "visitor"), ("appeals", "/appeals", "visitor"),
              ("stories", "/stories", "visitor"), ("drop", "/drop", "visitor"),
              ("campaign", "/campaign", "visitor"), ("not-found", "/no-such-page", "visitor"),
              ("staff-login", "/staff/login", "visitor")]
    staff = [("staff-home", "/staff/", "anna"), ("staff-requests", "/staff/requests", "anna"),
             ("staff-cases", "/staff/cases", "olga"), ("staff-accounts", "/staff/accounts", "anna"),
             ("staff-profile", "/staff/profile", "olga"), ("staff-applications", "/staff/applications", "anna"),
             ("staff-audit", "/staff/audit", "anna"), ("staff-groups", "/staff/groups", "anna"),
             ("staff-sessions", "/staff/sessions", "anna"), ("staff-passphrase", "/staff/passphrase", "anna"),
             ("staff-testimonies", "/staff/testimonies", "anna"), ("staff-appeals", "/staff/appeals", "edna"),
             ("staff-drop", "/staff/drop", "ada"), ("staff-subtitles", "/staff/subtitles", "tanya"),
             ("staff-reach", "/staff/reach", "edna"), ("staff-campaign", "/staff/campaign", "vera")]
    if enroll_path:
        public.append(("staff-enroll", enroll_path, "visitor"))
    if rid:
        staff += [("staff-request", f"/staff/requests/{rid}", "anna"),
                  ("staff-shred", f"/staff/requests/{rid}/shred", "anna")]
    return public + staff


def main():
    if not Path(os.environ["SAVA_BIN"]).exists():
        sys.exit("screenshots: build sava first (make)")
    if not (NODE_DIR / "node_modules" / "playwright-core").exists():
        sys.exit(f"screenshots: run npm ci in {NODE_DIR} first (make screenshots does)")
    shutil.rmtree(INSTANCE, ignore_errors=True)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    # start_instance makes ROOT/inst; keep the instance where the docs say it is
    inst = start_instance(INSTANCE, conf={("drop", "mode"): "online", ("media", "sandbox"): "none"})
    rc = 1
    try:
        say(f"sava serve is PID {inst.pid} on {inst.base}; instance in {inst.dir}")
        anna = Staff(inst, "anna", "coordinator", "admin").login()     # makes the triage key
        olga = Staff(inst, "olga", "owl", "verifier")
        edna = Staff(inst, "edna", "editor")
        # before edna's first login, so that her session holds it (a TOTP step is used once)
        step("testimonies key to edna", give_key, anna, "/en/staff/testimonies", "edna")
        tanya = Staff(inst, "tanya", "translator")
        ada = Staff(inst, "ada", "analyst")
        vera = Staff(inst, "vera", "viewer")
        for who in (olga, edna, tanya, ada, vera):   # edna makes the editors' key, ada the analysts'
            who.login()
        rq, rid = step("help request", help_request, inst, anna, olga) or (Requester(inst, "en"), None)
        step("volunteer application", volunteer, inst)
        step("drop submission", drop, inst)
        step("testimony", testimony, edna)
        step("video appeal", appeal, inst)
        enroll_path = step("invitation", invite, inst, "owl")   # its first page binds no browser
        browsers = {"visitor": [], "requester": cookies_of(rq.s)}
        for who in (anna, olga, edna, tanya, ada, vera):
            browsers[who.handle] = cookies_of(who.s)
        only = re.compile(os.environ.get("ONLY", ""))
        plan = {"base": inst.base, "out": str(OUT), "langs": ["be", "ru", "en"], "widths": [360, 1280],
                "browsers": browsers,
                "pages": [{"name": p[0], "path": p[1], "browser": p[2], "action": p[3] if len(p) > 3 else ""}
                          for p in pages(rid, enroll_path) if only.search(p[0])]}
        plan_path = BUILD / "screenshots-plan.json"
        plan_path.write_text(json.dumps(plan, indent=1))
        say(f"{len(plan['pages'])} pages x 3 languages x 2 widths")
        env = dict(os.environ, NODE_PATH=str(NODE_DIR / "node_modules"))
        rc = subprocess.run(["node", str(ROOT / "tools" / "screenshots" / "shoot.js"), str(plan_path)],
                            env=env, timeout=600, stdin=subprocess.DEVNULL).returncode
    finally:
        code, killed = stop_process(inst.proc)
        say(f"sava serve (PID {inst.pid}) stopped with {code}{' (killed)' if killed else ''}")
    sys.exit(rc)

if __name__ == "__main__":
    main()
