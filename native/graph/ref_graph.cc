// RefGraph::Build. The order of the steps keeps memory low: the forward
// edges exist only until the depth-first numbering and the reverse edges are
// done; the BFS frontier, the liveness bitset and the DFS cursors are freed
// as soon as they have served.
#include "graph/ref_graph.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "graph/dominators.h"
#include "util/limits.h"

namespace corescope::graph {
namespace {

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

unsigned ThreadCount(unsigned wanted, size_t pages) {
  unsigned n = wanted ? wanted : std::thread::hardware_concurrency();
  n = std::max(1u, std::min(n, 16u));
  return static_cast<unsigned>(std::min<size_t>(n, std::max<size_t>(pages, 1)));
}

// ParallelPages runs fn(page_index, worker) over every page with `threads`
// workers; worker 0 runs on the calling thread and reports progress.
template <typename Fn>
bool ParallelPages(size_t pages, unsigned threads, Progress& progress, const char* phase, Fn&& fn) {
  std::atomic<size_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  auto work = [&](unsigned w) {
    for (;;) {
      if (stop.load(std::memory_order_relaxed)) return;
      size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= pages) return;
      fn(i, w);
      size_t d = done.fetch_add(1, std::memory_order_relaxed) + 1;
      if (w == 0) {
        if (d % 16 == 0) progress.Report(phase, d, pages);
        if (progress.Cancelled()) stop.store(true);
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < threads; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& t : pool) t.join();
  progress.Report(phase, pages, pages);
  return !progress.Cancelled();
}

// Resolver maps a heap address to the ordinal of the object starting there
// during the body scan, the hot path of the build (one lookup per tagged
// word): a hash table of 256 KiB chunks finds the page (no per-edge search),
// then the heap index's own object-start bitmap with a rank count per word
// gives the ordinal (no second copy of the bitmap). It is freed after the
// scan; the index's own OrdinalOf serves later queries.
// Popcount without the libgcc call __builtin_popcountll becomes when the
// build does not target POPCNT (SWAR, Hacker's Delight 5-2).
inline uint64_t Popcount(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return (x * 0x0101010101010101ull) >> 56;
}

class Resolver {
 public:
  Resolver(const heap::HeapIndex& index, const std::vector<std::pair<uint64_t, uint64_t>>& read_only) {
    pages_.resize(index.page_count());
    size_t chunks = 0;
    for (size_t i = 0; i < index.page_count(); ++i) {
      const heap::Page& page = index.page(i);
      PageBits& pb = pages_[i];
      pb.start = page.area_start;
      pb.end = page.area_end;
      pb.read_only = false;
      for (const auto& r : read_only) {
        if (page.area_start >= r.first && page.area_start < r.second) pb.read_only = true;
      }
      const heap::HeapIndex::WordSpan bits = index.page_bits(i);
      pb.bits = bits.data();
      pb.words = bits.size();
      pb.first_ordinal = index.page_first_ordinal(i);
      pb.rank.resize(bits.size());
      uint32_t running = 0;
      for (size_t w = 0; w < bits.size(); ++w) {
        pb.rank[w] = running;
        running += static_cast<uint32_t>(Popcount(bits[w]));
      }
      chunks += ((page.area_end - 1) >> kChunkShift) - (page.area_start >> kChunkShift) + 1;
    }
    size_t cap = 64;
    while (cap < 2 * chunks) cap *= 2;
    shift_ = 64 - __builtin_ctzll(cap);
    table_.assign(cap, Slot{kEmpty, 0});
    for (size_t i = 0; i < pages_.size(); ++i) {
      for (uint64_t c = pages_[i].start >> kChunkShift; c <= (pages_[i].end - 1) >> kChunkShift; ++c) {
        size_t h = Hash(c);
        while (table_[h].chunk != kEmpty) h = (h + 1) & (cap - 1);
        table_[h] = Slot{c, static_cast<uint32_t>(i)};
      }
    }
  }

  // Resolve returns the ordinal of the object starting at addr, kReadOnly for
  // read-only space, or kNone.
  static constexpr uint64_t kNone = ~uint64_t{0};
  static constexpr uint64_t kReadOnly = ~uint64_t{0} - 1;
  uint64_t Resolve(uint64_t addr) const {
    const uint64_t chunk = addr >> kChunkShift;
    const size_t mask = table_.size() - 1;
    // A chunk can hold the end of one page's area and the start of the next
    // (large pages): every slot with this chunk number is a candidate.
    for (size_t h = Hash(chunk); table_[h].chunk != kEmpty; h = (h + 1) & mask) {
      if (table_[h].chunk != chunk) continue;
      const PageBits& pb = pages_[table_[h].page];
      if (addr < pb.start || addr >= pb.end) continue;
      if (pb.read_only) return kReadOnly;
      uint64_t off = addr - pb.start;
      if (off & 7) return kNone;
      uint64_t bit = off / 8;
      if (bit / 64 >= pb.words) return kNone;
      uint64_t w = pb.bits[bit / 64];
      uint64_t m = uint64_t{1} << (bit % 64);
      if (!(w & m)) return kNone;
      return pb.first_ordinal + pb.rank[bit / 64] + Popcount(w & (m - 1));
    }
    return kNone;
  }
  uint64_t bytes() const {
    uint64_t b = table_.capacity() * sizeof(Slot) + pages_.capacity() * sizeof(PageBits);
    for (const auto& p : pages_) b += p.rank.capacity() * 4;
    return b;
  }

 private:
  static constexpr int kChunkShift = 18;  // 256 KiB: V8 page alignment
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  size_t Hash(uint64_t chunk) const { return static_cast<size_t>((chunk * 0x9E3779B97F4A7C15ull) >> shift_); }
  struct PageBits {
    uint64_t start = 0, end = 0, first_ordinal = 0;
    bool read_only = false;
    const uint64_t* bits = nullptr;  // the heap index's bitmap of this page
    size_t words = 0;
    std::vector<uint32_t> rank;      // objects before each word
  };
  struct Slot {
    uint64_t chunk;
    uint32_t page;
  };
  std::vector<PageBits> pages_;
  std::vector<Slot> table_;
  int shift_ = 58;
};

// AreaOf: a page's whole object area when one dumped region holds it, else
// nullptr. Ordinary pages come as a cache-resident copy (see
// AddressSpace::SpanCopy); a large-object page holds one object, often
// megabytes, and is read through the mapping.
const uint8_t* AreaOf(const memory::AddressSpace& mem, const heap::Page& page, std::vector<uint64_t>* copy) {
  const uint64_t n = page.area_end - page.area_start;
  if (heap::IsLargeObjectSpace(page.space) || n > (1u << 20)) return mem.Span(page.area_start, n);
  return mem.SpanCopy(page.area_start, n, copy);
}

}  // namespace

class GraphBuilder {
 public:
  GraphBuilder(const target::Target& t, const heap::PageTable& pages, RefGraph* g, const GraphOptions& opts,
               Progress& progress)
      : t_(t), pages_(pages), g_(g), heap_(g->heap_), index_(g->index_), opts_(opts), progress_(progress) {}

