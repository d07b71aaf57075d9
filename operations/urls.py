from django.urls import path

from . import views

app_name = "operations"

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path(
        "institutions/<int:institution_pk>/sub-merchants/",
        views.sub_merchant_list,
        name="sub_merchants",
    ),
    path(
        "institutions/<int:institution_pk>/sub-merchants/approved.csv",
        views.sub_merchant_export,
        name="sub_merchants_export",
    ),
]
