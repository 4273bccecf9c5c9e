"""Progress, interrupt and log callbacks, and KeyboardInterrupt during a call."""
import os
import signal

import pytest

import cpted


def test_progress_stages(plaza):
    seen = []
    site = cpted.Site.open(plaza, progress=lambda f, stage: seen.append((stage, f)))
    site.coverage(progress=lambda f, stage: seen.append((stage, f)))
    stages = [s for s, _ in seen]
    assert "read" in stages and "freespace" in stages and "coverage" in stages
    assert all(0.0 <= f <= 1.0 for _, f in seen)
    # removed after the call
    assert cpted.context()._progress is None


def test_context_progress_stays_installed(plaza):
    ctx = cpted.Context()
    seen = []
    ctx.set_progress(lambda f, s: seen.append(s))
    cpted.Site.open(plaza, ctx=ctx).freespace()
    assert "freespace" in seen
    ctx.set_progress(None)
    seen.clear()
    cpted.Site.open(plaza, ctx=ctx)
    assert seen == []


def test_interrupt_callable_cancels(plaza):
    ctx = cpted.Context()
    site = cpted.Site.open(plaza, ctx=ctx)
    ctx.set_interrupt(lambda: True)
    with pytest.raises(cpted.Interrupted) as e:
        site.freespace()
    assert e.value.status == cpted.E_INTERRUPTED and "interrupt" in e.value.message
    ctx.set_interrupt(None)
    assert site.freespace().not_assessed is None  # the context still works


def test_exception_in_progress_stops_the_call(plaza):
    ctx = cpted.Context()

    def boom(f, stage):
        raise RuntimeError("stop at " + stage)

    with pytest.raises(RuntimeError, match="stop at read"):
        cpted.Site.open(plaza, ctx=ctx, progress=boom)
    assert len(cpted.Site.open(plaza, ctx=ctx)) == 31


def test_keyboard_interrupt_from_a_callback(plaza):
    ctx = cpted.Context()
    site = cpted.Site.open(plaza, ctx=ctx)

    def ctrl_c():
        raise KeyboardInterrupt

    ctx.set_interrupt(ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        site.freespace()
    ctx.set_interrupt(None)
    assert site.freespace().not_assessed is None


def test_sigint_during_a_call_raises_keyboard_interrupt(plaza):
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT is not Python's default handler here")
    site = cpted.Site.open(plaza)
    sent = []

    def progress(f, stage):
        if not sent:
            sent.append(stage)
            os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C would

    with pytest.raises(KeyboardInterrupt):
        site.coverage(progress=progress)
    assert sent == ["freespace"]
    assert site.coverage().finding_count == 2


def test_log_callback(tmp_path):
    import shutil
    from conftest import DATA
    messages = []
    ctx = cpted.Context()
    ctx.set_log(lambda level, text: messages.append((level, text)), cpted.LOG_DEBUG)
    src = tmp_path / "trees.geojson"
    shutil.copy(DATA / "trees.geojson", src)
    site = cpted.Site.open(str(src), ctx=ctx)
    assert any("trees" in t and level <= cpted.LOG_NOTICE for level, t in messages), messages
    assert site.warnings
    ctx.set_log(None)
    messages.clear()
    cpted.Site.open(str(src), ctx=ctx)
    assert messages == []
