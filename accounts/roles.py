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
STAFF_PERMISSIONS += [
    f"contracts.{p}"
    for p in (
        "view_full_account_number",
        "view_contractaccount",
        "view_guaranteearrangement",
        "change_guaranteearrangement",
        "view_banknegotiation",
        "change_banknegotiation",
        "view_contractdocument",
        "view_contractchangerequest",
        "change_contractchangerequest",
    )
]

# Steps 2-3 (reviews): checklists, security checks and the designated agencies.
STAFF_PERMISSIONS += [
    f"reviews.{perm}_{model}"
    for model, perms in {
        "functionaltestrequest": ["view"],
        "functionaltestround": ["view", "change"],
        "checklistitem": ["view", "change"],
        "securitycheck": ["view", "change"],
        "finding": ["view", "add"],
        "checkdocument": ["view"],
        "agency": ["view", "add", "change"],
        "agencymembership": ["view", "add", "change", "delete"],
    }.items()
    for perm in perms
]

# Operations after launch (issue 6): usage import, invoices and payments, sub-merchants, sanctions.
STAFF_PERMISSIONS += [
    "operations.view_dailyusage",
    "operations.view_usageimport",
    "operations.add_usageimport",
    "operations.view_billingrun",
    "operations.view_invoice",
    "operations.view_payment",
    "operations.add_payment",
    "operations.view_submerchant",
    "operations.decide_submerchant",
    "operations.view_sanctioncase",
    "operations.add_sanctioncase",
    "operations.change_sanctioncase",
]

# SLA clocks, escalations and monitoring warnings (issue 10 items 1 and 5).
STAFF_PERMISSIONS += [
    "casework.view_escalation",
    "casework.view_monitoringwarning",
    "casework.change_monitoringwarning",
    "casework.decide_monitoringwarning",
]

# Approval chains (issue 10 item 3): staff configure the chains; level 2 is a separate grant.
STAFF_PERMISSIONS += [
    "approvals.view_approvalchain",
    "approvals.add_approvalchain",
    "approvals.change_approvalchain",
    "approvals.view_approvalrecord",
]

# What was sent (issue 10 item 4): the read-only notice log.
STAFF_PERMISSIONS += ["notifications.view_notice"]


def staff_may(user, perm: str) -> bool:
    """A member of the centre's staff holding `perm` (app_label.codename). Being staff alone
    grants nothing: without the permission a staff user is treated like any other user."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(perm)
    )
