#!/usr/bin/env bash
# Builds examples/hello-plugin exactly as a third party would: install the SDK from a configured Scratch build
# (component "sdk" only) into a temporary prefix, copy the example out of the source tree, configure it with
# only that prefix to find the SDK, build it with warnings as errors, check that hello.so exports
# scratch_plugin_entry, and copy it to OUTPUT for the host tests (CTest fixture hello_plugin_built).
#
# Usage: build_example_out_of_tree.sh SCRATCH_BUILD_DIR EXAMPLE_SOURCE_DIR OUTPUT
# Environment: CMAKE_COMMAND (default: cmake), CXX (the compiler to use; default: CMake's choice),
#              KEEP_TMP=1 keeps the temporary folder for inspection.
set -euo pipefail

die() {
  printf 'build_example_out_of_tree.sh: %s\n' "$*" >&2
  exit 1
}

[[ $# -eq 3 ]] || die "usage: $0 SCRATCH_BUILD_DIR EXAMPLE_SOURCE_DIR OUTPUT"
build_dir=$1
example_dir=$2
output=$3
cmake=${CMAKE_COMMAND:-cmake}
[[ -f $build_dir/CMakeCache.txt ]] || die "$build_dir is not a configured CMake build"
[[ -f $example_dir/CMakeLists.txt ]] || die "$example_dir has no CMakeLists.txt"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/scratch-sdk-oot.XXXXXX")
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() { if [[ ${KEEP_TMP:-0} == 1 ]]; then echo "kept $tmp"; else rm -rf -- "$tmp"; fi; }
trap cleanup EXIT

echo "== install the SDK (component sdk) into $tmp/prefix"
"$cmake" --install "$build_dir" --prefix "$tmp/prefix" --component sdk
[[ -f $tmp/prefix/include/scratch/plugin_abi.h ]] || die "the install did not put scratch/plugin_abi.h in include/"
[[ -n $(find "$tmp/prefix" -name ScratchPluginSDKConfig.cmake) ]] || die "no ScratchPluginSDKConfig.cmake installed"
[[ -z $(find "$tmp/prefix" -name scratchd) ]] || die "--component sdk also installed scratchd"

echo "== copy the example out of the source tree"
cp -R "$example_dir" "$tmp/src"
rm -rf "$tmp/src/build"

echo "== configure against the installed SDK only"
# No package registry and no system prefixes for ScratchPluginSDK: the prefix must be enough on its own.
compiler=()
[[ -n ${CXX:-} ]] && compiler=(-DCMAKE_CXX_COMPILER="$CXX")
"$cmake" -S "$tmp/src" -B "$tmp/build" "${compiler[@]}" \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
  -DCMAKE_CXX_FLAGS="-Werror"
found=$(sed -n 's/^ScratchPluginSDK_DIR:PATH=//p' "$tmp/build/CMakeCache.txt")
[[ $found == "$tmp/prefix"/* ]] || die "ScratchPluginSDK was found at '$found', not in the installed prefix"

echo "== build"
"$cmake" --build "$tmp/build" -j 2

so=$tmp/build/hello.so
[[ -f $so ]] || die "the build made no hello.so"
nm -D --defined-only "$so" | grep -qw scratch_plugin_entry || die "hello.so does not export scratch_plugin_entry"

mkdir -p "$(dirname "$output")"
cp "$so" "$output"
echo "== ok: $output"
