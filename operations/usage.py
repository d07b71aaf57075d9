"""DOMAIN §10 / issue 6.1 — daily API usage per institution, imported by staff (CSV) or by the API.

A file is validated row by row and rejected whole, with the line numbers at fault. Rows are written
as upserts keyed by (institution, day, API), and a file already imported (same SHA-256) is recognised:
importing the same data twice changes nothing.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import hashlib
import io
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from applications.audit import log_action
from applications.models import Institution
from openbanking_portal.errors import PortalError

from .models import DailyUsage, UsageApi, UsageImport

COLUMNS = ["business_registration_number", "day", "api", "count", "amount_krw"]
MAX_ERRORS_SHOWN = 20


class UsageRejected(PortalError):
    code = "usage_rejected"

    def __init__(self, message, *, errors: list[tuple[int, str]]):
        super().__init__(message)
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class UsageRow:
    business_registration_number: str
    day: datetime.date
    api: str
    count: int
    amount_krw: int


def _int(value, field: str) -> int:
    text = str(value).strip().replace(",", "")
    if not text.isdigit():
        raise ValueError(_("%(field)s은(는) 0 이상의 정수여야 합니다.") % {"field": field})
    return int(text)


def parse_row(raw: Mapping) -> UsageRow:
    """One raw row → a UsageRow, or ValueError with the reason (pure)."""
    brn = str(raw.get("business_registration_number") or "").strip().replace("-", "")
    if len(brn) != 10 or not brn.isdigit():
        raise ValueError(_("사업자등록번호가 올바르지 않습니다."))
    try:
        day = datetime.date.fromisoformat(str(raw.get("day") or "").strip())
    except ValueError:
        raise ValueError(_("일자는 YYYY-MM-DD 형식이어야 합니다.")) from None
    api = str(raw.get("api") or "").strip()
    if api not in UsageApi.values:
        raise ValueError(_("알 수 없는 API입니다: %(api)s") % {"api": api})
    return UsageRow(
        business_registration_number=brn,
        day=day,
        api=api,
        count=_int(raw.get("count", ""), "count"),
        amount_krw=_int(raw.get("amount_krw", "0") or "0", "amount_krw"),
    )


def validate_rows(raws: Iterable[tuple[int, Mapping]]) -> list[tuple[int, UsageRow]]:
    """Validate every row; raise UsageRejected listing every (line, reason) at fault."""
    errors: list[tuple[int, str]] = []
    rows: list[tuple[int, UsageRow]] = []
    seen: dict[tuple, int] = {}
    for line, raw in raws:
        try:
            row = parse_row(raw)
        except ValueError as exc:
            errors.append((line, str(exc)))
            continue
        key = (row.business_registration_number, row.day, row.api)
        if key in seen:
            errors.append((line, _("%(line)d행과 중복됩니다.") % {"line": seen[key]}))
            continue
        seen[key] = line
        rows.append((line, row))
    known = dict(
        Institution.objects.filter(
            business_registration_number__in={r.business_registration_number for _l, r in rows}
        ).values_list("business_registration_number", "pk")
    )
    for line, row in rows:
        if row.business_registration_number not in known:
            errors.append((line, _("등록되지 않은 기관의 사업자등록번호입니다.")))
    if errors:
        errors.sort()
        lines = ", ".join(str(line) for line, _r in errors[:MAX_ERRORS_SHOWN])
        raise UsageRejected(
            _("파일 전체를 반려했습니다. 오류가 있는 행: %(lines)s") % {"lines": lines},
            errors=errors,
        )
    return rows


def read_csv(content: bytes) -> list[tuple[int, dict]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageRejected(_("UTF-8 CSV 파일이어야 합니다."), errors=[(1, "encoding")]) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise UsageRejected(
            _("머리글에 필요한 열이 없습니다: %(cols)s") % {"cols": ", ".join(missing)},
            errors=[(1, ", ".join(missing))],
        )
    return [(reader.line_num, row) for row in reader]


def import_csv(*, content: bytes, filename: str = "", by=None) -> tuple[UsageImport, bool]:
    """Import a usage file. Returns (the import record, whether anything was written)."""
    digest = hashlib.sha256(content).hexdigest()
    existing = UsageImport.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    rows = validate_rows(read_csv(content))
    return _store(rows=rows, digest=digest, filename=filename, source="csv", by=by)


def import_rows(*, rows: list[Mapping], by=None) -> tuple[UsageImport, bool]:
    """The REST API's door: the same validation and upsert, numbered from line 1."""
    canonical = "\n".join(",".join(str(r.get(c, "")) for c in COLUMNS) for r in rows).encode()
    digest = hashlib.sha256(b"api\n" + canonical).hexdigest()
    existing = UsageImport.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing, False
    parsed = validate_rows(enumerate(rows, start=1))
    return _store(rows=parsed, digest=digest, filename="", source="api", by=by)


def _store(*, rows, digest: str, filename: str, source: str, by) -> tuple[UsageImport, bool]:
    institutions = dict(
        Institution.objects.filter(
            business_registration_number__in={r.business_registration_number for _l, r in rows}
        ).values_list("business_registration_number", "pk")
    )
    with transaction.atomic():
        record, created = UsageImport.objects.get_or_create(
            sha256=digest,
            defaults={
                "filename": filename[:200],
                "source": source,
                "rows": len(rows),
                "imported_by": by,
            },
        )
        if not created:  # a concurrent import of the same file won
            return record, False
        DailyUsage.objects.bulk_create(
            [
                DailyUsage(
                    institution_id=institutions[r.business_registration_number],
                    day=r.day,
                    api=r.api,
                    count=r.count,
                    amount_krw=r.amount_krw,
                    source=record,
                )
                for _line, r in rows
            ],
            update_conflicts=True,
            unique_fields=["institution", "day", "api"],
            update_fields=["count", "amount_krw", "source"],
            batch_size=2000,
        )
        log_action(
            action="usage.imported",
            actor=by,
            data={"rows": len(rows), "source": source, "sha256": digest, "filename": filename},
        )
    return record, True
