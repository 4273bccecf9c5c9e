#!/usr/bin/env bash
# quickstart.sh - installs what is missing, builds cpted and runs it on the sample
# plaza (samples/plaza/plaza.gpkg, described in samples/plaza/README.md).
set -euo pipefail
trap 'echo "quickstart.sh: FAILED (line $LINENO): $BASH_COMMAND" >&2' ERR

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The command the quick start demonstrates. When `cpted analyze` exists, this becomes
# (analyze samples/plaza/plaza.gpkg --vehicle M1).
QUICKSTART_COMMAND=(info samples/plaza/plaza.gpkg)

"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build"

cd "$root"
echo
echo "\$ build/apps/cpted ${QUICKSTART_COMMAND[*]}"
build/apps/cpted "${QUICKSTART_COMMAND[@]}"
echo
echo "quickstart.sh: done. Next: scripts/test.sh runs every test. See docs/user-guide.md."
