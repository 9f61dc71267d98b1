"""Document cleaning in the secure drop (issue 14). Offline: `sava decrypt --clean` writes,
beside the files as sent, a copy of each image encoded again from its pixels and of each
PDF rasterized into a new PDF, none with metadata (exiftool says so), the page still
showing what it showed; garbage fails with a message. Online: an analyst asks the media
worker for a cleaned copy of a file; it is sealed like the original and shown beside it."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import run_cli, start_instance, _teardown
from intake_util import Requester, coordinator, find_csrf, marker, multipart, receipt_of, scan_tree, unique
from test_drop import DROP_FILE_RE, DROP_LINK_RE, analysts, decrypt, export, keygen, send

SECRET = "Ivan Secret"
needs_tools = pytest.mark.skipif(not (shutil.which("exiftool") and shutil.which("pdftoppm") and shutil.which("ffmpeg")),
                                 reason="exiftool, pdftoppm and ffmpeg are in tools/deps.sh")


def jpeg_with_gps(tmp_path):
    """A photo as a phone writes it: GPS position and the owner's name in its EXIF."""
    p = tmp_path / "photo.jpg"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240", "-frames:v", "1",
                    str(p)], check=True)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-GPSLatitude=53.9", "-GPSLatitudeRef=N",
                    "-GPSLongitude=27.56", "-GPSLongitudeRef=E", f"-Artist={SECRET}", str(p)], check=True)
    tags = exif(p)
    assert "GPSLatitude" in tags and tags.get("Artist") == SECRET
    return p.read_bytes()


def pdf_with_author():
    """A one-page PDF (a red square on white) whose Info names its author."""
    content = b"1 0 0 rg 50 50 100 100 re f\n"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
            b"<< /Author (" + SECRET.encode() + b") /Title (Order 17) /Creator (Word) >>"]
    out, offs = b"%PDF-1.4\n", []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return out


def exif(path):
    """Every tag exiftool finds, but its own file facts."""
    r = subprocess.run(["exiftool", "-s", "-a", "-G0", str(path)], capture_output=True, text=True, check=True)
    tags = {}
    for line in r.stdout.splitlines():
        m = re.match(r"\[(\w+)\]\s+(\w+)\s*: (.*)", line)
        if m and m.group(1) not in ("ExifTool", "File", "System", "Composite"):
            tags[m.group(2)] = m.group(3)
    return tags


def assert_no_metadata(path, kind):
    tags = exif(path)
    allowed = {"JFIFVersion", "ResolutionUnit", "XResolution", "YResolution", "ImageWidth", "ImageHeight",
               "EncodingProcess", "BitsPerSample", "ColorComponents", "YCbCrSubSampling", "PDFVersion", "Linearized",
               "PageCount"}
    extra = {k: v for k, v in tags.items() if k not in allowed}
    assert not extra, (kind, extra)
    assert SECRET.encode() not in path.read_bytes()


def red_in_middle(pdf, tmp_path):
    """Renders the cleaned PDF's page on this side (as a reader would) and looks at the
    pixel in the middle of the square: still red."""
    subprocess.run(["pdftoppm", "-r", "72", "-singlefile", str(pdf), str(tmp_path / "look")], check=True)
    data = (tmp_path / "look.ppm").read_bytes()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    assert 199 <= w <= 201 and 199 <= h <= 201, (w, h)   # 417 px at 150 dpi, back at 72
    px = data[m.end():]
    r, g, b = px[(100 * w + 100) * 3:(100 * w + 100) * 3 + 3]
    corner = px[(5 * w + 5) * 3:(5 * w + 5) * 3 + 3]
    return r > 200 and g < 60 and b < 60 and all(c > 200 for c in corner)


@pytest.fixture
def offline(tmp_path):
    key, pk = keygen(tmp_path)
    i = start_instance(tmp_path / "srv", conf={("drop", "mode"): "offline", ("drop", "offline_key"): pk})
    yield i, key
    _teardown(i)


@needs_tools
def test_decrypt_clean_removes_metadata_and_keeps_the_page(offline, tmp_path):
    inst, key = offline
    photo, pdf = jpeg_with_gps(tmp_path), pdf_with_author()
    garbage = b"%PDF-1.4\n" + os.urandom(5000)
    r = send(Requester(inst), "", [("photo.jpg", photo), ("order.pdf", pdf), ("broken.pdf", garbage),
                                   ("notes.txt", b"plain words")])
    assert r.status_code == 200, r.text[:2000]
    bundles = export(inst, tmp_path / "usb")
    out = tmp_path / "offline-out"
    out.mkdir()
    r = run_cli("decrypt", "--clean", str(key), str(bundles[0]), str(out))
    d = out / bundles[0].name.split(".")[0]
    # the broken PDF could not be cleaned, and says so; the run says it failed
    assert r.returncode == 1, r.stderr
    assert "03-broken.pdf could not be cleaned" in r.stderr
    assert "04-notes.txt not cleaned: not an image" in r.stderr
    cleaned = sorted(p.name for p in (d / "cleaned").iterdir())
    # neutral names (the originals' may name a day, a device or a person); the run says
    # which is which on the offline machine's terminal only
    assert cleaned == ["cleaned-01.jpg", "cleaned-02.pdf"], cleaned
    assert "cleaned-01.jpg <- 01-photo.jpg" in r.stdout and "cleaned-02.pdf <- 02-order.pdf" in r.stdout
    # the originals stay as sent
    assert (d / "01-photo.jpg").read_bytes() == photo and (d / "02-order.pdf").read_bytes() == pdf
    assert_no_metadata(d / "cleaned" / "cleaned-01.jpg", "jpeg")
    assert_no_metadata(d / "cleaned" / "cleaned-02.pdf", "pdf")
    size = subprocess.run(["exiftool", "-s3", "-ImageSize", str(d / "cleaned" / "cleaned-01.jpg")],
                          capture_output=True, text=True, check=True).stdout.split()
    assert size in (["320x240"], ["320", "240"]), size
    assert red_in_middle(d / "cleaned" / "cleaned-02.pdf", tmp_path)


