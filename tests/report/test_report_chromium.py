"""The HTML report in a real browser: Debian's headless Chromium loads the
plaza report with no console message, draws the map (the screenshot holds the
colour of the fastest corridor, over more pixels than its legend swatch has)
and prints it to a PDF of several pages (each section starts a page).

The report is made by `cpted analyze --report` (dated by SOURCE_DATE_EPOCH);
`render()` is the one place that says how.
"""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

CHROMIUM = shutil.which("chromium")
CPTED_BIN = os.environ.get("CPTED_BIN", "")
SAMPLES = os.environ.get("CPTED_SAMPLES", os.path.join(os.path.dirname(__file__), "../../samples"))
TMP = os.environ.get("CPTED_REPORT_TMP") or tempfile.mkdtemp(prefix="cpted_report_")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                "(scripts/setup.sh installs it)")

# The speed ramp of the map (docs/report.md): classes bounded by the standard
# test speeds 16, 32, ..., 112 km/h.
RAMP = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026", "#67001f"]


def ramp_colour(kmh):
    return RAMP[min(7, int(kmh // 16))]


def render(site, out_html, *extra):
    """Writes the HTML report of the whole analysis of `site` to out_html."""
    subprocess.run([CPTED_BIN, "analyze", site, "--report", out_html, "--overwrite", "--quiet",
                    *extra], check=True, timeout=600, stdout=subprocess.DEVNULL,
                   env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})  # 2026-01-01


def chromium(*args):
    """Runs headless Chromium; returns its stderr (console messages logged there)."""
    home = os.path.join(TMP, "chromium-home")  # no profile of the user's
    os.makedirs(home, exist_ok=True)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--enable-logging=stderr", "--v=0", f"--user-data-dir={home}", *args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                       env={**os.environ, "HOME": home})
    assert p.returncode == 0, p.stderr
    return p.stderr


def console_lines(stderr):
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def plaza_report():
    os.makedirs(TMP, exist_ok=True)
    out = os.path.join(TMP, "plaza_report.html")
    render(os.path.join(SAMPLES, "plaza", "plaza.gpkg"), out, "--charge", "100",
           "--allowable-kpa", "20")
    return out


def fastest_corridor(html):
    """(colour, speed) of the fastest corridor drawn in the map."""
    found = re.findall(r'<path fill="(#[0-9a-f]{6})" d="[^"]*"><title>approach to [^<]*?: '
                       r'([0-9.]+) km/h</title>', html)
    assert found, "no corridor in the map"
    colour, speed = max(found, key=lambda c: float(c[1]))
    return colour, float(speed)


def test_console_check_sees_errors():
    """The console check itself: a page that logs an error is caught."""
    os.makedirs(TMP, exist_ok=True)
    bad = os.path.join(TMP, "console_error.html")
    with open(bad, "w") as f:
        f.write('<!DOCTYPE html><html><body><script>console.error("boom")</script></body></html>')
    err = chromium(f"--screenshot={os.path.join(TMP, 'console_error.png')}", "file://" + bad)
    assert any('"boom"' in line for line in console_lines(err))


def test_loads_without_console_messages_and_draws_the_map(plaza_report):
    from PIL import Image

    with open(plaza_report, encoding="utf-8") as f:
        html = f.read()
    colour, speed = fastest_corridor(html)
    assert colour == ramp_colour(speed)
    png = os.path.join(TMP, "plaza_report.png")
    err = chromium("--window-size=1100,1600", f"--screenshot={png}", "file://" + plaza_report)
    assert console_lines(err) == []
    img = Image.open(png).convert("RGB")
    want = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    hits = sum(1 for px in img.getdata() if px == want)
    # the legend swatch of that class is at most 80 x 10 px: the rest are corridors
    assert hits > 2000, f"{hits} pixels of {colour}"
    # the map's own colours: buildings and the asset
    data = set(img.getdata())
    assert (0xc8, 0xc8, 0xc8) in data  # buildings
    assert (0x4a, 0x78, 0xb5) in data  # the asset


def path_points(d):
    """The vertices of an SVG path written by the map (M x y, then l dx dy ..., z)."""
    points, x, y, cmd, nums = [], 0.0, 0.0, None, []
    for tok in re.findall(r"[Mlza]|-?[0-9]+(?:\.[0-9]+)?", d):
        if tok in "Mlza":
            cmd, nums = tok, []
            continue
        nums.append(float(tok))
        if len(nums) == 2 and cmd in ("M", "l"):
            if cmd == "M":
                x, y = nums
            else:
                x, y = x + nums[0], y + nums[1]
            points.append((x, y))
            nums = []
    return points


def test_corridor_colour_where_the_corridor_is(plaza_report):
    """The map alone at 1 px per SVG unit: inside the fastest corridor's outline
    the screenshot has its colour."""
    from PIL import Image

    with open(plaza_report, encoding="utf-8") as f:
        html = f.read()
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    height = int(float(re.search(r'viewBox="0 0 [0-9.]+ ([0-9.]+)"', svg).group(1))) + 1
    page = os.path.join(TMP, "plaza_map_only.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
                f'<body style="margin:0">{svg}</body></html>')
    png = os.path.join(TMP, "plaza_map_only.png")
    err = chromium(f"--window-size=1000,{height}", f"--screenshot={png}", "file://" + page)
    assert console_lines(err) == []
    found = re.findall(r'<path fill="(#[0-9a-f]{6})" d="([^"]*)"><title>approach to [^<]*?: '
                       r'([0-9.]+) km/h</title>', svg)
    colour, d, _ = max(found, key=lambda c: float(c[2]))
    pts = path_points(d)
    x0, x1 = int(min(p[0] for p in pts)), int(max(p[0] for p in pts)) + 1
    y0, y1 = int(min(p[1] for p in pts)), int(max(p[1] for p in pts)) + 1
    img = Image.open(png).convert("RGB")
    want = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    inside = sum(1 for x in range(x0, x1) for y in range(y0, y1)
                 if img.getpixel((x, y)) == want)
    # the map area holds no legend: these pixels are the corridors'
    frame = re.search(r'<rect class="map-area" x="([0-9.]+)" y="([0-9.]+)" width="([0-9.]+)" '
                      r'height="([0-9.]+)"', svg)
    fy1 = float(frame.group(2)) + float(frame.group(4))
    assert y1 <= fy1 + 1
    assert inside > 200, f"{inside} pixels of {colour} in {x0}..{x1} x {y0}..{y1}"
    # and outside the map area (legend included) far fewer
    ramp_row = sum(1 for x in range(img.width) for y in range(int(fy1) + 1, img.height)
                   if img.getpixel((x, y)) == want)
    assert ramp_row < inside


def test_prints_to_pdf_with_a_page_per_section(plaza_report):
    pdf = os.path.join(TMP, "plaza_report.pdf")
    if os.path.exists(pdf):
        os.remove(pdf)
    err = chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", "file://" + plaza_report)
    assert console_lines(err) == []
    with open(pdf, "rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    # title block, then map, findings, coverage, standoff, VDA, sensitivity and
    # assumptions each from a new page
    assert pages >= 8, pages


def test_report_is_self_contained(plaza_report):
    with open(plaza_report, encoding="utf-8") as f:
        html = f.read()
    assert html.startswith("<!DOCTYPE html>")
    for banned in ("src=", "href=", "<link", "<script", "@import"):
        assert banned not in html
    for section in ("map", "findings", "coverage", "standoff", "vda", "sensitivity",
                    "assumptions"):
        assert f'<section id="{section}">' in html
