// RootsLayout: where V8 keeps its GC roots inside the Isolate and Heap C++
// objects, per V8 version (Node 18 = V8 10.2, 20 = 11.3, 22 = 12.4,
// 24 = 13.6, 26 = 14.6). These are C++ member offsets that no v8dbg_*
// constant describes. Each was read from the official x64 node binary's own
// code for the function that visits that root (Heap::IterateRoots,
// GlobalHandles::IterateStrongRoots, HandleScopeImplementer::IterateThis, ...)
// together with the V8 source of that version (src/heap/heap.cc,
// src/execution/isolate.h, isolate-data.h, src/roots/roots.h,
// src/handles/global-handles.cc, handles.cc, src/api/api.cc, src/execution/
// microtask-queue.h, include/v8-internal.h), then checked on real cores (see
// roots_layout.cc). Knows numbers only; knows nothing of cores or objects
// (see roots.h for the walk that uses them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace corescope::graph {

// CompilationCacheShape: how CompilationCache holds its tables.
enum class CompilationCacheShape : uint8_t {
  kSubcaches,  // V8 10.2: CompilationSubCache* subcaches_[4] @+0xa8; each has
               // int generations_ @+0x10 and Object tables_[] @+0x18
  kSlots,      // V8 11+: five tagged slots inline (script table, eval global,
               // eval contextual, regexp[2]) at +0x10, +0x20, +0x30, +0x40, +0x48
};

// RootsLayout: offsets for one V8 major.minor. "iso+" offsets are from the
// Isolate address, "heap+" offsets from the Heap address (the Heap* found in
// every page header).
struct RootsLayout {
  int v8_major = 0;
  int v8_minor = 0;
  const char* node_major = "";

  // heap+: Heap::isolate_ (an Isolate*).
  uint32_t heap_isolate_field = 0;
  // offsetof(Isolate, heap_): Isolate + this == Heap* (checked).
  uint32_t isolate_heap_offset = 0;

  // iso+: IsolateData::roots_table_ (v8::internal::Internals::kIsolateRootsOffset).
  uint32_t roots_table = 0;
  // iso+: [begin, end) of the mutable strong roots (RootsTable::strong_roots_begin/end,
  // visited as Root::kStrongRootList). Read-only roots come before begin.
  uint32_t strong_roots_begin = 0;
  uint32_t strong_roots_end = 0;
  // Root indices of undefined and null (Internals::kUndefinedValueRootIndex /
  // kNullValueRootIndex, or the static roots order from V8 14).
  uint16_t undefined_index = 0;
  uint16_t null_index = 0;

  // iso+: IsolateData::builtin_table_ (Code objects) and Builtins::kBuiltinCount.
  uint32_t builtin_table = 0;
  uint32_t builtin_count = 0;

  // iso+: ThreadLocalTop (Isolate::thread_local_top()), its tagged slots
  // (context_, exception_, pending_message_, scheduled_exception_ on 10.2/11.3)
  // and try_catch_handler_ (a TryCatch*: next_ +8, exception_ +0x10, message_obj_ +0x18).
  uint32_t thread_local_top = 0;
  std::vector<uint16_t> tlt_slots;
  uint16_t tlt_try_catch = 0;
  // iso+: other single tagged slots Isolate::Iterate visits
  // (continuation_preserved_embedder_data_, ... from V8 12).
  std::vector<uint32_t> isolate_slots;

  // iso+: HandleScopeImplementer* and the live HandleScopeData::next
  // (Isolate::handle_scope_data()->next; the implementer's own copy is stale).
  uint32_t handle_scope_implementer = 0;
  uint32_t handle_scope_next = 0;
  // HandleScopeImplementer+: DetachableVector<Address*> blocks_ and the two
  // DetachableVector<Context> (entered and saved contexts). A DetachableVector
  // is {data, capacity, size}. Blocks hold kHandleBlockSize = 1022 slots.
  uint16_t hsi_blocks = 8;
  uint16_t hsi_context_vectors[2] = {0, 0};
  // HandleScopeImplementer+: last_handle_before_deferred_block_ (10.2/11.3: an
  // Address*, null when unset) / last_handle_before_persistent_block_ (12.4: an
  // Address*; 13.6+: std::optional<Address*> with has_value at hsi_marker_flag).
  // A non-last block holding the marker is live only up to it.
  uint16_t hsi_marker = 0;
  uint16_t hsi_marker_flag = 0;  // 0 = the marker is a plain pointer

