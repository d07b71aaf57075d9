"""The one domain exception: raised by services, shown by views, admin and API in one place each."""


class PortalError(Exception):
    """A refused business operation, with a translatable message for the user."""

    code = "refused"

    def __init__(self, message, *, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotAllowed(PortalError):
    """The user may not do this (as opposed to: the object's state does not allow it)."""

    code = "forbidden"
