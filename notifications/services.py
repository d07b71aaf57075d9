"""Issue 10 item 4 — one door for every notice: rendered in each recipient's language, kept in the
portal inbox and e-mailed according to the recipient's preferences, with a direct link to the page."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .models import MANDATORY_EMAIL_CATEGORIES, EmailStatus, Notice, NoticePreference

logger = logging.getLogger(__name__)

Text = str | Promise | Callable[[], str]


@dataclass
class _Target:
    user: object | None
    email: str
    language: str


def institution_recipients(institution) -> list:
    """The institution's members (users) and its contact address when no member has it."""
    users = [m.user for m in institution.memberships.select_related("user") if m.user.is_active]
    recipients: list = list(users)
    contact = (institution.contact_email or "").strip()
    if contact and contact.lower() not in {u.email.lower() for u in users}:
        recipients.append(contact)
    return recipients


def staff_with_permission(dotted: str) -> list:
    """Active staff holding `dotted` (app_label.codename) directly, by group, or as superusers."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    app_label, codename = dotted.split(".")
    has = Q(is_superuser=True)
    for via in ("groups__permissions", "user_permissions"):
        has |= Q(**{f"{via}__codename": codename, f"{via}__content_type__app_label": app_label})
    return list(
        get_user_model()
        .objects.filter(has, is_active=True, is_staff=True)
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


def absolute(link: str) -> str:
    return settings.SITE_URL.rstrip("/") + link


def _targets(recipients: Iterable) -> list[_Target]:
    seen: set[str] = set()
    targets = []
    for r in recipients:
        if isinstance(r, str):
            user, email, language = None, r.strip(), "ko"
        else:
            if not r.is_active:
                continue
            user, email, language = r, r.email.strip(), r.preferred_language or "ko"
        marker = email.lower() or f"user:{user.pk}"
        if not marker or marker in seen:
            continue
        seen.add(marker)
        targets.append(_Target(user, email, language))
    return targets


def _text(value: Text) -> str:
    return value() if callable(value) else str(value)


def notify(
    recipients: Iterable,
    *,
    category: str,
    subject: Text,
    link: str,
    template: str | None = None,
    body: Text | None = None,
    context: dict | None = None,
    application=None,
    institution=None,
    key: str = "",
    mandatory_email: bool = False,
) -> int:
    """Notify users (in-portal notice + e-mail as each chose) and bare addresses (e-mail only).

    `link` is the site-relative path of the exact page; the e-mail carries it absolute. With a
    `key` the same event reaches each address once, however often the task runs. Returns the
    number of e-mail messages sent (one per address)."""
    targets = _targets(recipients)
    if key:
        done = set(
            Notice.objects.filter(
                key=key, email__in=[t.email for t in targets if t.email]
            ).values_list("email", flat=True)
        )
        targets = [t for t in targets if not t.email or t.email not in done]
    if not targets:
        return 0
    users = [t.user for t in targets if t.user is not None]
    prefs = {
        p.user_id: p for p in NoticePreference.objects.filter(user__in=users, category=category)
    }
    forced = mandatory_email or category in MANDATORY_EMAIL_CATEGORIES
    by_language: dict[str, list[_Target]] = {}
    for t in targets:
        by_language.setdefault(t.language, []).append(t)

    sent = 0
    url = absolute(link)
    for language, group in sorted(by_language.items()):
        with translation.override(language):
            subject_text = " ".join(_text(subject).split())[:255]
            if template:
                body_text = render_to_string(template, {**(context or {}), "link": url})
            else:
                body_text = _text(body or "")
            if url not in body_text:
                body_text = body_text.rstrip() + "\n\n" + _("자세히 보기") + f": {url}\n"
        rows, to_email = [], []
        for t in group:
            pref = prefs.get(t.user.pk) if t.user is not None else None
            wants_email = forced or pref is None or pref.email
            in_portal = t.user is not None and (pref is None or pref.portal)
            if not t.email:
                status = EmailStatus.NO_ADDRESS
            elif not wants_email:
                status = EmailStatus.OPTED_OUT
            else:
                status = ""
            row = Notice(
                recipient=t.user,
                email=t.email,
                category=category,
                subject=subject_text,
                body=body_text,
                link=link,
                language=language,
                application=application,
                institution=institution or getattr(application, "institution", None),
                key=key,
                in_portal=in_portal,
                email_status=status,
            )
            rows.append(row)
            if not status:
                to_email.append(row)
        try:
            with transaction.atomic():
                Notice.objects.bulk_create(rows)
        except IntegrityError:
            continue  # a concurrent delivery of the same task claimed these addresses
        _forget_unread(r.recipient_id for r in rows if r.in_portal)
        if to_email:
            sent += _send_each(to_email, subject_text, body_text)
    return sent


def _send_each(rows: list[Notice], subject: str, body: str) -> int:
    """One message per address over one connection: recipients never see each other's addresses
    (a notice may reach several institutions, a bank and the centre at once), and each row records
    its own outcome."""
    outcome = {}
    try:
        connection = get_connection()
        connection.open()
    except Exception:  # recorded as failed on each row: staff see it in the sent log
        logger.exception("notice e-mail failed: %s", subject)
        connection = None
    for row in rows:
        ok = False
        if connection is not None:
            try:
                ok = (
                    EmailMessage(subject, body, None, [row.email], connection=connection).send()
                    == 1
                )
            except Exception:
                logger.exception("notice e-mail failed: %s", subject)
        outcome.setdefault(ok, []).append(row.pk)
    if connection is not None:
        connection.close()
    for ok, pks in outcome.items():
        Notice.objects.filter(pk__in=pks).update(
            emailed=ok,
            email_status=EmailStatus.SENT if ok else EmailStatus.FAILED,
            email_attempts=1,
        )
    return len(outcome.get(True, []))


MAX_EMAIL_ATTEMPTS = 5


def resend_failed_emails(*, max_attempts: int = MAX_EMAIL_ATTEMPTS) -> int:
    """Send again, one message per notice, every e-mail that failed fewer than `max_attempts`
    times. Each notice is claimed under a row lock so two workers never send it twice. Returns
    the number sent."""
    sent = 0
    pending = Notice.objects.filter(
        email_status=EmailStatus.FAILED, email_attempts__lt=max_attempts
    ).values_list("pk", flat=True)
    for pk in list(pending):
        with transaction.atomic():
            notice = (
                Notice.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, email_status=EmailStatus.FAILED)
                .first()
            )
            if notice is None:
                continue
            try:
                ok = send_mail(notice.subject, notice.body, None, [notice.email]) == 1
            except Exception:
                logger.exception("notice e-mail failed again: %s", notice.pk)
                ok = False
            notice.email_attempts += 1
            notice.emailed = ok
            notice.email_status = EmailStatus.SENT if ok else EmailStatus.FAILED
            notice.save(update_fields=["email_attempts", "emailed", "email_status"])
        sent += ok
    return sent


UNREAD_TTL = 300  # seconds; the writers below drop the value, the TTL only bounds a missed drop


def _unread_key(user_id: int) -> str:
    return f"notices:unread:{user_id}"


def unread_count(user) -> int:
    key = _unread_key(user.pk)
    value = cache.get(key)
    if value is None:
        value = Notice.objects.inbox_of(user).unread().count()
        cache.set(key, value, UNREAD_TTL)
    return value


def _forget_unread(user_ids) -> None:
    cache.delete_many([_unread_key(pk) for pk in set(user_ids)])


def open_notice(*, notice: Notice) -> str:
    """Mark the notice read (first open only) and return the page it points to."""
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at=None).update(read_at=timezone.now())
        _forget_unread([notice.recipient_id])
    return notice.link


def mark_all_read(*, user) -> int:
    changed = Notice.objects.inbox_of(user).unread().update(read_at=timezone.now())
    _forget_unread([user.pk])
    return changed


def save_preferences(*, user, choices: dict[str, tuple[bool, bool]]) -> None:
    """choices: category → (e-mail, portal). Mandatory categories keep e-mail on."""
    from applications.audit import log_action

    with transaction.atomic():
        for category, (email, portal) in choices.items():
            NoticePreference.objects.update_or_create(
                user=user,
                category=category,
                defaults={
                    "email": email or category in MANDATORY_EMAIL_CATEGORIES,
                    "portal": portal,
                },
            )
        log_action(
            action="notices.preferences_changed",
            actor=user,
            data={c: {"email": e, "portal": p} for c, (e, p) in choices.items()},
        )
