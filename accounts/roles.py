"""Staff roles as permission groups, so the admin can grant each capability separately."""

from django.contrib.auth.models import Group, Permission

STAFF_GROUP = "오픈뱅킹센터 담당자"
STAFF_PERMISSIONS = [
    "applications.view_institution",
    "applications.view_application",
    "applications.change_application",
    "applications.view_auditentry",
    "applications.decide_application",
    "applications.advance_application",
    "applications.suspend_application",
    "contracts.view_bank",
    "contracts.view_contract",
    "contracts.add_contract",
    "contracts.change_contract",
    "policies.view_policyversion",
    "policies.add_policyversion",
    "policies.change_policyversion",
]


def ensure_staff_group() -> Group:
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    perms = []
    for dotted in STAFF_PERMISSIONS:
        app_label, codename = dotted.split(".")
        perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    group.permissions.set(perms)
    return group

STAFF_PERMISSIONS += [
    "integrations.view_apitoken",
    "integrations.add_apitoken",
]
