"""Writing the audit log (append-only). Every service that changes state calls `log_action`."""

from .models import AuditEntry


def log_action(
    *,
    action: str,
    actor=None,
    application=None,
    institution=None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEntry:
    if institution is None and application is not None:
        institution = application.institution
    return AuditEntry.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        application=application,
        institution=institution,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def state_history(lookup: str = "audit_entries"):
    """Prefetch of the audit rows that changed an application's state, oldest first, as
    `state_entries` (the SLA clocks and the review queue read nothing else)."""
    from django.db.models import Prefetch

    return Prefetch(
        lookup,
        # Only what they read: not the entry's data (JSON decoded per row) or its reason.
        queryset=AuditEntry.objects.exclude(to_state="")
        .only("application_id", "at", "to_state")
        .order_by("at", "id"),
        to_attr="state_entries",
    )
