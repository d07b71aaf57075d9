"""Bad input on the applicant's HTML forms (issue 9): every field of each form posted with arbitrary
text, unicode, very long, empty and control-character values, fields left out and unknown fields added.
Never a server error; a re-rendered form keeps what was typed; a refused form writes no row."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models import (
    Application,
    ApplicationDetails,
    AuditEntry,
    Institution,
    Membership,
    State,
)
from applications.supplement import request_supplement
from contracts.models import ContractAccount, ContractChangeRequest
from operations.models import SubMerchant

from .contract_support import *  # noqa: F403 (fixtures: signed_app, private_media)
from .factories import ApplicationFactory, StaffFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CONTROL = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\u200b\u202e\ufeff\r\n\t"
VALUE = st.one_of(
    st.text(max_size=40),
    st.just(""),
    st.text(alphabet=st.sampled_from(CONTROL), min_size=1, max_size=8),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=3), st.integers(300, 4000)),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),  # past every integer column
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "１２３",
            "-1",
            "9" * 40,
            "1e309",
            "NaN",
            "123-45-67890",
            "2026-02-30",
            "../../etc/passwd",
            "{{ 7*7 }}",
            "%s%n",
            "😀" * 50,
        ]
    ),
)
FIELD_NAME = st.from_regex(r"[a-z_]{1,12}", fullmatch=True)
TEXT_TYPES = {"text", "email", "tel", "url", "number", "search", "date", None}


class FormFields(HTMLParser):
    """Names on the page and, for text inputs and textareas, the values shown."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self.shown: dict[str, list[str]] = {}
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if not name or name in ("csrfmiddlewaretoken", "language"):
            return
        if tag in ("input", "select", "textarea"):
            self.names.add(name)
        if "disabled" in a:  # shown, not editable (e.g. outside a supplement request): not posted
            return
        if tag == "input" and a.get("type") in TEXT_TYPES:
            self.shown.setdefault(name, []).append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = name
            self.shown.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            shown = self.shown[self._textarea]
            shown[-1] = shown[-1].removeprefix("\r\n").removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.shown[self._textarea][-1] += data


def parse(response) -> FormFields:
    parser = FormFields()
    parser.feed(response.content.decode())
    return parser


@st.composite
def form_data(draw, names: list[str]):
    data = {name: draw(VALUE) for name in names}
    for name in draw(st.sets(st.sampled_from(names))) if names else ():
        data.pop(name)
    data.update(draw(st.dictionaries(FIELD_NAME, VALUE, max_size=2)))
    return data


def displayable(value) -> bool:
    return isinstance(value, str) and all(c.isprintable() or c in "\t\n " for c in value)


def assert_sane(response, data, *, fields: set[str]):
    """No server error; a form shown again keeps every typed text value."""
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:
        return
    shown = parse(response).shown
    for name, value in data.items():
        if name in fields and name in shown and displayable(value):
            assert value in shown[name], (name, value[:80], [v[:80] for v in shown[name]])


def counts(*models) -> list[int]:
    return [m.objects.count() for m in models]


def fuzz(client, page_url, post_url, data_strategy_draw, models, *, refused_writes_nothing=True):
    names = sorted(parse(client.get(page_url)).names)
    assert names, page_url
    data = data_strategy_draw(form_data(names))
    before = counts(*models)
    response = client.post(post_url, data)
    assert_sane(response, data, fields=set(names))
    if refused_writes_nothing and response.status_code != 302:
        assert counts(*models) == before, (data, before)
    return response


# --- registration and creation ----------------------------------------------------------------


@FUZZ
@given(st.data())
def test_institution_registration_survives_any_input(applicant_client, data):
    url = reverse("institution_create")
    fuzz(applicant_client, url, url, data.draw, [Institution, Membership, AuditEntry])


@FUZZ
@given(st.data())
def test_application_creation_survives_any_input(member, applicant_client, data):
    url = reverse("application_create")
    response = fuzz(applicant_client, url, url, data.draw, [Application, AuditEntry])
    if response.status_code == 302:  # a valid draw opened the draft: start over for the next one
        Application.objects.filter(institution=member.institution).update(state=State.WITHDRAWN)


# --- the online form's steps and a supplement answer ------------------------------------------


WIZARD_STEPS = ["eligibility", "business", "services", "declarations", "financials"]


def assert_one_draft(application, state):
    application.refresh_from_db()
    assert application.state == state
    assert ApplicationDetails.objects.filter(application=application).count() <= 1
    assert Application.objects.count() == 1


