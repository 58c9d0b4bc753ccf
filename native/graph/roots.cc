// CollectRoots: walks V8's root structures of each isolate through the
// offsets of roots_layout.h. Every pointer chain is bounded (blocks, list
// hops, vector sizes) and every read is checked; a structure that does not
// read back sensibly becomes a warning, never a crash.
#include "graph/roots.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <unordered_set>

#include "util/byte_reader.h"
#include "util/limits.h"

namespace corescope::graph {
namespace {

constexpr uint64_t kMaxGlobalBlocks = limits::kMaxGlobalHandleBlocks;
constexpr uint64_t kMaxTracedBlocks = limits::kMaxTracedHandleBlocks;
constexpr uint64_t kMaxHandleBlocks = limits::kMaxHandleScopeBlocks;
constexpr uint64_t kMaxEternalHandles = limits::kMaxEternalHandles;
constexpr uint64_t kMaxContextsSaved = limits::kMaxSavedContexts;
constexpr uint64_t kMaxMicrotaskQueues = limits::kMaxMicrotaskQueues;
constexpr uint64_t kMaxMicrotasks = limits::kMaxMicrotasks;
constexpr uint64_t kMaxStartupCache = limits::kMaxStartupObjectCache;
constexpr uint64_t kMaxListHops = limits::kMaxListHops;
constexpr uint64_t kMaxCompilationGenerations = limits::kMaxCompilationCacheGenerations;
constexpr uint64_t kMaxStackBytes = limits::kMaxThreadStackBytes;
constexpr uint64_t kMaxTryCatch = limits::kMaxTryCatchHandlers;

class Walker {
 public:
  Walker(const target::Target& t, const heap::PageTable& pages, const v8::Heap& heap, RootSet* out)
      : mem_(t.memory()), t_(t), pages_(pages), heap_(heap), out_(out) {}

  std::optional<uint64_t> U64(uint64_t a) const { return mem_.ReadU64(a); }
  std::optional<uint32_t> U32(uint64_t a) const { return mem_.ReadU32(a); }
  std::optional<uint8_t> U8(uint64_t a) const { return mem_.ReadValue<uint8_t>(a); }
  std::optional<uint16_t> U16(uint64_t a) const { return mem_.ReadValue<uint16_t>(a); }

  // Looks like a tagged pointer into a V8 page.
  bool Plausible(uint64_t w) const { return v8::IsStrong(w) && heap_.InHeap(v8::Untag(w)); }
  bool PlausibleAny(uint64_t w) const {
    return (v8::IsStrong(w) || v8::IsWeak(w)) && heap_.InHeap(v8::Untag(w));
  }

  void Add(RootCategory c, uint64_t where, uint64_t value, uint32_t index, bool weak = false,
           uint16_t class_id = 0, uint16_t thread = 0) {
    if (!PlausibleAny(value)) return;
    RootSlot s;
    s.value = value;
    s.where = where;
    s.index = index;
    s.category = c;
    s.weak = weak;
    s.isolate = isolate_index_;
    s.thread = thread;
    s.class_id = class_id;
    out_->slots.push_back(s);
    out_->counts[static_cast<int>(c)]++;
    if (weak) out_->weak_counts[static_cast<int>(c)]++;
  }
  // AddRange adds every word of [begin, end) (bounded by the caller).
  void AddRange(RootCategory c, uint64_t begin, uint64_t end, uint32_t first_index) {
    if (end < begin) return;
    uint32_t idx = first_index;
    for (uint64_t a = begin; a + 8 <= end; a += 8, ++idx) {
      if (auto w = U64(a)) Add(c, a, *w, idx);
    }
  }
  void Warn(std::string w) { out_->warnings.push_back(std::move(w)); }

