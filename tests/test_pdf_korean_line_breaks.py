"""DOMAIN §5 — the Korean PDFs (contract, invoice) break lines only between words, as Korean
typesetting does (CSS `word-break: keep-all`, which WeasyPrint 70 rejects): "주거래은행" is never
split "주거래은" / "행" at a line end. The PDF's text stays the same (the word joiners the templates
put inside Hangul words draw nothing), and a word too long for its cell still wraps."""

import re
import subprocess
from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from contracts import documents
from contracts.accounts import add_account
from contracts.models import AccountPurpose, ContractDocument
from contracts.preparation import prepare_signed_contract
from contracts.signing import record_signature
from operations import invoices

from .contract_support import *  # noqa: F403  (fixtures)

WORD_JOINER = "\u2060"
HANGUL = re.compile(r"[가-힣]")
# Long enough to reach a line end: in the lead paragraph, the 68% and 50% cells and the 20% column.
LONG_NAME = "주거래은행협력 오픈뱅킹간편결제플랫폼 핀테크솔루션즈 주식회사"
LONG_ADDRESS = (
    "서울특별시 영등포구 여의대로 국제금융로 오픈뱅킹타워 주거래은행협력센터 열두번째층 "
    "간편결제플랫폼사업본부"
)
LONG_HOLDER = "주거래은행협력핀테크 간편결제"
A4_WIDTH_PT, MARGIN_PT = 595.28, 20 / 25.4 * 72  # both documents: A4, 20 mm side margins


def pdf_text(pdf: bytes, tmp_path, *flags: str) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", *flags, str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