def test_decrypt_clean_refuses_without_its_tools(offline, tmp_path):
    inst, key = offline
    assert send(Requester(inst), "x", [("a.jpg", b"\xff\xd8\xff")]).status_code == 200
    bundles = export(inst, tmp_path / "usb")
    out = tmp_path / "o"
    out.mkdir()
    # a PATH without them changes nothing: sava looks for /usr/bin/pdftoppm itself, so
    # the refusal is shown by a machine that lacks it, or not at all
    if shutil.which("pdftoppm") and os.path.exists("/usr/bin/bwrap"):
        pytest.skip("this machine has every tool; the refusal is checked where one is missing")
    r = run_cli("decrypt", "--clean", str(key), str(bundles[0]), str(out))
    assert r.returncode == 1 and "is missing on this machine" in r.stderr
    assert list(out.iterdir()) == []


CLEAN_RE = re.compile(r'action="(/en/staff/drop/files/([0-9a-f]{32})/clean)"')


def wait_for(fn, what, tries=120):
    import time
    for _ in range(tries):
        v = fn()
        if v:
            return v
        time.sleep(0.5)
    raise AssertionError("timed out waiting for " + what)


@needs_tools
def test_online_cleaned_copy_beside_the_original(tmp_path):
    inst = start_instance(tmp_path / "srv")
    try:
        ada, abe = analysts(inst)
        photo, pdf = jpeg_with_gps(tmp_path), pdf_with_author()
        garbage = b"\x89PNG\r\n\x1a\n" + os.urandom(3000)
        msg = marker("CLEANMSG")
        r = send(Requester(inst), msg, [("photo.jpg", photo), ("order.pdf", pdf), ("broken.png", garbage),
                                        ("notes.txt", b"plain words")])
        assert r.status_code == 200, r.text[:2000]
        receipt = receipt_of(r)
        did = unique(DROP_LINK_RE.findall(abe.get("/en/staff/drop").text))[0]
        page = abe.get(f"/en/staff/drop/{did}")
        asks = CLEAN_RE.findall(page.text)
        assert len(asks) == 4, page.text   # offered for every file: the worker tells what it cannot clean
        names = {}
        # without the form's token nothing is asked
        assert abe.post(asks[0][0], data={"x": "1"}).status_code == 403
        assert abe.post(asks[0][0], data={"csrf": "A" * 43}).status_code == 403
        for action, fid in asks:
            r = abe.post(action, data={"csrf": find_csrf(page.text)})
            assert r.status_code == 303 and r.headers["Location"].endswith(f"/staff/drop/{did}?clean=asked"), r.text
            names[fid] = None
        # someone who is not an analyst cannot ask, and gets the same 404 as for nothing
        anna = coordinator(inst)
        for action, _ in asks[:1]:
            assert anna.post(action, data={"csrf": anna.token()}).status_code == 404
        assert anna.post(f"/en/staff/drop/files/{'0' * 32}/clean", data={"csrf": anna.token()}).status_code == 404

        def done():
            t = abe.get(f"/en/staff/drop/{did}").text
            return t if t.count("Cleaned copy: made again") == 2 and t.count("No cleaned copy could be made") == 2 else None
        text = wait_for(done, "the cleaned copies")
        assert "it is damaged, or could not be read" in text
        assert "it is not an image (JPEG, PNG, WebP) or a PDF" in text
        # the copies are files of the same message, downloaded like the originals
        fids = unique(DROP_FILE_RE.findall(text))
        assert len(fids) == 6
        got = {f: abe.get(f"/en/staff/drop/files/{f}") for f in fids}
        copies = {f: r for f, r in got.items() if "cleaned" in r.headers.get("Content-Disposition", "")}
        assert len(copies) == 2
        for f, r in copies.items():
            kind = "pdf" if "cleaned-copy.pdf" in r.headers["Content-Disposition"] else "jpg"
            assert "photo" not in r.headers["Content-Disposition"] and "order" not in r.headers["Content-Disposition"]
            p = tmp_path / f"copy.{kind}"
            p.write_bytes(r.content)
            assert_no_metadata(p, kind)
            if kind == "pdf":
                assert red_in_middle(p, tmp_path)
        # the originals stay as they were sent
        assert sorted(r.content for f, r in got.items() if f not in copies) == sorted(
            [photo, pdf, garbage, b"plain words"])
        # a copy is not offered for cleaning again, nor a file that has one
        assert len(CLEAN_RE.findall(text)) == 2   # the two refused may be asked again
        again = abe.post(f"/en/staff/drop/files/{list(copies)[0]}/clean", data={"csrf": find_csrf(text)})
        assert again.status_code == 303 and again.headers["Location"].endswith("clean=again")
        assert "already" in abe.get(again.headers["Location"]).text
        # the source's mailbox shows his files as he sent them, not the analysts' copies
        box = Requester(inst).open_ok(receipt)
        assert "photo.jpg" in box.text and "cleaned-copy" not in box.text
        # nothing of the originals' metadata at rest in the clear
        found = []
        scan_tree(inst.dir, [SECRET, msg], found)
        assert not found, found
        audit = run_cli("audit", "verify", str(inst.dir))
        assert audit.returncode == 0, audit.stderr
    finally:
        _teardown(inst)