  // Isolate finds and verifies the Isolate of a Heap*. nullopt (with a
  // warning) when it does not verify.
  std::optional<uint64_t> FindIsolate(const RootsLayout& l, uint64_t heap_ptr) {
    auto iso = U64(heap_ptr + l.heap_isolate_field);
    if (!iso || *iso + l.isolate_heap_offset != heap_ptr) {
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    "ISOLATE_NOT_FOUND: Heap 0x%" PRIx64 " does not point back to its Isolate "
                    "(Heap::isolate_ at +0x%x)",
                    heap_ptr, l.heap_isolate_field);
      Warn(buf);
      return std::nullopt;
    }
    uint64_t roots = *iso + l.roots_table;
    auto undef = U64(roots + 8ull * l.undefined_index);
    auto null = U64(roots + 8ull * l.null_index);
    bool ok = undef && null && heap_.Oddball(*undef) == v8::OddballKind::kUndefined &&
              heap_.Oddball(*null) == v8::OddballKind::kNull;
    bool meta = false;
    uint64_t ro_words = (l.strong_roots_begin - l.roots_table) / 8;
    for (uint64_t i = 0; ok && i < std::min<uint64_t>(ro_words, 64); ++i) {
      auto w = U64(roots + 8 * i);
      if (w && heap_.IsMetaMap(*w)) meta = true;
    }
    if (!ok || !meta) {
      char buf[240];
      std::snprintf(buf, sizeof buf,
                    "ROOTS_TABLE_MISMATCH: Isolate 0x%" PRIx64 ": the roots table at +0x%x does not hold "
                    "undefined/null/the meta map where V8 %d.%d keeps them",
                    *iso, l.roots_table, l.v8_major, l.v8_minor);
      Warn(buf);
      return std::nullopt;
    }
    return *iso;
  }

  void RootsTable(const RootsLayout& l, uint64_t iso) {
    // Read-only roots are immortal; listed so paths can name them.
    AddRange(RootCategory::kReadOnlyRoots, iso + l.roots_table, iso + l.strong_roots_begin, 0);
    AddRange(RootCategory::kStrongRoots, iso + l.strong_roots_begin, iso + l.strong_roots_end,
             static_cast<uint32_t>((l.strong_roots_begin - l.roots_table) / 8));
    AddRange(RootCategory::kBuiltins, iso + l.builtin_table, iso + l.builtin_table + 8ull * l.builtin_count, 0);
  }

  void ThreadLocalTop(const RootsLayout& l, uint64_t iso) {
    uint64_t tlt = iso + l.thread_local_top;
    uint32_t idx = 0;
    for (uint16_t off : l.tlt_slots) {
      if (auto w = U64(tlt + off)) Add(RootCategory::kStackRoots, tlt + off, *w, idx);
      ++idx;
    }
    for (uint32_t off : l.isolate_slots) {
      if (auto w = U64(iso + off)) Add(RootCategory::kStackRoots, iso + off, *w, idx);
      ++idx;
    }
    // TryCatch handlers live on the C++ stack (also scanned below); their
    // exception / message slots are precise roots.
    auto tc = U64(tlt + l.tlt_try_catch);
    for (uint64_t hops = 0; tc && *tc && hops < kMaxTryCatch; ++hops) {
      for (uint64_t off : {kTryCatchException, kTryCatchMessage}) {
        if (auto w = U64(*tc + off)) Add(RootCategory::kStackRoots, *tc + off, *w, idx);
      }
      tc = U64(*tc + kTryCatchNext);
    }
  }

  void HandleScopes(const RootsLayout& l, uint64_t iso) {
    auto hsi = U64(iso + l.handle_scope_implementer);
    auto next = U64(iso + l.handle_scope_next);
    if (!hsi || !*hsi || !next) {
      Warn("HANDLE_SCOPES_UNREADABLE: the HandleScopeImplementer could not be read");
      return;
    }
    auto data = U64(*hsi + l.hsi_blocks);
    auto size = U64(*hsi + l.hsi_blocks + 16);
    if (!data || !size || *size > kMaxHandleBlocks) {
      Warn("HANDLE_SCOPES_UNREADABLE: handle block list out of range");
      return;
    }
    std::optional<uint64_t> marker;
    if (l.hsi_marker) {
      auto m = U64(*hsi + l.hsi_marker);
      bool has = m && *m != 0;
      if (l.hsi_marker_flag) {
        auto f = U8(*hsi + l.hsi_marker_flag);
        has = m && f && *f != 0;
      }
      if (has) marker = *m;
    }
    uint32_t idx = 0;
    for (uint64_t i = 0; i < *size; ++i) {
      auto block = U64(*data + 8 * i);
      if (!block) continue;
      uint64_t end = *block + 8 * kHandleBlockSlots;
      if (i + 1 == *size) {
        // The last block is live only up to HandleScopeData::next.
        end = (*next >= *block && *next <= end) ? *next : *block;
      } else if (marker && *marker >= *block && *marker <= end) {
        end = *marker;
      }
      AddRange(RootCategory::kHandleScope, *block, end, idx);
      idx += static_cast<uint32_t>(kHandleBlockSlots);
    }
    for (uint16_t vec : l.hsi_context_vectors) {
      auto d = U64(*hsi + vec);
      auto n = U64(*hsi + vec + 16);
      if (!d || !n || *n > kMaxContextsSaved) continue;
      AddRange(RootCategory::kHandleScope, *d, *d + 8 * *n, idx);
      idx += static_cast<uint32_t>(*n);
    }
  }

