"""Authorisation matrix (issue 9): every URL of the portal, tried as anonymous and as a member of another
institution, with the ids of institution A's objects guessed — never A's data, never a server error."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from applications.audit import log_action
from applications.models import State

from .factories import ApplicationFactory, MembershipFactory

SECRET_NAME = "비밀기관ZQX"
SECRET_SERVICE = "비밀서비스QZX"
# Pages anyone may open (no data of an institution behind them).
PUBLIC_PREFIXES = (
    "",
    "healthz/",
    "accounts/",
    "i18n/",
    "api/v1/schema/",
    "api/v1/docs/",
    "api/v1/scoring/",
    "contracts/calculator",
    "testbed/oauth/",
    "static/",
)
SKIP_PREFIXES = ("admin/",)  # the admin is covered by the staff MFA and permission tests


def walk(patterns, prefix=""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route, p


def concrete_urls(ids):
    """Every route with its converters filled by each of the guessed ids."""
    for route, _pattern in walk(get_resolver().url_patterns):
        route = plain(route)
        if "(?P<format>" in route or route.startswith(SKIP_PREFIXES):
            continue
        params = re.findall(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)", route)
        if not params:
            yield route, "/" + route
            continue
        for value in ids:
            # Regex groups first: `(?P<pk>\d+)` holds a `<pk>` the converter pattern would match.
            url = re.sub(r"\(\?P<(\w+)>[^)]*\)", str(value), route)
            url = re.sub(
                r"<(?:(\w+):)?(\w+)>",
                lambda m, v=value: "x" if m.group(1) in ("slug", "str") else str(v),
                url,
            )
            yield route, "/" + url


def plain(route: str) -> str:
    """The route without the anchors that nested `re_path` patterns (DRF's routers) carry inside."""
    return route.replace("^", "").replace("$", "").replace("\\Z", "")


@pytest.fixture
def world(db):
    owner = MembershipFactory(institution__name=SECRET_NAME)
    application = ApplicationFactory(
        institution=owner.institution,
        created_by=owner.user,
        service_name=SECRET_SERVICE,
        state=State.SUBMITTED,
    )
    log_action(
        action="application.submitted",
        actor=owner.user,
        application=application,
        reason=SECRET_SERVICE,
    )
    return owner, application


def is_public(route: str) -> bool:
    return route == "" or any(route.startswith(p) for p in PUBLIC_PREFIXES if p)


@pytest.mark.django_db
def test_member_of_another_institution_never_sees_institution_a(world):
    _owner, application = world
    intruder = MembershipFactory().user
    web, api = APIClient(), APIClient()
    web.force_login(intruder)
    api.force_authenticate(intruder)
    ids = sorted({1, 2, 3, application.pk, application.institution.pk})
    checked = 0
    for _route, url in concrete_urls(ids):
        for client in (web, api):
            response = client.get(url)
            checked += 1
            assert response.status_code < 500, (url, response.status_code)
            body = response.content.decode(errors="replace")
            assert SECRET_NAME not in body and SECRET_SERVICE not in body, (
                url,
                response.status_code,
            )
    assert checked > 20


@pytest.mark.django_db
def test_anonymous_is_refused_everywhere_but_public_pages(world):
    _owner, application = world
    client = APIClient()
    ids = [application.pk, application.institution.pk]
    for route, url in concrete_urls(ids):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        body = response.content.decode(errors="replace")
        assert SECRET_NAME not in body and SECRET_SERVICE not in body, url
        if not is_public(route):
            assert response.status_code in (301, 302, 401, 403, 404, 405), (
                url,
                response.status_code,
            )


# --- agency users and staff without the permission (issue 9 hardening) ------------------------
# Each row is a caller who must never see institution A: an agency user of another agency, staff who
# passed MFA but hold no group, and staff in a group lacking every permission over A's data. Every
# route is tried, the admin included (changelists, change/history/delete pages, custom admin views,
# and each admin action's confirmation page posted with A's ids).

SECRET_SUBMERCHANT = "비밀하위사업자QXZ"
SECRET_MARKERS = (SECRET_NAME, SECRET_SERVICE, SECRET_SUBMERCHANT)
# Real values for slug converters, so custom admin views are reached and not just 404 on "x".
SLUG_VALUES = {
    "name": ["x", "approve", "reject", "request_supplement", "suspend", "advance_to_contract"],
    "decision": ["x", "approve", "reject", "confirm", "dismiss"],
    "step": ["x", "institution", "service", "documents", "review"],
}
# Permissions that say nothing about institution A's data (a "group lacking the permission").
UNRELATED_PERMISSIONS = ("policies.view_policyversion", "contracts.view_bank")


@pytest.fixture
def rich_world(world, django_capture_on_commit_callbacks):
    """Institution A with an application in each later step: a signed contract, a security check by
    its agency, a sub-merchant and an invoice — each a place where A's data could leak."""
    owner, application = world
    add_later_steps(owner, application)
    return owner, application


def add_later_steps(owner, application):
    """A's sister institutions with a signed contract and a security check, and A's sub-merchant and
    invoice (also used to grow the data in the query-count tests)."""
    import datetime

    from contracts.preparation import prepare_signed_contract
    from operations.models import SubMerchant
    from reviews import security_check
    from reviews.models import CheckKind

    from .factories import StaffFactory, valid_brn
    from .operations_factories import overdue_invoice
    from .reviews_support import AgencyFactory, upload

    institution = owner.institution
    # One application in progress per institution: the later steps belong to A's sister institutions.
    contract_owner = MembershipFactory(user=owner.user, institution__name=f"{SECRET_NAME}-계약")
    contract_app = ApplicationFactory(
        institution=contract_owner.institution,
        created_by=owner.user,
        service_name=SECRET_SERVICE,
        state="contract",
    )
    prepare_signed_contract(application=contract_app, staff=StaffFactory())
    check_owner = MembershipFactory(user=owner.user, institution__name=f"{SECRET_NAME}-점검")
    check_app = ApplicationFactory(
        institution=check_owner.institution,
        created_by=owner.user,
        service_name=SECRET_SERVICE,
        state=State.SECURITY_CHECK,
    )
    today = datetime.date.today()
    security_check.apply_for_check(
        application=check_app,
        by=owner.user,
        kind=CheckKind.VULNERABILITY,
        agency=AgencyFactory(),
        agreed_start=today,
        agreed_end=today,
        deliverables=[upload(f"{SECRET_SERVICE}.pdf")],
    )
    SubMerchant.objects.create(
        institution=institution,
        name=SECRET_SUBMERCHANT,
        business_registration_number=valid_brn(),
        business_description=SECRET_SUBMERCHANT,
        submitted_by=owner.user,
    )
    overdue_invoice(institution, datetime.date(2026, 1, 1), due_on=datetime.date(2026, 2, 1))


def all_concrete_urls(ids):
    """Every route, the admin included, with ids and slugs filled in (catch-all routes left out)."""
    for route, _pattern in walk(get_resolver().url_patterns):
        route = plain(route)
        if "(?P<format>" in route or "(?P<url>" in route:
            continue
        if not re.search(r"<(?:\w+:)?\w+>|\(\?P<\w+>", route):
            yield route, "/" + route
            continue
        for value in ids:
            url = re.sub(r"\(\?P<(\w+)>[^)]*\)", str(value), route)
            slugs = {
                name: SLUG_VALUES.get(name, ["x"])
                for conv, name in re.findall(r"<(\w+):(\w+)>", url)
                if conv in ("slug", "str")
            }
            variants = [url]
            for name, values in slugs.items():
                variants = [re.sub(rf"<\w+:{name}>", v, u) for u in variants for v in values]
            for url_variant in variants:
                yield route, "/" + re.sub(r"<(?:\w+:)?\w+>", str(value), url_variant)


def admin_action_posts(ids):
    """(model, changelist URL, POST data) for every admin action of every registered model, on A's
    ids."""
    from django.contrib import admin
    from django.urls import reverse

    for model, model_admin in admin.site._registry.items():
        names = ["delete_selected"] + [
            a if isinstance(a, str) else a.__name__ for a in (model_admin.actions or [])
        ]
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for name in names:
            data = {"action": name, "_selected_action": [str(i) for i in ids], "index": "0"}
            yield model, url, data


def assert_no_leak(response, what):
    assert response.status_code < 500, (what, response.status_code)
    body = response.content.decode(errors="replace")
    for marker in SECRET_MARKERS:
        assert marker not in body, (what, response.status_code, marker)


def world_ids(application):
    from applications.models import Application, Institution
    from contracts.models import Contract
    from operations.models import Invoice, SubMerchant
    from reviews.models import CheckDocument, SecurityCheck

    ids = {1, 2, 3, application.pk, application.institution.pk}
    ids |= set(Application.objects.values_list("pk", flat=True))
    ids |= set(Institution.objects.values_list("pk", flat=True))
    ids |= set(Contract.objects.values_list("pk", flat=True))
    ids |= set(SecurityCheck.objects.values_list("pk", flat=True))
    ids |= set(CheckDocument.objects.values_list("pk", flat=True))
    ids |= set(SubMerchant.objects.values_list("pk", flat=True))
    ids |= set(Invoice.objects.values_list("pk", flat=True))
    return sorted(ids)


OBJECT_ROUTE = re.compile(r"<(?:\w+:)?\w*pk>|\(\?P<pk>|<int:\w+>")


def try_everything(web, api, application, *, admin_refused: bool):
    """GET every URL with the web and API client; POST every admin action. Returns the count."""
    ids = world_ids(application)
    checked = 0
    for route, url in all_concrete_urls(ids):
        for client in (api,) if route.startswith("api/") else (web,):
            response = client.get(url)
            checked += 1
            assert_no_leak(response, url)
            if admin_refused and route.startswith("admin/") and route != "admin/login/":
                assert response.status_code in (302, 403, 404), (url, response.status_code)
            if (
                OBJECT_ROUTE.search(route)
                and not route.startswith("admin/")
                and not is_public(route)
            ):
                # an object of somebody else: refused, never an empty page of it
                assert response.status_code in (302, 403, 404, 405), (url, response.status_code)
    user = web.session.get("_auth_user_id") and get_user_model().objects.get(
        pk=web.session["_auth_user_id"]
    )
    for model, url, data in admin_action_posts(ids):
        response = web.post(url, data)
        checked += 1
        assert_no_leak(response, (url, data["action"]))
        if response.status_code == 200:  # a page (changelist or confirmation) only for viewers
            opts = model._meta
            assert user.has_perm(f"{opts.app_label}.view_{opts.model_name}"), (url, data)
        else:
            assert response.status_code in (302, 403, 404), (url, data, response.status_code)
    return checked


@pytest.mark.django_db
def test_agency_user_of_another_agency_never_sees_institution_a(rich_world):
    from .reviews_support import AgencyFactory, AgencyMembershipFactory

    _owner, application = rich_world
    user = AgencyMembershipFactory(agency=AgencyFactory()).user
    web, api = APIClient(), APIClient()
    web.force_login(user)
    api.force_authenticate(user)
    assert try_everything(web, api, application, admin_refused=True) > 100


def staff_without_permission(group_perms):
    from django.contrib.auth.models import Group, Permission

    from .conftest import mfa_client
    from .factories import StaffFactory

    user = StaffFactory(with_role=False)
    if group_perms is not None:
        group = Group.objects.create(name="권한 없는 그룹")
        for dotted in group_perms:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        user.groups.add(group)
    web = mfa_client(user)
    api = APIClient()
    api.cookies = web.cookies  # the same MFA-passed session, as a browser calling the API
    return web, api


@pytest.mark.django_db
@pytest.mark.parametrize(
    "group_perms", [None, UNRELATED_PERMISSIONS], ids=["no-group", "other-group"]
)
def test_staff_without_the_permission_never_sees_institution_a(rich_world, group_perms):
    _owner, application = rich_world
    web, api = staff_without_permission(group_perms)
    assert try_everything(web, api, application, admin_refused=False) > 100


@pytest.mark.django_db
def test_notices_open_only_for_their_recipient(rich_world):
    """Issue 10 item 4: A's notices (their subjects name A) never show or open for anyone else."""
    from django.test import Client
    from django.urls import reverse

    from notifications.models import Category, Notice
    from notifications.services import notify

    from .reviews_support import AgencyFactory, AgencyMembershipFactory

    owner, application = rich_world
    notify(
        [owner.user],
        category=Category.STATE_CHANGE,
        subject=f"{SECRET_NAME} {SECRET_SERVICE}",
        body=SECRET_SERVICE,
        link=reverse("application_detail", args=[application.pk]),
        application=application,
    )
    ids = sorted(set(Notice.objects.values_list("pk", flat=True)) | {1, 2, 3})
    notice_urls = [(r, u) for r, u in all_concrete_urls(ids) if r.startswith("notices/")]
    intruder = Client()
    intruder.force_login(MembershipFactory().user)
    agency = Client()
    agency.force_login(AgencyMembershipFactory(agency=AgencyFactory()).user)
    staff, _api = staff_without_permission(None)
    clients = {"intruder": intruder, "agency": agency, "staff": staff, "anonymous": Client()}
    for who, client in clients.items():
        for route, url in notice_urls:
            response = client.get(url)
            assert_no_leak(response, (who, url))
            if "<int:pk>" in route:
                assert response.status_code in (302, 404), (who, url, response.status_code)
                if response.status_code == 302:
                    assert "/accounts/login/" in response["Location"], (who, url)
    mine = Notice.objects.filter(recipient=owner.user).first()
    owner_client = Client()
    owner_client.force_login(owner.user)
    response = owner_client.get(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == mine.link


# --- writes: every portal and API route POSTed by the same callers changes nothing of A's -------


def row_counts() -> dict[str, int]:
    from django.apps import apps

    labels = [
        "applications.AuditEntry",
        "applications.Application",
        "applications.Document",
        "contracts.ContractChangeRequest",
        "contracts.ContractAccount",
        "operations.SubMerchant",
        "reviews.SecurityCheck",
        "reviews.FunctionalTestRequest",
        "integrations.ApiToken",
        "integrations.WebhookEndpoint",
    ]
    return {label: apps.get_model(label).objects.count() for label in labels}


def post_everything(web, api, application):
    """POST an empty body to every non-admin route that is not public: never a success that
    creates something, never A's data, and no row of A's (nor an audit entry) written."""
    before, state = row_counts(), application.state
    posted = 0
    for route, url in all_concrete_urls(world_ids(application)):
        if route.startswith(("admin/", "accounts/", "i18n/")) or is_public(route):
            continue
        client = api if route.startswith("api/") else web
        response = client.post(url, {})
        posted += 1
        assert_no_leak(response, url)
        assert response.status_code in (200, 302, 400, 401, 403, 404, 405), (
            url,
            response.status_code,
        )
    assert row_counts() == before
    application.refresh_from_db()
    assert application.state == state
    return posted


@pytest.mark.django_db
@pytest.mark.parametrize("caller", ["agency", "staff-no-group", "staff-other-group"])
def test_posts_by_agency_users_and_staff_without_the_permission_change_nothing(rich_world, caller):
    from .reviews_support import AgencyMembershipFactory

    _owner, application = rich_world
    if caller == "agency":
        user = AgencyMembershipFactory().user
        web, api = APIClient(), APIClient()
        web.force_login(user)
        api.force_authenticate(user)
    else:
        web, api = staff_without_permission(
            None if caller == "staff-no-group" else UNRELATED_PERMISSIONS
        )
    assert post_everything(web, api, application) > 50
