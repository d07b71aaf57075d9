"""/testbed/: test keys, the OAuth 2.0 endpoints and the simulated v2.0 API (DOMAIN §10).

The paths mirror the operator's (`/oauth/2.0/authorize`, `/oauth/2.0/token`, `/v2.0/...`), so a
client switches between the testbed and the operator's test API by its base URL alone.
"""

from django.urls import path

from . import simulator_accounts as accounts
from . import simulator_institution as institution
from . import simulator_transfers as transfers
from . import views
from .api import make_view
from .catalogue import ENDPOINTS

app_name = "testbed"

HANDLERS = {
    "/v2.0/user/me": accounts.user_me,
    "/v2.0/user/unlink": accounts.user_unlink,
    "/v2.0/account/list": accounts.account_list,
    "/v2.0/account/update_info": accounts.account_update_info,
    "/v2.0/account/cancel": accounts.account_cancel,
    "/v2.0/user/close": accounts.user_close,
    "/v2.0/user/register": accounts.user_register,
    "/v2.0/account/balance/fin_num": accounts.balance_fin_num,
    "/v2.0/account/balance/acnt_num": accounts.balance_acnt_num,
    "/v2.0/account/transaction_list/fin_num": accounts.transaction_list_fin_num,
    "/v2.0/account/transaction_list/acnt_num": accounts.transaction_list_acnt_num,
    "/v2.0/transfer/withdraw/fin_num": transfers.withdraw_fin_num,
    "/v2.0/transfer/withdraw/acnt_num": transfers.withdraw_acnt_num,
    "/v2.0/transfer/deposit/fin_num": transfers.deposit_fin_num,
    "/v2.0/transfer/deposit/acnt_num": transfers.deposit_acnt_num,
    "/v2.0/transfer/result": transfers.transfer_result,
    "/v2.0/inquiry/real_name": institution.real_name,
    "/v2.0/inquiry/remit_list": institution.remit_list,
    "/v2.0/bank/status": institution.bank_status,
}

urlpatterns = [
    path("keys/", views.keys_page, name="keys"),
    path("keys/<int:institution_pk>/sub-merchants/", views.sub_merchants, name="sub_merchants"),
    path("keys/<int:institution_pk>/<int:pk>/rotate/", views.key_rotate, name="key_rotate"),
    path("keys/<int:institution_pk>/<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
    path("oauth/2.0/authorize", views.ConsentView.as_view(), name="authorize"),
    path(
        "oauth/2.0/authorize_account",
        views.ConsentView.as_view(
            api_code="oauth_authorize_account", endpoint="/oauth/2.0/authorize_account"
        ),
        name="authorize_account",
    ),
    path("oauth/2.0/token", views.TestbedTokenView.as_view(), name="token"),
    *[
        path(e.path.lstrip("/"), make_view(e, HANDLERS[e.path]), name=e.path.strip("/"))
        for e in ENDPOINTS
    ],
]
