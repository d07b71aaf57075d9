"""The test outbox as recipients see it: every notice e-mail goes to one address only."""

from django.core import mail


def messages_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def each_to_one_address() -> bool:
    return all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
