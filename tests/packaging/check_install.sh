#!/usr/bin/env bash
# check_install.sh BUILD_DIR SOURCE_DIR WORK_DIR VERSION
#
# Installs the build tree into WORK_DIR/prefix, then builds samples/example against the
# INSTALLED package twice: with CMake (find_package(cpted CONFIG) -> cpted::cpted) and
# with pkg-config (cpted.pc). Runs both binaries and checks what they print.
set -euo pipefail

build_dir=$1
source_dir=$2
work=$3
version=$4
prefix="$work/prefix"
plaza="$source_dir/samples/plaza/plaza.gpkg"

fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"

echo "== install into $prefix"
cmake --install "$build_dir" --prefix "$prefix" > "$work/install.log"

# The library directory is whatever GNUInstallDirs chose (lib, lib64, lib/<triplet>).
pc=$(find "$prefix" -name cpted.pc -print -quit)
[ -n "$pc" ] || fail "cpted.pc was not installed"
libdir=$(dirname "$(dirname "$pc")")
for f in include/cpted/cpted.h include/cpted/cpted_version.h include/cpted/cpted_export.h bin/cpted; do
    [ -f "$prefix/$f" ] || fail "$f was not installed"
done
for f in libcpted.so "libcpted.so.${version%%.*}" "libcpted.so.$version" \
         cmake/cpted/cptedConfig.cmake cmake/cpted/cptedConfigVersion.cmake \
         cmake/cpted/cptedTargets.cmake; do
    [ -e "$libdir/$f" ] || fail "${libdir#"$prefix"/}/$f was not installed"
done
# Nothing internal leaks into the installed headers.
if grep -l 'internal.h\|cpted__' "$prefix"/include/cpted/*.h; then
    fail "installed headers mention internals"
fi

# Checks the output of one example run against the expected in-memory site lines.
check_example() {
    local bin=$1 out="$work/$2.out"
    echo "== run $bin"
    "$bin" "$plaza" > "$out" 2>&1 || { cat "$out"; fail "$bin exited with $?"; }
    cat "$out"
    local expected=(
        "cpted $version (headers $version)"
        "memory site: crs EPSG:25832, 2 features"
        "extent: 500130.000 5800150.000 500170.000 5800200.000"
        "opened $plaza: crs EPSG:25832, 31 features"
        "layer assets asset 1"
        "layer buildings building 6"
        "layer bollards barrier 8"
        "layer walls barrier 2"
        "layer perimeter perimeter 1"
        "layer boundary boundary 1"
        "M1: 1 standoff finding(s), 2 coverage finding(s), 1 breach(es)"
    )
    for line in "${expected[@]}"; do
        grep -qxF -- "$line" "$out" || fail "$2: missing line '$line'"
    done
}

echo "== CMake consumer: find_package(cpted CONFIG REQUIRED)"
cmake -S "$source_dir/samples/example" -B "$work/cmake-consumer" \
      -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release > "$work/cmake-consumer.log"
cmake --build "$work/cmake-consumer" > "$work/cmake-consumer-build.log" \
    || { cat "$work/cmake-consumer-build.log"; fail "CMake consumer did not build"; }
grep -q "cpted_DIR:PATH=$libdir/cmake/cpted" "$work/cmake-consumer/CMakeCache.txt" \
    || fail "find_package did not pick the installed package"
check_example "$work/cmake-consumer/cpted_example" cmake

echo "== pkg-config consumer"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
[ "$(pkg-config --modversion cpted)" = "$version" ] || fail "pkg-config --modversion cpted"
cflags=$(pkg-config --cflags cpted)
libs=$(pkg-config --libs cpted)
incdir=${cflags#-I}
incdir=${incdir%% *}
[ -f "$incdir/cpted/cpted.h" ] && [ "$(cd "$incdir" && pwd -P)" = "$(cd "$prefix/include" && pwd -P)" ] \
    || fail "pkg-config --cflags gives '$cflags', not the installed include directory"
# shellcheck disable=SC2086  # word splitting of the flags is intended
cc -std=c11 -Wall -Wextra -Werror $cflags "$source_dir/samples/example/example.c" \
   -o "$work/example-pkgconfig" $libs -Wl,-rpath,"$libdir"
check_example "$work/example-pkgconfig" pkgconfig

echo "== installed command line"
"$prefix/bin/cpted" --version > "$work/cli-version.out" 2>&1 \
    || { cat "$work/cli-version.out"; fail "installed cpted --version failed"; }
grep -qF "$version" "$work/cli-version.out" || fail "cpted --version does not print $version"

echo "PASS: installed package works via CMake and pkg-config"
