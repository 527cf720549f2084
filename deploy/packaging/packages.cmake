# SPDX-License-Identifier: AGPL-3.0-or-later
# The Debian packages (CPack DEB, one per component):
#   checkin-kiosk   the kiosk program, its assets, the `checkin` tool and the appliance unit
#   checkin-server  the server program and its unit
# Each gets its configuration in /etc/checkin (the documented examples, every key at its
# default), a system user and a data folder in /var/lib made by its maintainer scripts
# (deploy/packaging/<package>/), and keeps that data on upgrade, removal and purge.
# Build them with deploy/package.sh (amd64) or deploy/cross-build-arm64.sh (arm64).
set(CHECKIN_PACKAGING_DIR ${CMAKE_CURRENT_LIST_DIR})
set(CHECKIN_DEPLOY_DIR ${CMAKE_CURRENT_LIST_DIR}/..)

# The packages are for the Debian release they are built on (deploy/package.sh builds for
# another one inside a root of it), and say so in their version: 0.2.0~deb12u1 on Debian 12,
# 0.2.0~deb13u1 on Debian 13, so that a release upgrade also upgrades them. dpkg-shlibdeps
# names that release's libraries (libfmt9 or libfmt10, ...).
if(NOT DEFINED CHECKIN_DEBIAN_RELEASE)
  file(STRINGS /etc/os-release checkin_os_version REGEX "^VERSION_ID=")
  string(REGEX REPLACE "^VERSION_ID=\"?([0-9]+).*$" "\\1" CHECKIN_DEBIAN_RELEASE "${checkin_os_version}")
endif()
if(NOT CHECKIN_DEBIAN_RELEASE MATCHES "^[0-9]+$")
  message(FATAL_ERROR "packages: cannot tell the Debian release from /etc/os-release; set -DCHECKIN_DEBIAN_RELEASE=12 (or 13)")
endif()
set(CHECKIN_PACKAGE_VERSION "${PROJECT_VERSION}~deb${CHECKIN_DEBIAN_RELEASE}u1")

# Debian 12 keeps packaged units in /lib (merged /usr makes /usr/lib/systemd/system the
# same); from Debian 13 on, packages ship nothing under /lib.
if(CHECKIN_DEBIAN_RELEASE LESS 13)
  set(CHECKIN_UNIT_DIR /lib/systemd/system)
else()
  set(CHECKIN_UNIT_DIR /usr/lib/systemd/system)
endif()

install(FILES ${CHECKIN_DEPLOY_DIR}/kiosk.example.toml DESTINATION /etc/checkin RENAME kiosk.toml COMPONENT kiosk)
install(FILES ${CHECKIN_DEPLOY_DIR}/systemd/checkin-kiosk.service DESTINATION ${CHECKIN_UNIT_DIR} COMPONENT kiosk)
install(PROGRAMS ${CHECKIN_PACKAGING_DIR}/checkin-kiosk-set-pin DESTINATION sbin COMPONENT kiosk)
# The appliance's optional steps (deploy/kiosk/POWER-AND-PRIVACY.md), as commands.
install(PROGRAMS ${CHECKIN_DEPLOY_DIR}/kiosk/screen-always-on.sh DESTINATION sbin
        RENAME checkin-kiosk-screen-always-on COMPONENT kiosk)
install(PROGRAMS ${CHECKIN_DEPLOY_DIR}/kiosk/read-only-root.sh DESTINATION sbin
        RENAME checkin-kiosk-read-only-root COMPONENT kiosk)
install(PROGRAMS ${CHECKIN_DEPLOY_DIR}/kiosk/encrypt-data-partition.sh DESTINATION sbin
        RENAME checkin-kiosk-encrypt-data COMPONENT kiosk)
install(FILES ${CHECKIN_DEPLOY_DIR}/README.md ${CHECKIN_DEPLOY_DIR}/kiosk.example.toml ${CHECKIN_PACKAGING_DIR}/copyright
        DESTINATION share/doc/checkin-kiosk COMPONENT kiosk)
install(FILES ${CHECKIN_DEPLOY_DIR}/kiosk/POWER-AND-PRIVACY.md DESTINATION share/doc/checkin-kiosk/kiosk COMPONENT kiosk)