@pytest.mark.parametrize("step", WIZARD_STEPS)
@FUZZ
@given(data=st.data())
def test_each_wizard_step_survives_any_input(applicant_client, application, step, data):
    # Valid fields of an invalid step are saved on purpose ("올바른 항목은 저장되었습니다"); the rest
    # is refused: the draft stays one draft with at most one details row.
    url = reverse("application_step", args=[application.pk, step])
    fuzz(applicant_client, url, url, data.draw, [], refused_writes_nothing=False)
    assert_one_draft(application, State.DRAFT)


@pytest.mark.parametrize(
    "field,value",
    [("service_years", "33000"), ("members", "2147483648"), ("annual_revenue", "9" * 20)],
)
def test_numbers_past_the_column_are_a_form_error(applicant_client, application, field, value):
    url = reverse("application_step", args=[application.pk, "financials"])
    response = applicant_client.post(url, {field: value})
    assert response.status_code == 200
    assert "입력값을 확인해 주세요" in response.content.decode()
    assert value in parse(response).shown[field]
    assert (
        getattr(ApplicationDetails.objects.filter(application=application).first(), field, None)
        is None
    )


@pytest.fixture
def supplement_requested(member):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.SUBMITTED
    )
    request_supplement(
        application=application,
        by=StaffFactory(),
        items=["service_name", "service_plan", "document:service_plan"],
        message="서비스 계획을 보완해 주세요.",
    )
    application.refresh_from_db()
    assert application.state == State.SUPPLEMENT_REQUESTED
    return application


@pytest.mark.parametrize("step", ["business", "documents"])
@FUZZ
@given(data=st.data())
def test_supplement_answer_survives_any_input(applicant_client, supplement_requested, step, data):
    from applications.models import Document, SupplementRequest

    url = reverse("application_step", args=[supplement_requested.pk, step])
    fuzz(
        applicant_client,
        url,
        url,
        data.draw,
        [SupplementRequest, Document],
        refused_writes_nothing=True,
    )
    assert_one_draft(supplement_requested, State.SUPPLEMENT_REQUESTED)


# --- after the contract ----------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_contract_change_form_survives_any_input(applicant_client, signed_app, data):
    page = reverse("contract_page", args=[signed_app.pk])
    url = reverse("contract_change_request", args=[signed_app.pk])
    fuzz(applicant_client, page, url, data.draw, [ContractChangeRequest, ContractAccount])


@pytest.fixture
def efinance(member):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state="live"
    )
    ApplicationDetails.objects.create(application=application, eligibility_basis="efinance")
    return member.institution


@FUZZ
@given(data=st.data())
def test_sub_merchant_registration_survives_any_input(applicant_client, efinance, data):
    url = reverse("operations:sub_merchants", args=[efinance.pk])
    fuzz(applicant_client, url, url, data.draw, [SubMerchant, AuditEntry])


@FUZZ
@given(data=st.data())
def test_public_scoring_calculator_survives_any_input(client, data):
    url = reverse("scoring_calculator")
    fuzz(client, url, url, data.draw, [])


def test_the_fuzzed_pages_have_fields(applicant_client, application):
    """The fuzzing above is only worth something if it finds the forms' fields."""
    pages = {
        reverse("institution_create"): {"name", "business_registration_number"},
        reverse("application_create"): {"institution", "service_name"},
        reverse("application_step", args=[application.pk, "business"]): {"service_plan"},
        reverse("scoring_calculator"): {"annual_revenue_krw", "members"},
    }
    for url, expected in pages.items():
        assert expected <= parse(applicant_client.get(url)).names, url


# --- steps 2-3: the functional-test request and the security-check application ----------------


@pytest.mark.parametrize(
    "state,page,models",
    [
        (State.FUNCTIONAL_TEST, "reviews:functional_test", ["FunctionalTestRound"]),
        (State.SECURITY_CHECK, "reviews:security_check_apply", ["SecurityCheck", "CheckDocument"]),
    ],
)
@FUZZ
@given(data=st.data())
def test_review_step_forms_survive_any_input(applicant_client, member, state, page, models, data):
    from reviews import models as review_models

    from .reviews_support import AgencyFactory

    application = Application.objects.filter(institution=member.institution).first()
    if application is None:
        application = ApplicationFactory(
            institution=member.institution, created_by=member.user, state=state
        )
        AgencyFactory()
    url = reverse(page, args=[application.pk])
    page_url = reverse("reviews:security_check", args=[application.pk]) if "apply" in page else url
    fuzz(
        applicant_client,
        page_url,
        url,
        data.draw,
        [getattr(review_models, name) for name in models],
    )
