#!/usr/bin/env bash
# Installs what test/e2e/arm64.test.ts needs to make real aarch64 cores on an
# x86_64 machine: qemu-user (qemu-aarch64) and an arm64 glibc/libstdc++
# sysroot (the *-arm64-cross packages, found in the default Debian and Ubuntu
# archives without multiarch). The arm64 node binaries come from the npm
# registry on first use (scripts/fetch-node.mjs --arch arm64). Never fails
# CI: when apt is unavailable it says so and the arm64 tests skip with a
# SKIPPED reason.
set -uo pipefail

note() { echo "install-arm64: $*" >&2; }

[ "$(uname -m)" = x86_64 ] || { note "not an x86_64 host: skipping"; exit 0; }
PKGS=(qemu-user libc6-arm64-cross libstdc++6-arm64-cross)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
command -v apt-get >/dev/null || { note "no apt-get: arm64 tests will skip"; exit 0; }
SUDO=()
if [ "$(id -u)" != 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO=(sudo -n); else note "not root and no sudo: arm64 tests will skip"; exit 0; fi
fi
note "apt-get install ${missing[*]}"
if ! timeout 300 "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  timeout 120 "${SUDO[@]}" apt-get update -q >/dev/null 2>&1 || { note "apt-get update failed (offline?): arm64 tests will skip"; exit 0; }
  timeout 300 "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    note "apt-get install ${missing[*]} failed: arm64 tests will skip"
fi
exit 0
