// HeapWalker: a linear walk of one V8 page's object area. Objects are laid
// out back to back from area_start; each one's size comes from its map
// (v8::Heap::SizeFromWords). Free space and fillers are skipped. When a size
// is unknown or implausible the walker resynchronises: it scans forward for
// a word that starts a chain of two valid objects, and counts the skipped
// bytes. Unreadable parts of a page (truncated cores, partly dumped
// read-only pages) are skipped and counted. Knows pages and object
// boundaries; knows nothing of names or histograms (see type_histogram.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "heap/page_table.h"
#include "v8/objects.h"

namespace corescope::heap {

// WalkStats: what one walk (of a page, or merged over pages) saw.
struct WalkStats {
  uint64_t pages = 0;              // pages walked
  uint64_t objects = 0;            // objects reported (fillers not included)
  uint64_t object_bytes = 0;
  uint64_t free_bytes = 0;         // free space and fillers
  uint64_t unallocated_bytes = 0;  // zeroed tails of pages (never allocated)
  uint64_t forwarded_bytes = 0;    // stale copies left by evacuation (map word = forwarding address)
  uint64_t resync_bytes = 0;       // skipped while resynchronising
  uint64_t resync_events = 0;
  uint64_t unreadable_bytes = 0;   // not in the core (truncated, not dumped)
  uint64_t unreadable_read_only_bytes = 0;  // of which in read-only space (Node 26 dumps it partly)
  uint64_t pages_unreadable = 0;   // pages with no readable byte at all
  // resync_by_type: instance type of the object whose size was unknown (or
  // 0xffff when the walk hit a word that is not a map) -> events.
  std::map<uint16_t, uint64_t> resync_by_type;
  // resync_samples: the first few resynchronisations (address where the
  // walk failed, instance type or 0xffff, bytes skipped), for diagnostics.
  struct ResyncSample {
    uint64_t address = 0;
    uint16_t type = 0xffff;
    uint64_t skipped = 0;
    uint64_t prev_address = 0;   // the object before (0 if none in this window)
    uint16_t prev_type = 0xffff;
  };
  std::vector<ResyncSample> resync_samples;
  static constexpr size_t kMaxResyncSamples = 64;
  void NoteResync(uint64_t addr, uint16_t type, uint64_t skipped, uint64_t prev_addr, uint16_t prev_type) {
    resync_bytes += skipped;
    resync_events++;
    resync_by_type[type]++;
    if (resync_samples.size() < kMaxResyncSamples) {
      resync_samples.push_back({addr, type, skipped, prev_addr, prev_type});
    }
  }

  void Merge(const WalkStats& o);
};

// PageWalker walks pages with a per-thread map cache. Not thread-safe; use
// one per thread.
class PageWalker {
 public:
  explicit PageWalker(const v8::Heap& heap) : heap_(heap), cache_(heap) {}

  // SetAllocationAreas gives the linear allocation areas (top -> limit) found
  // in the allocators (see FindAllocationAreas). When the walk fails exactly
  // at a top, [top, limit) is the unused rest of an allocation buffer: stale
  // bytes or zeros, not objects; it is counted as unallocated.
  void SetAllocationAreas(const std::map<uint64_t, uint64_t>* areas) { labs_ = areas; }

  // Walk calls fn(address, map, size) for every object of the page, in
  // address order. fn returns false to stop the walk of this page.
  template <typename Fn>
  void Walk(const Page& page, WalkStats& stats, Fn&& fn);

  // Bytes: during fn, a pointer to [addr, addr+n) of the page being walked
  // when it lies in the current window (its copy, see Walk), else nullptr.
  const uint8_t* Bytes(uint64_t addr, uint64_t n) const {
    return addr >= win_addr_ && addr <= win_end_ && n <= win_end_ - addr ? win_base_ + (addr - win_addr_) : nullptr;
  }

