from django.urls import path

from . import views, views_online

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("institutions/new/", views.institution_create, name="institution_create"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/transition/<slug:name>/",
        views.application_transition,
        name="application_transition",
    ),
    path(
        "applications/<int:pk>/online/",
        views_online.application_start_online,
        name="application_start_online",
    ),
    path(
        "applications/<int:pk>/step/<slug:step>/",
        views_online.application_step,
        name="application_step",
    ),
    path(
        "applications/<int:pk>/documents/<int:document_pk>/",
        views_online.document_download,
        name="document_download",
    ),
]
