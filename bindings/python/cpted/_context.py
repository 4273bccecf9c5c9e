"""Contexts: one per Python thread (threading.local), with the log, progress
and interrupt callbacks mapped to Python callables."""
import threading

from ._loader import ffi, lib
from .errors import CptedError, error_for


class Context:
    """A cpted_context. Normally implicit: ``cpted.context()`` gives the
    calling thread's own. Objects keep their context alive; the library
    defers the real free until the last of them is gone."""

    def __init__(self):
        out = ffi.new("cpted_context **")
        rc = lib.cpted_context_new(out)
        if rc != lib.CPTED_OK:
            raise error_for(rc, "cpted_context_new failed")
        self._ptr = ffi.gc(out[0], lib.cpted_context_free)
        self._progress = None
        self._interrupt = None
        self._log = None
        self._pending = None  # exception raised inside a callback during a call
        # The interrupt trampoline is always installed: it is where a pending
        # KeyboardInterrupt (or an exception of the progress callable) stops
        # the running call.
        self._interrupt_cb = ffi.callback("cpted_interrupt_fn", self._on_interrupt,
                                          onerror=self._interrupt_error)
        lib.cpted_context_set_interrupt(self._ptr, self._interrupt_cb, ffi.NULL)
        self._progress_cb = None
        self._log_cb = None

    # -- callbacks ---------------------------------------------------------
    def _on_interrupt(self, payload):
        if self._pending is not None:
            return 1
        if self._interrupt is not None and self._interrupt():
            return 1
        return 0

    def _interrupt_error(self, exc_type, exc_value, tb):
        if self._pending is None:
            self._pending = exc_value
        return 1

    def _on_progress(self, fraction, stage, payload):
        self._progress(float(fraction), ffi.string(stage).decode("utf-8", "replace"))

    def _progress_error(self, exc_type, exc_value, tb):
        if self._pending is None:
            self._pending = exc_value

    def _on_log(self, level, message, payload):
        self._log(int(level), ffi.string(message).decode("utf-8", "replace"))

    def _log_error(self, exc_type, exc_value, tb):
        if self._pending is None:
            self._pending = exc_value

    def set_progress(self, fn):
        """``fn(fraction, stage)`` is called during long operations; None removes it.
        An exception it raises stops the call and is re-raised."""
        self._progress = fn
        if fn is None:
            lib.cpted_context_set_progress(self._ptr, ffi.NULL, ffi.NULL)
            self._progress_cb = None
        else:
            self._progress_cb = ffi.callback("cpted_progress_fn", self._on_progress,
                                             onerror=self._progress_error)
            lib.cpted_context_set_progress(self._ptr, self._progress_cb, ffi.NULL)

    def set_interrupt(self, fn):
        """``fn()`` is polled at safe points; a true result cancels the call,
        which raises cpted.Interrupted. None removes it."""
        self._interrupt = fn

    def set_log(self, fn, max_level=None):
        """``fn(level, message)`` receives the library's messages up to
        ``max_level`` (cpted.LOG_ERROR .. LOG_DEBUG, default LOG_NOTICE)."""
        self._log = fn
        if fn is None:
            lib.cpted_context_set_log(self._ptr, 0, ffi.NULL, ffi.NULL)
            self._log_cb = None
        else:
            self._log_cb = ffi.callback("cpted_log_fn", self._on_log, onerror=self._log_error)
            level = lib.CPTED_LOG_NOTICE if max_level is None else int(max_level)
            lib.cpted_context_set_log(self._ptr, level, self._log_cb, ffi.NULL)

    @property
    def threads(self):
        """Threads one call may use for work it can split (the free space's
        unions and buffers); 1 by default. Setting 0 takes the machine's
        processors (at most 8). Results are the same for every count."""
        return int(lib.cpted_context_threads(self._ptr))

    @threads.setter
    def threads(self, n):
        self.check(lib.cpted_context_set_threads(self._ptr, int(n)))

    # -- error handling ----------------------------------------------------
    def last_error(self):
        return ffi.string(lib.cpted_context_last_error(self._ptr)).decode("utf-8", "replace")

    def check(self, rc):
        """Raises for a failed status: a pending callback exception first
        (KeyboardInterrupt stays KeyboardInterrupt), else the status's class
        with the context's message."""
        pending, self._pending = self._pending, None
        if pending is not None:
            raise pending
        if rc != lib.CPTED_OK:
            raise error_for(rc, self.last_error())
        return rc

    def clear_pending(self):
        self._pending = None


_local = threading.local()


def context():
    """The calling thread's context (created on first use)."""
    ctx = getattr(_local, "context", None)
    if ctx is None:
        ctx = Context()
        _local.context = ctx
    return ctx


def check_noctx(rc, what):
    """For the context-free functions (blast, kinematics)."""
    if rc != lib.CPTED_OK:
        raise error_for(rc, "%s: %s" % (what, ffi.string(lib.cpted_status_string(rc)).decode()))
    return rc


__all__ = ["Context", "context", "CptedError"]
