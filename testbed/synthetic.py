"""Deterministic synthetic users, accounts and transactions per institution (DOMAIN §10 testbed).

Everything an institution's testbed holds comes from `random.Random(f"{institution_id}")`: the same
institution always gets the same users, account numbers, balances and history amounts, so tests and
developers can rely on them. The data is written on first use and then lives in the tables, so
simulated transfers move the balances.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from contracts.banks import PARTICIPATING_BANKS

from .models import SimAccount, SimTransaction, SimUser, TestbedProfile

USERS_PER_INSTITUTION = 3
ACCOUNTS_PER_USER = 2
HISTORY_PER_ACCOUNT = 12
FAMILY_NAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"]
GIVEN_NAMES = ["민준", "서연", "도윤", "하은", "시우", "지유", "예준", "서윤", "주원", "지아"]
PRODUCTS = ["자유입출금예금", "급여통장", "저축예금", "모바일통장"]
BRANCHES = ["본점", "강남지점", "종로지점", "여의도지점", "판교지점", "모바일"]
CONTENTS_IN = ["급여", "이체입금", "용돈", "환급금", "이자"]
CONTENTS_OUT = ["카드대금", "편의점", "관리비", "통신요금", "이체출금"]


def client_use_code(institution_id: int) -> str:
    """The institution's code in the testbed (이용기관코드): 'T' + 9 digits."""
    return f"T{institution_id:09d}"


@dataclass
class PlannedTransaction:
    days_ago: int
    seconds: int
    inout_type: str
    print_content: str
    tran_amt: int
    branch_name: str


@dataclass
class PlannedAccount:
    fintech_use_num: str
    bank_code_std: str
    bank_name: str
    account_num: str
    product_name: str
    opening_balance: int
    history: list[PlannedTransaction] = field(default_factory=list)

    @property
    def balance(self) -> int:
        amount = self.opening_balance
        for t in self.history:
            amount += t.tran_amt if t.inout_type == "입금" else -t.tran_amt
        return amount


@dataclass
class PlannedUser:
    user_seq_no: str
    user_ci: str
    user_name: str
    birth_date: str
    accounts: list[PlannedAccount] = field(default_factory=list)


def plan(institution_id: int) -> list[PlannedUser]:
    """Pure: the synthetic data of one institution, from its seed."""
    rng = random.Random(f"{institution_id}")
    code9 = f"{institution_id:09d}"
    users = []
    for u in range(USERS_PER_INSTITUTION):
        user = PlannedUser(
            user_seq_no=f"1{institution_id % 10**6:06d}{u:03d}",
            user_ci="".join(
                rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                for _ in range(86)
            )
            + "==",
            user_name=rng.choice(FAMILY_NAMES) + rng.choice(GIVEN_NAMES),
            birth_date=f"{rng.randint(1960, 2003)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
        )
        for a in range(ACCOUNTS_PER_USER):
            bank_code, bank_name, _en = rng.choice(PARTICIPATING_BANKS)
            account = PlannedAccount(
                fintech_use_num=f"1{code9}{u:02d}{a:02d}{rng.randint(0, 10**10 - 1):010d}",
                bank_code_std=bank_code,
                bank_name=bank_name,
                account_num=f"{rng.randint(100, 999)}{rng.randint(10**8, 10**9 - 1)}",
                product_name=rng.choice(PRODUCTS),
                opening_balance=rng.randint(50, 5000) * 1000,
            )
            # Dates first, oldest first, so the amounts are drawn in the order they are booked
            # and the balance never goes below zero.
            moments = sorted(
                ((rng.randint(1, 60), rng.randint(0, 86399)) for _ in range(HISTORY_PER_ACCOUNT)),
                key=lambda m: (-m[0], m[1]),
            )
            running = account.opening_balance
            for days_ago, seconds in moments:
                incoming = rng.random() < 0.45
                amount = rng.randint(1, 300) * 1000
                if not incoming and amount > running:
                    incoming = True
                running += amount if incoming else -amount
                account.history.append(
                    PlannedTransaction(
                        days_ago=days_ago,
                        seconds=seconds,
                        inout_type="입금" if incoming else "출금",
                        print_content=rng.choice(CONTENTS_IN if incoming else CONTENTS_OUT),
                        tran_amt=amount,
                        branch_name=rng.choice(BRANCHES),
                    )
                )
            user.accounts.append(account)
        users.append(user)
    return users


def ensure_seeded(institution_id: int) -> TestbedProfile:
    """Write the institution's synthetic data on first use (idempotent, safe under concurrency)."""
    profile, _ = TestbedProfile.objects.get_or_create(institution_id=institution_id)
    if profile.seeded_at is not None:
        return profile
    with transaction.atomic():
        profile = TestbedProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.seeded_at is not None:
            return profile
        now = timezone.now()
        today = timezone.localdate()
        agreed = timezone.localtime(now).strftime("%Y%m%d%H%M%S")
        for planned_user in plan(institution_id):
            user = SimUser.objects.create(
                institution_id=institution_id,
                user_seq_no=planned_user.user_seq_no,
                user_ci=planned_user.user_ci,
                user_name=planned_user.user_name,
                birth_date=planned_user.birth_date,
            )
            for pa in planned_user.accounts:
                account = SimAccount.objects.create(
                    institution_id=institution_id,
                    user=user,
                    fintech_use_num=pa.fintech_use_num,
                    bank_code_std=pa.bank_code_std,
                    bank_name=pa.bank_name,
                    account_num=pa.account_num,
                    product_name=pa.product_name,
                    balance_amt=pa.balance,
                    inquiry_agree_dtime=agreed,
                    transfer_agree_dtime=agreed,
                    opened_on=(today - datetime.timedelta(days=400)).strftime("%Y%m%d"),
                )
                running = pa.opening_balance
                rows = []
                for t in pa.history:
                    running += t.tran_amt if t.inout_type == "입금" else -t.tran_amt
                    day = today - datetime.timedelta(days=t.days_ago)
                    at = timezone.make_aware(
                        datetime.datetime.combine(day, datetime.time())
                        + datetime.timedelta(seconds=t.seconds)
                    )
                    rows.append(
                        SimTransaction(
                            account=account,
                            tran_at=at,
                            inout_type=t.inout_type,
                            tran_type="현금" if t.branch_name != "모바일" else "대체",
                            print_content=t.print_content,
                            tran_amt=t.tran_amt,
                            after_balance_amt=running,
                            branch_name=t.branch_name,
                        )
                    )
                SimTransaction.objects.bulk_create(rows)
        profile.seeded_at = now
        profile.save(update_fields=["seeded_at"])
    return profile