  Status Run();

 private:
  bool ReadOnlyAddress(uint64_t addr) const {
    for (const auto& r : g_->read_only_ranges_) {
      if (addr >= r.first && addr < r.second) return true;
    }
    return false;
  }
  // Resolve: the node of the object a tagged word points at, kNoNode when it
  // points at no object start (or at read-only space: immortal, not indexed).
  uint32_t Resolve(uint64_t word, bool* dropped) const {
    uint64_t addr = v8::Untag(word);
    if (resolver_) {
      uint64_t o = resolver_->Resolve(addr);
      if (o == Resolver::kReadOnly) return kNoNode;
      if (o == Resolver::kNone) {
        *dropped = heap_.InHeap(addr);
        return kNoNode;
      }
      return kFirstObjectNode + static_cast<uint32_t>(o);
    }
    if (ReadOnlyAddress(addr)) return kNoNode;
    auto o = index_.OrdinalOf(addr);
    if (!o) {
      *dropped = true;
      return kNoNode;
    }
    return kFirstObjectNode + *o;
  }
  std::unique_ptr<Resolver> resolver_;
  Status ScanBodies(Csr* fwd, std::vector<Ephemeron>* eph);
  void AddRootEdges(std::vector<std::vector<uint32_t>>* per_category);
  bool Bfs(const Csr& fwd, const std::vector<Ephemeron>& eph);
  bool SelfSizes();

