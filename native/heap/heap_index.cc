// HeapIndex: parallel page walk and the compact object-start index (see
// heap_index.h). Knows pages and objects; nothing of naming.
#include "heap/heap_index.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

#include "util/limits.h"

namespace corescope::heap {
namespace {

struct WorkerResult {
  WalkStats stats;
  std::vector<MapStats> maps;
  std::unordered_map<uint64_t, ClosureStats> closures;
  std::vector<uint64_t> per_object;
};

}  // namespace

Result<std::unique_ptr<HeapIndex>> HeapIndex::Build(const v8::Heap& heap, const PageTable& pages,
                                                    const IndexOptions& opts, Progress& progress) {
  auto index = std::unique_ptr<HeapIndex>(new HeapIndex());
  for (const Page& p : pages.pages()) {
    if (p.from_page || p.area_end <= p.area_start) continue;
    PageIndex pi;
    pi.page = p;
    index->pages_.push_back(std::move(pi));
  }
  std::sort(index->pages_.begin(), index->pages_.end(),
            [](const PageIndex& a, const PageIndex& b) { return a.page.area_start < b.page.area_start; });
  uint64_t total_words = 0, total_blocks = 0;
  for (PageIndex& pi : index->pages_) {
    pi.words = static_cast<uint32_t>(((pi.page.area_end - pi.page.area_start) / 8 + 63) / 64);
    pi.blocks = (pi.words + 7) / 8;
    total_words += pi.words;
    total_blocks += pi.blocks;
  }
  index->bits_.resize(total_words);  // not zeroed here: each worker clears its pages' words
  index->rank_.assign(total_blocks, 0);
  for (uint64_t w = 0, b = 0, i = 0; i < index->pages_.size(); ++i) {
    PageIndex& pi = index->pages_[i];
    pi.bits = index->bits_.data() + w;
    pi.rank = index->rank_.data() + b;
    w += pi.words;
    b += pi.blocks;
  }

  unsigned threads = opts.threads ? opts.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, std::min(threads, 16u));
  threads = std::min<unsigned>(threads, std::max<size_t>(1, index->pages_.size()));

  const size_t total = index->pages_.size();
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::atomic<bool> stop{false};
  std::vector<WorkerResult> results(threads);
  const int64_t shared_offset = heap.function_shared_offset();
  const std::map<uint64_t, uint64_t> labs = FindAllocationAreas(heap, pages);
  const v8::InstanceTypes& types = heap.types();

  auto work = [&](unsigned w, bool reporter) {
    WorkerResult& r = results[w];
    PageWalker walker(heap);
    walker.SetAllocationAreas(&labs);
    for (;;) {
      if (stop.load(std::memory_order_relaxed)) return;
      size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= total) return;
      PageIndex& pi = index->pages_[i];
      std::fill(pi.bits, pi.bits + pi.words, uint64_t{0});
      uint32_t count = 0;
      walker.Walk(pi.page, r.stats, [&](uint64_t addr, const v8::MapInfo* map, uint64_t size) {
        uint64_t bit = (addr - pi.page.area_start) / 8;
        pi.bits[bit / 64] |= uint64_t{1} << (bit % 64);
        ++count;
        if (map->id >= r.maps.size()) r.maps.resize(map->id + 256);
        MapStats& ms = r.maps[map->id];
        if (ms.count == 0 || v8::Tag(addr) < ms.sample) ms.sample = v8::Tag(addr);
        ms.count++;
        ms.bytes += size;
        if ((map->is_dictionary_map || map->is_prototype_map || map->instance_type == types.js_primitive_wrapper) &&
            heap.NameDependsOnObject(*map)) {
          r.per_object.push_back(addr);
        }
        if (types.IsJSFunction(map->instance_type) && size > static_cast<uint64_t>(shared_offset)) {
          const uint64_t field = addr + static_cast<uint64_t>(shared_offset);
          std::optional<uint64_t> sfi;
          if (const uint8_t* p = walker.Bytes(field, 8)) {
            uint64_t v;
            std::memcpy(&v, p, 8);
            sfi = v;
          } else {
            sfi = heap.memory().ReadU64(field);
          }
          if (sfi && v8::IsStrong(*sfi)) {
            ClosureStats& cs = r.closures[*sfi];
            cs.count++;
            cs.bytes += size;
          }
        }
        return true;
      });
      pi.count = count;
      size_t d = done.fetch_add(1, std::memory_order_relaxed) + 1;
      if (reporter && (d % 16 == 0 || d == total)) progress.Report("walking heap pages", d, total);
      if (reporter && progress.Cancelled()) stop.store(true);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < threads; ++w) pool.emplace_back(work, w, false);
  work(0, true);
  // The reporting thread finished its share; keep reporting until the others do.
  for (auto& t : pool) t.join();
  if (progress.Cancelled()) return MakeError(ErrorCode::kCancelled, "heap walk cancelled");
  progress.Report("walking heap pages", total, total);

  // Merge per-thread results.
  for (auto& r : results) {
    index->stats_.Merge(r.stats);
    if (r.maps.size() > index->map_stats_.size()) index->map_stats_.resize(r.maps.size());
    for (size_t id = 0; id < r.maps.size(); ++id) {
      const MapStats& s = r.maps[id];
      if (s.count == 0) continue;
      MapStats& d = index->map_stats_[id];
      if (d.count == 0 || s.sample < d.sample) d.sample = s.sample;
      d.count += s.count;
      d.bytes += s.bytes;
    }
    for (const auto& [sfi, c] : r.closures) {
      ClosureStats& d = index->closures_[sfi];
      d.count += c.count;
      d.bytes += c.bytes;
    }
    index->per_object_.insert(index->per_object_.end(), r.per_object.begin(), r.per_object.end());
  }
  std::sort(index->per_object_.begin(), index->per_object_.end());
  while (!index->map_stats_.empty() && index->map_stats_.back().count == 0) index->map_stats_.pop_back();
  index->map_stats_.resize(std::max<size_t>(index->map_stats_.size(), heap.map_count()));

