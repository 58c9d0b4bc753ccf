// GC roots of the isolates in a core, grouped in the categories V8's heap
// snapshot shows under (GC roots): the isolate roots table (read-only and
// strong), builtins, global / traced / eternal handles, live handle scopes,
// the microtask queues, the startup object cache, the compilation cache, the
// thread-local top and every thread's stack (scanned conservatively). The
// offsets come from roots_layout.h; every structure is validated before it is
// trusted and every count is bounded. Knows V8's C++ root structures and
// thread stacks; knows nothing of object bodies or the reference graph (see
// ref_graph.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/roots_layout.h"
#include "heap/page_table.h"
#include "target/target.h"
#include "util/progress.h"
#include "util/result.h"
#include "v8/objects.h"

namespace corescope::graph {

// RootCategory: one synthetic "(…)" node under (GC roots).
enum class RootCategory : uint8_t {
  kReadOnlyRoots,
  kStrongRoots,
  kBuiltins,
  kStackRoots,
  kHandleScope,
  kGlobalHandles,
  kTracedHandles,
  kEternalHandles,
  kMicrotaskQueue,
  kStartupObjectCache,
  kCompilationCache,
  kBootstrapper,
  kConservative,  // fallback only: words of writable non-heap memory
  kCount,
};
inline constexpr int kRootCategoryCount = static_cast<int>(RootCategory::kCount);
// RootCategoryName: "(Global handles)", "(Stack roots)", ... as DevTools names them.
const char* RootCategoryName(RootCategory c);

// RootSlot: one root: a word that may point at a heap object.
struct RootSlot {
  uint64_t value = 0;       // the word (tagged pointer expected; others are dropped later)
  uint64_t where = 0;       // address of the slot in the dead process (0 if synthetic)
  uint32_t index = 0;       // position within its category (handle index, root index...)
  RootCategory category = RootCategory::kStrongRoots;
  bool weak = false;        // weak global handles: shown, but do not keep alive
  uint8_t isolate = 0;      // index into RootSet::isolates
  uint16_t thread = 0;      // stack roots: thread number (0 = crashing thread)
  uint16_t class_id = 0;    // global handles: the embedder class id
};

struct RootSet {
  std::vector<RootSlot> slots;
  std::vector<uint64_t> isolates;        // Isolate* per heap in PageTable::heaps() order (0 = not found)
  bool precise = false;                  // every isolate's root layout was found and verified
  uint32_t precise_stacks = 0;           // threads whose stack was scanned by V8 frames only
  std::vector<std::string> warnings;     // fallbacks taken, structures that did not verify
  uint64_t counts[kRootCategoryCount] = {};
  uint64_t weak_counts[kRootCategoryCount] = {};
};

// StackRange: the slots of one V8 frame (JS, builtin, stub, entry or exit)
// on a thread's stack, [begin, end). V8 keeps object pointers on the stack
// only in its own frames; C++ frames hold handles (roots of their own), and
// any other word there is stale: a pointer left behind by an earlier, deeper
// call, often to garbage.
struct StackRange {
  uint64_t begin = 0, end = 0;
  uint16_t thread = 0;  // index in the core's thread list
};

// StackFrames: for each thread (by index), the V8 frame ranges of its stack
// when the stack walk reached the end of the frame chain; a thread missing
// here (or with walked = false) is scanned whole, conservatively.
struct ThreadFrames {
  bool walked = false;
  std::vector<StackRange> ranges;
};

// RootLabel: a short description of a root slot for paths and refs, e.g.
// "global handle #12", "stack of thread 1 (sp+0x48)", "roots table [37]".
std::string RootLabel(const RootSlot& s);

// CollectRoots finds every isolate of the core (one per Heap* in the page
// table), checks its roots table (undefined / null oddballs at their indices,
// the meta map among the read-only roots), and lists its roots. Stacks of all
// threads are scanned from sp to the end of their mapping for words that
// point into a V8 page, or, for threads in `frames` whose walk completed,
// only the slots of their V8 frames. When the V8 version has no layout, or an isolate does
// not verify, the fallback roots are the stacks plus every word of writable
// memory outside V8 pages, with a warning (liveness is then approximate).
// Errors: none for missing structures (they become warnings); kCancelled.
Result<RootSet> CollectRoots(const target::Target& t, const heap::PageTable& pages, const v8::Heap& heap,
                             const std::vector<ThreadFrames>& frames, Progress& progress);

}  // namespace corescope::graph
