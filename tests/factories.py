import random

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model

from accounts.roles import ensure_staff_group
from applications.models import Application, Institution, Membership
from applications.validators import brn_check_digit

PASSWORD = "correct-horse-battery-9"


def valid_brn(rng=random) -> str:
    first9 = f"{rng.randint(101, 999)}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
    return first9 + str(brn_check_digit(first9))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.kr")
    username = factory.SelfAttribute("email")

    @factory.post_generation
    def password(self, create, value, **kwargs):
        self.set_password(value or PASSWORD)
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def with_role(self, create, value, **kwargs):
        if create and value is not False:
            self.groups.add(ensure_staff_group())

    @factory.post_generation
    def totp(self, create, value, **kwargs):
        if create and value is not False:
            TOTP.activate(self, generate_totp_secret())


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"핀테크{n} 주식회사")
    business_registration_number = factory.LazyFunction(valid_brn)
    representative = "홍길동"
    address = "서울특별시 중구 세종대로 110"
    paid_in_capital = 500_000_000
    institution_type = "fintech"
    contact_name = "김담당"
    contact_email = factory.Sequence(lambda n: f"contact{n}@example.kr")
    contact_phone = "02-0000-0000"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = Membership.Role.ADMIN


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    institution = factory.SubFactory(InstitutionFactory)
    created_by = factory.SubFactory(UserFactory)
    service_name = "간편송금 서비스"
    service_description = "오픈뱅킹 출금이체·입금이체를 이용한 간편송금"

    @classmethod
    def _create(cls, model_class, *args, state=None, **kwargs):
        application = super()._create(model_class, *args, **kwargs)
        if state:
            # Test setup only: place the application in a state without walking the machine.
            model_class.objects.filter(pk=application.pk).update(state=state)
            application.refresh_from_db()
        return application


def totp_of(user) -> TOTP:
    return TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