 private:
  // Window returns a direct pointer to [addr, end) if the whole range is
  // in one region with data, else nullptr; *avail gets the readable prefix.
  const uint8_t* Window(uint64_t addr, uint64_t end, uint64_t* avail) const;
  // Load returns the bytes of a window to walk: a copy in copy_ read from
  // the core file when the window is an ordinary page's object area in one
  // region of the core (AddressSpace::SpanCopy: the scan then runs from
  // cache), else `base` itself (prefaulted when large enough to matter).
  const uint8_t* Load(const uint8_t* base, uint64_t addr, uint64_t avail, bool large);
  // Prefault maps [p, p+n) of the core into the page tables in one call
  // (MADV_POPULATE_READ, Linux 5.14+) instead of one fault per page; a hint.
  static void Prefault(const uint8_t* p, uint64_t n);
  // ForwardedSize: when map_word is the forwarding address of an evacuated
  // object (an untagged pointer to an object with a valid map in a V8
  // page), the size of that object if it is at most max; else 0.
  uint64_t ForwardedSize(uint64_t map_word, uint64_t max);
  // Resync finds the next object start after a failure at addr (exclusive),
  // below end; returns end when none is found.
  uint64_t Resync(uint64_t addr, uint64_t end, const uint8_t* base, uint64_t base_addr);
  // Plausible: a valid object starts at p (map + size fits before end).
  bool Plausible(uint64_t p, uint64_t end, const uint8_t* base, uint64_t base_addr, uint64_t* size,
                 const v8::MapInfo** map);

  // LabLimit: the limit of the allocation area whose top is addr, or 0.
  uint64_t LabLimit(uint64_t addr) const {
    if (!labs_) return 0;
    auto it = labs_->find(addr);
    return it == labs_->end() ? 0 : it->second;
  }

