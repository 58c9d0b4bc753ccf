#!/usr/bin/env bash
# Builds the libFuzzer targets (native/fuzz/*_fuzz.cc) with clang and
# -fsanitize=fuzzer,address,undefined, and runs each for a given time.
#
#   scripts/fuzz.sh [seconds per target (default 600)] [target ...]
#
# Targets: elf_file core_file metadata heap (default: all). Needs clang and
# libFuzzer (Debian: apt-get install -y clang libclang-rt-14-dev); not needed
# for `npm test`, which replays the seeds with g++ (scripts/fuzz-replay.mjs).
#
# The library is compiled with -fsanitize=fuzzer-no-link so that libFuzzer
# sees its coverage, through native/CMakeLists.txt's CORESCOPE_FUZZ option
# (plain cmake; no addon). Seeds come from scripts/fuzz-corpus.mjs (synthetic
# ELF files, and heap images cut from real cores of every node in
# FUZZ_NODES, default: this node). Everything lives in .cache/fuzz/ (git-
# ignored, and safe from `node-gyp rebuild`, which wipes build/): seeds/,
# the growing corpus/<target>, crashes in artifacts/<target>/, logs/<target>.log.
#
# Environment: FUZZ_JOBS (targets run at once, default 1), FUZZ_TIMEOUT (seconds
# one input may take before it counts as a hang, default 10), FUZZ_NODES
# (space-separated node binaries for heap seeds), CXX (default clang++).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER_TARGET=${1:-600}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=()
  for f in native/fuzz/*_fuzz.cc; do TARGETS+=("$(basename "$f" _fuzz.cc)"); done
fi
JOBS=${FUZZ_JOBS:-1}
CXX=${CXX:-clang++}
OUT=$ROOT/.cache/fuzz          # not build/: `node-gyp rebuild` wipes build/
SEEDS=$OUT/seeds

command -v "$CXX" >/dev/null || { echo "fuzz.sh: $CXX not found; apt-get install -y clang libclang-rt-14-dev" >&2; exit 2; }

mkdir -p "$OUT"

# Seeds (synthetic + heap images).
node_args=()
for n in ${FUZZ_NODES:-$(command -v node)}; do node_args+=(--node "$n"); done
node scripts/fuzz-corpus.mjs --out "$SEEDS" --heap "${node_args[@]}"

# Build: the library instrumented for coverage, targets linked with libFuzzer.
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -gline-tables-only"
cmake -S native -B "$OUT/cmake" -DCORESCOPE_FUZZ=ON -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="$flags" >"$OUT/cmake.log" 2>&1 ||
  { cat "$OUT/cmake.log" >&2; exit 1; }
build_targets=()
for t in "${TARGETS[@]}"; do build_targets+=(--target "${t}_fuzz"); done
cmake --build "$OUT/cmake" -j 2 "${build_targets[@]}" >"$OUT/build.log" 2>&1 ||
  { tail -50 "$OUT/build.log" >&2; exit 1; }

# Run: each target for SECONDS_PER_TARGET, JOBS at a time, one core each.
mkdir -p "$OUT/logs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The heap target fuzzes the small images (a few pages each: ~100 ms per
# input); the whole-heap images are replayed by npm test instead.
rm -rf "$SEEDS/heap-few"
mkdir -p "$SEEDS/heap-few"
cp "$SEEDS"/heap/*-few-* "$SEEDS/heap-few/" 2>/dev/null || true
run_one() {
  local t=$1
  local bin=$OUT/cmake/${t}_fuzz
  local seeds=$SEEDS/$t max_len=262144
  if [ "$t" = heap ]; then seeds=$SEEDS/heap-few max_len=2097152; fi
  mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t"
  # -timeout: one input taking >10 s is a hang finding; -rss_limit_mb bounds
  # allocations sized from input; -max_len bounds mutated inputs.
  "$bin" "$OUT/corpus/$t" "$seeds" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -max_len="$max_len" \
    -artifact_prefix="$OUT/artifacts/$t/" -print_final_stats=1 \
    >"$OUT/logs/$t.log" 2>&1 || true
}
running=0
for t in "${TARGETS[@]}"; do
  echo "fuzz.sh: running $t for ${SECONDS_PER_TARGET}s (log .cache/fuzz/logs/$t.log)"
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait

# Summary: executions, coverage, corpus size and findings per target.
status=0
for t in "${TARGETS[@]}"; do
  log=$OUT/logs/$t.log
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  corpus=$(ls "$OUT/corpus/$t" | wc -l)
  findings=$(ls "$OUT/artifacts/$t" | wc -l)
  echo "fuzz.sh: $t: $execs executions, cov $cov, corpus $corpus, findings $findings"
  if [ "$findings" -gt 0 ]; then
    status=1
    ls "$OUT/artifacts/$t" | sed "s|^|  .cache/fuzz/artifacts/$t/|"
    grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer)|runtime error' "$log" | sed 's/^/  /' || true
  fi
done
exit $status
