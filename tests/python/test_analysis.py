"""The analysis wrappers (cpted_analysis_*, cpted_finding, cpted_report_*,
cpted_writer_add_analysis). Registered in CTest only once lib/analysis.c exists
(tests/CMakeLists.txt): written from the header's documentation while the C side
was being implemented in another branch."""
import gc
import json

import pytest

import cpted

VDA = {"spacing_m": 3.0, "sensitivity": False}


@pytest.fixture(scope="module")
def street_site(street):
    return cpted.Site.open(street)


@pytest.fixture(scope="module")
def analysis(street_site):
    return street_site.analyze("M1", vda=VDA)


def test_names():
    assert cpted.finding_kind_name(cpted.FINDING_GAP) == "gap"
    assert cpted.finding_kind_name(99) is None
    assert cpted.severity_name(cpted.SEVERITY_CRITICAL) == "critical"
    assert cpted.severity_name(0) is None


def test_all_parts_run(analysis):
    for part in ("coverage", "standoff", "vda"):
        assert analysis.not_assessed(part) is None
    assert isinstance(analysis.coverage, cpted.Coverage)
    assert isinstance(analysis.standoff, cpted.Standoff)
    assert isinstance(analysis.vda, cpted.Vda)


def test_parts_equal_separate_runs(street_site, analysis):
    fs = street_site.freespace("M1")
    assert analysis.coverage.to_dict() == fs.coverage().to_dict()
    assert analysis.standoff.to_dict() == fs.standoff().to_dict()
    assert analysis.vda.to_dict() == fs.vda(**VDA).to_dict()


def test_findings_worst_first(analysis):
    findings = analysis.findings
    assert len(findings) == analysis.finding_count > 0
    sev = [f.severity for f in findings]
    assert sev == sorted(sev, reverse=True)
    for f in findings:
        assert f.kind_name in ("not_assessed", "breach", "gap", "standoff", "under_rated")
        assert f.severity_name in ("low", "medium", "high", "critical")
        assert f.part_name in ("coverage", "standoff", "vda")
        assert f.message
    # Findings come from the parts that have some (the analysis may merge a part's
    # findings, e.g. per barrier element, so the counts need not add up).
    with_findings = {name for name, part in (("coverage", analysis.coverage),
                                             ("standoff", analysis.standoff),
                                             ("vda", analysis.vda)) if part.finding_count}
    assert {f.part_name for f in findings} == with_findings


def test_json(analysis):
    doc = analysis.to_dict()
    assert doc["schema"] == "cpted/analysis/1"
    assert json.loads(analysis.to_json()) == doc


def test_parts_left_out_are_not_assessed(street_site):
    a = street_site.analyze("M1", parts=["coverage"])
    assert a.coverage is not None and a.standoff is None and a.vda is None
    assert a.not_assessed("coverage") is None
    assert a.not_assessed("standoff") and a.not_assessed(cpted.ANALYSIS_VDA)
    kinds = [f.kind for f in a.findings]
    assert kinds.count(cpted.FINDING_NOT_ASSESSED) >= 2


def test_a_part_outlives_its_analysis(street_site):
    a = street_site.analyze("M1", parts=["coverage", "standoff"])
    cov = a.coverage
    expected = cov.to_json()
    del a
    gc.collect()
    assert cov.to_json() == expected


def test_report_html(analysis):
    html = analysis.report_html(title="Street check", date="2026-01-31")
    assert "Street check" in html and "2026-01-31" in html and "<svg" in html
    assert html == analysis.report_html(title="Street check", date="2026-01-31")


def test_write(analysis, tmp_path):
    analysis.write(tmp_path / "a.gpkg")
    assert (tmp_path / "a.gpkg").stat().st_size > 0
    with pytest.raises(cpted.CptedIOError):
        analysis.write(tmp_path / "a.gpkg")
    with cpted.Writer(tmp_path / "b.gpkg") as w:
        w.add(analysis)
    assert (tmp_path / "b.gpkg").stat().st_size > 0


def test_repr_and_geodataframe(analysis):
    h = analysis._repr_html_()
    assert "<table>" in h and "<svg" in h
    if cpted.HAVE_GEOPANDAS:
        gdf = analysis.to_geodataframe()
        assert len(gdf) == analysis.finding_count
