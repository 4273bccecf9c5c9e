"""Objects free themselves (ffi.gc) in any order, and each thread has its own context."""
import gc
import threading

import pytest

import cpted


def _coverage_json(plaza):
    return cpted.Site.open(plaza).coverage().to_json()


@pytest.fixture(scope="module")
def reference(plaza):
    return _coverage_json(plaza)


def test_site_freed_before_its_results(plaza, reference):
    site = cpted.Site.open(plaza)
    fs = site.freespace()
    cov = fs.coverage()
    del site, fs
    gc.collect()
    assert cov.to_json() == reference
    assert cov.site.crs == "EPSG:25832"  # the wrappers keep the site alive too
    del cov
    gc.collect()


def test_results_freed_before_the_site(plaza, reference):
    site = cpted.Site.open(plaza)
    fs = site.freespace()
    cov, st = fs.coverage(), fs.standoff()
    del cov
    gc.collect()
    del fs
    gc.collect()
    assert st.assets[0].id == "assets:1"
    del st
    gc.collect()
    assert len(site) == 31
    assert site.coverage().to_json() == reference


def test_context_freed_first(plaza, reference):
    ctx = cpted.Context()
    cov = cpted.Site.open(plaza, ctx=ctx).coverage()
    del ctx
    gc.collect()
    assert cov.to_json() == reference


def test_each_thread_has_its_own_context(plaza, reference):
    contexts, results, errors = {}, {}, []
    barrier = threading.Barrier(4)

    def work(i):
        try:
            contexts[i] = cpted.context()
            barrier.wait()
            site = cpted.Site.open(plaza)
            fs = site.freespace()
            cov = fs.coverage()
            # free in a different order in each thread
            if i % 2:
                del site, fs
            else:
                del fs
            gc.collect()
            results[i] = cov.to_json()
            with pytest.raises(cpted.CptedIOError) as e:
                cpted.Site.open("/nonexistent/%d.gpkg" % i)
            # the error text is this thread's own
            assert "/nonexistent/%d.gpkg" % i in e.value.message
            assert str(i) in cpted.context().last_error()
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({id(c) for c in contexts.values()}) == 4
    assert cpted.context() not in contexts.values()
    assert all(r == reference for r in results.values())


def test_objects_made_in_one_thread_freed_in_another(plaza, reference):
    made = {}

    def make():
        site = cpted.Site.open(plaza)
        made["cov"] = site.coverage()
        made["site"] = site

    t = threading.Thread(target=make)
    t.start()
    t.join()
    # The making thread is gone (its thread-local context with it); the objects keep
    # the context alive, and are used and freed here, one thread at a time.
    assert made["cov"].to_json() == reference
    del made["site"]
    gc.collect()
    del made["cov"]
    gc.collect()
