"""The plumbing every simulated v2.0 endpoint shares (DOMAIN §10).

A call is: bearer token → (institution, client, simulated user, scopes) → scope check → parameters
(query string for GET, JSON body for POST) → the endpoint's handler → the operator's common response
fields (`api_tran_id`, `api_tran_dtm`, `rsp_code`, `rsp_message`) → one `TestbedCall` row.
Handlers live in `simulator_accounts` and `simulator_transfers`; they raise `Refusal` for errors.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from . import calls
from .catalogue import BAD_REQUEST, FORBIDDEN, SUCCESS, UNAUTHORIZED, Code, Endpoint
from .models import IssuedToken, SimUser, TestClient
from .oauth import checksum
from .synthetic import client_use_code, ensure_seeded

JSON_DUMPS = {"ensure_ascii": False}


class Refusal(Exception):
    """An error result: the response code, plus fields the response still carries."""

    def __init__(self, code: Code, detail: str = "", **payload):
        super().__init__(code.code)
        self.code = code
        self.detail = detail
        self.payload = payload


@dataclass
class CallContext:
    institution_id: int
    client: TestClient
    sim_user: SimUser | None
    scopes: frozenset[str]
    seeded: bool = False
    bank_tran_id: str = ""

    def ensure_seeded(self) -> None:
        """The institution's synthetic data, written on its first call (DOMAIN §10 testbed)."""
        if not self.seeded:
            ensure_seeded(self.institution_id)
            self.seeded = True

    @property
    def client_use_code(self) -> str:
        return client_use_code(self.institution_id)

    def require_user(self, user_seq_no: str | None = None) -> SimUser:
        """Three-legged calls act for the consenting user only."""
        if self.sim_user is None:
            raise Refusal(FORBIDDEN, "사용자 인증(3-legged) 토큰이 필요합니다.")
        if user_seq_no is not None and user_seq_no != self.sim_user.user_seq_no:
            raise Refusal(FORBIDDEN, "토큰의 사용자와 user_seq_no가 다릅니다.")
        return self.sim_user