  void GlobalHandles(const RootsLayout& l, uint64_t iso) {
    auto gh = U64(iso + l.global_handles);
    if (!gh || !*gh) {
      Warn("GLOBAL_HANDLES_UNREADABLE: Isolate::global_handles_ could not be read");
      return;
    }
    auto space = U64(*gh + l.gh_regular_nodes);
    auto block = space ? U64(*space + kNodeSpaceFirstBlock) : std::nullopt;
    uint32_t idx = 0;
    uint64_t blocks = 0;
    std::unordered_set<uint64_t> seen;
    while (block && *block && blocks < kMaxGlobalBlocks && seen.insert(*block).second) {
      ++blocks;
      for (uint64_t i = 0; i < kGlobalNodesPerBlock; ++i, ++idx) {
        uint64_t node = *block + i * kGlobalNodeSize;
        auto flags = U8(node + kGlobalNodeFlags);
        auto obj = U64(node);
        if (!flags || !obj) continue;
        uint8_t state = *flags & l.gh_state_mask;
        if (state == 0) continue;  // free
        uint16_t class_id = U16(node + kGlobalNodeClassId).value_or(0);
        Add(RootCategory::kGlobalHandles, node, *obj, idx, /*weak=*/state != 1, class_id);
      }
      block = U64(*block + kGlobalBlockNext);
    }
    if (blocks == kMaxGlobalBlocks) Warn("GLOBAL_HANDLES_TRUNCATED: more global handle blocks than the limit");
    if (l.gh_traced_nodes) {
      auto tspace = U64(*gh + l.gh_traced_nodes);
      auto tblock = tspace ? U64(*tspace + kNodeSpaceFirstBlock) : std::nullopt;
      uint32_t tidx = 0;
      uint64_t tb = 0;
      while (tblock && *tblock && tb < kMaxTracedBlocks && seen.insert(*tblock).second) {
        ++tb;
        for (uint64_t i = 0; i < kGlobalNodesPerBlock; ++i, ++tidx) {
          uint64_t node = *tblock + i * kTracedNodeSize10;
          auto flags = U8(node + kGlobalNodeFlags);
          auto obj = U64(node);
          if (flags && obj && (*flags & 3) == 1) Add(RootCategory::kTracedHandles, node, *obj, tidx);
        }
        tblock = U64(*tblock + kTracedBlockNext10);
      }
    }
  }

  void TracedHandles(const RootsLayout& l, uint64_t iso) {
    if (!l.traced_handles) return;
    std::optional<uint64_t> base = iso + l.traced_handles;
    if (l.traced_indirect) base = U64(*base);
    if (!base || !*base) return;
    auto block = U64(*base);
    uint32_t idx = 0;
    uint64_t blocks = 0;
    std::unordered_set<uint64_t> seen;
    while (block && *block && blocks < kMaxTracedBlocks && seen.insert(*block).second) {
      ++blocks;
      auto cap = U16(*block + l.traced_capacity);
      for (uint64_t i = 0; cap && i < *cap; ++i, ++idx) {
        uint64_t node = *block + l.traced_nodes + i * kTracedNodeSize;
        auto flags = U8(node + kTracedNodeFlags);
        auto obj = U64(node);
        if (flags && obj && (*flags & 1)) Add(RootCategory::kTracedHandles, node, *obj, idx);
      }
      block = U64(*block + kTracedBlockNext);
    }
  }

