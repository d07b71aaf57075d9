"""Fixed vocabularies of the application form (DOMAIN §3, §6, §10).

These are the *names* the form offers. What counts as eligible or excluded is not here: that is the
screening rule set in force (`ScreeningRuleSet`), which staff version as data.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EligibilityBasis(models.TextChoices):
    """DOMAIN §3 — the ground on which the applicant claims eligibility."""

    BANK = "bank", _("은행 (참가 금융회사)")
    FSC_INDUSTRY = "fsc_industry", _("금융위원회 핀테크산업 분류업종 기업")
    EFINANCE = "efinance", _("전자금융업자")
    EFINANCE_ASSISTANT = "efinance_assistant", _("전자금융보조업자")
    OPERATOR_RECOGNISED = "operator_recognised", _("오픈뱅킹 운영기관(금융결제원) 인정 기업")


class FscIndustry(models.TextChoices):
    """DOMAIN §3 — 금융위원회 핀테크산업 분류업종, plus "other" (which is not an eligible industry)."""

    SYSTEM_SOFTWARE = "system_software", _("시스템 소프트웨어 개발 및 공급업")
    APPLICATION_SOFTWARE = "application_software", _("응용 소프트웨어 개발 및 공급업")
    PROGRAMMING = "programming", _("컴퓨터 프로그래밍 서비스업")
    SYSTEM_INTEGRATION = "system_integration", _("컴퓨터시스템 통합자문 및 구축 서비스업")
    OTHER_IT = "other_it", _("기타 정보기술 및 컴퓨터운영 관련 서비스업")
    DATA_PROCESSING = "data_processing", _("자료 처리업")
    PORTAL = "portal", _("포털 및 기타 인터넷정보 매개 서비스업")
    DATABASE = "database", _("데이터베이스 및 온라인정보 제공업")
    FINANCIAL_SUPPORT = "financial_support", _("기타 금융지원 서비스업")
    OTHER = "other", _("그 밖의 업종")


class ApiService(models.TextChoices):
    """DOMAIN §10 — the open API the applicant wants to use."""

    OAUTH_AUTHORIZE = "oauth_authorize", _("사용자로그인연결 (GET /oauth/2.0/authorize)")
    OAUTH_TOKEN = "oauth_token", _("AccessToken획득 (POST /oauth/2.0/token)")
    OAUTH_AUTHORIZE_ACCOUNT = (
        "oauth_authorize_account",
        _("등록계좌 확인 (GET /oauth/2.0/authorize_account)"),
    )
    USER_ME = "user_me", _("사용자정보조회 (GET /v2.0/user/me)")
    USER_UNLINK = "user_unlink", _("사용자로그인연결 동의해제 (POST /v2.0/user/unlink)")
    ACCOUNT_LIST = "account_list", _("등록계좌조회 (GET /v2.0/account/list)")
    ACCOUNT_UPDATE_INFO = "account_update_info", _("계좌정보변경 (POST /v2.0/account/update_info)")
    ACCOUNT_CANCEL = "account_cancel", _("계좌해지 (POST /v2.0/account/cancel)")
    USER_CLOSE = "user_close", _("사용자 탈퇴 (POST /v2.0/user/close)")
    USER_REGISTER = "user_register", _("사용자계좌등록 (POST /v2.0/user/register)")
    BALANCE = "balance", _("잔액조회 (/v2.0/account/balance)")
    TRANSACTION_LIST = "transaction_list", _("거래내역조회 (/v2.0/account/transaction_list)")
    WITHDRAW = "withdraw", _("출금이체 (POST /v2.0/transfer/withdraw)")
    DEPOSIT = "deposit", _("입금이체 (POST /v2.0/transfer/deposit)")
    TRANSFER_RESULT = "transfer_result", _("이체결과조회 (POST /v2.0/transfer/result)")
    REAL_NAME = "real_name", _("계좌실명조회 (POST /v2.0/inquiry/real_name)")
    REMIT_LIST = "remit_list", _("송금인정보조회 (GET /v2.0/inquiry/remit_list)")
    BANK_STATUS = "bank_status", _("참가기관 상태조회 (GET /v2.0/bank/status)")


class CreditRating(models.TextChoices):
    """DOMAIN §6.1 — 기업신용등급 as the scoring reads it."""

    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    BBB = "BBB", "BBB"
    BB = "BB", "BB"
    B = "B", "B"
    CCC = "CCC", "CCC"
    CC = "CC", "CC"
    C = "C", "C"
    D = "D", "D"
    NG = "NG", _("등급 없음 (NG)")


class Qualification(models.TextChoices):
    """DOMAIN §6.1/§6.2 — 관련자격 held."""

    FINANCIAL_COMPANY = "financial_company", _("금융회사")
    PREPAID_DEBIT_MEANS = "prepaid_debit_means", _("선불·직불전자지급수단 발행·관리업")
    OTHER_EFINANCE = "other_efinance", _("그 밖의 전자금융업")
    SMALL_OVERSEAS_REMITTANCE = "small_overseas_remittance", _("소액해외송금업")


class DocumentType(models.TextChoices):
    """DOMAIN §2.1 — documents filed with the application."""

    APPLICATION_FORM = "application_form", _("이용신청서")
    SERVICE_PLAN = "service_plan", _("서비스 계획서")
    BUSINESS_REGISTRATION = "business_registration", _("사업자등록증 사본")
    FINANCIAL_STATEMENTS = "financial_statements", _("재무제표")
    QUALIFICATION_PROOF = "qualification_proof", _("자격(등록·인가) 증빙")
    OTHER = "other", _("기타 심사 서류")


# The documents every online application must carry before it can be submitted.
REQUIRED_DOCUMENTS = [DocumentType.APPLICATION_FORM, DocumentType.SERVICE_PLAN]