install(FILES ${CHECKIN_DEPLOY_DIR}/server.example.toml DESTINATION /etc/checkin RENAME server.toml COMPONENT server)
install(FILES ${CHECKIN_DEPLOY_DIR}/systemd/checkin-server.service
              ${CHECKIN_DEPLOY_DIR}/server/checkin-server-backup.service
              ${CHECKIN_DEPLOY_DIR}/server/checkin-server-backup.timer
        DESTINATION ${CHECKIN_UNIT_DIR} COMPONENT server)
install(PROGRAMS ${CHECKIN_DEPLOY_DIR}/server/checkin-server-backup.sh DESTINATION bin RENAME checkin-server-backup
        COMPONENT server)
# deploy/README.md links to server/README.md: the same layout under /usr/share/doc.
install(FILES ${CHECKIN_DEPLOY_DIR}/README.md ${CHECKIN_DEPLOY_DIR}/server.example.toml ${CHECKIN_PACKAGING_DIR}/copyright
        DESTINATION share/doc/checkin-server COMPONENT server)
install(FILES ${CHECKIN_DEPLOY_DIR}/server/README.md ${CHECKIN_DEPLOY_DIR}/server/nginx-checkin.conf
        DESTINATION share/doc/checkin-server/server COMPONENT server)

# Packaging needs the three programs, not the tests: package.sh builds just those.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_VENDOR "Community check-in")
set(CPACK_PACKAGE_CONTACT "Community check-in maintainers <maintainers@users.noreply.r-seed-3180f063.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL kiosk server)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_VERSION "${CHECKIN_PACKAGE_VERSION}")
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/checkin")

set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME checkin-kiosk)
set(CPACK_COMPONENT_KIOSK_DESCRIPTION
"QR check-in kiosk for community programs
A fullscreen touchscreen kiosk that checks people into sessions and volunteer shifts by
scanning QR passes with a camera or USB scanner. Works offline: attendance is kept in
SQLite and synced to checkin-server. Starts on the display at boot (systemd, KMS/DRM).")
# systemd: the kiosk is an appliance started, watched and restarted by systemd; udev
# makes the input and render groups and tells SDL about plugged-in devices. SDL loads
# EGL, GLES and the Mesa GPU drivers at run time (dpkg-shlibdeps cannot see them); its
# KMS/DRM backend draws through them.
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS
    "adduser, init-system-helpers, systemd, udev, fonts-dejavu-core, libegl1, libegl-mesa0, libgles2, libgl1-mesa-dri")
# The optional encrypted data partition (checkin-kiosk-encrypt-data).
set(CPACK_DEBIAN_KIOSK_PACKAGE_SUGGESTS "cryptsetup, clevis-luks, clevis-systemd, sqlite3")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
    "${CHECKIN_PACKAGING_DIR}/checkin-kiosk/conffiles;${CHECKIN_PACKAGING_DIR}/checkin-kiosk/postinst;${CHECKIN_PACKAGING_DIR}/checkin-kiosk/prerm;${CHECKIN_PACKAGING_DIR}/checkin-kiosk/postrm")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME checkin-server)
set(CPACK_COMPONENT_SERVER_DESCRIPTION
"central server for the community check-in kiosks
Collects attendance from the kiosks, sends them sessions, shifts, rosters and
revocations, and serves the coordinators' web dashboard: reports, CSV exports,
volunteer hours, pass printing and kiosk enrolment. SQLite by default, PostgreSQL for
organisations with many sites.")
# sqlite3: the nightly backup's copy (checkin-server-backup); pg_dump for PostgreSQL comes
# with postgresql-client, suggested with the server and nginx for TLS in front.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser, init-system-helpers, fonts-dejavu-core, tzdata, sqlite3")
set(CPACK_DEBIAN_SERVER_PACKAGE_SUGGESTS "postgresql, postgresql-client, nginx")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${CHECKIN_PACKAGING_DIR}/checkin-server/conffiles;${CHECKIN_PACKAGING_DIR}/checkin-server/postinst;${CHECKIN_PACKAGING_DIR}/checkin-server/prerm;${CHECKIN_PACKAGING_DIR}/checkin-server/postrm")

include(CPack)
