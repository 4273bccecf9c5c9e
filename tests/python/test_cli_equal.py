"""The binding's JSON documents equal the CLI's on the same sites and options
(both call the same library functions; any difference is a binding bug: an
option not passed, a default changed)."""
import json

import pytest

import cpted


def test_info_equals_cli(plaza, cli_json):
    assert cpted.Site.open(plaza).info() == cli_json("info", plaza)


@pytest.mark.parametrize("vehicle", ["M1", "N3C"])
def test_coverage_equals_cli(plaza, cli_json, vehicle):
    py = cpted.Site.open(plaza).coverage(vehicle).to_dict()
    assert py == cli_json("coverage", plaza, "--vehicle", vehicle)


def test_coverage_options_equal_cli(plaza, cli_json):
    py = cpted.Site.open(plaza).coverage("M1", max_gap_m=2.0, soft_blocking=True).to_dict()
    assert py == cli_json("coverage", plaza, "--max-gap", "2", "--soft-blocking")


def test_standoff_equals_cli(plaza, cli_json):
    py = cpted.Site.open(plaza).standoff("N2A", charge_kg=100, allowable_kpa=50).to_dict()
    assert py == cli_json("standoff", plaza, "--vehicle", "N2A", "--charge", "100",
                          "--allowable-kpa", "50")


def test_vda_equals_cli(street, cli_json):
    py = cpted.Site.open(street).vda("M1", spacing_m=3.0, sensitivity=False).to_dict()
    assert py == cli_json("vda", street, "--spacing", "3", "--no-sensitivity")


def test_records_agree_with_the_json(plaza):
    # Records are in the working CRS, the JSON in the output CRS; here both are EPSG:25832.
    cov = cpted.Site.open(plaza).coverage()
    doc = cov.to_dict()
    text = json.dumps(doc)
    assert "perimeter:1" in text
    gaps = cov.gaps
    assert len(gaps) == 7
    assert sum(1 for g in gaps if not g.compliant) == cov.lines[0].noncompliant_count
