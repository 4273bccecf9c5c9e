#!/usr/bin/env bash
# build.sh [BUILD_DIR] [-- CMAKE_ARGS...] - configures and builds cpted
# (RelWithDebInfo, 2 jobs). BUILD_DIR defaults to build/ in the source tree. Extra
# arguments after -- go to the CMake configure step, for example -DCPTED_SANITIZE=ON.
set -euo pipefail
trap 'echo "build.sh: FAILED (line $LINENO): $BASH_COMMAND" >&2' ERR

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$root/build"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    build_dir=$1
    shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift

jobs=${CPTED_JOBS:-2}
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$build_dir" -j "$jobs"
echo "build.sh: built in $build_dir"
