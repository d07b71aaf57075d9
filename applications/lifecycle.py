"""DOMAIN §2 — moving an application through its lifecycle.

The state machine is the only door: every change of `Application.state` goes through
`apply_transition`, which locks the row, checks permission, conditions and reason, writes the audit
entry and queues the notification after commit.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, Transition

from openbanking_portal.errors import NotAllowed, PortalError

from .audit import log_action
from .models import Application


class TransitionRefused(PortalError):
    code = "transition_refused"


def transitions_from(application: Application) -> list[Transition]:
    return list(application.get_available_state_transitions())


def transition_named(application: Application, name: str) -> Transition | None:
    for t in application.get_all_state_transitions():
        if t.name == name and t.source in (application.state, "*"):
            return t
    return None


def available_for(application: Application, user, actor: str) -> list[Transition]:
    """Transitions of `actor` kind ("applicant"/"staff") the user may trigger now (conditions unchecked,
    so the page can explain why a button is refused rather than hide it)."""
    return [
        t
        for t in application.get_all_state_transitions()
        if t.source in (application.state, "*")
        and t.custom.get("actor") == actor
        and t.has_perm(application, user)
    ]


def unmet_conditions(application: Application, t: Transition) -> list[str]:
    """The messages of the conditions that fail; a condition with `explain` adds its details."""
    unmet = []
    for c in t.conditions:
        if c(application):
            continue
        unmet.append(str(getattr(c, "message", c.__name__)))
        explain = getattr(c, "explain", None)
        if explain is not None:
            unmet.extend(str(why) for why in explain(application))
    return unmet


def apply_transition(
    *, application: Application | int, name: str, by=None, reason: str = "", system: bool = False
) -> Application:
    """Run transition `name` on the application as user `by` (or as the system for beat tasks)."""
    pk = application.pk if isinstance(application, Application) else application
    reason = (reason or "").strip()
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("institution").get(pk=pk)
        t = transition_named(app, name)
        if t is None:
            known = next((x for x in app.get_all_state_transitions() if x.name == name), None)
            if known is None:
                raise TransitionRefused(_("알 수 없는 처리입니다: %(name)s") % {"name": name})
            raise TransitionRefused(
                _("현재 상태(%(state)s)에서는 '%(label)s'을(를) 할 수 없습니다.")
                % {"state": app.get_state_display(), "label": known.custom["label"]}
            )
        if not system and not t.has_perm(app, by):
            raise NotAllowed(_("'%(label)s' 권한이 없습니다.") % {"label": t.custom["label"]})
        unmet = unmet_conditions(app, t)
        if unmet:
            raise TransitionRefused(
                _("'%(label)s'을(를) 할 수 없습니다: %(why)s")
                % {"label": t.custom["label"], "why": " ".join(unmet)}
            )
        if t.custom.get("reason_required") and not reason:
            raise TransitionRefused(_("사유를 입력해야 합니다."), field="reason")
        from_state = app.state
        getattr(app, name)()
        app.state_changed_at = timezone.now()
        try:
            app.save()
        except ConcurrentTransition as exc:
            raise TransitionRefused(
                _("다른 사용자가 먼저 상태를 변경했습니다. 화면을 새로 고치세요.")
            ) from exc
        entry = log_action(
            action=t.custom["audit"],
            actor=by,
            application=app,
            from_state=from_state,
            to_state=app.state,
            reason=reason,
        )
        _after_transition(app, name, by)
        transaction.on_commit(lambda: _notify(entry.pk))
    return app


def _after_transition(app: Application, name: str, by=None) -> None:
    """DOMAIN §3/§4: every (re)submission is screened, whichever door (page, admin, API) it came by.
    Issue 10 item 3: pending approval levels of a decision the move made moot are cancelled."""
    from approvals.chains import cancel_moot

    from . import screening, supplement

    cancel_moot(application=app, by=by)

    if name == "resubmit":
        supplement.resolve_open_requests(app)
    if name in ("submit", "resubmit"):
        screening.run_screening(application=app, trigger=app.state)


def _notify(entry_id: int) -> None:
    from integrations.tasks import emit_webhooks

    from .tasks import send_state_change_email

    send_state_change_email.delay(entry_id)
    emit_webhooks.delay(entry_id)
