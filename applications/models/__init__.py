from .application import Application, State, Step
from .audit import AuditEntry
from .details import ApplicationDetails
from .documents import Document
from .institution import Institution, InstitutionType, Membership, SizeClass
from .screening import ScreeningResult, ScreeningRuleSet
from .supplements import ReviewQueueItem, SupplementRequest

__all__ = [
    "Application",
    "ApplicationDetails",
    "AuditEntry",
    "Document",
    "Institution",
    "InstitutionType",
    "Membership",
    "ReviewQueueItem",
    "ScreeningResult",
    "ScreeningRuleSet",
    "SizeClass",
    "State",
    "Step",
    "SupplementRequest",
]