  const v8::Heap& heap_;
  v8::MapCache cache_;
  const std::map<uint64_t, uint64_t>* labs_ = nullptr;
  std::vector<uint64_t> copy_;       // one page's object area (uint64_t: 8-byte aligned)
  const uint8_t* win_base_ = nullptr;  // the current window, for Bytes()
  uint64_t win_addr_ = 0;
  uint64_t win_end_ = 0;
};

// FindAllocationAreas scans the writable memory outside V8 pages for V8's
// LinearAllocationArea records: three words (start, top, limit) with
// start <= top < limit inside one page's object area. V8 keeps one per
// allocator (new, old, code, trusted space; background threads' local
// heaps); the walk only trusts a record where it fails at `top`.
std::map<uint64_t, uint64_t> FindAllocationAreas(const v8::Heap& heap, const PageTable& pages);

// --- implementation of the template -------------------------------------

template <typename Fn>
void PageWalker::Walk(const Page& page, WalkStats& stats, Fn&& fn) {
  stats.pages++;
  const v8::InstanceTypes& types = heap_.types();
  uint64_t addr = page.area_start;
  const uint64_t area_end = page.area_end;
  const bool large = IsLargeObjectSpace(page.space);
  bool any_readable = false;
  win_base_ = nullptr;
  win_addr_ = win_end_ = 0;
  while (addr < area_end) {
    uint64_t avail = 0;
    const uint8_t* base = Window(addr, area_end, &avail);
    if (!base) {
      // Unreadable or all-zero (not dumped) stretch: skip to the next region.
      uint64_t next = area_end;
      const memory::Region* r = heap_.memory().FindRegion(addr);
      if (r && r->end > addr) next = std::min<uint64_t>(r->end, area_end);
      else {
        // Find the next readable region start inside the page (binary
        // search: a crafted core may scatter a million tiny segments over
        // one page, and a scan per gap would be quadratic).
        const auto& regs = heap_.memory().regions();
        auto it = std::upper_bound(regs.begin(), regs.end(), addr,
                                   [](uint64_t a, const memory::Region& reg) { return a < reg.start; });
        for (; it != regs.end() && it->start < area_end; ++it) {
          if (it->data) {
            next = it->start;
            break;
          }
        }
      }
      stats.unreadable_bytes += next - addr;
      if (page.space == Space::kReadOnly) stats.unreadable_read_only_bytes += next - addr;
      addr = next;
      continue;
    }
    any_readable = true;
    base = Load(base, addr, avail, large);
    win_base_ = base;
    win_addr_ = addr;
    win_end_ = addr + avail;
    const uint64_t base_addr = addr;
    const uint64_t end = addr + avail;  // readable window end (<= area_end)
    uint64_t prev_addr = 0;
    uint16_t prev_type = 0xffff;
    while (addr < end) {
      const uint64_t* words = reinterpret_cast<const uint64_t*>(base + (addr - base_addr));
      // Object headers are read in address order, but each address depends
      // on the previous object's size: prefetch ahead of the dependency chain.
      if (addr + 1024 < end) __builtin_prefetch(base + (addr - base_addr) + 1024);
      uint64_t map_word = words[0];
      const v8::MapInfo* map = map_word ? cache_.Get(map_word) : nullptr;
      // Only a word that is not a map can start an allocation buffer's unused
      // rest: look the (few) buffers up only then, not once per object.
      if (uint64_t limit = map ? 0 : LabLimit(addr); limit > addr) {
        // The unused rest of an allocation buffer.
        uint64_t stop = std::min(limit, end);
        stats.unallocated_bytes += stop - addr;
        addr = stop;
        continue;
      }
      if (map_word == 0) {
        // A zero map word: the never-allocated tail of a page, or padding
        // (read-only space alignment) before more objects.
        uint64_t p = addr;
        while (p < end && *reinterpret_cast<const uint64_t*>(base + (p - base_addr)) == 0) p += 8;
        if (p >= end) {
          stats.unallocated_bytes += end - addr;
          addr = end;
          break;
        }
        uint64_t size1;
        const v8::MapInfo* m1;
        if (Plausible(p, end, base, base_addr, &size1, &m1)) {
          uint64_t size2;
          const v8::MapInfo* m2;
          uint64_t q = p + size1;
          if (q == end || (q + 8 <= end && Plausible(q, end, base, base_addr, &size2, &m2))) {
            stats.unallocated_bytes += p - addr;
            addr = p;
            continue;
          }
        }
        uint64_t next = Resync(p, end, base, base_addr);
        stats.NoteResync(addr, 0xffff, next - addr, prev_addr, prev_type);
        prev_addr = 0;
        addr = next;
        continue;
      }
      uint64_t size = 0;
      if (map && map->instance_size != 0 && map->instance_size <= end - addr) {
        size = map->instance_size;  // fixed-size objects: the common case
      } else if (map) {
        uint64_t in_window = (end - addr) / 8;
        auto s = heap_.SizeFromWords(words, in_window < 16 ? in_window : 16, *map);
        if (s && *s >= 8 && *s <= end - addr) size = *s;
        if (!s && map->instance_size == 0 && in_window >= 16) {
          // Some rules need more words (module ScopeInfo): retry with more.
          uint64_t more = in_window < 512 ? in_window : 512;
          auto s2 = heap_.SizeFromWords(words, more, *map);
          if (s2 && *s2 >= 8 && *s2 <= end - addr) size = *s2;
        }
      }
      if (size == 0 && !map) {
        // An object the GC moved: its map word is the new copy's address
        // (V8's forwarding MapWord, the tag cleared), the copy has the map
        // and the same size. Not an object any more; skip it exactly.
        if (uint64_t moved = ForwardedSize(map_word, end - addr)) {
          stats.forwarded_bytes += moved;
          addr += moved;
          continue;
        }
        // In a new-space page, a forwarding word (even, not a map) whose copy
        // is gone marks what a GC evacuated before the allocation top was
        // reset to the page start: the rest of the page is stale.
        if (page.space == Space::kNew && (map_word & 7) == 0) {
          stats.forwarded_bytes += end - addr;
          addr = end;
          continue;
        }
      }
      if (size == 0) {
        uint64_t next = Resync(addr, end, base, base_addr);
        stats.NoteResync(addr, map ? map->instance_type : 0xffff, next - addr, prev_addr, prev_type);
        prev_addr = 0;
        addr = next;
        continue;
      }
      if (types.IsFiller(map->instance_type)) {
        stats.free_bytes += size;
      } else {
        stats.objects++;
        stats.object_bytes += size;
        if (!fn(addr, map, size)) return;
      }
      prev_addr = addr;
      prev_type = map->instance_type;
      addr += size;
      if (large && addr > page.area_start) {
        // A large-object page holds one object; the rest is unused.
        stats.unallocated_bytes += area_end - addr;
        return;
      }
    }
  }
  if (!any_readable) stats.pages_unreadable++;
}

}  // namespace corescope::heap
