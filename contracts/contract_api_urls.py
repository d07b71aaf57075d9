"""Contract-data REST endpoints (main bank, accounts, limits, guarantee, contract PDF), under /api/v1/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
