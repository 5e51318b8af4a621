"""Errors the services raise, each with a stable code that the API and tests assert on.

`django_fsm.TransitionNotAllowed` (state does not allow it now) and
`django.core.exceptions.ValidationError` (bad input) are raised as they are.
"""

from __future__ import annotations


class DisputeError(Exception):
    code = "dispute_error"


class NotInScope(DisputeError):
    """The user may not see this case: answered as 404, never 403."""

    code = "not_found"


class ActionNotPermitted(DisputeError):
    """The user sees the case but may not perform this transition."""

    code = "not_permitted"


class StaleVersion(DisputeError):
    """The case changed since the client read it (version mismatch): answered as 409."""

    code = "stale_version"


class UnknownTransition(DisputeError):
    code = "unknown_transition"
