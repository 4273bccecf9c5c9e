#!/usr/bin/env bash
# setup.sh - installs the Debian packages cpted needs to build, test and document
# itself, but only those that are missing. Safe to run again: with everything present
# it only checks and exits.
set -euo pipefail
trap 'echo "setup.sh: FAILED (line $LINENO): $BASH_COMMAND" >&2' ERR

PACKAGES=(
    build-essential cmake pkg-config
    libgeos-dev libproj-dev libgdal-dev gdal-bin
    libcmocka-dev doxygen valgrind clang-14 libclang-rt-14-dev abigail-tools
    python3-jsonschema python3-gdal python3-cffi python3-pytest python3-shapely python3-numpy
    python3-geopandas python3-matplotlib python3-distributed time
    locales
    chromium python3-pil
)

if ! command -v dpkg-query > /dev/null; then
    echo "setup.sh: dpkg-query not found: this script supports Debian/Ubuntu only." >&2
    echo "setup.sh: install the equivalents of: ${PACKAGES[*]}" >&2
    exit 1
fi

# The locale tests (tests/unit/test_locale.c) run under de_DE.UTF-8, a locale
# with a decimal comma, as QGIS and Qt hosts set it; Debian's `locales` has its
# definition, localedef compiles it (once).
ensure_locale() {
    if locale -a 2> /dev/null | grep -qix 'de_DE\.utf-\?8'; then
        return 0
    fi
    local s=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo > /dev/null || { echo "setup.sh: not root and no sudo: run localedef -i de_DE -f UTF-8 de_DE.UTF-8" >&2; exit 1; }
        s=(sudo)
    fi
    echo "setup.sh: generating the locale de_DE.UTF-8"
    "${s[@]}" localedef -i de_DE -f UTF-8 de_DE.UTF-8
}

missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup.sh: all ${#PACKAGES[@]} packages are installed"
    ensure_locale
    exit 0
fi

echo "setup.sh: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo > /dev/null || { echo "setup.sh: not root and no sudo: install ${missing[*]} by hand" >&2; exit 1; }
    sudo=(sudo)
fi
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"

for pkg in "${missing[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null || true)
    [ "$status" = "install ok installed" ] || { echo "setup.sh: $pkg is still not installed" >&2; exit 1; }
done
echo "setup.sh: installed ${#missing[@]} package(s)"
ensure_locale
