"""Functional-test and security-check records (DOMAIN §2 steps 2-3, §7).

The application's own state machine says which step it is in; the rows here hold what happens
inside a step: the functional-test application and its rounds of checklist items, and the two
security checks with their findings and remediation rounds.
"""

from .agencies import Agency, AgencyMembership
from .functional_test import (
    ChecklistItem,
    FunctionalTestFunction,
    FunctionalTestRequest,
    FunctionalTestRound,
    ItemResult,
    RoundOutcome,
)
from .security_check import (
    UNDER_CENTRE_REVIEW,
    CheckDocument,
    CheckKind,
    CheckStatus,
    DocumentKind,
    Finding,
    Remediation,
    SecurityCheck,
    Severity,
)
from .uploads import MAX_UPLOAD_BYTES, private_upload_path, validate_upload_size

__all__ = [
    "MAX_UPLOAD_BYTES",
    "UNDER_CENTRE_REVIEW",
    "Agency",
    "AgencyMembership",
    "CheckDocument",
    "CheckKind",
    "CheckStatus",
    "ChecklistItem",
    "DocumentKind",
    "Finding",
    "FunctionalTestFunction",
    "FunctionalTestRequest",
    "FunctionalTestRound",
    "ItemResult",
    "Remediation",
    "RoundOutcome",
    "SecurityCheck",
    "Severity",
    "private_upload_path",
    "validate_upload_size",
]
