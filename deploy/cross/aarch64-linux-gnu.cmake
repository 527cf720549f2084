# SPDX-License-Identifier: AGPL-3.0-or-later
# CMake toolchain file: build for arm64 (Raspberry Pi OS / Debian 12 or 13, 64-bit) on an
# amd64 machine of the same release with the aarch64 cross compiler and multiarch :arm64 -dev packages.
# deploy/cross-build-arm64.sh installs all of that, unpacks the rest (below) and configures:
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=deploy/cross/aarch64-linux-gnu.cmake \
#         -DCHECKIN_CROSS_EXTRA_ROOT=build-arm64/arm64-extra
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Multiarch: the target's root is this machine's root, so there is no sysroot to set. Headers
# are shared (/usr/include; the cross compiler adds /usr/include/aarch64-linux-gnu itself);
# CMAKE_LIBRARY_ARCHITECTURE makes find_library and find_package look in
# /usr/lib/aarch64-linux-gnu, as the arm64 pkg-config does, never in the amd64 directories.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(PKG_CONFIG_EXECUTABLE aarch64-linux-gnu-pkg-config CACHE FILEPATH "pkg-config for the arm64 .pc files")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)  # build tools are the host's

# ctest, and catch_discover_tests at build time, run the arm64 programs through qemu-user
# (no binfmt_misc needed); -L /: the arm64 loader and libraries are in this root.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static -L /)

# A few arm64 packages cannot be installed beside their amd64 twins (libpqxx and Debian 13's
# libcatch2-dev have no Multi-Arch: same; libzbar-dev pulls in ImageMagick's -dev packages, which have none either),
# so the script unpacks them into this directory, with its .pc files pointing into it. Programs
# in the build tree find the unpacked libpqxx through their build RPATH; installed ones have none.
set(CHECKIN_CROSS_EXTRA_ROOT "" CACHE PATH "Unpacked arm64 packages that multiarch cannot install beside amd64's")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CHECKIN_CROSS_EXTRA_ROOT)
if(CHECKIN_CROSS_EXTRA_ROOT)
  set(ENV{PKG_CONFIG_PATH} "${CHECKIN_CROSS_EXTRA_ROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:$ENV{PKG_CONFIG_PATH}")
  # CMake packages there come first: Debian 13's Catch2 3 keeps its library and CMake files
  # in /usr/lib, not in an architecture's directory, so /usr/lib/cmake/Catch2 is amd64's.
  list(PREPEND CMAKE_PREFIX_PATH "${CHECKIN_CROSS_EXTRA_ROOT}/usr")
  # dpkg-shlibdeps finds the unpacked runtime libraries here, and their shlibs files in
  # CHECKIN_CROSS_EXTRA_ROOT/DEBIAN, so the packages still depend on them.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${CHECKIN_CROSS_EXTRA_ROOT}/usr/lib/aarch64-linux-gnu")
endif()

set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
