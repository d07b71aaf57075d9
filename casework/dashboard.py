"""The staff dashboard's open escalations (issue 10 item 1) as plain rows, kept between views.

Working them out reads every open escalation's case with its state history and runs its clock
(~10 ms for 40 cases), so the rows are kept (openbanking_portal/kept.py) until an escalation, a
case's state, a bank negotiation, a policy or a team lead changes, and for the day (the clocks
count business days). Labels are added per request, in the reader's language.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils import timezone
from django.utils.translation import gettext

from openbanking_portal.kept import Kept, changes_state, created

from .models import SlaStep

OPEN = Kept("open-escalations", seconds=300, refresh=lambda: escalation_rows())


@dataclasses.dataclass(frozen=True)
class EscalationRow:
    escalation_id: int
    application_id: int
    step: str
    title: str  # the institution and the application, as the page names the case
    elapsed: int
    target: int
    team_leads: list[str]
    escalated_at: datetime.datetime
    # Per request (the reader's language and time zone), once per row rather than by template
    # filters in every cell (a `date` filter costs ~60 µs here).
    step_label: str = ""
    team_leads_text: str = ""
    escalated_text: str = ""

    @property
    def days_over(self) -> int:
        return self.elapsed - self.target


def kept_sources() -> None:
    """What the rows are worked out from (CaseworkConfig.ready)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from applications.models import Application, AuditEntry
    from contracts.models import BankNegotiation, GuaranteeArrangement
    from policies.models import PolicyVersion

    from .models import Escalation

    User = get_user_model()
    OPEN.drop_on_change(
        Escalation,
        GuaranteeArrangement,
        BankNegotiation,
        PolicyVersion,
        Group,
        User,
        m2m=(User.groups.through,),
    )
    # A case's state: every change writes an audit row with the new state (the clocks read them).
    OPEN.drop_on_change(Application, when=created)
    OPEN.drop_on_change(AuditEntry, when=changes_state)


def escalation_rows() -> list[EscalationRow]:
    """The open escalations, most days over first, labelled in the reader's language."""
    labels = {step: str(label) for step, label in SlaStep.choices}
    nobody = gettext("지정되지 않음")
    rows = OPEN.get(timezone.localdate().isoformat(), _work_out)
    return [
        dataclasses.replace(
            row,
            step_label=labels.get(row.step, row.step),
            team_leads_text=", ".join(row.team_leads) or nobody,
            escalated_text=timezone.localtime(row.escalated_at).strftime("%Y-%m-%d %H:%M"),
        )
        for row in rows
    ]


def _work_out() -> list[EscalationRow]:
    from .selectors import open_escalations

    return [
        EscalationRow(
            escalation_id=e.escalation.pk,
            application_id=e.application.pk,
            step=e.escalation.step,
            title=f"{e.application.institution.name} — {e.application}",
            elapsed=e.elapsed,
            target=e.target,
            team_leads=list(e.team_leads),
            escalated_at=e.escalation.created_at,
        )
        for e in open_escalations()
    ]