  // iso+: GlobalHandles*; GlobalHandles+: NodeSpace* regular_nodes_.
  // NodeSpace+0x10: first NodeBlock; a block is 256 Nodes of 32 bytes (object
  // slot +0, class_id u16 +8, flags u8 +0xb) then next_ at +0x2018.
  uint32_t global_handles = 0;
  uint16_t gh_regular_nodes = 0;
  // Node state = flags & mask: 0 free, 1 normal (strong), 2 weak (10.2 adds
  // 3 pending, 4 near-death; all weak).
  uint8_t gh_state_mask = 3;
  // V8 10.2 only: GlobalHandles+: NodeSpace* traced_nodes_ (24-byte TracedNode,
  // in use when (flags@+0xb & 3) == 1, next block at +0x1818). 0 = none.
  uint16_t gh_traced_nodes = 0;

  // iso+: TracedHandles (11.3: a pointer to TracedHandlesImpl; 12+: inline).
  // Its first word is the first TracedNodeBlock: next_ +8, capacity u16 at
  // traced_capacity, nodes (16 bytes, in-use bit 0 of byte +0xc) at traced_nodes.
  uint32_t traced_handles = 0;  // 0 = none (V8 10.2 keeps them in GlobalHandles)
  bool traced_indirect = false;
  uint16_t traced_capacity = 0;
  uint16_t traced_nodes = 0;

  // iso+: EternalHandles* (int size_ +0; std::vector<Address*> blocks_ +8, 256 per block).
  uint32_t eternal_handles = 0;
  // iso+: MicrotaskQueue* default_microtask_queue_; the queues form a ring
  // through next_ (+0x30); each has size_ +8, capacity_ +0x10, start_ +0x18,
  // ring_buffer_ +0x20.
  uint32_t default_microtask_queue = 0;
  // iso+: std::vector<Object> startup_object_cache_.
  uint32_t startup_object_cache = 0;
  // iso+: CompilationCache*.
  uint32_t compilation_cache = 0;
  CompilationCacheShape compilation_cache_shape = CompilationCacheShape::kSlots;
  // iso+: Bootstrapper* (its SourceCodeCache extensions_cache_ slot at +0x18).
  uint32_t bootstrapper = 0;
  // iso+: PersistentHandlesList*; its head at phl_head; PersistentHandles:
  // blocks_ vector +8, block_next_ +0x20, next_ +0x38.
  uint32_t persistent_handles_list = 0;
  uint16_t phl_head = 0;
  // heap+: StrongRootsEntry* strong_roots_head_ (label +0, start +8, end +0x10, next +0x20).
  uint32_t heap_strong_roots_head = 0;
};

// FindRootsLayout returns the layout for an exact V8 major.minor, or nullptr.
const RootsLayout* FindRootsLayout(int v8_major, int v8_minor);

// SupportedRootsVersions lists "10.2 (Node 18)", ... for messages.
std::vector<std::string> SupportedRootsVersions();

// Fixed shapes shared by every supported version.
inline constexpr uint64_t kHandleBlockSlots = 1022;         // kHandleBlockSize (KB - 2)
inline constexpr uint64_t kGlobalNodeSize = 32;
inline constexpr uint64_t kGlobalNodesPerBlock = 256;
inline constexpr uint64_t kGlobalBlockNext = 0x2018;
inline constexpr uint64_t kGlobalNodeFlags = 0xb;
inline constexpr uint64_t kGlobalNodeClassId = 0x8;
inline constexpr uint64_t kNodeSpaceFirstBlock = 0x10;
inline constexpr uint64_t kTracedNodeSize10 = 24;            // V8 10.2 TracedNode
inline constexpr uint64_t kTracedBlockNext10 = 0x1818;
inline constexpr uint64_t kTracedNodeSize = 16;              // V8 11+ TracedNode
inline constexpr uint64_t kTracedNodeFlags = 0xc;
inline constexpr uint64_t kTracedBlockNext = 0x8;
inline constexpr uint64_t kEternalBlockSlots = 256;
inline constexpr uint64_t kMicrotaskSize = 0x8, kMicrotaskCapacity = 0x10, kMicrotaskStart = 0x18,
                          kMicrotaskRing = 0x20, kMicrotaskNext = 0x30;
inline constexpr uint64_t kStrongRootsEntryStart = 0x8, kStrongRootsEntryEnd = 0x10,
                          kStrongRootsEntryNext = 0x20;
inline constexpr uint64_t kPersistentBlocks = 0x8, kPersistentBlockNext = 0x20, kPersistentNext = 0x38;
inline constexpr uint64_t kTryCatchNext = 0x8, kTryCatchException = 0x10, kTryCatchMessage = 0x18;

}  // namespace corescope::graph
