"""The first eligibility/exclusion rule set (DOMAIN §3, §4, §8), loaded by a data migration.

Staff change the rules by adding a new `ScreeningRuleSet` version with an effective date; this module
is only the seed. Keys: `bases` (which claimed basis is accepted and what it needs), `eligible_industries`,
`exclusions` and `excluded_services` (each with the declaration label and the words that, found in the
applicant's industry or business description, flag it), `sub_merchants` (§8).
"""

import datetime

DEFAULT_RULES_VERSION = "2019.12"
DEFAULT_EFFECTIVE_FROM = datetime.date(2019, 12, 18)

DEFAULT_RULES: dict = {
    "bases": {
        "bank": {
            "label": "은행 (참가 금융회사)",
            "requires_institution_type": "bank",
        },
        "fsc_industry": {
            "label": "금융위원회 핀테크산업 분류업종 기업",
            "requires_institution_type": "fintech",
            "requires_industry_in": "eligible_industries",
        },
        "efinance": {
            "label": "전자금융업자",
            "requires_institution_type": "fintech",
            "confirm": "전자금융업 등록증 확인 필요",
        },
        "efinance_assistant": {
            "label": "전자금융보조업자",
            "requires_institution_type": "fintech",
            "confirm": "전자금융보조업자 해당 여부 확인 필요",
        },
        "operator_recognised": {
            "label": "오픈뱅킹 운영기관(금융결제원) 인정 기업",
            "requires_institution_type": "fintech",
            "confirm": "운영기관 인정 근거 확인 필요",
        },
    },
    "eligible_industries": [
        "system_software",
        "application_software",
        "programming",
        "system_integration",
        "other_it",
        "data_processing",
        "portal",
        "database",
        "financial_support",
    ],
    "exclusions": [
        {
            "code": "gambling",
            "label": "사행행위기업 (사행행위 등 규제 및 처벌 특례법)",
            "keywords": ["사행", "도박", "카지노", "베팅", "토토", "gambling", "casino"],
        },
        {"code": "bankrupt", "label": "부도기업", "keywords": ["부도", "파산", "회생절차"]},
        {
            "code": "game_money",
            "label": "게임머니·게임아이템 중개업",
            "keywords": ["게임머니", "게임 머니", "게임아이템", "게임 아이템", "아이템 중개"],
        },
        {
            "code": "virtual_currency",
            "label": "가상통화 관련업 (ICO 발행, 거래소 운영)",
            "keywords": [
                "가상통화",
                "가상화폐",
                "가상자산",
                "암호화폐",
                "코인 거래소",
                "ico",
                "crypto",
                "bitcoin",
                "비트코인",
            ],
        },
        {
            "code": "multi_level_marketing",
            "label": "다단계 판매업",
            "keywords": ["다단계", "네트워크 마케팅"],
        },
        {"code": "funeral_prepayment", "label": "상조회사 (선불식 할부거래)", "keywords": ["상조"]},
        {
            "code": "lending",
            "label": "대부업 (P2P 포함)",
            "keywords": ["대부업", "대부중개", "p2p", "개인간 대출", "개인 간 대출"],
        },
        {
            "code": "illegal_business",
            "label": "공서양속에 반하거나 불법적인 사업모델 (자금세탁, 테러자금조달 등)",
            "keywords": ["자금세탁", "테러자금", "불법 환전", "대포통장"],
        },
        {"code": "lacks_qualification", "label": "사업모델에 필요한 자격 미보유", "keywords": []},
        {"code": "financial_order", "label": "금융질서 문란 우려 기업", "keywords": []},
        {"code": "consumer_harm", "label": "그 밖에 소비자 피해 우려 기업", "keywords": []},
    ],
    "excluded_services": [
        {
            "code": "withdrawal_agency",
            "label": "출금대행 서비스 (수취인을 통해 출금동의를 받아 대신 출금하거나 그 권한을 재판매)",
            "keywords": ["출금대행", "출금 대행", "cms 대행", "출금동의 재판매"],
        },
        {
            "code": "payment_collection",
            "label": "납부서비스 (재화·용역 대가를 정기적·반복적으로 일정 금액 수납, 예약 포함)",
            "keywords": [
                "납부서비스",
                "납부 서비스",
                "정기결제",
                "정기 결제",
                "자동납부",
                "정기 수납",
            ],
        },
    ],
    "sub_merchants": {
        "allowed_bases": ["bank", "efinance"],
        "label": "하위사업자는 금융회사 또는 전자금융업자만 둘 수 있음 (DOMAIN §8)",
    },
}
