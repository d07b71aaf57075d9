"""DOMAIN §3, §4, §8 — the screening engine over its rule set: table-driven and property-based."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from applications.screening import ScreeningFacts, rule_labels, screen
from applications.screening_rules import DEFAULT_RULES

RULES = DEFAULT_RULES
EXCLUSION_CODES = [i["code"] for i in RULES["exclusions"]]
SERVICE_CODES = [i["code"] for i in RULES["excluded_services"]]


def facts(**overrides) -> ScreeningFacts:
    base = {
        "institution_type": "fintech",
        "eligibility_basis": "fsc_industry",
        "industry": "application_software",
        "texts": {"business_model": "가계부 앱에서 잔액조회와 입금이체를 제공"},
        "declarations": {code: False for code in EXCLUSION_CODES + SERVICE_CODES},
        "has_sub_merchants": False,
    }
    return ScreeningFacts(**{**base, **overrides})


@pytest.mark.parametrize(
    "institution_type,basis,industry,found,rule",
    [
        ("bank", "bank", "", True, "basis.bank"),
        ("fintech", "bank", "", False, "basis.bank.institution_type"),
        ("bank", "fsc_industry", "programming", False, "basis.fsc_industry.institution_type"),
        ("fintech", "fsc_industry", "programming", True, "basis.fsc_industry"),
        ("fintech", "fsc_industry", "financial_support", True, "basis.fsc_industry"),
        ("fintech", "fsc_industry", "other", False, "basis.fsc_industry.industry"),
        ("fintech", "fsc_industry", "", False, "basis.fsc_industry.industry"),
        ("fintech", "efinance", "other", True, "basis.efinance"),
        ("fintech", "efinance_assistant", "", True, "basis.efinance_assistant"),
        ("fintech", "operator_recognised", "", True, "basis.operator_recognised"),
        ("fintech", "", "programming", False, "basis.none"),
        ("fintech", "made_up", "programming", False, "basis.made_up"),
    ],
)
def test_eligibility_basis_table(institution_type, basis, industry, found, rule):
    outcome = screen(
        facts(institution_type=institution_type, eligibility_basis=basis, industry=industry), RULES
    )
    assert outcome.basis_found is found
    assert outcome.basis.rule == rule
    assert outcome.basis.data["eligibility_basis"] == basis
    assert outcome.flagged is (not found)


def test_bases_the_centre_must_confirm_say_what_to_check():
    outcome = screen(facts(eligibility_basis="operator_recognised", industry=""), RULES)
    assert outcome.basis_found
    assert outcome.to_confirm == ("운영기관 인정 근거 확인 필요",)
    assert screen(facts(), RULES).to_confirm == ()


@pytest.mark.parametrize(
    "field,text,rule,keyword",
    [
        ("business_model", "온라인 카지노 결제 대행", "exclusion.gambling", "카지노"),
        (
            "industry_description",
            "게임아이템 중개 플랫폼",
            "exclusion.game_money",
            ["게임아이템", "아이템 중개"],
        ),
        (
            "service_plan",
            "비트코인 거래소 운영",
            "exclusion.virtual_currency",
            ["비트코인", "코인 거래소"],
        ),
        ("business_model", "P2P 대출 중개", "exclusion.lending", "p2p"),
        ("business_model", "다단계 판매 회원 정산", "exclusion.multi_level_marketing", "다단계"),
        ("business_model", "상조 회비 관리", "exclusion.funeral_prepayment", "상조"),
        ("business_model", "고객 대신 출금대행", "excluded_service.withdrawal_agency", "출금대행"),
        (
            "service_plan",
            "월 구독료 정기결제 수납",
            "excluded_service.payment_collection",
            "정기결제",
        ),
    ],
)
def test_detected_hits_cite_rule_field_and_words(field, text, rule, keyword):
    keywords = keyword if isinstance(keyword, list) else [keyword]
    outcome = screen(facts(texts={field: text}), RULES)
    hits = [h for h in outcome.hits if h.rule == rule]
    assert len(hits) == 1
    assert hits[0].source == "detected"
    assert hits[0].data == {"field": field, "keywords": keywords}
    assert outcome.flagged


@pytest.mark.parametrize("code", EXCLUSION_CODES)
def test_each_declared_exclusion_is_a_hit(code):
    declarations = {c: c == code for c in EXCLUSION_CODES + SERVICE_CODES}
    outcome = screen(facts(declarations=declarations), RULES)
    assert [(h.rule, h.source, h.data) for h in outcome.exclusion_hits] == [
        (f"exclusion.{code}", "declared", {"declaration": code})
    ]
    assert outcome.service_hits == ()


@pytest.mark.parametrize("code", SERVICE_CODES)
def test_each_declared_excluded_service_is_a_hit(code):
    declarations = {c: c == code for c in EXCLUSION_CODES + SERVICE_CODES}
    outcome = screen(facts(declarations=declarations), RULES)
    assert [h.rule for h in outcome.service_hits] == [f"excluded_service.{code}"]


@pytest.mark.parametrize(
    "basis,institution_type,industry,flagged",
    [
        ("fsc_industry", "fintech", "portal", True),
        ("efinance", "fintech", "", False),
        ("bank", "bank", "", False),
    ],
)
def test_sub_merchants_only_for_financial_companies_and_efinance(
    basis, institution_type, industry, flagged
):
    outcome = screen(
        facts(
            eligibility_basis=basis,
            institution_type=institution_type,
            industry=industry,
            has_sub_merchants=True,
        ),
        RULES,
    )
    assert any(h.rule == "sub_merchants.not_allowed" for h in outcome.other_hits) is flagged


def test_a_clean_eligible_application_is_not_flagged_and_nothing_is_decided():
    outcome = screen(facts(), RULES)
    assert not outcome.flagged
    result = outcome.as_dict()
    assert set(result) == {
        "basis_found",
        "basis",
        "exclusion_hits",
        "service_hits",
        "other_hits",
        "to_confirm",
        "flagged",
    }  # no approve/reject: the engine flags, staff decide


def test_rules_are_data_a_new_version_changes_the_outcome_without_code():
    rules = copy.deepcopy(RULES)
    rules["exclusions"].append({"code": "pawn", "label": "전당포", "keywords": ["전당포"]})
    text = {"business_model": "전당포 담보 대출 관리"}
    assert not screen(facts(texts=text), RULES).exclusion_hits
    hit = screen(facts(texts=text), rules).exclusion_hits[0]
    assert hit.rule == "exclusion.pawn"
    rules["eligible_industries"].remove("portal")
    assert not screen(facts(industry="portal"), rules).basis_found
    assert ("exclusion.pawn", "전당포") in rule_labels(rules)


# --- properties ---------------------------------------------------------------------------------

texts = st.dictionaries(
    st.sampled_from(["business_model", "service_plan", "industry_description"]),
    st.text(max_size=60),
    max_size=3,
)
declarations = st.dictionaries(
    st.sampled_from(EXCLUSION_CODES + SERVICE_CODES), st.booleans(), max_size=13
)
all_facts = st.builds(
    ScreeningFacts,
    institution_type=st.sampled_from(["bank", "fintech"]),
    eligibility_basis=st.sampled_from([*RULES["bases"], "", "unknown"]),
    industry=st.sampled_from([*RULES["eligible_industries"], "other", ""]),
    texts=texts,
    declarations=declarations,
    has_sub_merchants=st.sampled_from([None, True, False]),
)
keyword_items = st.sampled_from(
    [(f"exclusion.{i['code']}", w) for i in RULES["exclusions"] for w in i["keywords"]]
    + [
        (f"excluded_service.{i['code']}", w)
        for i in RULES["excluded_services"]
        for w in i["keywords"]
    ]
)


@settings(max_examples=200)
@given(all_facts)
def test_every_hit_cites_a_rule_of_the_rule_set_and_its_data(f):
    outcome = screen(f, RULES)
    citable = {code for code, _label in rule_labels(RULES)}
    for hit in outcome.hits:
        assert hit.rule in citable
        assert hit.data
        assert hit.source in {"declared", "detected"}
    assert outcome.flagged == (not outcome.basis_found or bool(outcome.hits))


@settings(max_examples=200)
@given(all_facts)
def test_every_true_declaration_is_reported(f):
    outcome = screen(f, RULES)
    declared = {
        h.data["declaration"]
        for h in outcome.hits
        if h.source == "declared" and "declaration" in h.data
    }
    assert declared == {code for code, applies in f.declarations.items() if applies}


@settings(max_examples=200)
@given(all_facts, keyword_items, st.text(max_size=20), st.text(max_size=20))
def test_adding_a_listed_word_always_flags_its_rule_and_removes_no_hit(f, item, before, after):
    rule, word = item
    original = screen(f, RULES)
    text = f"{before}{word.upper() if word.isascii() else word}{after}"
    grown = ScreeningFacts(
        **{
            **f.__dict__,
            "texts": {**f.texts, "service_plan": (f.texts.get("service_plan") or "") + text},
        }
    )
    outcome = screen(grown, RULES)
    assert rule in {h.rule for h in outcome.hits}
    assert {h.rule for h in original.hits} <= {h.rule for h in outcome.hits}
    assert outcome.flagged


@settings(max_examples=100)
@given(all_facts)
def test_screening_is_deterministic_and_basis_independent_of_texts(f):
    a, b = screen(f, RULES), screen(f, RULES)
    assert a == b
    silent = ScreeningFacts(**{**f.__dict__, "texts": {}, "declarations": {}})
    assert screen(silent, RULES).basis_found == a.basis_found
