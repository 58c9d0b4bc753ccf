// HeapIndex: every object of the V8 heap in a core, found by walking all
// pages (in parallel) once, kept compactly for later queries: a per-page
// object-start bitmap (1 bit per 8 bytes) with rank counts, so object
// ordinal <-> address lookups are O(1) and a 1 GiB heap costs ~17 MiB. Map
// words and sizes are not copied: they are read again from the core when
// needed. Also keeps the per-map object counts and bytes the histograms are
// built from, and closure counts per SharedFunctionInfo. Built once per
// Session; the reference graph (issue 4) uses the ordinals.
// Knows pages and objects; knows nothing of naming (see naming.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "heap/heap_walker.h"
#include "heap/page_table.h"
#include "util/big_array.h"
#include "util/progress.h"
#include "util/result.h"
#include "v8/objects.h"

namespace corescope::heap {

// MapStats: objects of one map (by MapInfo::id).
struct MapStats {
  uint64_t count = 0;
  uint64_t bytes = 0;
  uint64_t sample = 0;  // the lowest-addressed object with this map (tagged), for naming
};

// ClosureStats: JSFunction objects sharing one SharedFunctionInfo.
struct ClosureStats {
  uint64_t count = 0;
  uint64_t bytes = 0;
};

struct IndexOptions {
  unsigned threads = 0;        // 0: std::thread::hardware_concurrency() (at least 1, at most 16)
};

class HeapIndex {
 public:
  // Build walks every page of `pages` except semispace from-pages. Errors:
  // kCancelled. Pages that cannot be read are counted, not errors.
  static Result<std::unique_ptr<HeapIndex>> Build(const v8::Heap& heap, const PageTable& pages,
                                                  const IndexOptions& opts, Progress& progress);

  uint64_t object_count() const { return total_objects_; }
  const WalkStats& stats() const { return stats_; }
  // map_stats: indexed by MapInfo::id (maps decoded during the walk).
  const std::vector<MapStats>& map_stats() const { return map_stats_; }
  // closures: SharedFunctionInfo (tagged) -> JSFunctions using it.
  const std::unordered_map<uint64_t, ClosureStats>& closures() const { return closures_; }
  // per_object_names: objects (untagged, in address order) whose row name
  // depends on the object, not just its map (v8::Heap::NameDependsOnObject:
  // dictionary-mode and prototype objects whose own properties name them).
  const std::vector<uint64_t>& per_object_names() const { return per_object_; }
  // pages_walked: the pages in the index, in address order.
  size_t page_count() const { return pages_.size(); }
  const Page& page(size_t i) const { return pages_[i].page; }

  // OrdinalOf: the ordinal of the object starting at addr (tagged or not).
  std::optional<uint32_t> OrdinalOf(uint64_t addr) const;
  // AddressOf: the start address (untagged) of object `ordinal`.
  std::optional<uint64_t> AddressOf(uint32_t ordinal) const;
  // ObjectContaining: the start (untagged) of the object containing addr.
  std::optional<uint64_t> ObjectContaining(uint64_t addr) const;

  // ForEachObject calls fn(ordinal, untagged address) in address order
  // until fn returns false. Safe to call from several threads at once.
  void ForEachObject(const std::function<bool(uint32_t, uint64_t)>& fn) const;
  // ForEachObjectInPage: the same for one page (index < page_count()).
  void ForEachObjectInPage(size_t page_index, const std::function<bool(uint32_t, uint64_t)>& fn) const;
  // VisitPage: ForEachObjectInPage inlined, for the hot loops (no
  // std::function call per object).
  template <typename Fn>
  void VisitPage(size_t page_index, Fn&& fn) const {
    if (page_index >= pages_.size()) return;
    const PageIndex& pi = pages_[page_index];
    uint64_t ordinal = pi.first_ordinal;
    const uint64_t* bits = pi.bits;
    for (size_t w = 0, n = pi.words; w < n; ++w) {
      uint64_t b = bits[w];
      while (b) {
        uint64_t bit = w * 64 + static_cast<uint64_t>(__builtin_ctzll(b));
        b &= b - 1;
        if (!fn(static_cast<uint32_t>(ordinal++), pi.page.area_start + 8 * bit)) return;
      }
    }
  }
  // The object-start bitmap of a page (bit i: an object at area_start + 8*i),
  // its first ordinal and object count, for indexes built on top of this one.
  struct WordSpan {
    const uint64_t* words;
    size_t count;
    const uint64_t* data() const { return words; }
    size_t size() const { return count; }
    uint64_t operator[](size_t i) const { return words[i]; }
  };
  WordSpan page_bits(size_t i) const { return {pages_[i].bits, pages_[i].words}; }
  uint64_t page_first_ordinal(size_t i) const { return pages_[i].first_ordinal; }
  uint32_t page_object_count(size_t i) const { return pages_[i].count; }

  // Memory used by the index itself, in bytes (for diagnostics/benchmarks).
  uint64_t memory_bytes() const;

 private:
  struct PageIndex {
    Page page;
    uint64_t first_ordinal = 0;
    uint32_t count = 0;
    uint32_t words = 0;             // of bits
    uint64_t* bits = nullptr;       // in bits_; bit i: an object starts at area_start + 8*i
    uint32_t* rank = nullptr;       // in rank_; objects before each 8-word (512-bit) block
    uint32_t blocks = 0;            // of rank
  };
  const PageIndex* PageFor(uint64_t addr) const;

  std::vector<PageIndex> pages_;    // sorted by area_start
  // Every page's bits in one array (~17 MiB per GiB of heap): mapped on huge
  // pages, not a few thousand separate 4 KiB allocations faulted in one by one.
  BigArray<uint64_t> bits_;
  std::vector<uint32_t> rank_;
  uint64_t total_objects_ = 0;
  WalkStats stats_;
  std::vector<MapStats> map_stats_;
  std::unordered_map<uint64_t, ClosureStats> closures_;
  std::vector<uint64_t> per_object_;
};

}  // namespace corescope::heap
