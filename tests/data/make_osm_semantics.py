"""Writes tests/data/osm_semantics.osm: OSM XML whose nodes lie on a metre grid of UTM 31N
(EPSG:32631), converted with PROJ's cs2cs to 1e-7 degrees. Run: python3 make_osm_semantics.py"""
import pathlib
import subprocess
E0, N0 = 500000.0, 1000.0
nodes = []  # (id, x, y, tags)
ways = []   # (id, [node ids], tags)
nid = [0]
def node(x, y, tags=None):
    nid[0] += 1
    nodes.append((nid[0], x, y, tags or {}))
    return nid[0]
def rect(x0, y0, x1, y1):
    a = node(x0, y0); b = node(x1, y0); c = node(x1, y1); d = node(x0, y1)
    return [a, b, c, d, a]
def way(i, refs, tags): ways.append((i, refs, tags))

way(100, rect(0, 0, 20, 10), {"building": "yes", "name": "Passage House", "addr:street": "Testgatan",
                              "addr:housenumber": "12", "amenity": "townhall"})
way(200, [node(10, -5), node(10, 15)], {"highway": "service", "tunnel": "building_passage", "width": "3"})
way(101, rect(40, 0, 50, 10), {"building": "roof", "name": "Roof Canopy"})
way(102, rect(60, 0, 70, 10), {"building": "construction", "name": "Building Site"})
way(104, rect(80, 0, 100, 10), {"building": "yes", "name": "Gallery North"})
way(300, [node(0, 30), node(10, 30, {"barrier": "gate", "width": "4"}), node(20, 30)], {"barrier": "wall"})
way(301, [node(0, 40), node(10, 40, {"barrier": "gate"}), node(20, 40)], {"barrier": "wall"})
way(302, [node(0, 50), node(10, 50, {"barrier": "lift_gate", "maxwidth": "5"}), node(20, 50)], {"barrier": "fence"})
node(30, 30, {"barrier": "bollard", "bollard": "removable"})
node(32, 30, {"barrier": "bollard", "bollard": "rising"})
node(34, 30, {"barrier": "bollard"})
way(303, [node(0, 60), node(20, 60)], {"barrier": "city_wall"})
way(304, [node(0, 70), node(20, 70)], {"barrier": "bollard"})
way(105, rect(120, 0, 130, 10), {"building": "yes", "asset": "yes", "name": "Tagged Asset"})
way(201, [node(0, -20), node(50, -20, {"barrier": "lift_gate"}), node(130, -20)], {"highway": "residential"})
# the service road that leads from way/201 to the passage, and a building behind it
way(202, [node(10, -20), node(10, -5)], {"highway": "service", "width": "3"})
way(106, rect(0, 17, 20, 27), {"building": "yes", "name": "Courtyard Hall"})

inp = "\n".join(f"{E0 + x} {N0 + y}" for _, x, y, _ in nodes) + "\n"
out = subprocess.run(["cs2cs", "-f", "%.7f", "EPSG:32631", "EPSG:4326"], input=inp, capture_output=True, text=True, check=True).stdout
ll = [l.split()[:2] for l in out.strip().splitlines()]
def esc(v): return v.replace("&", "&amp;").replace('"', "&quot;")
lines = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<!-- tests/data/osm_semantics.osm (written by make_osm_semantics.py) for tests/api/test_site_open.c',
         '     and tests/cli/test_standoff.py. Nodes lie on a',
         '     metre grid of UTM 31N (EPSG:32631) at E 500000 + x, N 1000 + y, written to 1e-7 deg',
         '     (about 1 cm, the precision GDAL\'s OSM driver keeps). Building way/100 (20 m x 10 m,',
         '     x 0..20, y 0..10) is crossed at x = 10 by the passage way/200 (width=3): 30 m2 cut.',
         '     Walls way/300 (gate width=4), way/301 (gate, no width: 3.5 m), fence way/302',
         '     (lift_gate maxwidth=5) run 20 m along y = 30, 40, 50 with the gate at x = 10.',
         '     way/202 (service, width=3) leads from the road way/201 (y = -20) to the passage;',
         '     the passage ends at y = 15, 2 m short of building way/106 (y 17..27). -->',
         '<osm version="0.6" generator="hand">']
for (i, x, y, tags), (lat, lon) in zip(nodes, ll):
    # cs2cs EPSG:4326 output order is lat lon
    if tags:
        lines.append(f' <node id="{i}" version="1" lat="{lat}" lon="{lon}">')
        for k, v in tags.items(): lines.append(f'  <tag k="{k}" v="{esc(v)}"/>')
        lines.append(' </node>')
    else:
        lines.append(f' <node id="{i}" version="1" lat="{lat}" lon="{lon}"/>')
for i, refs, tags in ways:
    lines.append(f' <way id="{i}" version="1">')
    for r in refs: lines.append(f'  <nd ref="{r}"/>')
    for k, v in tags.items(): lines.append(f'  <tag k="{k}" v="{esc(v)}"/>')
    lines.append(' </way>')
lines.append('</osm>')
open(pathlib.Path(__file__).with_name("osm_semantics.osm"), "w").write("\n".join(lines) + "\n")
