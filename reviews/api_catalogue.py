"""DOMAIN §10 — the operator's open API, which the functional test exercises function by function.

The codes are the same as `applications.catalogue.ApiService`, so the services an applicant asked
for in its application can be offered first on the functional-test form.
"""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _


class Api(NamedTuple):
    code: str
    name: str
    method: str
    path: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.method} {self.path})"


API_CATALOGUE: list[Api] = [
    Api("oauth_authorize", _("사용자로그인연결"), "GET", "/oauth/2.0/authorize"),
    Api("oauth_token", _("AccessToken획득"), "POST", "/oauth/2.0/token"),
    Api("oauth_authorize_account", _("등록계좌 확인"), "GET", "/oauth/2.0/authorize_account"),
    Api("user_me", _("사용자정보조회"), "GET", "/v2.0/user/me"),
    Api("user_unlink", _("사용자로그인연결 동의해제"), "POST", "/v2.0/user/unlink"),
    Api("account_list", _("등록계좌조회"), "GET", "/v2.0/account/list"),
    Api("account_update_info", _("계좌정보변경"), "POST", "/v2.0/account/update_info"),
    Api("account_cancel", _("계좌해지"), "POST", "/v2.0/account/cancel"),
    Api("user_close", _("사용자 탈퇴"), "POST", "/v2.0/user/close"),
    Api("user_register", _("사용자계좌등록"), "POST", "/v2.0/user/register"),
    Api("balance", _("잔액조회"), "GET / POST", "/v2.0/account/balance/fin_num · /acnt_num"),
    Api(
        "transaction_list",
        _("거래내역조회"),
        "GET / POST",
        "/v2.0/account/transaction_list/fin_num · /acnt_num",
    ),
    Api("withdraw", _("출금이체"), "POST", "/v2.0/transfer/withdraw/fin_num · /acnt_num"),
    Api("deposit", _("입금이체"), "POST", "/v2.0/transfer/deposit/fin_num · /acnt_num"),
    Api("transfer_result", _("이체결과조회"), "POST", "/v2.0/transfer/result"),
    Api("real_name", _("계좌실명조회"), "POST", "/v2.0/inquiry/real_name"),
    Api("remit_list", _("송금인정보조회"), "GET", "/v2.0/inquiry/remit_list"),
    Api("bank_status", _("참가기관 상태조회"), "GET", "/v2.0/bank/status"),
]
API_BY_CODE: dict[str, Api] = {api.code: api for api in API_CATALOGUE}
API_CHOICES = [(api.code, api.name) for api in API_CATALOGUE]


def api_label(code: str) -> str:
    api = API_BY_CODE.get(code)
    return api.label if api else code
