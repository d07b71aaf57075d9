"""The applicant's dashboard: each institution of the user with its applications, newest first.

A consultant filing for many institutions has dozens of cards and rows, so the cells are handed to
the template as plain strings: a lazy translation costs a catalogue lookup and several checks in
every cell that shows it, and the detail link is built from one `reverse` rather than one per row.
"""

from typing import NamedTuple

from django.db.models import Prefetch
from django.urls import reverse

from .models import Application, Institution


class ApplicationRow(NamedTuple):
    url: str
    reference: str
    service_name: str
    step: str
    state: str


class InstitutionCard(NamedTuple):
    name: str
    brn: str
    applications: list[ApplicationRow]


def institution_cards(user) -> list[InstitutionCard]:
    applications = Application.objects.only(
        "institution_id", "service_name", "state", "created_at"
    ).order_by("-created_at")
    institutions = (
        Institution.objects.of_user(user)
        .only("name", "business_registration_number")
        .prefetch_related(Prefetch("applications", queryset=applications))
    )
    detail_url = reverse("application_detail", args=[0]).removesuffix("0/")
    labels: dict[str, tuple[str, str]] = {}  # state → (step label, state label), once per state
    cards = []
    for institution in institutions:
        rows = []
        for application in institution.applications.all():
            if application.state not in labels:
                labels[application.state] = (
                    str(application.get_step_display()),
                    str(application.get_state_display()),
                )
            step, state = labels[application.state]
            rows.append(
                ApplicationRow(
                    f"{detail_url}{application.pk}/",
                    application.reference,
                    application.service_name,
                    step,
                    state,
                )
            )
        cards.append(InstitutionCard(institution.name, institution.brn_display, rows))
    return cards
