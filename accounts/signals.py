from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver


@receiver(authenticator_added)
def record_totp_activation(sender, request, user, authenticator, **kwargs):
    # Activating TOTP means the user just entered a valid code: count it as this session's MFA.
    record_authentication(request, user, method="mfa", type=authenticator.type)
