#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Builds the libFuzzer harnesses (tests/fuzz/*_fuzz.cpp) with Debian's clang, AddressSanitizer
# and UBSan into BUILD_DIR (default: build/fuzz), apart from the normal GCC build.
#   tests/fuzz/build.sh [BUILD_DIR]
#   build/fuzz/tests/fuzz/fuzz_enrolment_code -max_total_time=600 tests/fuzz/corpus/enrolment_code
# Debian 12's clang-14 cannot compile libstdc++ 12's <expected>; clang-16 can when told
# clang has C++20 concepts (libstdc++ 12 hides <expected> otherwise). Debian 13's clang 19
# needs nothing. deploy/install-deps.sh installs the right one.
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${1:-$source_dir/build/fuzz}

if command -v clang++-16 >/dev/null; then
  cc=clang-16 cxx=clang++-16 defines="-D__cpp_concepts=202002L"
elif command -v clang++ >/dev/null && [ "$(clang++ -dumpversion | cut -d. -f1)" -ge 17 ]; then
  cc=clang cxx=clang++ defines=""
else
  echo "fuzz/build: no usable clang (Debian 12: clang-16 libclang-rt-16-dev; Debian 13: clang libclang-rt-dev)" >&2
  exit 1
fi
flags="-gline-tables-only -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHECKIN_FUZZ=ON -DCHECKIN_WERROR=OFF \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags $defines -Wno-macro-redefined" >"$build_dir.configure.log" 2>&1 ||
  { cat "$build_dir.configure.log" >&2; exit 1; }
cmake --build "$build_dir" -j"${FUZZ_BUILD_JOBS:-2}" --target fuzz_harnesses
