from django.core.management.base import BaseCommand, CommandError

from operations.billing import parse_month


class Command(BaseCommand):
    help = (
        "월 수수료 청구 (DOMAIN §5.2): bill the given month (YYYY-MM); re-running creates nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")

    def handle(self, *args, month, **options):
        from operations.billing import bill_month

        try:
            first = parse_month(month)
        except ValueError as exc:
            raise CommandError("월은 YYYY-MM 형식이어야 합니다.") from exc
        created = bill_month(month=first)
        self.stdout.write(f"{first:%Y-%m}: {created} invoice(s) created")
