from django.urls import path

from . import portal_views as views

urlpatterns = [
    path("applications/<int:pk>/", views.contract_page, name="contract_page"),
    path("applications/<int:pk>/main-bank/", views.choose_main_bank, name="contract_main_bank"),
    path("applications/<int:pk>/fee/", views.record_fee, name="contract_fee"),
    path("applications/<int:pk>/accounts/", views.add_account, name="contract_account_add"),
    path(
        "applications/<int:pk>/accounts/<int:account_id>/close/",
        views.close_account,
        name="contract_account_close",
    ),
    path("applications/<int:pk>/changes/", views.request_change, name="contract_change_request"),
    path(
        "documents/<int:document_id>/download/",
        views.download_document,
        name="contract_document_download",
    ),
]
