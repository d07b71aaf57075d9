"""The testbed call log: every call, per institution and API (request id, time, result code)."""

import secrets

from django.db import connection, transaction
from django.utils import timezone

from .models import TestbedCall


def new_api_tran_id() -> str:
    """The operator's API transaction id (거래고유번호(API)): unique per call."""
    return secrets.token_hex(10).upper()


def api_tran_dtm(at=None) -> str:
    """yyyyMMddHHmmssSSS in Korean time, as the operator's responses give it."""
    local = timezone.localtime(at or timezone.now())
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


def record(
    *,
    institution_id: int,
    api_code: str,
    endpoint: str,
    rsp_code: str,
    http_status: int,
    client_id: int | None = None,
    api_tran_id: str = "",
    bank_tran_id: str = "",
    at=None,
) -> TestbedCall:
    row = TestbedCall(
        institution_id=institution_id,
        client_id=client_id,
        api_code=api_code,
        endpoint=endpoint,
        api_tran_id=api_tran_id or new_api_tran_id(),
        bank_tran_id=bank_tran_id[:20],
        at=at or timezone.now(),
        rsp_code=rsp_code,
        http_status=http_status,
    )
    if connection.vendor != "postgresql":
        row.save(force_insert=True)
        return row
    # The log is evidence, not money: on PostgreSQL its commit need not wait for the disk flush
    # (a crash loses at most the last few hundred milliseconds of rows, never corrupts them).
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        row.save(force_insert=True)
    return row
