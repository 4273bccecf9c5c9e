"""Exceptions: one class per cpted_status family, all under CptedError.

Each carries the status code (``status``), the library's static name of the
code (``status_name``) and the context's message (``message``,
cpted_context_last_error). Codes the binding does not know (a newer library)
raise CptedError itself.
"""
from ._loader import ffi, lib


class CptedError(Exception):
    """A cpted call failed. ``status`` is the negative cpted_status code."""

    status = lib.CPTED_E_GENERIC

    def __init__(self, message, status=None):
        if status is not None:
            self.status = status
        self.message = message
        self.status_name = ffi.string(lib.cpted_status_string(self.status)).decode()
        super().__init__(message or self.status_name)


class NoMemoryError(CptedError, MemoryError):
    status = lib.CPTED_E_NOMEM


class InvalidArgumentError(CptedError, ValueError):
    status = lib.CPTED_E_INVALID


class CptedIOError(CptedError):
    status = lib.CPTED_E_IO


class FormatError(CptedError, ValueError):
    status = lib.CPTED_E_FORMAT


class CRSError(CptedError):
    status = lib.CPTED_E_CRS


class GeometryError(CptedError, ValueError):
    status = lib.CPTED_E_GEOMETRY


class VersionError(CptedError):
    status = lib.CPTED_E_VERSION


class Interrupted(CptedError):
    """The interrupt callback asked to stop (a KeyboardInterrupt raised while
    a call runs is re-raised as KeyboardInterrupt instead)."""
    status = lib.CPTED_E_INTERRUPTED


class UserCallbackError(CptedError):
    status = lib.CPTED_E_USER


class RangeError(CptedError, ValueError):
    status = lib.CPTED_E_RANGE


class NotFoundError(CptedError, LookupError):
    status = lib.CPTED_E_NOTFOUND


GenericError = CptedError

STATUS_CLASSES = {
    cls.status: cls
    for cls in (NoMemoryError, InvalidArgumentError, CptedIOError, FormatError, CRSError,
                GeometryError, VersionError, Interrupted, UserCallbackError, RangeError,
                NotFoundError)
}


def error_for(status, message):
    """The exception for a failed status (unknown codes: the base class)."""
    cls = STATUS_CLASSES.get(status, CptedError)
    return cls(message, status)