  void EternalHandles(const RootsLayout& l, uint64_t iso) {
    auto eh = U64(iso + l.eternal_handles);
    if (!eh || !*eh) return;
    auto size = U32(*eh);
    auto b0 = U64(*eh + 8);
    auto b1 = U64(*eh + 16);
    if (!size || !b0 || !b1 || *b1 < *b0 || *size > kMaxEternalHandles ||
        (*b1 - *b0) / 8 > kMaxEternalHandles / kEternalBlockSlots + 1) {
      Warn("ETERNAL_HANDLES_UNREADABLE: EternalHandles out of range");
      return;
    }
    uint64_t left = *size;
    uint32_t idx = 0;
    for (uint64_t p = *b0; p < *b1 && left > 0; p += 8) {
      auto block = U64(p);
      uint64_t n = std::min<uint64_t>(left, kEternalBlockSlots);
      if (block) AddRange(RootCategory::kEternalHandles, *block, *block + 8 * n, idx);
      idx += static_cast<uint32_t>(n);
      left -= n;
    }
  }

  void Microtasks(const RootsLayout& l, uint64_t iso) {
    auto first = U64(iso + l.default_microtask_queue);
    if (!first || !*first) return;
    uint64_t q = *first;
    uint32_t idx = 0;
    for (uint64_t n = 0; n < kMaxMicrotaskQueues && q; ++n) {
      auto size = U64(q + kMicrotaskSize);
      auto cap = U64(q + kMicrotaskCapacity);
      auto start = U64(q + kMicrotaskStart);
      auto ring = U64(q + kMicrotaskRing);
      if (size && cap && start && ring && *cap <= kMaxMicrotasks && *size <= *cap && *start < std::max<uint64_t>(*cap, 1)) {
        for (uint64_t i = 0; i < *size; ++i, ++idx) {
          uint64_t slot = *ring + 8 * ((*start + i) % *cap);
          if (auto w = U64(slot)) Add(RootCategory::kMicrotaskQueue, slot, *w, idx);
        }
      }
      auto next = U64(q + kMicrotaskNext);
      if (!next || *next == *first) break;
      q = *next;
    }
  }

  void StartupCache(const RootsLayout& l, uint64_t iso) {
    auto b = U64(iso + l.startup_object_cache);
    auto e = U64(iso + l.startup_object_cache + 8);
    if (!b || !e || *e < *b || (*e - *b) / 8 > kMaxStartupCache) {
      Warn("STARTUP_CACHE_UNREADABLE: startup object cache out of range");
      return;
    }
    AddRange(RootCategory::kStartupObjectCache, *b, *e, 0);
  }

  void CompilationCache(const RootsLayout& l, uint64_t iso) {
    auto cc = U64(iso + l.compilation_cache);
    if (!cc || !*cc) return;
    if (l.compilation_cache_shape == CompilationCacheShape::kSlots) {
      uint32_t idx = 0;
      for (uint64_t off : {0x10, 0x20, 0x30, 0x40, 0x48}) {
        if (auto w = U64(*cc + off)) Add(RootCategory::kCompilationCache, *cc + off, *w, idx);
        ++idx;
      }
      return;
    }
    uint32_t idx = 0;
    for (uint64_t i = 0; i < 4; ++i) {
      auto sub = U64(*cc + 0xa8 + 8 * i);
      if (!sub || !*sub) continue;
      auto gens = U32(*sub + 0x10);
      if (!gens || *gens > kMaxCompilationGenerations) continue;
      AddRange(RootCategory::kCompilationCache, *sub + 0x18, *sub + 0x18 + 8ull * *gens, idx);
      idx += *gens;
    }
  }

  void Bootstrapper(const RootsLayout& l, uint64_t iso) {
    auto b = U64(iso + l.bootstrapper);
    if (!b || !*b) return;
    if (auto w = U64(*b + 0x18)) Add(RootCategory::kBootstrapper, *b + 0x18, *w, 0);
  }

  void PersistentHandles(const RootsLayout& l, uint64_t iso) {
    auto list = U64(iso + l.persistent_handles_list);
    if (!list || !*list) return;
    auto ph = U64(*list + l.phl_head);
    uint32_t idx = 0;
    for (uint64_t hops = 0; ph && *ph && hops < kMaxListHops; ++hops) {
      auto b0 = U64(*ph + kPersistentBlocks);
      auto b1 = U64(*ph + kPersistentBlocks + 8);
      auto next_slot = U64(*ph + kPersistentBlockNext);
      if (b0 && b1 && *b1 >= *b0 && (*b1 - *b0) / 8 <= kMaxHandleBlocks) {
        for (uint64_t p = *b0; p < *b1; p += 8) {
          auto block = U64(p);
          if (!block) continue;
          uint64_t end = *block + 8 * kHandleBlockSlots;
          if (p + 8 == *b1 && next_slot && *next_slot >= *block && *next_slot <= end) end = *next_slot;
          AddRange(RootCategory::kHandleScope, *block, end, idx);
          idx += static_cast<uint32_t>(kHandleBlockSlots);
        }
      }
      ph = U64(*ph + kPersistentNext);
    }
  }

