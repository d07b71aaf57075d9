from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MANDATORY_EMAIL_CATEGORIES, Category, NoticePreference

# Categories an applicant member receives; staff also receive the centre's own.
APPLICANT_CATEGORIES = [
    Category.STATE_CHANGE,
    Category.REVIEW_REQUEST,
    Category.SECURITY_VALIDITY,
    Category.BILLING,
    Category.MONITORING,
]
STAFF_CATEGORIES = [
    Category.SLA,
    Category.SANCTION,
    Category.MONITORING_WARNING,
    Category.REQUEST_RECEIVED,
    Category.SECURITY_VALIDITY,
]


def categories_for(user) -> list[Category]:
    return STAFF_CATEGORIES if user.is_staff else APPLICANT_CATEGORIES


class PreferencesForm(forms.Form):
    """Two checkboxes per category: e-mail and in-portal notice."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories_for(user)
        current = {p.category: p for p in NoticePreference.objects.filter(user=user)}
        self.rows = []
        for category in self.categories:
            pref = current.get(category)
            mandatory = category in MANDATORY_EMAIL_CATEGORIES
            email = forms.BooleanField(
                label=_("이메일"),
                required=False,
                initial=True if mandatory else (pref.email if pref else True),
                disabled=mandatory,
                widget=forms.CheckboxInput(
                    attrs={"aria-label": f"{category.label} · {_('이메일')}"}
                ),
            )
            portal = forms.BooleanField(
                label=_("포털 알림"),
                required=False,
                initial=pref.portal if pref else True,
                widget=forms.CheckboxInput(
                    attrs={"aria-label": f"{category.label} · {_('포털 알림')}"}
                ),
            )
            self.fields[f"{category}_email"] = email
            self.fields[f"{category}_portal"] = portal
            self.rows.append(
                {
                    "label": category.label,
                    "mandatory": mandatory,
                    "email": self[f"{category}_email"],
                    "portal": self[f"{category}_portal"],
                }
            )

    def choices(self) -> dict[str, tuple[bool, bool]]:
        return {
            str(c): (self.cleaned_data[f"{c}_email"], self.cleaned_data[f"{c}_portal"])
            for c in self.categories
        }
