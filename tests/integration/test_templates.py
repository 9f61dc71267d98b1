"""The page templates, read as files (issue 15): every form has novalidate, so the
browser's own English bubbles never replace sava's messages; every hint and every field's
error message has an id that a control names in aria-describedby, so a screen reader reads
it with the field."""

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "templates").glob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_every_form_has_novalidate(path):
    text = path.read_text()
    for form in re.findall(r"<form\b[^>]*>", text):
        assert "novalidate" in form, f"{path.name}: {form}"


def fields(text):
    """The form fields of a template: each <div class="field..."> up to its </div>."""
    return re.findall(r'<div class="field[^"]*">(.*?)</div>', text, re.S)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_hints_and_errors_are_tied_to_their_fields(path):
    for block in fields(path.read_text()):
        described = " ".join(re.findall(r'aria-describedby="([^"]*)"', block))
        for tag in re.findall(r'<p class="(?:hint|field-message)"[^>]*>', block):
            m = re.search(r'\bid="([^"]+)"', tag)
            assert m, f"{path.name}: a field's hint or error without an id: {tag}"
            assert m.group(1) in described, f"{path.name}: no control is described by {m.group(1)}"
