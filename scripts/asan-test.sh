#!/usr/bin/env bash
# Builds the addon with AddressSanitizer + UBSan (cmake-js, native/CMakeLists.txt
# CORESCOPE_SANITIZE=ON) and runs the end-to-end tests against it.
#
#   scripts/asan-test.sh [vitest args...]     (default: test/e2e test/robustness)
#
# node itself is not instrumented, so the ASan runtime is preloaded into it
# (LD_PRELOAD) and leak checking is off (node leaks by design at exit).
# src/native.ts loads the addon named by CORESCOPE_ADDON, so test processes
# and the CLI processes they spawn use the sanitized build. Sanitizer reports
# are written to build/asan/logs/; any report fails the run, even one from a
# child process whose test still passed.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/asan
ADDON=$OUT/Release/corescope.node
LOGS=$OUT/logs

npx cmake-js build -d native -O "$OUT" --CDCORESCOPE_SANITIZE=ON -T corescope -p 2 >"$OUT.build.log" 2>&1 ||
  { tail -50 "$OUT.build.log" >&2; echo "asan-test: build failed (log: $OUT.build.log)" >&2; exit 1; }
[ -f "$ADDON" ] || { echo "asan-test: $ADDON was not built" >&2; exit 1; }

# The ASan runtime the addon links against (cmake-js builds with the default c++).
LIBASAN=$(ldd "$ADDON" | awk '/libasan/ {print $3}')
[ -n "$LIBASAN" ] || LIBASAN=$(c++ -print-file-name=libasan.so)

# tsc first: spawned CLI tests run dist/ (as `npm test` does).
node node_modules/typescript/bin/tsc -p tsconfig.json

# Scenario processes and shells that the tests crash on purpose (SIGSEGV,
# SIGBUS, ...) inherit the preloaded runtime: ASan must leave their signals to
# the kernel, or they would die of ASan's abort instead of the signal the test
# expects, and must not zero their core limit (disable_coredump, on by default
# on 64-bit). Memory errors in the addon are still caught by its instrumentation;
# a wild read it does not catch still kills the test process (a failure).
SIGNALS="handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:disable_coredump=0"

# gdb (gcore, used by capture and the gcore-route tests) hangs attaching to a
# process when the ASan runtime is preloaded into gdb itself: wrappers early on
# PATH run gdb and gcore without LD_PRELOAD.
WRAP=$OUT/bin
mkdir -p "$WRAP"
for tool in gdb gcore; do
  real=$(command -v "$tool" || true)
  [ -n "$real" ] || continue
  printf '#!/bin/sh\nexec env -u LD_PRELOAD "%s" "$@"\n' "$real" >"$WRAP/$tool"
  chmod +x "$WRAP/$tool"
done

rm -rf "$LOGS"
mkdir -p "$LOGS"
[ $# -gt 0 ] || set -- test/e2e test/robustness
status=0
env CORESCOPE_ADDON="$ADDON" LD_PRELOAD="$LIBASAN" PATH="$WRAP:$PATH" \
  ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$LOGS/asan:allocator_may_return_null=1:$SIGNALS" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$LOGS/ubsan" \
  npx vitest run "$@" || status=$?

# LD_PRELOAD puts the ASan runtime into every process the tests start, so a
# report from another program (node itself, a shell) can land here too. A
# report counts only when a frame is in the addon (corescope.node or a
# native/ source); the others are listed as ignored.
ours=0
for f in "$LOGS"/*; do
  [ -e "$f" ] || continue
  if grep -qE 'corescope\.node|/native/' "$f"; then
    ours=$((ours + 1))
    echo "== $f" >&2
    head -40 "$f" >&2
  else
    echo "asan-test: ignored $(basename "$f"): $(grep -m1 -oE 'ERROR: [A-Za-z]+: [A-Za-z-]+' "$f") in $(grep -m1 -oE '\(/[^ +)]+' "$f" | tr -d '(') (not corescope)" >&2
  fi
done
if [ "$ours" -gt 0 ]; then
  echo "asan-test: $ours sanitizer report(s) from corescope in $LOGS" >&2
  status=1
fi
if [ "$status" -eq 0 ]; then
  echo "asan-test: tests passed against $ADDON with no sanitizer reports"
fi
exit $status
