# %% [markdown]
# # The Town Hall plaza with the cpted Python binding
#
# A notebook-style example (cells marked `# %%`, for VS Code, Spyder or Jupytext;
# also runs as a plain script): the accessible area of a car on the synthetic plaza
# (samples/plaza), the gaps in its line of protection, and the corridors of the
# fastest approaches found by the vehicle dynamics assessment, plotted with
# matplotlib. All coordinates here are in the site's working CRS (EPSG:25832).
#
#   python3 samples/python/plaza_notebook.py [OUTPUT.png]
#
# Without a display it draws with the Agg backend and saves the figure
# (default: plaza_corridors.png in the current directory).

# %%
import os
import pathlib
import sys

import matplotlib

if not os.environ.get("DISPLAY") and "MPLBACKEND" not in os.environ:
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
try:
    import cpted
except ImportError:  # a source checkout without installing
    sys.path.insert(0, str(ROOT / "bindings" / "python"))
    import cpted
from cpted._geom import parse_wkb  # noqa: E402  (WKB -> coordinates; no shapely needed)

PLAZA = ROOT / "samples" / "plaza" / "plaza.gpkg"
OUTPUT = sys.argv[1] if len(sys.argv) > 1 else "plaza_corridors.png"
# FAST: a coarser lattice (2 m cells, 16 headings) so that the example runs in seconds.
# Coarser cells err towards the vehicle (faster), never the other way
# (docs/method-vda.md); set FAST = False for the default 1 m / 32 headings.
FAST = True

# %% Open the site and compute the free space of a car (M1)
site = cpted.Site.open(PLAZA)
fs = site.freespace("M1")
print("site: %d features in %s; accessible area %.0f m2"
      % (len(site), site.crs, fs.area("accessible")))

# %% Coverage of the line of protection
cov = fs.coverage()
for line in cov.lines:
    print("%s: %.1f of %.1f m covered, %d gaps, %d too wide"
          % (line.id, line.covered_m, line.length_m, line.gap_count, line.noncompliant_count))

# %% Vehicle dynamics assessment: the fastest approach to each target
opts = dict(spacing_m=5.0, sensitivity=False)
if FAST:
    opts.update(cell_m=2.0, headings=16, window_m=200.0)
vda = fs.vda(**opts)
reachable = sorted((t for t in vda.targets if t.reachable), key=lambda t: -t.speed_kmh)
for t in reachable[:5]:
    print("%-22s %5.1f km/h  %6.0f kJ  needs %s" % (t.id, t.speed_kmh, t.energy_kj,
                                                    t.needed_rating))


# %% Plot: accessible area, buildings, gaps and the five fastest corridors
def polygons(wkb):
    kind, parts = parse_wkb(wkb)
    if kind == 3:
        return [parts]
    if kind == 6:
        return parts
    return []


def add_polygons(ax, wkb, **style):
    for rings in polygons(wkb):
        verts, codes = [], []
        for ring in rings:
            verts.extend(ring)
            codes.extend([Path.MOVETO] + [Path.LINETO] * (len(ring) - 2) + [Path.CLOSEPOLY])
        ax.add_patch(PathPatch(Path(verts, codes), **style))


fig, ax = plt.subplots(figsize=(7, 6.5))
add_polygons(ax, fs.wkb("accessible"), facecolor="#cfe8cf", edgecolor="#7a7", lw=0.5,
             label="accessible area (M1)")
for f in site.features:
    if f.role in ("building", "asset"):
        add_polygons(ax, f.wkb, facecolor="#f4b4b4" if f.role == "asset" else "#ccc",
                     edgecolor="#555", lw=0.5)
for i, t in enumerate(reachable[:5]):
    add_polygons(ax, vda.corridor_wkb(t.index), facecolor="#ff990055", edgecolor="#d60",
                 lw=0.8, label="fastest corridors" if i == 0 else None)
    kind, path = parse_wkb(vda.path_wkb(t.index))
    if kind == 2 and path:
        ax.plot([p[0] for p in path], [p[1] for p in path], color="#a40", lw=0.8)
gx = [g.x for g in cov.gaps]
gy = [g.y for g in cov.gaps]
ax.scatter(gx, gy, s=12, c=["#080" if g.compliant else "#d00" for g in cov.gaps], zorder=5,
           label="gaps (red: too wide)")
ax.set_xlim(*site.extent[0::2])
ax.set_ylim(*site.extent[1::2])
ax.set_aspect("equal")
ax.ticklabel_format(useOffset=False, style="plain")
ax.set_title("Town Hall plaza: accessible area and approach corridors")
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()

# %% Save (or show, with a display)
fig.savefig(OUTPUT, dpi=100)
print("wrote", OUTPUT)
if matplotlib.get_backend().lower() != "agg":
    plt.show()
