"""Which objects an API request may see: a token sees its own institution only; a session sees what the
web pages show the same user (Application.objects.visible_to)."""

from accounts.roles import staff_may
from applications.models import Application, Institution

from .models import ApiToken


def institutions_for(request):
    if isinstance(request.auth, ApiToken):
        return Institution.objects.filter(pk=request.auth.institution_id)
    if staff_may(request.user, "applications.view_institution"):
        return Institution.objects.all()
    return Institution.objects.of_user(request.user)


def applications_for(request):
    qs = Application.objects.visible_to(request.user)
    if isinstance(request.auth, ApiToken):
        qs = qs.filter(institution_id=request.auth.institution_id)
    return qs