  // Ordinals and rank tables.
  uint64_t ordinal = 0;
  for (PageIndex& pi : index->pages_) {
    pi.first_ordinal = ordinal;
    uint32_t running = 0;
    for (size_t w = 0; w < pi.words; ++w) {
      if (w % 8 == 0) pi.rank[w / 8] = running;
      running += static_cast<uint32_t>(__builtin_popcountll(pi.bits[w]));
    }
    ordinal += pi.count;
  }
  index->total_objects_ = ordinal;
  if (ordinal > limits::kMaxObjects) {
    return MakeError(ErrorCode::kInternal, "heap has " + std::to_string(ordinal) + " objects, over the limit of " +
                                               std::to_string(limits::kMaxObjects));
  }
  return index;
}

const HeapIndex::PageIndex* HeapIndex::PageFor(uint64_t addr) const {
  auto it = std::upper_bound(pages_.begin(), pages_.end(), addr,
                             [](uint64_t a, const PageIndex& p) { return a < p.page.area_start; });
  if (it == pages_.begin()) return nullptr;
  --it;
  return addr < it->page.area_end ? &*it : nullptr;
}

std::optional<uint32_t> HeapIndex::OrdinalOf(uint64_t addr) const {
  addr = v8::Untag(addr);
  const PageIndex* pi = PageFor(addr);
  if (!pi || (addr - pi->page.area_start) % 8 != 0) return std::nullopt;
  uint64_t bit = (addr - pi->page.area_start) / 8;
  uint64_t w = bit / 64;
  if (!((pi->bits[w] >> (bit % 64)) & 1)) return std::nullopt;
  uint64_t r = pi->rank[w / 8];
  for (uint64_t k = (w / 8) * 8; k < w; ++k) r += __builtin_popcountll(pi->bits[k]);
  uint64_t mask = (bit % 64) ? (pi->bits[w] & ((uint64_t{1} << (bit % 64)) - 1)) : 0;
  r += __builtin_popcountll(mask);
  return static_cast<uint32_t>(pi->first_ordinal + r);
}

std::optional<uint64_t> HeapIndex::AddressOf(uint32_t ordinal) const {
  if (ordinal >= total_objects_) return std::nullopt;
  auto it = std::upper_bound(pages_.begin(), pages_.end(), static_cast<uint64_t>(ordinal),
                             [](uint64_t o, const PageIndex& p) { return o < p.first_ordinal; });
  // Pages with no objects share first_ordinal with the next page; step back
  // to the last page whose range contains the ordinal.
  while (it != pages_.begin()) {
    --it;
    if (it->count > 0 && ordinal < it->first_ordinal + it->count) break;
  }
  const PageIndex& pi = *it;
  uint64_t want = ordinal - pi.first_ordinal;
  // Find the block by rank, then the word, then the bit.
  size_t block = std::upper_bound(pi.rank, pi.rank + pi.blocks, static_cast<uint32_t>(want)) - pi.rank - 1;
  uint64_t r = pi.rank[block];
  for (size_t w = block * 8; w < pi.words; ++w) {
    uint64_t c = __builtin_popcountll(pi.bits[w]);
    if (r + c > want) {
      uint64_t bits = pi.bits[w];
      for (uint64_t k = r; k < want; ++k) bits &= bits - 1;  // drop lower set bits
      uint64_t bit = w * 64 + __builtin_ctzll(bits);
      return pi.page.area_start + 8 * bit;
    }
    r += c;
  }
  return std::nullopt;
}

std::optional<uint64_t> HeapIndex::ObjectContaining(uint64_t addr) const {
  addr = v8::Untag(addr);
  const PageIndex* pi = PageFor(addr);
  if (!pi) return std::nullopt;
  int64_t bit = static_cast<int64_t>((addr - pi->page.area_start) / 8);
  int64_t w = bit / 64;
  uint64_t bits = pi->bits[w] & (bit % 64 == 63 ? ~uint64_t{0} : ((uint64_t{1} << (bit % 64 + 1)) - 1));
  while (bits == 0) {
    if (--w < 0) return std::nullopt;
    bits = pi->bits[w];
  }
  uint64_t start = pi->page.area_start + 8 * (static_cast<uint64_t>(w) * 64 + 63 - __builtin_clzll(bits));
  return start;
}

void HeapIndex::ForEachObjectInPage(size_t page_index, const std::function<bool(uint32_t, uint64_t)>& fn) const {
  VisitPage(page_index, fn);
}

void HeapIndex::ForEachObject(const std::function<bool(uint32_t, uint64_t)>& fn) const {
  bool go = true;
  for (size_t i = 0; i < pages_.size() && go; ++i) {
    ForEachObjectInPage(i, [&](uint32_t o, uint64_t a) {
      go = fn(o, a);
      return go;
    });
  }
}

uint64_t HeapIndex::memory_bytes() const {
  uint64_t b = sizeof(*this) + pages_.capacity() * sizeof(PageIndex);
  b += bits_.capacity() * 8 + rank_.capacity() * 4;
  b += map_stats_.capacity() * sizeof(MapStats) + closures_.size() * 48 + per_object_.capacity() * 8;
  return b;
}

}  // namespace corescope::heap