  const target::Target& t_;
  const heap::PageTable& pages_;
  RefGraph* g_;
  const v8::Heap& heap_;
  const heap::HeapIndex& index_;
  GraphOptions opts_;
  Progress& progress_;
  uint64_t held_bytes_ = 0;
  void Hold(int64_t delta) {
    held_bytes_ = static_cast<uint64_t>(static_cast<int64_t>(held_bytes_) + delta);
    g_->stats_.peak_bytes = std::max(g_->stats_.peak_bytes, held_bytes_);
  }
};

Status GraphBuilder::ScanBodies(Csr* fwd, std::vector<Ephemeron>* eph) {
  resolver_ = std::make_unique<Resolver>(index_, g_->read_only_ranges_);
  Hold(static_cast<int64_t>(resolver_->bytes()));
  const size_t page_count = index_.page_count();
  const uint32_t nodes = g_->node_count_;
  unsigned threads = ThreadCount(opts_.threads, page_count);

  // Root edges first: they belong to the synthetic nodes at the front.
  std::vector<std::vector<uint32_t>> per_category(kRootCategoryCount);
  AddRootEdges(&per_category);

  fwd->offsets.resize(static_cast<size_t>(nodes) + 1);  // every count is written below
  fwd->offsets[0] = 0;
  // Each worker collects a page's edges in a scratch buffer it reuses, then
  // appends them to its own arena of large blocks (memory the later arrays
  // reuse once the edges are assembled in node order).
  struct PageEdges {
    const uint32_t* data = nullptr;
    size_t count = 0;
  };
  struct Arena {
    std::vector<U32Array> blocks;
    size_t used = 0;  // in blocks.back()
  };
  constexpr size_t kArenaBlock = size_t{8} << 20;  // entries (32 MiB)
  std::vector<PageEdges> page_edges(page_count);
  std::vector<Arena> arenas(threads);
  std::vector<std::vector<uint32_t>> scratch(threads);
  std::vector<std::vector<Ephemeron>> worker_eph(threads);
  std::vector<uint64_t> dropped(threads, 0), weak(threads, 0);
  std::vector<std::unique_ptr<v8::MapCache>> caches;
  for (unsigned w = 0; w < threads; ++w) caches.push_back(std::make_unique<v8::MapCache>(heap_));
  std::vector<std::vector<uint64_t>> copies(threads);
  const v8::BodyLayouts& layouts = *g_->layouts_;
  const memory::AddressSpace& mem = heap_.memory();

  bool ok = ParallelPages(page_count, threads, progress_, "scanning object bodies", [&](size_t pi, unsigned w) {
    std::vector<uint32_t>& out = scratch[w];
    out.clear();
    uint64_t& drop = dropped[w];
    uint64_t& weak_count = weak[w];
    std::vector<Ephemeron>& ephs = worker_eph[w];
    v8::MapCache& maps = *caches[w];
    // The whole object area in one dumped region (the usual case): read
    // objects straight from the mapping, no region lookup per object.
    const heap::Page& page = index_.page(pi);
    const uint8_t* area = AreaOf(mem, page, &copies[w]);
    // The index's own list of objects (not a second walk), so ordinals match it exactly.
    index_.VisitPage(pi, [&](uint32_t ordinal, uint64_t addr) {
      uint32_t self = kFirstObjectNode + ordinal;
      const uint64_t* words = nullptr;
      const uint64_t left = page.area_end - addr;  // bytes to the end of the area
      const v8::MapInfo* map = nullptr;
      uint64_t size = 0;
      if (area && left >= 64) {
        words = reinterpret_cast<const uint64_t*>(area + (addr - page.area_start));
        map = words[0] ? maps.Get(words[0]) : nullptr;
        if (map) size = map->instance_size != 0 ? map->instance_size : heap_.SizeFromWords(words, 8, *map).value_or(0);
        if (size > left) words = nullptr;
      } else {
        auto map_word = mem.ReadU64(addr);
        map = map_word ? maps.Get(*map_word) : nullptr;
        if (map) size = heap_.SizeOf(v8::Tag(addr), *map).value_or(0);
        words = nullptr;
      }
      if (!map) {
        fwd->offsets[self + 1] = 0;
        return true;
      }
      if (!words && size >= 8) words = reinterpret_cast<const uint64_t*>(mem.Span(addr, size));
      size_t before = out.size();
      bool d = false;
      uint32_t m = Resolve(map->address, &d);
      if (m != kNoNode) out.push_back(PackEdge(m, EdgeKind::kStrong));
      if (words && size >= 8) {
        uint32_t pending_key = kNoNode;
        layouts.VisitSlots(words, size, map->instance_type, [&](uint64_t, uint64_t word, v8::SlotKind kind) {
          bool dr = false;
          uint32_t target = Resolve(word, &dr);
          if (dr) ++drop;
          if (kind == v8::SlotKind::kEphemeronKey) pending_key = target;
          if (target == kNoNode) return;
          switch (kind) {
            case v8::SlotKind::kStrong:
              out.push_back(PackEdge(target, EdgeKind::kStrong));
              break;
            case v8::SlotKind::kWeak:
            case v8::SlotKind::kEphemeronKey:
              out.push_back(PackEdge(target, EdgeKind::kWeak));
              ++weak_count;
              break;
            case v8::SlotKind::kEphemeronValue:
              out.push_back(PackEdge(target, EdgeKind::kEphemeron));
              if (pending_key != kNoNode) ephs.push_back({self, pending_key, target});
              break;
          }
        });
      }
      fwd->offsets[self + 1] = static_cast<uint32_t>(out.size() - before);
      return true;
    });
    Arena& arena = arenas[w];
    if (arena.blocks.empty() || arena.blocks.back().size() - arena.used < out.size()) {
      arena.blocks.emplace_back();
      arena.blocks.back().resize(std::max(kArenaBlock, out.size()));
      arena.used = 0;
    }
    uint32_t* dst = arena.blocks.back().data() + arena.used;
    std::copy(out.begin(), out.end(), dst);
    arena.used += out.size();
    page_edges[pi] = {dst, out.size()};
  });
  for (auto& v : scratch) std::vector<uint32_t>().swap(v);
  if (!ok) return MakeError(ErrorCode::kCancelled, "reference graph build cancelled");
  for (unsigned w = 0; w < threads; ++w) {
    g_->stats_.dropped_slots += dropped[w];
    g_->stats_.weak_edges += weak[w];
    eph->insert(eph->end(), worker_eph[w].begin(), worker_eph[w].end());
  }
  g_->stats_.ephemerons = eph->size();
  Hold(-static_cast<int64_t>(resolver_->bytes()));
  resolver_.reset();

  // Counts -> offsets; then copy edges in node order, freeing as we go.
  for (uint32_t c = 0; c < static_cast<uint32_t>(kRootCategoryCount); ++c) {
    fwd->offsets[kFirstCategoryNode + c + 1] = static_cast<uint32_t>(per_category[c].size());
  }
  fwd->offsets[kRootNode + 1] = kRootCategoryCount;
  uint64_t total = 0;
  for (uint32_t v = 0; v < nodes; ++v) {
    total += fwd->offsets[v + 1];
    if (total > 0xffffffffull) {
      return MakeError(ErrorCode::kInternal, "the reference graph has more than 2^32 edges");
    }
    fwd->offsets[v + 1] = static_cast<uint32_t>(total);
  }
  fwd->entries.resize(total);
  Hold(static_cast<int64_t>(fwd->bytes()));
  uint64_t at = 0;
  for (uint32_t c = 0; c < static_cast<uint32_t>(kRootCategoryCount); ++c) {
    fwd->entries[at++] = PackEdge(kFirstCategoryNode + c, EdgeKind::kStrong);
  }
  for (auto& list : per_category) {
    std::copy(list.begin(), list.end(), fwd->entries.begin() + static_cast<int64_t>(at));
    at += list.size();
    std::vector<uint32_t>().swap(list);
  }
  for (const PageEdges& list : page_edges) {
    std::copy(list.data, list.data + list.count, fwd->entries.begin() + static_cast<int64_t>(at));
    at += list.count;
  }
  std::vector<PageEdges>().swap(page_edges);
  std::vector<Arena>().swap(arenas);
  g_->stats_.edges = total;
  return OkStatus();
}

void GraphBuilder::AddRootEdges(std::vector<std::vector<uint32_t>>* per_category) {
  RootSet& roots = g_->roots_;
  g_->root_slot_nodes_.assign(roots.slots.size(), kNoNode);
  for (size_t i = 0; i < roots.slots.size(); ++i) {
    const RootSlot& s = roots.slots[i];
    if (s.category == RootCategory::kReadOnlyRoots) continue;  // all read-only objects are added below
    auto o = index_.OrdinalOf(v8::Untag(s.value));
    if (!o) continue;  // conservative stack words that are not object starts
    uint32_t node = kFirstObjectNode + *o;
    g_->root_slot_nodes_[i] = node;
    (*per_category)[static_cast<int>(s.category)].push_back(
        PackEdge(node, s.weak ? EdgeKind::kWeak : EdgeKind::kStrong));
  }
  // Read-only space is never collected: every object there is a root.
  auto& ro = (*per_category)[static_cast<int>(RootCategory::kReadOnlyRoots)];
  for (size_t pi = 0; pi < index_.page_count(); ++pi) {
    if (index_.page(pi).space != heap::Space::kReadOnly) continue;
    index_.ForEachObjectInPage(pi, [&](uint32_t ordinal, uint64_t) {
      ro.push_back(PackEdge(kFirstObjectNode + ordinal, EdgeKind::kStrong));
      g_->stats_.read_only_objects++;
      return true;
    });
  }
  for (auto& list : *per_category) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
}

bool GraphBuilder::Bfs(const Csr& fwd, const std::vector<Ephemeron>& eph) {
  const uint32_t n = fwd.nodes();
  BigArray<uint16_t>& dist = g_->dist_;
  dist.assign(n, kUnreachable);
  Hold(static_cast<int64_t>(n) * 2);
  // Levels can hold millions of nodes: reserved once (untouched address
  // space until used) instead of regrown and copied.
  BigArray<uint32_t> frontier, next;
  frontier.reserve(n);
  next.reserve(n);
  uint64_t reached = 0;
  auto run = [&](const std::vector<uint32_t>& start) -> bool {
    frontier.assign(start.begin(), start.end());
    while (!frontier.empty()) {
      next.clear();
      for (uint32_t u : frontier) {
        uint16_t du = dist[u];
        uint16_t dv = du >= 0xfffe ? 0xfffe : static_cast<uint16_t>(du + 1);
        for (const uint32_t* p = fwd.begin(u); p != fwd.end(u); ++p) {
          if (EdgeKindOf(*p) != EdgeKind::kStrong) continue;
          uint32_t v = EdgeNode(*p);
          if (dist[v] != kUnreachable) continue;
          dist[v] = dv;
          next.push_back(v);
        }
        if ((++reached & 0xffff) == 0) {
          progress_.Report("marking live objects", reached, n);
          if (progress_.Cancelled()) return false;
        }
      }
      frontier.swap(next);
    }
    return true;
  };
  // Precise roots first: the conservative stack (and the fallback) roots may
  // hold stale words, so paths should prefer any precise root. Nodes reached
  // only from them get distances beyond every precise one.
  const uint32_t stack_cat = RefGraph::CategoryNode(RootCategory::kStackRoots);
  const uint32_t conservative_cat = RefGraph::CategoryNode(RootCategory::kConservative);
  dist[kRootNode] = 0;
  std::vector<uint32_t> precise;
  for (const uint32_t* p = fwd.begin(kRootNode); p != fwd.end(kRootNode); ++p) {
    uint32_t c = EdgeNode(*p);
    if (c == stack_cat || c == conservative_cat) continue;
    dist[c] = 1;
    precise.push_back(c);
  }
  if (!run(precise)) return false;
  uint16_t deepest = 1;
  for (uint16_t d : dist) {
    if (d != kUnreachable && d > deepest) deepest = d;
  }
  for (uint32_t c : {stack_cat, conservative_cat}) {
    dist[c] = deepest >= 0xfffd ? 0xfffe : static_cast<uint16_t>(deepest + 1);
    if (!run({c})) return false;
  }
  // Ephemerons: a value lives while its table and key live.
  bool changed = true;
  while (changed) {
    changed = false;
    std::vector<uint32_t> revived;
    for (const Ephemeron& e : eph) {
      if (dist[e.value] != kUnreachable || dist[e.table] == kUnreachable || dist[e.key] == kUnreachable) continue;
      uint16_t d = std::max(dist[e.table], dist[e.key]);
      dist[e.value] = d >= 0xfffe ? 0xfffe : static_cast<uint16_t>(d + 1);
      revived.push_back(e.value);
    }
    if (!revived.empty()) {
      changed = true;
      if (!run(revived)) return false;
    }
  }
  BigArray<uint32_t>().swap(frontier);
  BigArray<uint32_t>().swap(next);
  return true;
}

bool GraphBuilder::SelfSizes() {
  unsigned threads = g_->workers();
  std::vector<uint64_t> garbage(threads, 0), garbage_bytes(threads, 0);
  std::vector<std::vector<heap::MapStats>> maps(threads);
  bool ok = g_->WalkObjects(progress_, "retained sizes",
                            [&](unsigned w, uint32_t ordinal, uint64_t addr, const v8::MapInfo* map, uint64_t size) {
    uint32_t p = g_->pre_[kFirstObjectNode + ordinal];
    if (p == 0) {
      garbage[w]++;
      garbage_bytes[w] += size;
      return;
    }
    g_->retained_[p] = size;
    auto& m = maps[w];
    if (map->id >= m.size()) m.resize(map->id + 256);
    heap::MapStats& ms = m[map->id];
    if (ms.count == 0 || v8::Tag(addr) < ms.sample) ms.sample = v8::Tag(addr);
    ms.count++;
    ms.bytes += size;
  });
  auto& live = g_->live_map_stats_;
  for (unsigned w = 0; w < threads; ++w) {
    g_->stats_.garbage_objects += garbage[w];
    g_->stats_.garbage_bytes += garbage_bytes[w];
    if (maps[w].size() > live.size()) live.resize(maps[w].size());
    for (size_t id = 0; id < maps[w].size(); ++id) {
      const heap::MapStats& s = maps[w][id];
      if (s.count == 0) continue;
      heap::MapStats& d = live[id];
      if (d.count == 0 || s.sample < d.sample) d.sample = s.sample;
      d.count += s.count;
      d.bytes += s.bytes;
    }
  }
  live.resize(std::max<size_t>(live.size(), heap_.map_count()));
  return ok;
}

Status GraphBuilder::Run() {
  auto t0 = Clock::now();
  const uint64_t objects = index_.object_count();
  if (objects + kFirstObjectNode >= kMaxNodes) {
    return MakeError(ErrorCode::kInternal, "heap has " + std::to_string(objects) +
                                               " objects, more than the reference graph's 2^30 node limit");
  }
  g_->node_count_ = kFirstObjectNode + static_cast<uint32_t>(objects);
  g_->threads_ = ThreadCount(opts_.threads, index_.page_count());
  g_->stats_.objects = objects;
  g_->layouts_ = v8::BodyLayouts::Build(heap_);
  for (size_t pi = 0; pi < index_.page_count(); ++pi) {
    const heap::Page& p = index_.page(pi);
    if (p.space == heap::Space::kReadOnly) g_->read_only_ranges_.push_back({p.area_start, p.area_end});
  }
  auto roots = CollectRoots(t_, pages_, heap_, opts_.frames, progress_);
  if (!roots) return roots.error();
  g_->roots_ = std::move(roots.value());
  g_->stats_.roots_seconds = Seconds(t0);

  auto ts = Clock::now();
  Csr fwd;
  std::vector<Ephemeron> eph;
  if (auto s = ScanBodies(&fwd, &eph); !s) return s.error();
  g_->stats_.scan_seconds = Seconds(ts);
  g_->stats_.build_seconds = Seconds(t0);

  auto t1 = Clock::now();
  if (!Bfs(fwd, eph)) return MakeError(ErrorCode::kCancelled, "liveness marking cancelled");
  std::vector<Ephemeron>().swap(eph);
  Bitset live(g_->node_count_);
  for (uint32_t v = 0; v < g_->node_count_; ++v) {
    if (g_->dist_[v] != kUnreachable) live.Set(v);
  }
  g_->stats_.live_objects = live.Count() - (kFirstObjectNode);  // synthetic nodes are always reached
  g_->stats_.mark_seconds = Seconds(t1);

  auto t2 = Clock::now();
  DfsTree tree = Dfs(fwd, kRootNode, live, progress_);
  if (tree.reached() == 0) return MakeError(ErrorCode::kCancelled, "depth-first numbering cancelled");
  g_->stats_.dfs_seconds = Seconds(t2);
  auto tr = Clock::now();
  Hold(static_cast<int64_t>(tree.pre.capacity() + tree.order.capacity() + tree.parent.capacity()) * 4);
  live = Bitset();
  g_->rev_ = Reverse(fwd);
  Hold(static_cast<int64_t>(g_->rev_.bytes()));
  Hold(-static_cast<int64_t>(fwd.bytes()));
  fwd.Clear();
  g_->stats_.reverse_seconds = Seconds(tr);
  auto ti = Clock::now();
  g_->idom_ = ImmediateDominators(tree, g_->rev_, progress_);
  if (g_->idom_.empty()) return MakeError(ErrorCode::kCancelled, "dominator computation cancelled");
  g_->stats_.idom_seconds = Seconds(ti);
  auto tz = Clock::now();
  g_->pre_ = std::move(tree.pre);
  g_->order_ = std::move(tree.order);
  g_->retained_.assign(g_->order_.size(), 0);
  Hold(static_cast<int64_t>(g_->retained_.capacity()) * 8);
  if (!SelfSizes()) return MakeError(ErrorCode::kCancelled, "retained sizes cancelled");
  for (uint32_t i = static_cast<uint32_t>(g_->order_.size()) - 1; i >= 2; --i) {
    g_->retained_[g_->idom_[i]] += g_->retained_[i];
  }
  g_->stats_.sizes_seconds = Seconds(tz);
  g_->stats_.dominator_seconds = Seconds(t2);
  g_->stats_.final_bytes = g_->rev_.bytes() + g_->dist_.capacity() * 2 + g_->pre_.capacity() * 4 +
                           g_->order_.capacity() * 4 + g_->idom_.capacity() * 4 + g_->retained_.capacity() * 8;
  return OkStatus();
}

Result<std::unique_ptr<RefGraph>> RefGraph::Build(const target::Target& t, const heap::PageTable& pages,
                                                  const v8::Heap& heap, const heap::HeapIndex& index,
                                                  const GraphOptions& opts, Progress& progress) {
  std::unique_ptr<RefGraph> g(new RefGraph(heap, index));
  BigArrayPool pool;  // the build's temporary arrays reuse each other's memory
  GraphBuilder b(t, pages, g.get(), opts, progress);
  if (auto s = b.Run(); !s) return s.error();
  return g;
}

bool RefGraph::WalkObjects(Progress& progress, const char* phase, const ObjectFn& fn) const {
  const size_t page_count = index_.page_count();
  std::vector<std::unique_ptr<v8::MapCache>> caches;
  for (unsigned w = 0; w < threads_; ++w) caches.push_back(std::make_unique<v8::MapCache>(heap_));
  std::vector<std::vector<uint64_t>> copies(threads_);
  const memory::AddressSpace& mem = heap_.memory();
  return ParallelPages(page_count, threads_, progress, phase, [&](size_t pi, unsigned w) {
    v8::MapCache& maps = *caches[w];
    const heap::Page& page = index_.page(pi);
    const uint8_t* area = AreaOf(mem, page, &copies[w]);
    index_.VisitPage(pi, [&](uint32_t ordinal, uint64_t addr) {
      if (area && page.area_end - addr >= 64) {
        // Fast path: the area is mapped; same size rule as Heap::SizeOf.
        const uint64_t* words = reinterpret_cast<const uint64_t*>(area + (addr - page.area_start));
        const v8::MapInfo* map = words[0] ? maps.Get(words[0]) : nullptr;
        if (!map) return true;
        uint64_t size = map->instance_size != 0 ? map->instance_size : heap_.SizeFromWords(words, 8, *map).value_or(0);
        fn(w, ordinal, addr, map, size);
        return true;
      }
      auto map_word = mem.ReadU64(addr);
      const v8::MapInfo* map = map_word ? maps.Get(*map_word) : nullptr;
      if (!map) return true;
      fn(w, ordinal, addr, map, heap_.SizeOf(v8::Tag(addr), *map).value_or(0));
      return true;
    });
  });
}

Result<std::vector<uint64_t>> RefGraph::RetainedByGroup(const std::vector<uint32_t>& group_of_map, uint32_t groups,
                                                        Progress& progress) const {
  const uint32_t k = reached();
  // Group of every reached node, by preorder number.
  std::vector<uint32_t> group(static_cast<size_t>(k) + 1, kNoGroup);
  bool ok = WalkObjects(progress, "retained size per type",
                        [&](unsigned, uint32_t ordinal, uint64_t, const v8::MapInfo* map, uint64_t) {
    uint32_t p = pre_[kFirstObjectNode + ordinal];
    if (p != 0 && map->id < group_of_map.size()) group[p] = group_of_map[map->id];
  });
  if (!ok) return MakeError(ErrorCode::kCancelled, "cancelled");
  // Dominator-tree children (by preorder number), then a depth-first walk
  // that counts, per group, how many members are open on the current path.
  std::vector<uint32_t> first(static_cast<size_t>(k) + 2, 0), kids(k > 0 ? k - 1 : 0);
  for (uint32_t i = 2; i <= k; ++i) first[idom_[i] + 1]++;
  for (uint32_t i = 0; i <= k; ++i) first[i + 1] += first[i];
  {
    std::vector<uint32_t> cur(first.begin(), first.end() - 1);
    for (uint32_t i = 2; i <= k; ++i) kids[cur[idom_[i]]++] = i;
  }
  std::vector<uint64_t> out(groups, 0);
  std::vector<uint32_t> open(groups, 0);
  struct Frame { uint32_t node; uint32_t next; };
  std::vector<Frame> stack;
  if (k >= 1) stack.push_back({1, first[1]});
  auto enter = [&](uint32_t i) {
    uint32_t gr = group[i];
    if (gr == kNoGroup || gr >= groups) return;
    if (open[gr]++ == 0) out[gr] += retained_[i];
  };
  auto leave = [&](uint32_t i) {
    uint32_t gr = group[i];
    if (gr != kNoGroup && gr < groups) open[gr]--;
  };
  if (k >= 1) enter(1);
  uint64_t steps = 0;
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next < first[f.node + 1]) {
      uint32_t c = kids[f.next++];
      enter(c);
      stack.push_back({c, first[c]});
    } else {
      leave(f.node);
      stack.pop_back();
    }
    if ((++steps & 0xfffff) == 0 && progress.Cancelled()) return MakeError(ErrorCode::kCancelled, "cancelled");
  }
  return out;
}

