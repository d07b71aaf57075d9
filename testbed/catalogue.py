"""DOMAIN §10 — the operator's open API as the testbed serves it, and the response codes it uses.

`api_code` values are the function codes of the functional-test checklist
(`reviews.api_catalogue`): the fin_num/acnt_num variants of one function share a code, so the
evidence for "balance" counts both.

Field names follow the operator's v2.0 API as public client code uses it (`api_tran_id`,
`rsp_code`, `bank_tran_id`, `fintech_use_num`, `res_list`, ...). `A0000` (success) and the split
between the API result (`rsp_code`) and the bank's result (`bank_rsp_code`, with `A0002` "참가은행
에러") are the operator's; the other codes below are the simulator's reading of its error classes.
"""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _


class Endpoint(NamedTuple):
    api_code: str
    name: str
    methods: tuple[str, ...]
    path: str  # under /testbed
    scope: str  # OAuth scope the token must carry


ENDPOINTS: list[Endpoint] = [
    Endpoint("user_me", _("사용자정보조회"), ("GET",), "/v2.0/user/me", "login"),
    Endpoint("user_unlink", _("사용자로그인연결 동의해제"), ("POST",), "/v2.0/user/unlink", "oob"),
    Endpoint("account_list", _("등록계좌조회"), ("GET",), "/v2.0/account/list", "login"),
    Endpoint(
        "account_update_info", _("계좌정보변경"), ("POST",), "/v2.0/account/update_info", "login"
    ),
    Endpoint("account_cancel", _("계좌해지"), ("POST",), "/v2.0/account/cancel", "login"),
    Endpoint("user_close", _("사용자 탈퇴"), ("POST",), "/v2.0/user/close", "oob"),
    Endpoint("user_register", _("사용자계좌등록"), ("POST",), "/v2.0/user/register", "oob"),
    Endpoint("balance", _("잔액조회"), ("GET",), "/v2.0/account/balance/fin_num", "inquiry"),
    Endpoint("balance", _("잔액조회"), ("POST",), "/v2.0/account/balance/acnt_num", "inquiry"),
    Endpoint(
        "transaction_list",
        _("거래내역조회"),
        ("GET",),
        "/v2.0/account/transaction_list/fin_num",
        "inquiry",
    ),
    Endpoint(
        "transaction_list",
        _("거래내역조회"),
        ("POST",),
        "/v2.0/account/transaction_list/acnt_num",
        "inquiry",
    ),
    Endpoint("withdraw", _("출금이체"), ("POST",), "/v2.0/transfer/withdraw/fin_num", "transfer"),
    Endpoint("withdraw", _("출금이체"), ("POST",), "/v2.0/transfer/withdraw/acnt_num", "transfer"),
    Endpoint("deposit", _("입금이체"), ("POST",), "/v2.0/transfer/deposit/fin_num", "oob"),
    Endpoint("deposit", _("입금이체"), ("POST",), "/v2.0/transfer/deposit/acnt_num", "oob"),
    Endpoint("transfer_result", _("이체결과조회"), ("POST",), "/v2.0/transfer/result", "oob"),
    Endpoint("real_name", _("계좌실명조회"), ("POST",), "/v2.0/inquiry/real_name", "oob"),
    Endpoint("remit_list", _("송금인정보조회"), ("GET",), "/v2.0/inquiry/remit_list", "oob"),
    Endpoint("bank_status", _("참가기관 상태조회"), ("GET",), "/v2.0/bank/status", "oob"),
]
OAUTH_ENDPOINTS = {
    "oauth_authorize": "/oauth/2.0/authorize",
    "oauth_token": "/oauth/2.0/token",
    "oauth_authorize_account": "/oauth/2.0/authorize_account",
}
API_NAMES: dict[str, str] = {
    "oauth_authorize": _("사용자로그인연결"),
    "oauth_authorize_account": _("등록계좌 확인"),
    "oauth_token": _("AccessToken획득"),
    **{e.api_code: e.name for e in ENDPOINTS},
}
# Three-legged (user) scopes vs. the institution's own two-legged scope.
USER_SCOPES = {"login", "inquiry", "transfer"}
CLIENT_SCOPES = {"oob"}


class Code(NamedTuple):
    code: str
    message: str
    http_status: int = 200


SUCCESS = Code("A0000", "처리 성공")
BANK_ERROR = Code("A0002", "참가은행 에러")
BAD_REQUEST = Code("A0003", "요청 전문 오류 (필수 항목 누락 또는 형식 오류)")
DUPLICATE = Code("A0004", "중복 거래 (이미 사용한 은행거래고유번호)")
NOT_FOUND = Code("A0005", "사용자 또는 계좌 정보 없음")
SUB_MERCHANT_MISSING = Code("A0011", "하위가맹점 정보 누락 (하위가맹점명·사업자등록번호 필수)")
SUB_MERCHANT_NOT_APPROVED = Code("A0012", "센터의 승인을 받지 않은 하위가맹점")
UNAUTHORIZED = Code("O0001", "인증 실패 (접근토큰이 없거나 만료·폐기됨)", 401)
FORBIDDEN = Code("O0002", "권한 없음 (접근토큰의 scope 또는 사용자 불일치)", 403)

RESPONSE_CODES = [
    SUCCESS,
    BANK_ERROR,
    BAD_REQUEST,
    DUPLICATE,
    NOT_FOUND,
    SUB_MERCHANT_MISSING,
    SUB_MERCHANT_NOT_APPROVED,
    UNAUTHORIZED,
    FORBIDDEN,
]

# Bank-side result codes (bank_rsp_code) the simulator gives.
BANK_OK = ("000", "정상처리")
BANK_NO_FUNDS = ("551", "잔액부족")
BANK_NO_ACCOUNT = ("441", "해당계좌없음")
BANK_CANCELLED = ("442", "해지계좌")
BANK_NO_AGREEMENT = ("443", "동의하지 않은 계좌")
BANK_NOT_FOUND_TRANSFER = ("999", "해당거래없음")
