#!/usr/bin/env bash
# quickstart.sh - installs what is missing, builds cpted and runs it on the sample
# plaza (samples/plaza/plaza.gpkg, described in samples/plaza/README.md).
set -euo pipefail
trap 'echo "quickstart.sh: FAILED (line $LINENO): $BASH_COMMAND" >&2' ERR

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The commands the quick start demonstrates, one per line. When `cpted analyze`
# exists, the three become (analyze samples/plaza/plaza.gpkg --vehicle M1).
QUICKSTART_COMMANDS=(
    "info samples/plaza/plaza.gpkg"
    "coverage samples/plaza/plaza.gpkg --vehicle M1"
    "standoff samples/plaza/plaza.gpkg --vehicle M1 --charge 227 --allowable-kpa 20"
    "vda samples/plaza/plaza.gpkg --vehicle M1"
)

"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build"

cd "$root"
for command in "${QUICKSTART_COMMANDS[@]}"; do
    echo
    echo "\$ build/apps/cpted $command"
    # shellcheck disable=SC2086 # the command line is split into its words on purpose
    build/apps/cpted $command
done
echo
echo "quickstart.sh: done. Next: scripts/test.sh runs every test. See docs/user-guide.md."
