#!/usr/bin/env bash
# Entry point of the corescope image: runs corescope (or lldb with llnode) on
# a core mounted from the host, with the host's node binary.
#
#   corescope-entrypoint [--node <path>] <core|dir> [command [options...]]   # command: report (default), info, stack, shell, ...
#   corescope-entrypoint lldb <core|dir>                      # lldb with llnode loaded
#   corescope-entrypoint --help | <any corescope arguments>   # plain corescope
#
# <dir> (e.g. systemd-coredump's /var/lib/systemd/coredump mounted at /cores)
# means its newest core. The node binary is --node <path>, else $CORESCOPE_NODE, else /host/node,
# else the host root mounted at $CORESCOPE_HOST_ROOT (default /host) joined
# with the path the core recorded. $CORESCOPE_BACKEND=llnode selects llnode.
# $CORESCOPE_HOME is the corescope install (the image's /opt/corescope; a
# checkout when run outside Docker).
set -euo pipefail

HOME_DIR="${CORESCOPE_HOME:-/opt/corescope}"
HOST_ROOT="${CORESCOPE_HOST_ROOT:-/host}"
CLI=(node "$HOME_DIR/bin/corescope.js")

die() { echo "corescope-entrypoint: $*" >&2; exit 2; }

# newest_core DIR: the most recently modified core-looking file in DIR.
newest_core() {
  local f
  f=$(find "$1" -maxdepth 1 -type f \( -name 'core' -o -name 'core.*' -o -name '*.core' \) -printf '%T@ %p\n' 2>/dev/null \
      | sort -rn | head -n1 | cut -d' ' -f2-)
  [ -n "$f" ] || die "no core files in $1 (expected core, core.* or *.core; systemd-coredump names them core.<exe>.<uid>.<boot>.<pid>.<time>.zst)"
  echo "$f"
}

resolve_core() {
  local c="$1"
  [ -e "$c" ] || die "core $c does not exist (mount it: docker run -v /var/lib/systemd/coredump:/cores:ro ...)"
  if [ -d "$c" ]; then newest_core "$c"; else echo "$c"; fi
}

# node_for CORE: the node binary to read CORE with.
node_for() {
  if [ -n "${CORESCOPE_NODE:-}" ]; then echo "$CORESCOPE_NODE"; return; fi
  if [ -f /host/node ]; then echo /host/node; return; fi
  # The path the core recorded, under the mounted host root.
  local recorded
  recorded=$("${CLI[@]}" info --json "$1" 2>/dev/null | sed -n 's/.*"corePath": *"\([^"]*\)".*/\1/p' | head -n1 || true)
  if [ -z "$recorded" ]; then
    recorded=$("${CLI[@]}" info "$1" 2>&1 | sed -n 's/.*cannot open executable \([^:]*\):.*/\1/p' | head -n1 || true)
  fi
  if [ -n "$recorded" ] && [ -f "$HOST_ROOT$recorded" ]; then echo "$HOST_ROOT$recorded"; return; fi
  die "cannot find the node binary that dumped $1${recorded:+ (it was $recorded)}; mount it: -v \$(command -v node):/host/node:ro, or the host root at $HOST_ROOT, or set CORESCOPE_NODE"
}

plugin() {
  local p="${CORESCOPE_LLNODE_PLUGIN:-$HOME_DIR/.cache/llnode/node_modules/llnode/llnode.so}"
  [ -f "$p" ] || die "llnode.so not found at $p (run scripts/install-llnode.sh)"
  echo "$p"
}

# --node <path>: the host's node binary as mounted (e.g. -v /usr/bin/node:/host/usr/bin/node:ro).
if [ "${1:-}" = --node ]; then
  [ $# -ge 2 ] || die "usage: --node <path to the node binary that dumped the core> <core|dir> [command ...]"
  [ -f "$2" ] || die "node binary $2 does not exist (mount it: docker run -v \$(command -v node):/host/node:ro ...)"
  export CORESCOPE_NODE="$2"
  shift 2
fi

if [ $# -eq 0 ] || [[ "$1" == -* ]] || [ "$1" = help ]; then
  exec "${CLI[@]}" "$@"
fi

if [ "$1" = lldb ]; then
  [ $# -ge 2 ] || die "usage: lldb <core|dir>"
  core=$(resolve_core "$2")
  node=$(node_for "$core")
  exec lldb --no-lldbinit -o "plugin load $(plugin)" -c "$core" "$node"
fi

core=$(resolve_core "$1")
shift
cmd="${1:-}"
if [ -z "$cmd" ]; then
  # An interactive terminal gets the shell; anything else the triage report.
  if [ -t 0 ] && [ -t 1 ]; then cmd=shell; else cmd=report; fi
else
  shift
fi
node=$(node_for "$core")
backend=()
[ -n "${CORESCOPE_BACKEND:-}" ] && backend=(--backend "$CORESCOPE_BACKEND")
exec "${CLI[@]}" -e "$node" "${backend[@]}" "$cmd" "$core" "$@"
