from .application import Application, State, Step
from .audit import AuditEntry
from .institution import Institution, InstitutionType, Membership, SizeClass

__all__ = [
    "Application",
    "AuditEntry",
    "Institution",
    "InstitutionType",
    "Membership",
    "SizeClass",
    "State",
    "Step",
]