class Params:
    """Request fields with the operator's validation rules."""

    def __init__(self, data: dict, ctx: CallContext):
        self.data = data
        self.ctx = ctx

    def get(self, name: str, default: str = "") -> str:
        value = self.data.get(name, default)
        return value.strip() if isinstance(value, str) else value

    def required(self, name: str) -> str:
        value = self.get(name)
        if value in ("", None):
            raise Refusal(BAD_REQUEST, f"필수 항목 누락: {name}")
        return value

    def choice(self, name: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = self.get(name) or default
        if value not in options:
            raise Refusal(BAD_REQUEST, f"{name}: {'/'.join(options)} 중 하나여야 합니다.")
        return value

    def digits(self, name: str, length: int | None = None, *, required: bool = True) -> str:
        value = self.required(name) if required else self.get(name)
        if value and (not str(value).isdigit() or (length and len(str(value)) != length)):
            raise Refusal(BAD_REQUEST, f"{name}: 숫자 {length or ''}자리여야 합니다.")
        return str(value)

    def amount(self, name: str = "tran_amt") -> int:
        value = str(self.required(name))
        if not value.isdigit() or not 0 < int(value) <= 9_999_999_999:
            raise Refusal(BAD_REQUEST, f"{name}: 1원 이상의 정수여야 합니다.")
        return int(value)

    def date(self, name: str, *, required: bool = True) -> str:
        value = self.digits(name, 8, required=required)
        if value:
            try:
                timezone.datetime.strptime(value, "%Y%m%d")
            except ValueError:
                raise Refusal(BAD_REQUEST, f"{name}: YYYYMMDD 형식이어야 합니다.") from None
        return value

    def tran_dtime(self) -> str:
        value = self.digits("tran_dtime", 14)
        try:
            timezone.datetime.strptime(value, "%Y%m%d%H%M%S")
        except ValueError:
            raise Refusal(BAD_REQUEST, "tran_dtime: YYYYMMDDhhmmss 형식이어야 합니다.") from None
        return value

    def bank_tran_id(self, name: str = "bank_tran_id", value: str | None = None) -> str:
        """이용기관코드(10) + 'U' + 이용기관 부여번호(9): 20 characters."""
        value = self.required(name) if value is None else value
        prefix = self.ctx.client_use_code + "U"
        if not re.fullmatch(r"[A-Z0-9]{9}", value[len(prefix) :]) or not value.startswith(prefix):
            raise Refusal(BAD_REQUEST, f"{name}: '{prefix}' + 영문대문자·숫자 9자리여야 합니다.")
        if not self.ctx.bank_tran_id:
            self.ctx.bank_tran_id = value
        return value


def authenticate(request) -> tuple[IssuedToken | None, Refusal | None]:
    header = request.headers.get("Authorization", "")
    kind, _, token = header.partition(" ")
    if kind != "Bearer" or not token.strip():
        return None, Refusal(UNAUTHORIZED, "Authorization: Bearer 접근토큰이 필요합니다.")
    issued = (
        IssuedToken.objects.select_related(
            "access_token", "client", "sim_user", "client__institution__testbed_profile"
        )
        .filter(access_token__token_checksum=checksum(token.strip()))
        .first()
    )
    if issued is None or issued.access_token.is_expired():
        return None, Refusal(UNAUTHORIZED, "유효하지 않거나 만료된 접근토큰입니다.")
    return issued, None


def _seeded(institution) -> bool:
    profile = getattr(institution, "testbed_profile", None)
    return bool(profile and profile.seeded_at)


def respond(code: Code, payload: dict, detail: str = "", status: int | None = None) -> JsonResponse:
    body = {
        "api_tran_id": payload.pop("api_tran_id"),
        "api_tran_dtm": calls.api_tran_dtm(),
        "rsp_code": code.code,
        "rsp_message": f"{code.message} — {detail}" if detail else code.message,
        **payload,
    }
    return JsonResponse(body, status=status or code.http_status, json_dumps_params=JSON_DUMPS)


Handler = Callable[[CallContext, Params], dict]


def make_view(endpoint: Endpoint, handler: Handler):
    @csrf_exempt
    def view(request):
        api_tran_id = calls.new_api_tran_id()
        if request.method not in endpoint.methods:
            return respond(
                BAD_REQUEST,
                {"api_tran_id": api_tran_id},
                f"{'/'.join(endpoint.methods)} 메서드를 쓰세요.",
                status=405,
            )
        issued, refusal = authenticate(request)
        if refusal is not None:
            return respond(refusal.code, {"api_tran_id": api_tran_id}, refusal.detail)
        ctx = CallContext(
            institution_id=issued.client.institution_id,
            client=issued.client,
            sim_user=issued.sim_user,
            scopes=frozenset(issued.access_token.scope.split()),
            seeded=_seeded(issued.client.institution),
        )
        try:
            if endpoint.scope not in ctx.scopes:
                raise Refusal(FORBIDDEN, f"scope '{endpoint.scope}'가 필요합니다.")
            if request.method == "GET":
                data = request.GET.dict()
            else:
                try:
                    data = json.loads(request.body or b"{}")
                except ValueError:
                    raise Refusal(BAD_REQUEST, "요청 본문이 JSON이 아닙니다.") from None
                if not isinstance(data, dict):
                    raise Refusal(BAD_REQUEST, "요청 본문은 JSON 객체여야 합니다.")
            payload = handler(ctx, Params(data, ctx))
            code, detail = payload.pop("_code", SUCCESS), ""
        except Refusal as exc:
            code, detail, payload = exc.code, exc.detail, exc.payload
        calls.record(
            institution_id=ctx.institution_id,
            client_id=ctx.client.pk,
            api_code=endpoint.api_code,
            endpoint=endpoint.path,
            api_tran_id=api_tran_id,
            bank_tran_id=ctx.bank_tran_id,
            rsp_code=code.code,
            http_status=code.http_status,
        )
        return respond(code, {"api_tran_id": api_tran_id, **payload}, detail)

    view.__name__ = endpoint.path.strip("/").replace("/", "_").replace(".", "_")
    return view
