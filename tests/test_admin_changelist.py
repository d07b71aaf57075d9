"""Staff find applications by step, size class, name and business number in the admin."""

import pytest
from django.urls import reverse

from applications.models import State

from .factories import ApplicationFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread():
    big = InstitutionFactory(name="대형핀테크", paid_in_capital=2_000_000_000)
    small = InstitutionFactory(name="중소핀테크", paid_in_capital=1_999_999_999)
    bank = InstitutionFactory(name="테스트은행", institution_type="bank", paid_in_capital=10**12)
    return {
        "big": ApplicationFactory(institution=big, state=State.CONTRACT),
        "small": ApplicationFactory(institution=small, state=State.SUBMITTED),
        "bank": ApplicationFactory(institution=bank, state=State.LIVE),
    }


def listed(client, **params):
    response = client.get(reverse("admin:applications_application_changelist"), params)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def test_filter_by_step(staff_client, spread):
    assert listed(staff_client, step="approval") == {spread["small"].pk}
    assert listed(staff_client, step="contract") == {spread["big"].pk}


def test_filter_by_size_class_at_the_capital_threshold(staff_client, spread):
    assert listed(staff_client, size_class="large") == {spread["big"].pk}
    assert listed(staff_client, size_class="small_medium") == {spread["small"].pk}
    assert listed(staff_client, size_class="bank") == {spread["bank"].pk}


def test_search_by_name_and_business_number(staff_client, spread):
    brn = spread["small"].institution.business_registration_number
    assert listed(staff_client, q="대형핀테크") == {spread["big"].pk}
    assert listed(staff_client, q=brn) == {spread["small"].pk}


def test_change_page_offers_only_the_transitions_of_the_current_state(staff_client, spread):
    page = staff_client.get(
        reverse("admin:applications_application_change", args=[spread["small"].pk])
    )
    offered = {t["name"] for t in page.context["transitions"]}
    assert offered == {"approve", "reject", "request_supplement"}


def test_size_class_follows_the_policy_in_force(staff_client, spread):
    import datetime

    from policies.models import PolicyVersion

    PolicyVersion.objects.create(
        kind="size_class",
        effective_from=datetime.date(2020, 1, 1),
        data={"large_capital_krw": 1_000_000_000},
    )
    assert listed(staff_client, size_class="large") == {spread["big"].pk, spread["small"].pk}


def test_rows_link_to_their_change_page_keeping_the_filters(staff_client, spread):
    changelist = reverse("admin:applications_application_changelist")
    change = reverse("admin:applications_application_change", args=[spread["small"].pk])
    filtered = staff_client.get(changelist, {"step": "approval"}).content.decode()
    assert f'<a href="{change}?_changelist_filters=step%3Dapproval">' in filtered
    assert '<td class="field-state">신청 접수</td>' in filtered
    assert '<td class="field-step_display">① 이용승인</td>' in filtered
    assert f'<a href="{change}">' in staff_client.get(changelist).content.decode()


def test_change_page_shows_the_audit_trail_to_staff_who_may_read_it(staff_client, staff, spread):
    from django.contrib.auth.models import Permission

    from applications.audit import log_action

    from .conftest import mfa_client
    from .factories import StaffFactory

    application = spread["small"]
    log_action(
        action="application.submitted",
        actor=staff,
        application=application,
        to_state="submitted",
        reason="첫 줄\n둘째 줄",
    )
    url = reverse("admin:applications_application_change", args=[application.pk])
    page = staff_client.get(url).content.decode()
    assert "처리 이력 (감사 기록)" in page
    # the action and the states in words, as staff read them elsewhere; the code as the title
    assert '<td class="field-action"><p title="application.submitted">신청서 제출</p></td>' in page
    assert '<td class="field-to_state"><p>신청 접수</p></td>' in page
    assert f'<a href="{reverse("admin:accounts_user_change", args=[staff.pk])}">' in page
    assert "첫 줄<br>둘째 줄" in page

    reader = StaffFactory(with_role=False)
    reader.user_permissions.add(
        Permission.objects.get(codename="view_application", content_type__app_label="applications")
    )
    page = mfa_client(reader).get(url)
    assert page.status_code == 200
    assert 'title="application.submitted"' not in page.content.decode()


@pytest.mark.parametrize(
    "params",
    [{}, {"step": "approval"}, {"q": "중소 핀테크"}, {"o": "-4.1", "size_class": "large"}],
)
def test_rows_render_as_the_admin_renders_them(staff_client, spread, params, monkeypatch):
    """The changelist's rows (applications/admin_rows.py) are Django's `items_for_result` rows,
    also for columns this list does not show today: empty values, dates, ids, callables."""
    import datetime

    from django.contrib.admin.templatetags.admin_list import results

    from applications import admin_rows
    from applications.admin import ApplicationAdmin

    spread["small"].launch_date = datetime.date(2026, 3, 1)
    spread["small"].service_name = "  "
    spread["small"].save()

    def flagged(obj):
        return obj.state == State.SUBMITTED

    flagged.boolean = True
    more = (
        *ApplicationAdmin.list_display,
        "submitted_at",
        "launch_date",
        "id",
        "institution_id",
        "created_by",
        "get_state_display",
        flagged,
        lambda obj: obj.created_at,
    )
    for list_display in (ApplicationAdmin.list_display, more):
        monkeypatch.setattr(ApplicationAdmin, "list_display", list_display)
        response = staff_client.get(reverse("admin:applications_application_changelist"), params)
        cl = response.context["cl"]
        assert cl.result_list
        assert ["".join(row) for row in admin_rows.rows(cl)] == [
            "".join(row) for row in results(cl)
        ]
