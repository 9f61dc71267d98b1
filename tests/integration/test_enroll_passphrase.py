"""The suggested passphrase at enrollment (issue 15): two suggestions as radio buttons, in
the words of the page's language (Belarusian and Russian lists of 1024 words, seven words;
English 2048 words, six), that survive an error (the one she wrote down stays the one
shown), and the one chosen is the one that logs in."""
import html
import re
import time

import requests

from conftest import start_instance, _teardown
from test_staff import csrf, enroll, invite, login, totp

SUGGESTION_RE = re.compile(r'<input type="hidden" name="generated([12])" value="([^"]*)">')


def suggestions(text):
    found = dict(SUGGESTION_RE.findall(text))
    return html.unescape(found.get("1", "")), html.unescape(found.get("2", ""))


def radios(text):
    return re.findall(r'<input type="radio"[^>]*name="pick" value="([^"]*)"', text)


def test_two_suggestions_in_the_pages_language_survive_an_error_and_log_in(tmp_path):
    inst = start_instance(tmp_path)
    try:
        letters = {"be": r"[абвгдежзйклмнопрстуфхцчшыьэюяіў]+", "ru": r"[абвгдежзийклмнопрстуфхцчшщыьэюя]+",
                   "en": r"[a-z]+"}
        words = {"be": 7, "ru": 7, "en": 6}
        for lang in ("be", "ru", "en"):
            path = invite(inst, "owl")
            page = requests.get(inst.url(f"/{lang}{path}"), timeout=10)
            assert page.status_code == 200
            assert radios(page.text) == ["1", "2", "own"]
            assert 'checked' not in re.search(r'<fieldset.*?</fieldset>', page.text, re.S).group(0)
            one, two = suggestions(page.text)
            assert one != two
            for s in (one, two):
                assert re.fullmatch(r"%s(?: %s){%d}" % (letters[lang], letters[lang], words[lang] - 1), s), s
                assert s in page.text   # shown, not only carried

        # an error keeps both suggestions and the choice; the chosen one logs in
        first = invite(inst, "coordinator")
        path = invite(inst, "owl")
        s = requests.Session()
        url = inst.url("/ru" + path)
        page = s.get(url, timeout=10)
        one, two = suggestions(page.text)
        # both a suggestion and a typed passphrase: refused, nothing lost
        r = s.post(url, data={"csrf": csrf(page.text), "step": "create", "handle": "olga", "pick": "2",
                              "generated1": one, "generated2": two, "passphrase": "something typed here too"},
                   timeout=30)
        assert r.status_code == 400 and "error-summary" in r.text
        assert suggestions(r.text) == (one, two)
        assert re.search(r'name="pick" value="2" checked', r.text)
        assert 'value="olga"' in r.text
        # a name already taken: the same two again
        enroll(inst, first, "anna")
        r = s.post(url, data={"csrf": csrf(r.text), "step": "create", "handle": "anna", "pick": "2",
                              "generated1": one, "generated2": two}, timeout=30)
        assert r.status_code == 400 and "Это имя занято" in r.text
        assert suggestions(r.text) == (one, two) and re.search(r'name="pick" value="2" checked', r.text)
        # a carried value that sava could not have suggested is not given back
        r = s.post(url, data={"csrf": csrf(r.text), "step": "create", "handle": "anna", "pick": "2",
                              "generated1": one, "generated2": "a" * 300}, timeout=30)
        assert r.status_code == 400 and suggestions(r.text)[0] == one and suggestions(r.text)[1] not in ("", "a" * 300)
        r = s.post(url, data={"csrf": csrf(r.text), "step": "create", "handle": "olga", "pick": "2",
                              "generated1": one, "generated2": two}, timeout=30)
        assert r.status_code == 200 and "receipt-digits" in r.text, r.text[:2000]
        handle = "olga"
        recovery = re.search(r'class="receipt-digits">([A-Z2-7 ]+)<', r.text).group(1).replace(" ", "")
        r = s.post(url, data={"csrf": csrf(r.text), "step": "confirm", "recovery_part": recovery[-6:]}, timeout=10)
        secret = re.search(r'class="secret">([A-Z2-7]+)<', r.text).group(1)
        step = int(time.time()) // 30
        r = s.post(url, data={"csrf": csrf(r.text), "step": "finish", "totp": totp(secret, step - 1)}, timeout=10)
        assert r.status_code == 200
        _, r = login(inst, handle, one, totp(secret, step))
        assert r.status_code == 200   # the suggestion not chosen does not log in
        _, r = login(inst, handle, two, totp(secret, step))
        assert r.status_code == 303, r.text[:2000]
    finally:
        _teardown(inst)
