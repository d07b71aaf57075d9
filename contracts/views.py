from django.shortcuts import render

from . import scoring_policy
from .scoring_forms import ScoringProfileForm


def calculator(request):
    """Public calculator (DOMAIN §6.1, §6.2): both evaluations, itemised, under the policy in force."""
    form = ScoringProfileForm(request.POST if request.method == "POST" else None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        profile = form.profile()
        context["self_certification"] = scoring_policy.self_certification(profile=profile)
        context["centre_guarantee"] = scoring_policy.centre_guarantee(profile=profile)
    return render(request, "contracts/calculator.html", context)