uint32_t RefGraph::NodeOf(uint64_t addr) const {
  auto o = index_.OrdinalOf(v8::Untag(addr));
  return o ? kFirstObjectNode + *o : kNoNode;
}

std::optional<uint64_t> RefGraph::AddressOfNode(uint32_t node) const {
  if (!IsObjectNode(node)) return std::nullopt;
  return index_.AddressOf(node - kFirstObjectNode);
}

bool RefGraph::IsReadOnly(uint32_t node) const {
  auto a = AddressOfNode(node);
  if (!a) return false;
  for (const auto& r : read_only_ranges_) {
    if (*a >= r.first && *a < r.second) return true;
  }
  return false;
}

uint32_t RefGraph::ImmediateDominator(uint32_t node) const {
  uint32_t p = PreorderNumber(node);
  if (p <= 1) return kNoNode;
  return order_[idom_[p]];
}

uint64_t RefGraph::RetainedSize(uint32_t node) const {
  uint32_t p = PreorderNumber(node);
  return p ? retained_[p] : 0;
}

uint64_t RefGraph::SelfSize(uint32_t node) const {
  auto a = AddressOfNode(node);
  if (!a) return 0;
  return heap_.SizeOf(v8::Tag(*a)).value_or(0);
}

std::string RefGraph::SyntheticName(uint32_t node) const {
  if (node == kRootNode) return "(GC roots)";
  if (node >= kFirstCategoryNode && node < kFirstObjectNode) {
    return RootCategoryName(static_cast<RootCategory>(node - kFirstCategoryNode));
  }
  return "";
}

std::vector<const RootSlot*> RefGraph::RootSlotsTo(uint32_t category_node, uint32_t target) const {
  std::vector<const RootSlot*> out;
  if (category_node < kFirstCategoryNode || category_node >= kFirstObjectNode) return out;
  auto cat = static_cast<RootCategory>(category_node - kFirstCategoryNode);
  for (size_t i = 0; i < roots_.slots.size(); ++i) {
    if (roots_.slots[i].category == cat && root_slot_nodes_[i] == target) out.push_back(&roots_.slots[i]);
  }
  return out;
}

}  // namespace corescope::graph