class _Text(HTMLParser):
    """The text of a document's body: block tags separate words, inline tags do not."""

    INLINE = {"strong", "b", "span", "em", "small"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag, attrs):
        self._skip = tag in {"style", "title"}
        if tag not in self.INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        self._skip = False
        if tag not in self.INLINE:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def hangul_words(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    text = "".join(parser.parts).replace(WORD_JOINER, "")
    return {word for word in text.split() if HANGUL.search(word)}


def assert_breaks_only_between_words(layout: str, words: set[str]) -> None:
    """Each Hangul token on each line is a whole word of the source: no line ends inside a word."""
    for line in layout.splitlines():
        for token in line.split():
            if HANGUL.search(token):
                assert token in words, f"{token!r} is a piece of a word, in line {line.strip()!r}"


def assert_text_holds(text: str, words: set[str], *phrases: str) -> None:
    assert WORD_JOINER not in text
    flowing = " ".join(text.split())  # a line end between words reads as a space
    missing = sorted(word for word in words if word not in flowing)
    assert not missing, missing
    for phrase in phrases:
        assert phrase in flowing


def bookmarks(pdf: bytes, tmp_path) -> str:
    """The PDF outline (WeasyPrint makes it from the headings), as poppler's pdftohtml reads it."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", str(path)], capture_output=True, check=True
    ).stdout.decode()
    return "\n".join(re.findall(r"<item [^>]*>([^<]*)</item>", xml))


def right_edges(bbox_html: str) -> list[float]:
    return [float(x) for x in re.findall(r'<word [^>]*xMax="([0-9.]+)"', bbox_html)]


# --- the contract -----------------------------------------------------------------------------


@pytest.fixture
def long_named_document(member, contract_app, staff, django_capture_on_commit_callbacks):
    institution = member.institution
    institution.name, institution.address = LONG_NAME, LONG_ADDRESS
    institution.save()
    with django_capture_on_commit_callbacks(execute=True):
        prepare_signed_contract(application=contract_app, staff=staff, sign=False)
        add_account(
            application=contract_app,
            by=staff,
            account_number="110-987-654321",
            purpose=AccountPurpose.SETTLEMENT,
            holder_name=LONG_HOLDER,
        )
        record_signature(application=contract_app, by=staff)
    return ContractDocument.objects.get(contract__application=contract_app)


def test_contract_lines_end_between_words_and_its_text_is_unchanged(long_named_document, tmp_path):
    data = long_named_document.data
    with long_named_document.file.open("rb") as fh:
        pdf = fh.read()
    words = hangul_words(documents.contract_html(data)) | {f"제{data['version']}판"}  # header
    assert {"주거래은행", "주거래은행협력핀테크", "오픈뱅킹간편결제플랫폼"} <= words

    layout = pdf_text(pdf, tmp_path, "-layout")
    assert_breaks_only_between_words(layout, words)
    assert_text_holds(pdf_text(pdf, tmp_path), words, LONG_NAME, LONG_ADDRESS, LONG_HOLDER)
    # The long names did reach line ends: each is spread over two lines somewhere.
    lines = [line.strip() for line in layout.splitlines()]
    assert any(line.endswith("오픈뱅킹간편결제플랫폼") for line in lines), layout
    assert any(line.endswith("주거래은행협력핀테크") for line in lines), layout
    # The bookmarks read as the headings do, without joiners.
    outline = bookmarks(pdf, tmp_path)
    assert "제2조 (주거래은행)" in outline.splitlines() and WORD_JOINER not in outline


def test_a_word_too_long_for_its_cell_still_wraps_inside_the_page(long_named_document, tmp_path):
    data = long_named_document.data
    unbreakable = "가나다라마바사아자차" * 3  # 30 syllables without a space, wider than its column
    data["accounts"][0]["holder_name"] = unbreakable
    pdf = documents.render_contract_pdf(data)
    assert unbreakable in "".join(pdf_text(pdf, tmp_path).split())
    edges = right_edges(pdf_text(pdf, tmp_path, "-bbox"))
    assert edges and max(edges) <= A4_WIDTH_PT - MARGIN_PT + 0.5


# --- the invoice ------------------------------------------------------------------------------


def invoice_data() -> dict:
    """Frozen invoice data, in the shape `operations.invoices.invoice_snapshot` gives it."""
    line = {"api": "출금이체", "count": 1234, "amount_krw": 5_000_000, "unit_cost_krw": 30}
    return {
        "number": "INV-2026-10-0001",
        "centre": {"name": invoices.CENTRE_NAME},
        "institution": {
            "name": LONG_NAME,
            "business_registration_number": "123-45-67890",
            "representative": "홍길동",
            "address": LONG_ADDRESS,
            "size_class": "중소형",
        },
        "month": "2026-10",
        "issued_on": "2026-11-02",
        "due_on": "2026-11-20",
        "policy": {"effective_from": "2026-01-01", "id": 1},
        "lines": [
            {**line, "kind": "처리대행비용", "tier": "경감비용", "total_krw": 37_020},
            {**line, "kind": "주거래은행 수수료", "tier": "합의 수수료", "total_krw": 37_020},
        ],
        "processing_total_krw": 37_020,
        "main_bank_total_krw": 37_020,
        "total_krw": 74_040,
    }


def test_invoice_lines_end_between_words_and_its_text_is_unchanged(tmp_path):
    data = invoice_data()
    pdf = invoices.render_invoice_pdf(data)
    words = hangul_words(invoices.invoice_html(data))
    assert {"사업자등록번호", "3개월", "간편결제플랫폼사업본부"} <= words

    layout = pdf_text(pdf, tmp_path, "-layout")
    assert_breaks_only_between_words(layout, words)
    assert_text_holds(pdf_text(pdf, tmp_path), words, LONG_NAME, LONG_ADDRESS, "청구 금액 합계")


# --- the template tag -------------------------------------------------------------------------


def test_keepwords_escapes_like_the_template_and_only_adds_word_joiners():
    body = "<p>{{ v }} <strong>{{ bank }}</strong>을(를) https://example.com/a 110-123-456789</p>"
    kept = Template("{% load line_breaks %}{% keepwords %}" + body + "{% endkeepwords %}")
    plain = Template(body)
    context = {"v": '<b onclick="x">주거래은행</b> & 은행\'s', "bank": "신한은행"}

    out = kept.render(Context(context))
    assert "<b" not in out and "&lt;" in out and "&amp;" in out and "&quot;" in out
    assert out.replace(WORD_JOINER, "") == plain.render(Context(context))
    assert f"신{WORD_JOINER}한{WORD_JOINER}은{WORD_JOINER}행</strong>{WORD_JOINER}을" in out
    assert "https://example.com/a 110-123-456789" in out  # no Hangul: breakable as before
