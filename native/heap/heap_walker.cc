// HeapWalker: windows over dumped memory and resynchronisation (see
// heap_walker.h). Knows pages and object boundaries; nothing of names.
#include "heap/heap_walker.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include <sys/mman.h>

namespace corescope::heap {

void WalkStats::Merge(const WalkStats& o) {
  pages += o.pages;
  objects += o.objects;
  object_bytes += o.object_bytes;
  free_bytes += o.free_bytes;
  unallocated_bytes += o.unallocated_bytes;
  forwarded_bytes += o.forwarded_bytes;
  resync_bytes += o.resync_bytes;
  resync_events += o.resync_events;
  unreadable_bytes += o.unreadable_bytes;
  unreadable_read_only_bytes += o.unreadable_read_only_bytes;
  pages_unreadable += o.pages_unreadable;
  for (const auto& [t, n] : o.resync_by_type) resync_by_type[t] += n;
  for (const auto& r : o.resync_samples) {
    if (resync_samples.size() < kMaxResyncSamples) resync_samples.push_back(r);
  }
}

void PageWalker::Prefault(const uint8_t* p, uint64_t n) {
#ifdef __linux__
  constexpr int kMadvPopulateRead = 22;  // MADV_POPULATE_READ; older kernels answer EINVAL
  static std::atomic<bool> unsupported{false};
  if (unsupported.load(std::memory_order_relaxed) || n < (64u << 10)) return;
  uintptr_t start = reinterpret_cast<uintptr_t>(p) & ~uintptr_t{4095};
  uintptr_t end = reinterpret_cast<uintptr_t>(p) + n;
  if (madvise(reinterpret_cast<void*>(start), end - start, kMadvPopulateRead) != 0 && errno == EINVAL) {
    unsupported.store(true, std::memory_order_relaxed);
  }
#else
  (void)p;
  (void)n;
#endif
}

const uint8_t* PageWalker::Load(const uint8_t* base, uint64_t addr, uint64_t avail, bool large) {
  // A large-object page holds one object, of which the walk reads only the
  // first words: populating all of it would read megabytes for nothing.
  if (large) return base;
  constexpr uint64_t kMinCopy = 64u << 10;
  constexpr uint64_t kMaxCopy = 1u << 20;  // regular pages are 256 KiB
  if (avail >= kMinCopy && avail <= kMaxCopy) {
    const uint8_t* p = heap_.memory().SpanCopy(addr, avail, &copy_);
    if (p == reinterpret_cast<const uint8_t*>(copy_.data())) return p;
  }
  Prefault(base, avail);
  return base;
}

const uint8_t* PageWalker::Window(uint64_t addr, uint64_t end, uint64_t* avail) const {
  const memory::Region* r = heap_.memory().FindRegion(addr);
  if (!r || !r->data) return nullptr;
  // Regions whose bytes continue each other in the file (a page split by
  // protection: arm64 W^X code pages) form one window; other adjacent regions
  // are walked one window at a time and an object crossing the seam resyncs.
  uint64_t stop = std::min(end, heap_.memory().ContiguousEnd(r));
  *avail = (stop - addr) & ~uint64_t{7};
  if (*avail == 0) return nullptr;
  return r->data + (addr - r->start);
}

bool PageWalker::Plausible(uint64_t p, uint64_t end, const uint8_t* base, uint64_t base_addr, uint64_t* size,
                           const v8::MapInfo** map) {
  const uint64_t* words = reinterpret_cast<const uint64_t*>(base + (p - base_addr));
  uint64_t w = words[0];
  if (!v8::IsStrong(w)) return false;
  const v8::MapInfo* m = cache_.Get(w);
  if (!m) return false;
  uint64_t in_window = (end - p) / 8;
  auto s = heap_.SizeFromWords(words, in_window < 16 ? in_window : 16, *m);
  if (!s || *s < 8 || *s > end - p) return false;
  *size = *s;
  *map = m;
  return true;
}

uint64_t PageWalker::ForwardedSize(uint64_t map_word, uint64_t max) {
  if ((map_word & 7) != 0 || !heap_.InHeap(map_word)) return 0;
  uint64_t copy[16];
  size_t n = 0;
  for (; n < 16; ++n) {
    auto w = heap_.ReadWord(map_word + 8 * n);
    if (!w) break;
    copy[n] = *w;
  }
  if (n == 0 || !v8::IsStrong(copy[0])) return 0;
  const v8::MapInfo* m = cache_.Get(copy[0]);
  if (!m) return 0;
  uint64_t size = m->instance_size;
  if (size == 0) {
    auto s = heap_.SizeFromWords(copy, n, *m);
    size = s ? *s : 0;
  }
  return size >= 8 && size <= max && (size & 7) == 0 ? size : 0;
}

uint64_t PageWalker::Resync(uint64_t addr, uint64_t end, const uint8_t* base, uint64_t base_addr) {
  // A candidate start must begin a chain of two valid objects (or one that
  // ends exactly at the window end): a single map-like word is not enough,
  // since maps are referenced from inside objects (NativeContext slots,
  // JSFunction initial maps, FixedArrays of maps).
  for (uint64_t p = addr + 8; p + 8 <= end; p += 8) {
    uint64_t size1;
    const v8::MapInfo* m1;
    if (!Plausible(p, end, base, base_addr, &size1, &m1)) continue;
    uint64_t q = p + size1;
    if (q == end) return p;
    uint64_t size2;
    const v8::MapInfo* m2;
    if (q + 8 <= end && Plausible(q, end, base, base_addr, &size2, &m2)) return p;
  }
  return end;
}

std::map<uint64_t, uint64_t> FindAllocationAreas(const v8::Heap& heap, const PageTable& pages) {
  std::map<uint64_t, uint64_t> out;
  const auto& regions = heap.memory().regions();
  auto in_page = [&](uint64_t a) -> const Page* { return pages.Find(a); };
  if (pages.pages().empty()) return out;
  uint64_t lo = ~uint64_t{0}, hi = 0;
  for (const Page& p : pages.pages()) {
    lo = std::min(lo, p.area_start);
    hi = std::max(hi, p.area_end);
  }
  const std::vector<Page>& all = pages.pages();  // sorted by chunk start
  std::vector<uint64_t> copy;
  for (const auto& r : regions) {
    // Writable, non-executable memory with data, outside V8's own pages
    // (allocators live in the C++ heap: Heap, LocalHeap, MainAllocator
    // objects). Executable writable ranges are V8's code reservations.
    if (!r.data || !(r.flags & 2) || (r.flags & 1) || r.end - r.start < 24) continue;
    // Scan the gaps between V8 chunks inside this region (adjacent V8 pages
    // are often merged into one mapping with other memory).
    auto it = std::upper_bound(all.begin(), all.end(), r.start, [](uint64_t a, const Page& p) { return a < p.start; });
    if (it != all.begin() && std::prev(it)->start + std::prev(it)->size > r.start) --it;
    uint64_t cursor = r.start;
    // Each (start, top, limit) triple is checked at its middle word. Read in
    // chunks from cache-resident copies (AddressSpace::SpanCopy); chunks
    // overlap by two words so no triple straddles a seam unseen.
    auto scan = [&](uint64_t from, uint64_t to) {
      constexpr uint64_t kChunk = 1u << 20;
      for (uint64_t a = from; a + 16 < to; a += kChunk) {
        const uint64_t b = std::min(to, a + kChunk + 16);
        const uint64_t n = (b - a) / 8;
        const uint8_t* d = heap.memory().SpanCopy(a, b - a, &copy);
        if (!d) d = r.data + (a - r.start);
        for (uint64_t i = 1; i + 1 < n; ++i) {
          uint64_t top;
          std::memcpy(&top, d + 8 * i, 8);
          if (top < lo || top >= hi || (top & 7) != 0) continue;
          uint64_t start, limit;
          std::memcpy(&start, d + 8 * (i - 1), 8);
          std::memcpy(&limit, d + 8 * (i + 1), 8);
          if (!(start <= top && top < limit) || (start & 7) || (limit & 7)) continue;
          const Page* p = in_page(top);
          if (!p || start < p->area_start || limit > p->area_end || p->from_page) continue;
          out.emplace(top, limit);
        }
      }
    };
    for (; it != all.end() && it->start < r.end; ++it) {
      if (it->start > cursor) scan(cursor, it->start);
      cursor = std::max(cursor, it->start + it->size);
    }
    if (cursor < r.end) scan(cursor, r.end);
  }
  return out;
}

}  // namespace corescope::heap
