"""DOMAIN §2 step ⑤ — launch (서비스 실시) on the date agreed with the centre."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.audit import log_action
from applications.lifecycle import apply_transition
from applications.models import Application, State
from openbanking_portal.errors import PortalError

from .accounts import _require_staff

log = logging.getLogger(__name__)
DATE_SETTABLE_STATES = [State.CONTRACT, State.LAUNCH_SCHEDULED]


def set_launch_date(*, application: Application, by, launch_date: datetime.date) -> Application:
    """Staff record the launch date agreed with the institution."""
    _require_staff(by)
    if launch_date is None:
        raise PortalError(_("서비스 실시일을 입력하세요."), field="launch_date")
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        if app.state not in DATE_SETTABLE_STATES:
            raise PortalError(_("계약 단계 또는 실시 예정 상태에서만 실시일을 정할 수 있습니다."))
        previous = app.launch_date
        Application.objects.filter(pk=app.pk).update(launch_date=launch_date)
        app.launch_date = launch_date
        log_action(
            action="launch.date_set",
            actor=by,
            application=app,
            data={
                "launch_date": launch_date.isoformat(),
                "previous": previous.isoformat() if previous else None,
            },
        )
    return app


def launch_due(*, today: datetime.date | None = None) -> dict[str, list[int]]:
    """Beat task body — move launch-scheduled applications whose date has come to live. The
    lifecycle locks each row and re-checks its conditions (signed contract, guarantee in place)."""
    today = today or timezone.localdate()
    due = Application.objects.filter(
        state=State.LAUNCH_SCHEDULED, launch_date__lte=today
    ).values_list("pk", flat=True)
    result: dict[str, list[int]] = {"live": [], "refused": []}
    for pk in list(due):
        try:
            apply_transition(application=pk, name="go_live", system=True)
        except PortalError as exc:
            log.warning("application %s not launched: %s", pk, exc.message)
            result["refused"].append(pk)
        else:
            result["live"].append(pk)
    return result
