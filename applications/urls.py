from django.urls import path

from . import views

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
]