  void HeapStrongRootsList(const RootsLayout& l, uint64_t heap_ptr) {
    auto e = U64(heap_ptr + l.heap_strong_roots_head);
    uint32_t idx = 0;
    for (uint64_t hops = 0; e && *e && hops < kMaxListHops; ++hops) {
      auto s = U64(*e + kStrongRootsEntryStart);
      auto end = U64(*e + kStrongRootsEntryEnd);
      if (s && end && *end >= *s && (*end - *s) / 8 <= kMaxStartupCache) {
        AddRange(RootCategory::kStrongRoots, *s, *end, 100000 + idx);
        idx += static_cast<uint32_t>((*end - *s) / 8);
      }
      e = U64(*e + kStrongRootsEntryNext);
    }
  }

  // Stacks scans every thread's stack: only its V8 frames when the stack
  // walk completed (precise, as V8's own GC), else from sp to the end of its
  // mapping (conservative: a word counts when it points into a V8 page; the
  // graph keeps only exact object starts).
  void Stacks(const std::vector<ThreadFrames>& frames, Progress& progress) {
    const auto& threads = t_.core().threads();
    for (size_t ti = 0; ti < threads.size(); ++ti) {
      uint64_t sp = threads[ti].regs.sp & ~uint64_t{7};
      const memory::Region* r = mem_.FindRegion(sp);
      if (!r || !r->data) continue;
      uint64_t end = std::min<uint64_t>(r->end, sp + kMaxStackBytes);
      if (ti < frames.size() && frames[ti].walked) {
        ++precise_stacks_;
        for (const StackRange& f : frames[ti].ranges) {
          uint64_t b = std::max(f.begin & ~uint64_t{7}, sp), e = std::min(f.end, end);
          if (b < e) ScanStack(b, e, sp, static_cast<uint16_t>(ti));
        }
      } else {
        ScanStack(sp, end, sp, static_cast<uint16_t>(ti));
      }
      if (progress.Cancelled()) return;
    }
  }

  void ScanStack(uint64_t begin, uint64_t end, uint64_t sp, uint16_t thread) {
    const uint8_t* p = mem_.Span(begin, end - begin);
    if (!p) return;
    for (uint64_t off = 0; off + 8 <= end - begin; off += 8) {
      uint64_t w = Load<uint64_t>(p + off);
      if (Plausible(w)) Add(RootCategory::kStackRoots, begin + off, w, static_cast<uint32_t>((begin + off - sp) / 8), false, 0, thread);
    }
  }

  size_t precise_stacks() const { return precise_stacks_; }

  // Conservative fallback: every word of writable memory outside V8 pages.
  void WritableMemory(Progress& progress) {
    uint32_t idx = 0;
    for (const memory::Region& r : mem_.regions()) {
      if (!r.data || !(r.flags & 2)) continue;  // PF_W
      if (pages_.Find(r.start)) continue;
      for (uint64_t a = (r.start + 7) & ~uint64_t{7}; a + 8 <= r.end; a += 8) {
        uint64_t w = Load<uint64_t>(r.data + (a - r.start));
        if (Plausible(w) && !pages_.Find(a)) Add(RootCategory::kConservative, a, w, idx++);
      }
      if (progress.Cancelled()) return;
    }
  }

  void set_isolate_index(uint8_t i) { isolate_index_ = i; }

 private:
  const memory::AddressSpace& mem_;
  const target::Target& t_;
  const heap::PageTable& pages_;
  const v8::Heap& heap_;
  RootSet* out_;
  uint8_t isolate_index_ = 0;
  size_t precise_stacks_ = 0;
};

}  // namespace

