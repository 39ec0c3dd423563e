"""The one family of exceptions fpctl raises on purpose.

Each error carries a stable snake_case ``code`` (shown in JSON errors) and the process
``exit_code`` of SPEC §3.5. The command layer maps them to output in exactly one place
(``fpctl.cli.errors``); nothing else prints or exits. Standard library only.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    USAGE = 2
    NOT_FOUND = 3
    PERMISSION_DENIED = 4
    REFUSED = 5
    PARTIAL = 6
    STORE_BUSY = 7


class FpctlError(Exception):
    """Base class: a message for people, a stable code for scripts, an optional hint."""

    exit_code: ExitCode = ExitCode.INTERNAL
    code: str = "internal_error"

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code

    def as_dict(self) -> dict[str, str]:
        error = {"code": self.code, "message": self.message}
        if self.hint:
            error["hint"] = self.hint
        return error


class InvalidInput(FpctlError):
    """Malformed or missing input: a usage error (exit 2)."""

    exit_code = ExitCode.USAGE
    code = "invalid_input"


class NotFound(FpctlError):
    exit_code = ExitCode.NOT_FOUND
    code = "not_found"


class PermissionDenied(FpctlError):
    exit_code = ExitCode.PERMISSION_DENIED
    code = "permission_denied"
    rule: str | None = None  # the permission rule that decided, when one did


class RuleViolation(FpctlError):
    """Refused by a business rule (exit 5); ``code`` names the rule."""

    exit_code = ExitCode.REFUSED
    code = "rule_violation"


class EmailTaken(RuleViolation):
    code = "email_taken"


class InvitationInvalid(RuleViolation):
    code = "invitation_invalid"


class PartialFailure(FpctlError):
    """A bulk run in which some items failed and the others were done (exit 6)."""

    exit_code = ExitCode.PARTIAL
    code = "partial_failure"


class StoreBusy(FpctlError):
    """The store stayed locked or could not be reached (exit 7)."""

    exit_code = ExitCode.STORE_BUSY
    code = "store_busy"


class StoreUnavailable(StoreBusy):
    code = "store_unavailable"
