#!/usr/bin/env bash
# quickstart.sh - installs what is missing, builds cpted and runs it on the sample
# plaza (samples/plaza/plaza.gpkg, described in samples/plaza/README.md).
set -euo pipefail
trap 'echo "quickstart.sh: FAILED (line $LINENO): $BASH_COMMAND" >&2' ERR

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build"

cd "$root"
out=build/quickstart
mkdir -p "$out"
# What the site holds, then the whole analysis: coverage, standoff (a 227 kg
# charge against 20 kPa) and the vehicle dynamics assessment over one free
# space, into one styled GeoPackage, a JSON summary and the HTML report.
QUICKSTART_COMMANDS=(
    "info samples/plaza/plaza.gpkg"
    "analyze samples/plaza/plaza.gpkg --vehicle M1 --charge 227 --allowable-kpa 20 -o $out/plaza.gpkg --report $out/plaza-report.html --json $out/plaza-analysis.json --overwrite"
)
for command in "${QUICKSTART_COMMANDS[@]}"; do
    echo
    echo "\$ build/apps/cpted $command"
    # shellcheck disable=SC2086 # the command line is split into its words on purpose
    build/apps/cpted $command
done
echo
echo "The report:     $root/$out/plaza-report.html (open it in a browser; it prints to A4/A3)"
echo "The GIS layers: $root/$out/plaza.gpkg (open it in QGIS: the layers come styled)"
echo "The JSON:       $root/$out/plaza-analysis.json (cpted/analysis/1)"
echo
echo "quickstart.sh: done. Next: scripts/test.sh runs every test. See docs/user-guide.md."