const char* RootCategoryName(RootCategory c) {
  switch (c) {
    case RootCategory::kReadOnlyRoots: return "(Read-only roots)";
    case RootCategory::kStrongRoots: return "(Strong roots)";
    case RootCategory::kBuiltins: return "(Builtins)";
    case RootCategory::kStackRoots: return "(Stack roots)";
    case RootCategory::kHandleScope: return "(Handle scope)";
    case RootCategory::kGlobalHandles: return "(Global handles)";
    case RootCategory::kTracedHandles: return "(Traced handles)";
    case RootCategory::kEternalHandles: return "(Eternal handles)";
    case RootCategory::kMicrotaskQueue: return "(Microtask queue)";
    case RootCategory::kStartupObjectCache: return "(Startup object cache)";
    case RootCategory::kCompilationCache: return "(Compilation cache)";
    case RootCategory::kBootstrapper: return "(Bootstrapper)";
    case RootCategory::kConservative: return "(Conservative roots)";
    case RootCategory::kCount: break;
  }
  return "(Unknown)";
}

std::string RootLabel(const RootSlot& s) {
  char buf[128];
  switch (s.category) {
    case RootCategory::kGlobalHandles:
      std::snprintf(buf, sizeof buf, "%sglobal handle #%u%s", s.weak ? "weak " : "", s.index,
                    s.class_id ? (" class_id " + std::to_string(s.class_id)).c_str() : "");
      break;
    case RootCategory::kStackRoots:
      if (s.where == 0 || s.index < 8) {
        std::snprintf(buf, sizeof buf, "stack slot 0x%" PRIx64 " (thread %u)", s.where, s.thread);
      } else {
        std::snprintf(buf, sizeof buf, "stack of thread %u at 0x%" PRIx64, s.thread, s.where);
      }
      break;
    case RootCategory::kReadOnlyRoots:
    case RootCategory::kStrongRoots:
      std::snprintf(buf, sizeof buf, "root #%u", s.index);
      break;
    case RootCategory::kBuiltins:
      std::snprintf(buf, sizeof buf, "builtin #%u", s.index);
      break;
    default:
      std::snprintf(buf, sizeof buf, "[%u]", s.index);
      break;
  }
  return buf;
}

Result<RootSet> CollectRoots(const target::Target& t, const heap::PageTable& pages, const v8::Heap& heap,
                             const std::vector<ThreadFrames>& frames, Progress& progress) {
  RootSet out;
  Walker w(t, pages, heap, &out);
  const auto& ver = t.metadata().v8_version();
  const RootsLayout* l = FindRootsLayout(ver.major, ver.minor);
  bool all_precise = l != nullptr && !pages.heaps().empty();
  if (!l) {
    std::string list;
    for (const auto& s : SupportedRootsVersions()) list += (list.empty() ? "" : ", ") + s;
    out.warnings.push_back("ROOTS_APPROXIMATE: V8 " + ver.ToString() +
                           " has no known root layout (known: " + list +
                           "); liveness uses stacks and all writable memory as roots, so some garbage "
                           "may count as live");
  }
  uint8_t index = 0;
  for (uint64_t heap_ptr : pages.heaps()) {
    w.set_isolate_index(index++);
    std::optional<uint64_t> iso;
    if (l) iso = w.FindIsolate(*l, heap_ptr);
    out.isolates.push_back(iso.value_or(0));
    if (!iso) {
      all_precise = false;
      continue;
    }
    progress.Report("roots", index, pages.heaps().size());
    w.RootsTable(*l, *iso);
    w.ThreadLocalTop(*l, *iso);
    w.HandleScopes(*l, *iso);
    w.GlobalHandles(*l, *iso);
    w.TracedHandles(*l, *iso);
    w.EternalHandles(*l, *iso);
    w.Microtasks(*l, *iso);
    w.StartupCache(*l, *iso);
    w.CompilationCache(*l, *iso);
    w.Bootstrapper(*l, *iso);
    w.PersistentHandles(*l, *iso);
    w.HeapStrongRootsList(*l, heap_ptr);
    if (progress.Cancelled()) return MakeError(ErrorCode::kCancelled, "cancelled while collecting roots");
  }
  w.Stacks(frames, progress);
  if (!all_precise) {
    if (l) {
      out.warnings.push_back(
          "ROOTS_APPROXIMATE: some isolate's roots could not be verified; liveness also uses all writable "
          "memory as roots, so some garbage may count as live");
    }
    w.WritableMemory(progress);
  }
  if (progress.Cancelled()) return MakeError(ErrorCode::kCancelled, "cancelled while collecting roots");
  out.precise = all_precise;
  out.precise_stacks = static_cast<uint32_t>(w.precise_stacks());
  return out;
}

}  // namespace corescope::graph
