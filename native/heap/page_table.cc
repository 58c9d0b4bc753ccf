// PageTable: finds V8 heap pages in a core by probing every 256 KiB-aligned
// dumped address with the page-header layout of the core's V8 version, and
// validates each header. Knows page headers and space enums per V8 major;
// knows nothing of objects (see heap_walker.h).
//
// Header layouts (words from the chunk start; none are described by v8dbg):
//   V10 (V8 10.2 / 11.3, Node 18/20): size, flags, Heap*, area_start,
//       area_end, allocated, wasted, high_water_mark, owner.
//   V12 (V8 12.4, Node 22): flags, self(=chunk), size, Heap*, area_start,
//       area_end, allocated, wasted, high_water_mark, owner.
//   V13 (V8 13.6 / 14.6, Node 24/26): the chunk holds flags and a pointer to
//       malloc'd metadata: reservation{allocator, address(=chunk, 0 for
//       read-only), size}, allocated, wasted, high_water_mark, size,
//       area_end, Heap*, area_start, owner.
// owner is a Space*: BaseSpace{vtable, heap_, id_}, so owner+8 == Heap* and
// the byte at owner+16 is the AllocationSpace id. Read-only pages have
// Heap* == 0 and owner == 0.
#include "heap/page_table.h"
#include "util/limits.h"

#include <algorithm>
#include <map>

