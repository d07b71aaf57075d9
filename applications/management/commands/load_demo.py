from django.conf import settings
from django.core.management.base import BaseCommand

from applications.demo import (
    AGENCY_EMAIL,
    APPLICANT_EMAIL,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    STAFF_EMAIL,
    load_demo,
)


class Command(BaseCommand):
    help = (
        "Load the demo data (18 banks, staff and applicant users, institutions across the steps)."
    )

    def handle(self, *args, **options):
        # The demo's own state changes would otherwise print a screenful of notification e-mails.
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        load_demo()
        self.stdout.write(self.style.SUCCESS("데모 데이터 준비 완료 / demo data loaded"))
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "  포털   http://127.0.0.1:8000/",
                    f"  신청기관 (applicant)  {APPLICANT_EMAIL}  /  {DEMO_PASSWORD}",
                    f"  보안점검기관 (agency) {AGENCY_EMAIL}  /  {DEMO_PASSWORD}  → /reviews/agency/",
                    f"  센터 담당자 (staff)   {STAFF_EMAIL}  /  {DEMO_PASSWORD}",
                    f"     OTP secret {DEMO_TOTP_SECRET}  — current code: `make totp`",
                    "     관리자 화면 http://127.0.0.1:8000/admin/",
                    "",
                ]
            )
        )
