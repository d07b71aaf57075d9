"""E-mail and in-portal notice to the institution at each state change (이용적합성 승인 통지 and the
rest), through `notifications.notify`."""

from django.urls import reverse

from .models import AuditEntry
from .models.application import State

# Legally required notices: e-mailed whatever the member's preference.
MANDATORY_STATES = {State.SUSPENDED, State.TERMINATED}


def notify_state_change(*, entry_id: int) -> int:
    """Notify the institution's members (and its contact address); returns the number of e-mail
    messages sent. Safe to run twice: the audit entry is the notice's key."""
    from django.template.loader import render_to_string

    from notifications.models import Category
    from notifications.services import institution_recipients, notify

    entry = AuditEntry.objects.select_related("application__institution").get(pk=entry_id)
    application = entry.application
    if application is None:
        return 0
    context = {"entry": entry, "application": application}
    return notify(
        institution_recipients(application.institution),
        category=Category.STATE_CHANGE,
        subject=lambda: render_to_string("emails/state_change_subject.txt", context).strip(),
        template="emails/state_change.txt",
        context=context,
        link=reverse("application_detail", args=[application.pk]),
        application=application,
        key=f"audit:{entry.pk}",
        mandatory_email=entry.to_state in MANDATORY_STATES,
    )
