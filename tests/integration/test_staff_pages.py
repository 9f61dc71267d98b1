"""The staff pages as an Owl and a coordinator use them every day (issue 15): their own
navigation, a home with counts that link to lists, the request page (its reference, one
form for the checklist and the stage, one for the reply and the note that gives back
what was typed in the other, banners under the H1), lists with filters and labelled
cards, reassignment asked first, vouches before an application is accepted, revocation
on the account's page and the shred warning naming the case. In be, ru and en."""

import html
import re
import sqlite3

from intake_util import Requester, Staff, coordinator, find_csrf, marker, multipart, textarea_text
from test_intake import instances  # noqa: F401  (the fixture)
from test_corridor import account_id, set_profile


def q(inst, sql, *args):
    db = sqlite3.connect(f"file:{inst.dir / 'sava.db'}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def after_h1(text):
    """What directly follows the page's H1 (banners and error summaries belong there)."""
    return text.split("</h1>", 1)[1].lstrip()[:600]


def title(text):
    return html.unescape(re.search(r"<title>(.*?)</title>", text, re.S).group(1))


def nav(text):
    m = re.search(r'<nav class="main-nav staff-nav[^>]*>(.*?)</nav>', text, re.S)
    return m.group(1) if m else None


def test_staff_navigation_by_role_with_name_and_log_out(instances):
    inst = instances()
    anna = coordinator(inst)
    olga = Staff(inst, "olga", "owl").login()
    page = anna.get("/en/staff/").text
    menu = nav(page)
    assert menu is not None and 'class="staff"' in page               # the wider staff body
    assert "Ask for help" not in page and "Your mailbox" not in page   # not the public menu
    for label in ("Queue", "My cases", "Applications", "Team", "Testimonies", "anna", "Log out"):
        assert label in menu, label
    assert re.search(r'<form method="post" action="/en/staff/logout" novalidate><input type="hidden" name="csrf"', menu)
    # the section of the page is marked
    assert re.search(r'href="/en/staff/requests" aria-current="page">Queue<', nav(anna.get("/en/staff/requests").text))
    assert 'aria-current="page">My cases<' in nav(anna.get(f"/en/staff/cases").text)
    # an Owl: no queue, no applications, no team
    menu = nav(olga.get("/en/staff/").text)
    assert "My cases" in menu and "olga" in menu
    for label in ("Queue", "Applications", "Team"):
        assert label not in menu, label
    # in the page's language
    assert "Очередь" in nav(anna.get("/ru/staff/").text) and "Выйти" in nav(anna.get("/ru/staff/").text)
    assert "Чарга" in nav(anna.get("/be/staff/").text)
    # the login page, before any session, keeps the public menu
    r = Requester(inst).get("/en/staff/login")
    assert nav(r.text) is None and "Ask for help" in r.text
    # logging out from the navigation's button ends the session
    r = olga.post("/en/staff/logout", data={"csrf": find_csrf(olga.get("/en/staff/cases").text)})
    assert r.status_code == 303 and olga.get("/en/staff/").status_code == 303


def test_home_counts_link_to_their_lists(instances):
    inst = instances(conf={("cases", "response_hours"): "2"})
    anna = coordinator(inst)
    olga = Staff(inst, "olga", "owl").login()
    set_profile(olga, ["en"], 3)
    for tag in ("ONE", "TWO", "THREE"):
        Requester(inst).submit_ok(marker(tag))
    page = anna.get("/en/staff/").text
    assert re.search(r'href="/en/staff/requests\?stage=new">New requests: <strong>3</strong>', page)
    assert re.search(r'href="/en/staff/cases#waiting">Waiting longer than 2 hours: <strong>0</strong>', page)
    assert "My cases waiting for an answer: <strong>0</strong>" in page
    # the list the count links to shows exactly those
    assert len(set(re.findall(r"/staff/requests/([0-9a-f]{32})", anna.get("/en/staff/requests?stage=new").text))) == 3
    # one goes to olga: her home counts it, as does her list
    rid = anna.request_ids()[0]
    page = anna.get(f"/en/staff/requests/{rid}").text
    anna.post(f"/en/staff/requests/{rid}/assign", data={"csrf": find_csrf(page), "owl": account_id(inst, "olga")})
    home = olga.get("/en/staff/").text
    assert "My cases waiting for an answer: <strong>1</strong>" in home and "New requests" not in home
    assert "Waiting for an answer: <strong>1</strong>" in olga.get("/en/staff/cases").text
    assert "Ждут дольше 2 часов: <strong>0</strong>" in anna.get("/ru/staff/").text
    assert "Чакаюць больш за 2 гадзіны: <strong>0</strong>" in anna.get("/be/staff/").text


def test_request_page_one_form_for_checklist_and_stage(instances):
    inst = instances()
    anna = coordinator(inst)
    Requester(inst).submit_ok(marker("HELP"))
    rid = anna.request_ids()[0]
    ref = f"{rid[:4]}-{rid[4:8]}".upper()
    page = anna.get(f"/en/staff/requests/{rid}").text
    assert re.search(rf'<h1>Request <span class="case-ref">{ref}</span></h1>', page)
    assert title(page).startswith(f"Request {ref}")
    # conversation, then the reply, then the notes; the stage in the side column
    assert page.index('id="conversation"') < page.index('id="reply"') < page.index('id="notes"')
    assert page.index('class="case-side"') > page.index('id="notes"')
    # the checklist and the moves are one form: ticking and moving on keeps both
    side = page.split('class="case-side"')[1].split('id="assign"')[0]
    assert '<input form="case-form" type="checkbox" name="done"' in side
    assert '<button form="case-form" type="submit" name="to" value="1">' in side
    r = anna.post(f"/en/staff/requests/{rid}/stage",
                  data=[("csrf", find_csrf(page)), ("from", "0"), ("checklist", "1"), ("done", "0"), ("done", "1"),
                        ("to", "1")])
    assert r.status_code == 303 and "done=moved" in r.headers["Location"]
    assert q(inst, "SELECT stage FROM cases") == [(1,)]
    page = anna.get(r.headers["Location"]).text
    assert after_h1(page).startswith('<div class="banner" role="status"><p>The stage was changed.')
    # back at stage 0, the ticks saved with the move are there
    anna.post(f"/en/staff/requests/{rid}/stage", data={"csrf": find_csrf(page), "from": "1", "to": "0"})
    page = anna.get(f"/en/staff/requests/{rid}").text
    assert len(re.findall(r'name="done" value="\d" checked', page)) == 2
    # a move refused (a skip) still saves the ticks, and says why in the error summary
    r = anna.post(f"/en/staff/requests/{rid}/stage",
                  data=[("csrf", find_csrf(page)), ("from", "0"), ("checklist", "1"), ("done", "2"), ("to", "2")])
    assert r.status_code == 303 and "problem=invalid" in r.headers["Location"]
    r = anna.get(r.headers["Location"])
    assert len(re.findall(r'name="done" value="\d" checked', r.text)) == 1
    assert after_h1(r.text).startswith('<div class="error-summary"') and "That move is not possible" in r.text
    assert title(r.text).startswith("Error: Request")
    # the whole page is one form (posted to /reply): a move while a reply and a note are
    # typed saves the ticks, moves, and gives both texts back
    page = r.text
    form_ids = set(re.findall(r'form="([^"]+)"', page.split('id="assign"')[0]))
    assert form_ids == {"case-form"}
    assert re.search(r'<form id="case-form" method="post" action="/en/staff/requests/%s/reply" '
                     r'enctype="multipart/form-data" autocomplete="off" novalidate>\n<input type="hidden" name="csrf" '
                     r'value="[^"]+"><button type="submit" disabled hidden></button></form>' % rid, page)   # no Enter-sends
    answer, note = marker("ANSWER"), marker("NOTE")
    r = anna.post(f"/en/staff/requests/{rid}/reply",
                  files=multipart(find_csrf(page), answer, (("note", note), ("from", "0"), ("checklist", "1"),
                                                            ("done", "1"), ("to", "1"))))
    assert r.status_code == 200 and after_h1(r.text).startswith('<div class="banner" role="status"><p>The stage was changed.')
    assert textarea_text(r.text, "message") == answer and textarea_text(r.text, "note") == note
    assert q(inst, "SELECT stage FROM cases") == [(1,)]
    # a refused move from the same form: the error summary, and the texts still there
    r = anna.post(f"/en/staff/requests/{rid}/reply",
                  files=multipart(find_csrf(r.text), answer, (("note", note), ("from", "1"), ("to", "3"))))
    assert r.status_code == 200 and after_h1(r.text).startswith('<div class="error-summary"')
    assert textarea_text(r.text, "message") == answer and textarea_text(r.text, "note") == note
    # nothing typed: back to the page by a redirect
    r = anna.post(f"/en/staff/requests/{rid}/reply", files=multipart(find_csrf(r.text), "", (("from", "1"), ("to", "0"))))
    assert r.status_code == 303 and "done=moved" in r.headers["Location"]
    page = anna.get(r.headers["Location"]).text
    assert len(re.findall(r'name="done" value="\d" checked', page)) == 1   # the ticks of stage 0 saved with the move
    r = anna.get(f"/en/staff/requests/{rid}")
    # a rejection without a reason points at the reason's field
    r = anna.post(f"/en/staff/requests/{rid}/stage", data={"csrf": find_csrf(r.text), "from": "0", "to": "8"})
    page = anna.get(r.headers["Location"]).text
    assert 'href="#reason"' in page and "<details open>" in page and 'aria-describedby="reason-hint reason-error"' in page
    # in Russian
    page = anna.get(f"/ru/staff/requests/{rid}?done=checked").text
    assert title(page).startswith(f"Обращение {ref}") and "Чек-лист сохранён." in after_h1(page)


def test_reply_and_note_give_back_each_others_text(instances):
    inst = instances()
    anna = coordinator(inst)
    rq = Requester(inst)
    receipt = rq.submit_ok(marker("ASK"))
    rid = anna.request_ids()[0]
    page = anna.get(f"/en/staff/requests/{rid}").text
    answer, note = marker("ANSWER"), marker("NOTE")
    # a note saved while a reply is typed: the reply comes back in its field
    r = anna.post(f"/en/staff/requests/{rid}/reply",
                  files=multipart(find_csrf(page), answer, (("note", note), ("do", "note"))))
    assert r.status_code == 200
    assert textarea_text(r.text, "message") == answer and after_h1(r.text).startswith('<div class="banner"')
    assert "Your note was saved." in r.text and note in r.text           # the note, now in the list
    assert answer not in rq.open_ok(receipt).text                        # nothing was sent
    # the reply sent while a note is typed: the note comes back, marked not saved
    note2 = marker("NOTE2")
    r = anna.post(f"/en/staff/requests/{rid}/reply",
                  files=multipart(find_csrf(r.text), answer, (("note", note2), ("do", "reply"))))
    assert r.status_code == 200 and "Your reply was sent." in after_h1(r.text)
    assert textarea_text(r.text, "note") == note2 and "This note is not saved yet." in r.text
    assert textarea_text(r.text, "message") == ""
    assert answer in rq.mailbox().text
    # with nothing else typed: back to the page (POST-redirect-GET) with the banner
    r = anna.post(f"/en/staff/requests/{rid}/reply",
                  files=multipart(find_csrf(r.text), None, (("note", note2), ("do", "note"))))
    assert r.status_code == 303 and r.headers["Location"].endswith("?done=note#notes")
    assert "Нататка захавана." in after_h1(anna.get(f"/be/staff/requests/{rid}?done=note").text)
    # an empty note is refused at its field, the reply typed kept
    r = anna.post(f"/en/staff/requests/{rid}/reply",
                  files=multipart(find_csrf(r.text) or anna.token(), "keep me", (("note", ""), ("do", "note"))))
    assert r.status_code == 400 and textarea_text(r.text, "message") == "keep me"
    assert 'href="#note"' in r.text and 'aria-describedby="note-hint note-error"' in r.text


def test_assignment_starts_with_no_owl_chosen(instances):
    inst = instances()
    anna = coordinator(inst)
    olga = Staff(inst, "olga", "owl").login()
    set_profile(olga, ["en"], 3)
    Requester(inst).submit_ok(marker("ASK"))
    rid = anna.request_ids()[0]
    page = anna.get(f"/en/staff/requests/{rid}").text
    assert '<select id="owl" name="owl"><option value="" selected>choose an Owl</option>' in page
    r = anna.post(f"/en/staff/requests/{rid}/assign", data={"csrf": find_csrf(page), "owl": "", "handle": ""})
    assert r.status_code == 303 and "problem=empty" in r.headers["Location"]
    page = anna.get(r.headers["Location"]).text
    assert after_h1(page).startswith('<div class="error-summary"') and 'href="#owl"' in page
    assert 'aria-describedby="owl-error"' in page and title(page).startswith("Error:")
    assert q(inst, "SELECT assignee IS NULL FROM cases") == [(1,)]
    # a first assignment asks nothing; the queue then names who holds it
    r = anna.post(f"/en/staff/requests/{rid}/assign", data={"csrf": find_csrf(page), "owl": account_id(inst, "olga")})
    assert r.status_code == 303 and "done=assigned" in r.headers["Location"]
    assert "<bdi>olga</bdi>" in anna.get("/en/staff/requests").text


def test_queue_filters_and_oldest_waiting_first(instances):
    inst = instances()
    anna = coordinator(inst)
    olga = Staff(inst, "olga", "owl").login()
    set_profile(olga, ["ru"], 3)
    first, second, third = marker("FIRST"), marker("SECOND"), marker("THIRD")
    Requester(inst, "ru").submit_ok(first)
    Requester(inst, "en").submit_ok(second)
    Requester(inst, "ru").submit_ok(third)
    db = sqlite3.connect(inst.dir / "sava.db")
    try:   # the first waits longest
        db.execute("UPDATE cases SET waiting_hour = waiting_hour - 50, created_hour = created_hour - 50 WHERE rowid = 1")
        db.commit()
    finally:
        db.close()
    page = anna.get("/en/staff/requests").text
    assert page.index(first) < page.index(third) and page.index(first) < page.index(second)
    assert 'data-label="Held by"' in page and 'data-label="Last written by"' in page and "the requester" in page
    assert 'class="filters" novalidate' in page
    ru = anna.get("/en/staff/requests?lang=ru").text
    assert first in ru and third in ru and second not in ru and '<option value="ru" selected>' in ru
    assert "Requests shown: <strong>2</strong>" in ru
    rid = re.search(r"/staff/requests/([0-9a-f]{32})\"><bdi>" + first, page).group(1)
    p = anna.get(f"/en/staff/requests/{rid}").text
    anna.post(f"/en/staff/requests/{rid}/assign", data={"csrf": find_csrf(p), "owl": account_id(inst, "olga")})
    free = anna.get("/en/staff/requests?unassigned=1").text
    assert first not in free and second in free and third in free
    # answered: no longer waiting
    anna.reply(rid, "we read you")
    waiting = anna.get("/en/staff/requests?waiting=any").text
    assert first not in waiting and second in waiting
    assert "us" in anna.get("/en/staff/requests").text
    assert "Последним писал" in anna.get("/ru/staff/requests").text


def test_an_application_needs_its_vouches(instances):
    from test_volunteer import apply
    inst = instances(conf={("network", "min_vouches"): "2"})
    anna = coordinator(inst)
    Staff(inst, "olga", "owl").login()
    Staff(inst, "vera", "owl").login()
    apply(inst, about=marker("ABOUT"), contact="c", vouchers="olga, vera")
    aid = re.search(r"/staff/applications/([0-9a-f]{32})", anna.get("/en/staff/applications").text).group(1)
    page = anna.get(f"/en/staff/applications/{aid}").text
    assert "Members who vouched: <strong>0</strong> · Needed to accept: <strong>2</strong>" in page
    assert "/accept" not in page                                       # no button yet
    r = anna.post(f"/en/staff/applications/{aid}/accept", data={"csrf": find_csrf(page)})
    assert r.status_code == 400 and "Too few members have vouched" in r.text and 'href="#vouches"' in r.text
    # the coordinator who records a vouch cannot name herself: one voice is not two
    r = anna.post(f"/en/staff/applications/{aid}/vouch", data={"csrf": find_csrf(page), "member": "anna"})
    assert r.status_code != 303
    assert "Members who vouched: <strong>0</strong>" in anna.get(f"/en/staff/applications/{aid}").text
    for who in ("olga", "olga", "vera"):   # the same member twice counts once
        r = anna.post(f"/en/staff/applications/{aid}/vouch", data={"csrf": find_csrf(page), "member": who})
        assert r.status_code == 303 and "done=vouch" in r.headers["Location"]
        page = anna.get(f"/en/staff/applications/{aid}").text
        if who == "olga":
            assert "Members who vouched: <strong>1</strong>" in page and "/accept" not in page
    assert "The vouch was recorded." in after_h1(anna.get(f"/en/staff/applications/{aid}?done=vouch").text)
    r = anna.post(f"/en/staff/applications/{aid}/accept", data={"csrf": find_csrf(page)})
    assert r.status_code == 200 and re.search(r"/staff/enroll/[A-Za-z0-9_-]{43}", r.text)


def test_revoke_on_the_account_page_and_shred_names_the_case(instances):
    inst = instances()
    anna = coordinator(inst)
    olga = Staff(inst, "olga", "owl").login()
    roster = anna.get("/en/staff/accounts").text
    assert "Revoke" not in roster and 'data-label="Name"' in roster
    oid = account_id(inst, "olga")
    page = anna.get(f"/en/staff/accounts/{oid}").text
    assert 'name="account" value="%s"' % oid in page and "Revoke…" in page
    assert "Revoke" not in anna.get(f"/en/staff/accounts/{account_id(inst, 'anna')}").text   # not herself
    r = anna.post("/en/staff/accounts", data={"csrf": find_csrf(page), "account": oid})
    assert r.status_code == 200 and 'class="warning-text"' in r.text and "<bdi>olga</bdi>" in r.text
    assert olga.get("/en/staff/").status_code == 200                    # nothing done yet
    Requester(inst).submit_ok(marker("ASK"))
    rid = anna.request_ids()[0]
    ref = f"{rid[:4]}-{rid[4:8]}".upper()
    page = anna.get(f"/en/staff/requests/{rid}/shred").text
    assert f'You are about to shred request <span class="case-ref">{ref}</span>' in page
    assert 'class="warning-text"' in page and '<span class="warning-icon" aria-hidden="true">!</span>' in page
    assert "Вы собираетесь уничтожить обращение" in anna.get(f"/ru/staff/requests/{rid}/shred").text
    r = anna.post(f"/en/staff/requests/{rid}/shred", data={"csrf": find_csrf(page), "confirm": "yes"})
    assert r.status_code == 303
    assert "The request was shredded." in after_h1(anna.get(r.headers["Location"]).text)


def test_profile_saved_banner_and_errors_at_their_field(instances):
    inst = instances()
    olga = Staff(inst, "olga", "owl").login()
    page = olga.get("/en/staff/profile").text
    r = olga.post("/en/staff/profile", data={"csrf": find_csrf(page), "capacity": "99", "language": "ru"})
    assert r.status_code == 400 and 'href="#capacity"' in r.text and 'value="99"' in r.text
    assert 'aria-describedby="capacity-hint capacity-error"' in r.text
    r = olga.post("/en/staff/profile", data={"csrf": find_csrf(page), "capacity": "3", "language": "ru"})
    assert r.status_code == 303
    assert after_h1(olga.get(r.headers["Location"]).text).startswith('<div class="banner" role="status"><p>Your profile was saved.')
    assert "Ваш профиль сохранён." in after_h1(olga.get("/ru/staff/profile?saved=1").text)



def test_the_case_form_sends_a_reply_only_when_send_was_pressed(make_instance):
    """The one form fails closed: a post that names no known action stores nothing and
    sends nothing to the man's mailbox."""
    from intake_util import Requester, coordinator, find_csrf, marker, multipart
    inst = make_instance()
    anna = coordinator(inst)
    Requester(inst).submit_ok(f"Help {marker()}")
    rid = anna.request_ids()[0]
    text = f"Unintended {marker()}"
    r = anna.post(f"/en/staff/requests/{rid}/reply", files=multipart(find_csrf(anna.request_page(rid).text), text))
    assert r.status_code == 400
    assert text not in anna.request_page(rid).text
