"""Korean company identifiers.

python-stdnum's `kr.brn` checks only length and components, not the check digit (seen in 2.2), so the
National Tax Service check digit is computed here on top of it.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.kr import brn

BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def brn_check_digit(first9: str) -> int:
    digits = [int(c) for c in first9]
    total = sum(d * w for d, w in zip(digits, BRN_WEIGHTS, strict=True)) + (digits[8] * 5) // 10
    return (10 - total % 10) % 10


def normalize_brn(value: str) -> str:
    """Validate a 사업자등록번호 and return it as 10 digits."""
    try:
        number = brn.validate(value or "")
    except StdnumError as exc:
        raise ValidationError(
            _(
                "사업자등록번호는 10자리 숫자(예: 123-45-67890)여야 합니다. / A business registration number has 10 digits."
            ),
            code="brn_format",
        ) from exc
    if brn_check_digit(number[:9]) != int(number[9]):
        raise ValidationError(
            _("사업자등록번호의 검증번호(마지막 자리)가 맞지 않습니다. 번호를 다시 확인하세요."),
            code="brn_check_digit",
        )
    return number


def validate_brn(value: str) -> None:
    normalize_brn(value)


def format_brn(value: str) -> str:
    return brn.format(value) if value else ""


def normalize_corporate_number(value: str) -> str:
    """Validate a 법인등록번호 (13 digits, weights 1,2,1,2,… and a mod-10 check digit)."""
    number = (value or "").replace("-", "").replace(" ", "")
    if len(number) != 13 or not number.isdigit():
        raise ValidationError(_("법인등록번호는 13자리 숫자여야 합니다."), code="crn_format")
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(number[:12]))
    if (10 - total % 10) % 10 != int(number[12]):
        raise ValidationError(_("법인등록번호의 검증번호가 맞지 않습니다."), code="crn_check_digit")
    return number


def validate_corporate_number(value: str) -> None:
    normalize_corporate_number(value)
