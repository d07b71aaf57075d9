"""Content sniffing as a rule (issue 3): properties over arbitrary bytes, no database."""

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from applications.uploads import MAX_BYTES, MIME, detect_kind

from .online_application import DOCX, HWP, HWPX, JPEG, PDF, PNG, XLSX

SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "hwp": (bytes.fromhex("D0CF11E0A1B11AE1"),),
    "hwpx": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}


@settings(max_examples=300)
@given(st.binary(max_size=4096))
def test_whatever_is_accepted_starts_with_the_signature_of_its_kind(content):
    kind = detect_kind(io.BytesIO(content))
    if kind is not None:
        assert kind in MIME
        assert content.startswith(SIGNATURES[kind])


@settings(max_examples=200)
@given(st.binary(max_size=2048), st.sampled_from(["exe", "elf", "script", "html"]))
def test_executables_and_markup_are_never_accepted_whatever_follows(tail, family):
    head = {
        "exe": b"MZ\x90\x00",
        "elf": b"\x7fELF",
        "script": b"#!/bin/sh\n",
        "html": b"<!doctype html><script>",
    }[family]
    assert detect_kind(io.BytesIO(head + tail)) is None


@settings(max_examples=100)
@given(st.binary(max_size=2048))
def test_appending_bytes_to_an_accepted_pdf_png_or_jpeg_keeps_its_kind(tail):
    for content, kind in ((PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg"), (HWP, "hwp")):
        assert detect_kind(io.BytesIO(content + tail)) == kind


@settings(max_examples=50)
@given(
    st.lists(
        st.text(alphabet="abcdefghij/._", min_size=1, max_size=20),
        min_size=1,
        max_size=5,
        unique=True,
    )
)
def test_a_zip_without_the_members_of_an_office_or_hwpx_package_is_refused(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, b"x")
    assert detect_kind(io.BytesIO(buffer.getvalue())) is None


def test_the_sample_packages_are_recognised():
    assert [detect_kind(io.BytesIO(b)) for b in (DOCX, XLSX, HWPX)] == ["docx", "xlsx", "hwpx"]
    assert MAX_BYTES == 20 * 1024 * 1024
