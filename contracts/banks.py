"""DOMAIN §5.1 — the 18 participating banks as seed data; the list itself lives in the Bank table."""

PARTICIPATING_BANKS = [
    ("002", "KDB산업은행", "KDB Bank"),
    ("003", "IBK기업은행", "IBK Industrial Bank"),
    ("004", "KB국민은행", "KB Kookmin Bank"),
    ("007", "수협은행", "Suhyup Bank"),
    ("011", "NH농협은행", "NH NongHyup Bank"),
    ("020", "우리은행", "Woori Bank"),
    ("023", "SC제일은행", "SC First Bank"),
    ("027", "한국씨티은행", "Citibank Korea"),
    ("031", "대구은행", "Daegu Bank"),
    ("032", "부산은행", "Busan Bank"),
    ("034", "광주은행", "Gwangju Bank"),
    ("035", "제주은행", "Jeju Bank"),
    ("037", "전북은행", "Jeonbuk Bank"),
    ("039", "경남은행", "Kyongnam Bank"),
    ("081", "하나은행", "Hana Bank"),
    ("088", "신한은행", "Shinhan Bank"),
    ("089", "케이뱅크", "K Bank"),
    ("090", "카카오뱅크", "Kakao Bank"),
]


def load_participating_banks(bank_model) -> int:
    """Create or refresh the 18 banks; returns how many rows were created."""
    created = 0
    for code, name_ko, name_en in PARTICIPATING_BANKS:
        _, was_created = bank_model.objects.update_or_create(
            code=code, defaults={"name": name_ko, "name_en": name_en}
        )
        created += was_created
    return created