namespace corescope::heap {
namespace {

constexpr uint64_t kFromPageFlag = 1u << 3;
constexpr uint64_t kMaxChunkSize = limits::kMaxPageChunkSize;

struct RawHeader {
  uint64_t size = 0, flags = 0, heap = 0, area_start = 0, area_end = 0, owner = 0;
  uint64_t self = 0;       // V12: the chunk's own address; V13: reservation address
  bool has_self = false;
};

std::optional<RawHeader> ReadHeader(const memory::AddressSpace& mem, uint64_t chunk, PageLayout layout) {
  uint64_t w[11];
  RawHeader h;
  switch (layout) {
    case PageLayout::kV10:
      if (!mem.ReadSparse(chunk, w, 9 * 8)) return std::nullopt;
      h.size = w[0], h.flags = w[1], h.heap = w[2], h.area_start = w[3], h.area_end = w[4], h.owner = w[8];
      return h;
    case PageLayout::kV12:
      if (!mem.ReadSparse(chunk, w, 10 * 8)) return std::nullopt;
      h.flags = w[0], h.self = w[1], h.size = w[2], h.heap = w[3], h.area_start = w[4], h.area_end = w[5];
      h.owner = w[9];
      h.has_self = true;
      return h;
    case PageLayout::kV13: {
      uint64_t page[2];
      if (!mem.ReadSparse(chunk, page, sizeof page)) return std::nullopt;
      uint64_t md = page[1];
      if (md == 0 || (md & 7) != 0 || !mem.Read(md, w, 11 * 8)) return std::nullopt;
      h.flags = page[0], h.self = w[1], h.size = w[6], h.area_end = w[7], h.heap = w[8], h.area_start = w[9];
      h.owner = w[10];
      h.has_self = true;
      return h;
    }
  }
  return std::nullopt;
}

// Spaces in AllocationSpace order, per V8 version (src/common/globals.h;
// the same order v8.getHeapSpaceStatistics() lists them in).
std::vector<Space> SpaceEnum(int major, int minor) {
  using S = Space;
  if (major <= 10) {  // V8 10.2 (Node 18): NEW_SPACE is last
    return {S::kReadOnly, S::kOld, S::kCode, S::kMap, S::kLarge, S::kCodeLarge, S::kNewLarge, S::kNew};
  }
  if (major == 11) {  // V8 11.3 (Node 20)
    return {S::kReadOnly, S::kNew,      S::kOld,       S::kCode,       S::kShared,
            S::kNewLarge, S::kLarge,    S::kCodeLarge, S::kSharedLarge};
  }
  if (major == 12 && minor <= 4) {  // V8 12.4 (Node 22): adds TRUSTED
    return {S::kReadOnly, S::kNew,   S::kOld,       S::kCode,        S::kShared,      S::kTrusted,
            S::kNewLarge, S::kLarge, S::kCodeLarge, S::kSharedLarge, S::kTrustedLarge};
  }
  // V8 12.9 (Node 23), 13.6 (Node 24), 14.6 (Node 26): adds SHARED_TRUSTED.
  return {S::kReadOnly,      S::kNew,      S::kOld,        S::kCode,         S::kShared,
          S::kTrusted,       S::kSharedTrusted, S::kNewLarge, S::kLarge,   S::kCodeLarge,
          S::kSharedLarge,   S::kSharedTrustedLarge, S::kTrustedLarge};
}

std::optional<PageLayout> LayoutForVersion(int major) {
  if (major == 10 || major == 11) return PageLayout::kV10;
  if (major == 12) return PageLayout::kV12;
  if (major == 13 || major == 14) return PageLayout::kV13;
  return std::nullopt;
}

// Validate checks a header read at `chunk` and returns the page it describes.
std::optional<Page> Validate(const memory::AddressSpace& mem, uint64_t chunk, const RawHeader& h,
                             const std::vector<Space>& spaces) {
  if (h.size < 4096 || h.size > kMaxChunkSize) return std::nullopt;
  if (h.area_start <= chunk || h.area_end < h.area_start || h.area_end - chunk > h.size) return std::nullopt;
  if ((h.area_start & 7) != 0 || (h.area_end & 7) != 0) return std::nullopt;
  if (h.has_self && h.self != chunk && !(h.self == 0 && h.heap == 0)) return std::nullopt;
  Page p;
  p.start = chunk;
  p.size = h.size;
  p.area_start = h.area_start;
  p.area_end = h.area_end;
  p.heap = h.heap;
  p.flags = h.flags;
  p.from_page = (h.flags & kFromPageFlag) != 0;
  if (h.heap == 0) {
    if (h.owner != 0) return std::nullopt;
    p.space = Space::kReadOnly;
    return p;
  }
  if ((h.heap & 7) != 0 || h.owner == 0 || (h.owner & 7) != 0) return std::nullopt;
  // BaseSpace{vtable, heap_, id_}: the owner must point back at the same heap.
  auto owner_heap = mem.ReadU64(h.owner + 8);
  auto id = mem.ReadValue<uint8_t>(h.owner + 16);
  if (!owner_heap || *owner_heap != h.heap || !id) return std::nullopt;
  if (*id >= spaces.size()) return std::nullopt;
  p.space = spaces[*id];
  if (p.space == Space::kReadOnly) return std::nullopt;  // read-only pages have no owner
  return p;
}

struct Scan {
  std::vector<Page> pages;
  size_t owned = 0;  // pages with a Heap* (not read-only)
};

Scan ScanLayout(const memory::AddressSpace& mem, PageLayout layout, const std::vector<Space>& spaces,
                Progress& progress) {
  Scan s;
  const auto& regions = mem.regions();
  uint64_t done = 0;
  uint64_t probes = 0;  // bounded: a crafted core can map the same file bytes at a million addresses
  for (const memory::Region& r : regions) {
    if (progress.Cancelled()) break;
    progress.Report("pages", ++done, regions.size());
    if (r.source != memory::Region::Source::kCore) continue;
    uint64_t chunk = (r.start + kPageAlignment - 1) & ~(kPageAlignment - 1);
    for (; chunk >= r.start && chunk + 64 <= r.end; chunk += kPageAlignment) {
      if (++probes > limits::kMaxPageProbes) return s;
      auto h = ReadHeader(mem, chunk, layout);
      if (!h) continue;
      auto p = Validate(mem, chunk, *h, spaces);
      if (!p) continue;
      if (p->heap != 0) ++s.owned;
      s.pages.push_back(*p);
    }
  }
  return s;
}

}  // namespace

const char* PageLayoutName(PageLayout l) {
  switch (l) {
    case PageLayout::kV10: return "V10";
    case PageLayout::kV12: return "V12";
    case PageLayout::kV13: return "V13";
  }
  return "unknown";
}

const char* SpaceName(Space s) {
  switch (s) {
    case Space::kReadOnly: return "read_only_space";
    case Space::kNew: return "new_space";
    case Space::kOld: return "old_space";
    case Space::kCode: return "code_space";
    case Space::kMap: return "map_space";
    case Space::kShared: return "shared_space";
    case Space::kTrusted: return "trusted_space";
    case Space::kSharedTrusted: return "shared_trusted_space";
    case Space::kNewLarge: return "new_large_object_space";
    case Space::kLarge: return "large_object_space";
    case Space::kCodeLarge: return "code_large_object_space";
    case Space::kSharedLarge: return "shared_large_object_space";
    case Space::kTrustedLarge: return "trusted_large_object_space";
    case Space::kSharedTrustedLarge: return "shared_trusted_large_object_space";
    case Space::kUnknown: return "unknown";
  }
  return "unknown";
}

bool IsLargeObjectSpace(Space s) {
  switch (s) {
    case Space::kNewLarge:
    case Space::kLarge:
    case Space::kCodeLarge:
    case Space::kSharedLarge:
    case Space::kTrustedLarge:
    case Space::kSharedTrustedLarge:
      return true;
    default:
      return false;
  }
}

Result<PageTable> PageTable::Discover(const target::Target& t, Progress& progress) {
  const v8::Version& v = t.metadata().v8_version();
  std::vector<Space> spaces = SpaceEnum(v.major, v.minor);
  auto expected = LayoutForVersion(v.major);
  const memory::AddressSpace& mem = t.memory();

  PageTable table;
  Scan best;
  bool found = false;
  if (expected) {
    best = ScanLayout(mem, *expected, spaces, progress);
    table.layout_ = *expected;
    found = best.owned > 0;
  }
  if (!found) {
    // Unknown version, or the expected layout found nothing: try them all and
    // keep the one on which the most pages validate.
    for (PageLayout l : {PageLayout::kV10, PageLayout::kV12, PageLayout::kV13}) {
      if (expected && l == *expected) continue;
      Scan s = ScanLayout(mem, l, spaces, progress);
      if (s.owned > best.owned) {
        best = std::move(s);
        table.layout_ = l;
        found = true;
      }
    }
  }
  if (progress.Cancelled()) return MakeError(ErrorCode::kCancelled, "page discovery cancelled");
  if (!found) {
    return MakeError(ErrorCode::kUnsupportedNode,
                     "no V8 heap pages found in the core with any known page layout (V8 " + v.ToString() +
                         ", node " + (t.node_version().empty() ? "unknown" : t.node_version()) + ")",
                     "supported: Node 18, 20, 22, 24, 26 (V8 10.2 to 14.6)");
  }
  // Group by Heap*, the heap with the most bytes first (often, not always, the main isolate: a worker's can be larger).
  std::map<uint64_t, uint64_t> bytes_by_heap;
  for (const Page& p : best.pages) {
    if (p.heap != 0) bytes_by_heap[p.heap] += p.size;
  }
  std::vector<std::pair<uint64_t, uint64_t>> heaps(bytes_by_heap.begin(), bytes_by_heap.end());
  std::stable_sort(heaps.begin(), heaps.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::map<uint64_t, uint32_t> index;
  for (const auto& [heap, bytes] : heaps) {
    index[heap] = static_cast<uint32_t>(table.heaps_.size());
    table.heaps_.push_back(heap);
  }
  for (Page& p : best.pages) p.isolate = p.heap == 0 ? 0 : index[p.heap];
  std::sort(best.pages.begin(), best.pages.end(), [](const Page& a, const Page& b) { return a.start < b.start; });
  table.pages_ = std::move(best.pages);
  return table;
}

const Page* PageTable::Find(uint64_t addr) const {
  auto it = std::upper_bound(pages_.begin(), pages_.end(), addr,
                             [](uint64_t a, const Page& p) { return a < p.start; });
  if (it == pages_.begin()) return nullptr;
  --it;
  if (addr >= it->area_start && addr < it->area_end) return &*it;
  return nullptr;
}

}  // namespace corescope::heap
