#!/usr/bin/env bash
# Installs what the llnode backend and the compressed-core support need:
# lldb (Debian's, with liblldb-dev to build llnode against), the llnode
# plugin into the git-ignored .cache/llnode/, and the zstd/lz4/xz tools.
# Idempotent and quick when everything is already there; when the package
# registries cannot be reached it says so and exits 0, and the llnode tests
# skip with that reason. Never fails CI on its own.
set -uo pipefail
cd "$(dirname "$0")/.."

LLNODE_VERSION=4.0.0
PREFIX=.cache/llnode
PLUGIN="$PREFIX/node_modules/llnode/llnode.so"

note() { echo "install-llnode: $*" >&2; }

apt_install() {
  # apt-get needs root; skip (with a note) elsewhere.
  if [ "$(id -u)" != 0 ]; then note "not root: skipping apt-get install $*"; return 1; fi
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  note "apt-get install ${missing[*]}"
  if ! timeout 300 apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    timeout 120 apt-get update -q >/dev/null 2>&1 || { note "apt-get update failed (offline?)"; return 1; }
    timeout 300 apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || { note "apt-get install ${missing[*]} failed"; return 1; }
  fi
}

# Compressed cores: systemd-coredump writes .zst (or .lz4/.xz) files.
apt_install zstd lz4 xz-utils || true

if [ -f "$PLUGIN" ] && command -v lldb >/dev/null 2>&1; then
  note "llnode $LLNODE_VERSION already installed at $PLUGIN"
  exit 0
fi

if ! apt_install lldb liblldb-dev; then
  note "lldb not installed: the llnode tests will be skipped"
  exit 0
fi

# llnode's node-gyp build finds lldb's headers through the lldb on PATH.
mkdir -p "$PREFIX"
note "npm install llnode@$LLNODE_VERSION into $PREFIX (builds llnode.so, ~40 s)"
if ! timeout 600 npm install --prefix "$PREFIX" --no-save --no-audit --no-fund "llnode@$LLNODE_VERSION" >"$PREFIX/install.log" 2>&1; then
  note "npm install llnode failed (see $PREFIX/install.log): the llnode tests will be skipped"
  exit 0
fi
if [ ! -f "$PLUGIN" ]; then
  note "llnode installed but $PLUGIN is missing: the llnode tests will be skipped"
  exit 0
fi
note "llnode ready: $PLUGIN"
