"""The English catalogue: pages follow Accept-Language, and key strings are translated.

UI msgids are Korean; locale/en/LC_MESSAGES/django.po holds the English text.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

KOREAN_BRAND = "오픈뱅킹 이용기관 포털"
ENGLISH_BRAND = "Open Banking User Institution Portal"
HANGUL = re.compile("[가-힣]")

# A spread of msgids users see: navigation, models' labels and choices, workflow
# stages, form help and error messages.
KEY_MSGIDS = [
    KOREAN_BRAND,
    "로그인",
    "회원가입",
    "내 신청",
    "오픈뱅킹공동업무 이용 신청",
    "이용기관",
    "주거래은행",
    "약정계좌",
    "보안점검",
    "기능테스트",
    "① 이용승인",
    "보완 요청",
    "하위사업자",
    "처리대행비용",
    "센터 보증",
    "사업자등록번호",
    "법인등록번호",
    "납입자본금",
    "작성 중",
    "서비스 중",
    "저장되었습니다.",
    "필수 항목입니다.",
    "이미 등록된 사업자등록번호입니다. 해당 기관의 관리자에게 구성원 초대를 요청하세요.",
    "사업자등록번호의 검증번호(마지막 자리)가 맞지 않습니다. 번호를 다시 확인하세요.",
]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_home_in_english_when_browser_asks_for_it(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert ENGLISH_BRAND in html
    assert "Apply for the Open Banking joint service" in html
    assert "Sign up and apply" in html
    assert KOREAN_BRAND not in html
    assert '<html lang="en">' in html


@pytest.mark.django_db
def test_login_page_in_english_when_browser_asks_for_it(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert ENGLISH_BRAND in html
    assert "Sign up" in html
    assert KOREAN_BRAND not in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_korean_stays_the_default(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    html = response.content.decode()
    assert KOREAN_BRAND in html
    assert ENGLISH_BRAND not in html


@pytest.mark.django_db
def test_unknown_language_falls_back_to_korean(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert KOREAN_BRAND in html


@pytest.mark.parametrize("msgid", KEY_MSGIDS)
def test_key_strings_are_translated(english, msgid):
    text = gettext(msgid)
    assert text != msgid
    assert not HANGUL.search(text), text


def test_placeholders_survive_translation(english):
    assert gettext("서류: %(name)s") % {"name": "X"} == "Document: X"
    assert "50%" in gettext("보증 비율: 일 출금한도의 %(rate)s%%") % {"rate": 50}
    one = ngettext("테스트베드 호출 %(n)s건", "테스트베드 호출 %(n)s건", 1) % {"n": 1}
    many = ngettext("테스트베드 호출 %(n)s건", "테스트베드 호출 %(n)s건", 3) % {"n": 3}
    assert (one, many) == ("1 testbed call", "3 testbed calls")


def test_korean_catalogue_is_untouched():
    with translation.override("ko"):
        assert gettext(KOREAN_BRAND) == KOREAN_BRAND


def _po_entries(path: Path):
    """(msgid, msgstr, flags) for every entry of a .po file, header excluded, without polib."""
    entries, block = [], []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            entries.append(block)
            block = []

    def unquote(lines):
        return "".join(ast.literal_eval(s[s.index('"') :]) for s in lines)

    parsed = []
    for block in entries:
        if all(line.startswith("#~") for line in block if not line.startswith("#,")):
            continue  # obsolete
        flags = " ".join(line for line in block if line.startswith("#,"))
        fields, current = {}, None
        for line in block:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[current].append(line)
                continue
            current, _, rest = line.partition(" ")
            fields[current] = [rest]
        msgid = unquote(fields.get("msgid", ['""']))
        if not msgid:
            continue
        strs = [unquote(v) for k, v in fields.items() if k.startswith("msgstr")]
        parsed.append((msgid, strs, flags))
    return parsed


def test_english_po_file_is_complete():
    po = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), "run manage.py compilemessages"
    entries = _po_entries(po)
    assert len(entries) > 900
    untranslated = [msgid for msgid, strs, _ in entries if not all(strs)]
    fuzzy = [msgid for msgid, _, flags in entries if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []
