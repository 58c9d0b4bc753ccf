// The per-version GC-root offsets. How each number was found, so it can be
// re-derived for a new release:
//  * Heap::IterateRoots(RootVisitor*, EnumSet<SkipRoot>...) in the official
//    node binary (`objdump -d --start-address=<nm address>`) lists every root
//    source in V8's order (src/heap/heap.cc): the strong roots range is the
//    first VisitRootPointers(kStrongRootList, begin, end) call (lea off(%rdi)),
//    then Bootstrapper, Relocatable, Debug, CompilationCache, Builtins,
//    ThreadManager, GlobalHandles, TracedHandles, Isolate::Iterate (thread
//    local top and stack frames), HandleScopeImplementer, IsolateSafepoint,
//    PersistentHandlesList, EternalHandles, MicrotaskQueue ring,
//    Heap::strong_roots_head_, startup object cache; each loads its object
//    through `mov isolate_(%heap)` then `mov off(%isolate)`.
//  * GlobalHandles::IterateStrongRoots, TracedHandles(Impl)::Iterate,
//    EternalHandles::IterateAllRoots, HandleScopeImplementer::Iterate and
//    ::IterateThis, MicrotaskQueue::IterateMicrotasks,
//    SerializerDeserializer::IterateStartupObjectCache, Builtins::builtin_slot,
//    CompilationCache::Iterate, PersistentHandlesList::Iterate and
//    Isolate::Iterate(RootVisitor*, ThreadLocalTop*) give the inner layouts.
//  * roots_table is where the contiguous run of read-only roots ends going
//    down from strong_roots_begin; on every version the words at
//    undefined_index / null_index there are the undefined / null oddballs
//    (kind 5/3 on V8 10-11, 4/3 from V8 12), and index 10 (10.2, 11.3) is the
//    meta map, matching include/v8-internal.h (Internals::kIsolateRootsOffset,
//    kUndefinedValueRootIndex 4, kNullValueRootIndex 6) and V8 14's static
//    roots order (undefined first, then the hole, then null).
// Checked on cores of 18.20.8, 20.20.2, 22.23.3, 24.21.0 and 26.12.1: every
// slot of every source above holds a heap object or a Smi, and the global
// handle node states split into strong (1) and weak (2).
#include "graph/roots_layout.h"

namespace corescope::graph {
namespace {

std::vector<RootsLayout> MakeLayouts() {
  std::vector<RootsLayout> v;

  {  // Node 18.20.8, V8 10.2.154
    RootsLayout l;
    l.v8_major = 10; l.v8_minor = 2; l.node_major = "18";
    l.heap_isolate_field = 0x50; l.isolate_heap_offset = 0xc638;
    l.roots_table = 0x120; l.strong_roots_begin = 0x16e8; l.strong_roots_end = 0x1970;
    l.undefined_index = 4; l.null_index = 6;
    l.builtin_table = 0x85b8; l.builtin_count = 0x806;
    // ThreadLocalTop: context_ +0x10, pending_exception_ +0x20,
    // pending_message_obj_ +0x60, scheduled_exception_ +0x70.
    l.thread_local_top = 0x44c0; l.tlt_slots = {0x10, 0x20, 0x60, 0x70}; l.tlt_try_catch = 0x0;
    l.handle_scope_implementer = 0xd788; l.handle_scope_next = 0xd768;
    l.hsi_blocks = 0x8; l.hsi_context_vectors[0] = 0x20; l.hsi_context_vectors[1] = 0x50;
    l.hsi_marker = 0x70;
    l.global_handles = 0xd7a8; l.gh_regular_nodes = 0x10; l.gh_state_mask = 7; l.gh_traced_nodes = 0x30;
    l.eternal_handles = 0xd7b0; l.default_microtask_queue = 0xdaf8; l.startup_object_cache = 0xea20;
    l.compilation_cache = 0xd590; l.compilation_cache_shape = CompilationCacheShape::kSubcaches;
    l.bootstrapper = 0xd580; l.persistent_handles_list = 0xe958; l.phl_head = 0x28;
    l.heap_strong_roots_head = 0x9d0;
    v.push_back(l);
  }
  {  // Node 20.20.2, V8 11.3.244
    RootsLayout l;
    l.v8_major = 11; l.v8_minor = 3; l.node_major = "20";
    l.heap_isolate_field = 0x50; l.isolate_heap_offset = 0xd2c0;
    l.roots_table = 0x1f0; l.strong_roots_begin = 0x1908; l.strong_roots_end = 0x1bb0;
    l.undefined_index = 4; l.null_index = 6;
    l.builtin_table = 0x8e78; l.builtin_count = 0x886;
    l.thread_local_top = 0x108; l.tlt_slots = {0x10, 0x20, 0x60, 0x70}; l.tlt_try_catch = 0x0;
    l.handle_scope_implementer = 0xe3b0; l.handle_scope_next = 0xe390;
    l.hsi_blocks = 0x8; l.hsi_context_vectors[0] = 0x20; l.hsi_context_vectors[1] = 0x50;
    l.hsi_marker = 0x70;
    l.global_handles = 0xe3d0; l.gh_regular_nodes = 0x8; l.gh_state_mask = 3;
    l.traced_handles = 0xe3d8; l.traced_indirect = true; l.traced_capacity = 0x2a; l.traced_nodes = 0x30;
    l.eternal_handles = 0xe3e0; l.default_microtask_queue = 0xe730; l.startup_object_cache = 0xf658;
    l.compilation_cache = 0xe1b8; l.bootstrapper = 0xe1a8; l.persistent_handles_list = 0xf580; l.phl_head = 0x28;
    l.heap_strong_roots_head = 0x9a8;
    v.push_back(l);
  }
  {  // Node 22.23.3, V8 12.4.254
    RootsLayout l;
    l.v8_major = 12; l.v8_minor = 4; l.node_major = "22";
    l.heap_isolate_field = 0x18; l.isolate_heap_offset = 0xdea0;
    l.roots_table = 0x250; l.strong_roots_begin = 0x1a10; l.strong_roots_end = 0x1d10;
    l.undefined_index = 4; l.null_index = 6;
    l.builtin_table = 0x9688; l.builtin_count = 0x900;
    // ThreadLocalTop: context_ +0x10, exception_ +0x28, pending_message_ +0x80.
    l.thread_local_top = 0x110; l.tlt_slots = {0x10, 0x28, 0x80}; l.tlt_try_catch = 0x58;
    l.isolate_slots = {0x240};
    l.handle_scope_implementer = 0xedb8; l.handle_scope_next = 0x200;
    l.hsi_blocks = 0x8; l.hsi_context_vectors[0] = 0x20; l.hsi_context_vectors[1] = 0x38;
    l.hsi_marker = 0x58;
    l.global_handles = 0xedd8; l.gh_regular_nodes = 0x8; l.gh_state_mask = 3;
    l.traced_handles = 0xede0; l.traced_capacity = 0x2a; l.traced_nodes = 0x30;
    l.eternal_handles = 0xee60; l.default_microtask_queue = 0xf1b0; l.startup_object_cache = 0x100e0;
    l.compilation_cache = 0xebd8; l.bootstrapper = 0xebc8; l.persistent_handles_list = 0x10000; l.phl_head = 0x28;
    l.heap_strong_roots_head = 0x7a0;
    v.push_back(l);
  }
  {  // Node 24.21.0, V8 13.6.233
    RootsLayout l;
    l.v8_major = 13; l.v8_minor = 6; l.node_major = "24";
    l.heap_isolate_field = 0x18; l.isolate_heap_offset = 0xeff8;
    l.roots_table = 0x280; l.strong_roots_begin = 0x22a0; l.strong_roots_end = 0x25e0;
    l.undefined_index = 4; l.null_index = 6;
    l.builtin_table = 0xa4f0; l.builtin_count = 0x950;
    l.thread_local_top = 0x140; l.tlt_slots = {0x10, 0x28, 0x80}; l.tlt_try_catch = 0x58;
    l.isolate_slots = {0x278};
    l.handle_scope_implementer = 0xfcf0; l.handle_scope_next = 0x230;
    l.hsi_blocks = 0x8; l.hsi_context_vectors[0] = 0x20; l.hsi_context_vectors[1] = 0x38;
    l.hsi_marker = 0x58; l.hsi_marker_flag = 0x60;
    l.global_handles = 0xfd10; l.gh_regular_nodes = 0x8; l.gh_state_mask = 3;
    l.traced_handles = 0xfd18; l.traced_capacity = 0x3a; l.traced_nodes = 0x48;
    l.eternal_handles = 0xfd80; l.default_microtask_queue = 0x100d0; l.startup_object_cache = 0x11018;
    l.compilation_cache = 0xfc48; l.bootstrapper = 0xfc38; l.persistent_handles_list = 0x10f28; l.phl_head = 0x8;
    l.heap_strong_roots_head = 0x820;
    v.push_back(l);
  }
  {  // Node 26.12.1, V8 14.6.202
    RootsLayout l;
    l.v8_major = 14; l.v8_minor = 6; l.node_major = "26";
    l.heap_isolate_field = 0x8; l.isolate_heap_offset = 0xf3c0;
    l.roots_table = 0x2b0; l.strong_roots_begin = 0x2378; l.strong_roots_end = 0x2690;
    l.undefined_index = 0; l.null_index = 2;
    l.builtin_table = 0xa798; l.builtin_count = 0x96f;
    l.thread_local_top = 0x148; l.tlt_slots = {0x10, 0x28, 0x80}; l.tlt_try_catch = 0x58;
    l.isolate_slots = {0x2a8, 0xf318};
    l.handle_scope_implementer = 0x100b0; l.handle_scope_next = 0x230;
    l.hsi_blocks = 0x8; l.hsi_context_vectors[0] = 0x20; l.hsi_context_vectors[1] = 0x38;
    l.hsi_marker = 0x58; l.hsi_marker_flag = 0x60;
    l.global_handles = 0x100d0; l.gh_regular_nodes = 0x8; l.gh_state_mask = 3;
    l.traced_handles = 0x100d8; l.traced_capacity = 0x3a; l.traced_nodes = 0x48;
    l.eternal_handles = 0x10140; l.default_microtask_queue = 0x10490; l.startup_object_cache = 0x113c8;
    l.compilation_cache = 0x10008; l.bootstrapper = 0xfff8; l.persistent_handles_list = 0x112e0; l.phl_head = 0x8;
    l.heap_strong_roots_head = 0x858;
    v.push_back(l);
  }
  return v;
}

const std::vector<RootsLayout>& Layouts() {
  static const std::vector<RootsLayout>* layouts = new std::vector<RootsLayout>(MakeLayouts());
  return *layouts;
}

}  // namespace

const RootsLayout* FindRootsLayout(int v8_major, int v8_minor) {
  for (const RootsLayout& l : Layouts()) {
    if (l.v8_major == v8_major && l.v8_minor == v8_minor) return &l;
  }
  return nullptr;
}

std::vector<std::string> SupportedRootsVersions() {
  std::vector<std::string> out;
  for (const RootsLayout& l : Layouts()) {
    out.push_back(std::to_string(l.v8_major) + "." + std::to_string(l.v8_minor) + " (Node " + l.node_major + ")");
  }
  return out;
}

}  // namespace corescope::graph
