// PageTable: the V8 heap pages present in a core. V8 pages are 256 KiB
// aligned chunks whose headers (not described by v8dbg) come in three
// layouts: V10 (Node 18/20), V12 (Node 22), V13 (Node 24/26). Pages are
// grouped by Heap* (one per isolate; worker threads add heaps) and tagged with
// their space. Knows page headers; knows nothing of objects (see heap_walker.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "target/target.h"
#include "util/progress.h"
#include "util/result.h"

namespace corescope::heap {

inline constexpr uint64_t kPageAlignment = 256 * 1024;

enum class PageLayout { kV10, kV12, kV13 };
const char* PageLayoutName(PageLayout l);

// Space is V8's AllocationSpace, normalised across versions (the numeric
// enum differs per V8 major; see page_table.cc).
enum class Space {
  kReadOnly, kNew, kOld, kCode, kMap, kShared, kTrusted, kSharedTrusted,
  kNewLarge, kLarge, kCodeLarge, kSharedLarge, kTrustedLarge, kSharedTrustedLarge,
  kUnknown,
};
// SpaceName returns the name v8.getHeapSpaceStatistics() uses ("old_space",
// "new_space", "large_object_space", "read_only_space", ...).
const char* SpaceName(Space s);
bool IsLargeObjectSpace(Space s);

struct Page {
  uint64_t start = 0;        // chunk address (256 KiB aligned)
  uint64_t size = 0;         // chunk size (> 256 KiB for large-object pages)
  uint64_t area_start = 0;   // first object
  uint64_t area_end = 0;     // end of the object area
  uint64_t heap = 0;         // Heap* (0 for read-only pages)
  uint64_t flags = 0;
  Space space = Space::kUnknown;
  bool from_page = false;    // semispace from-page: stale copies, not walked
  uint32_t isolate = 0;      // index into PageTable::heaps()
};

class PageTable {
 public:
  // Discover scans every 256 KiB-aligned address of the dumped memory, picks
  // the layout by the V8 version (and verifies it), and validates each header.
  // Errors: kUnsupportedNode when no layout fits a V8 version we know.
  static Result<PageTable> Discover(const target::Target& t, Progress& progress);

  PageLayout layout() const { return layout_; }
  const std::vector<Page>& pages() const { return pages_; }   // sorted by start
  const std::vector<uint64_t>& heaps() const { return heaps_; }  // Heap* per isolate, most bytes first
  // Find returns the page whose object area contains addr, or nullptr.
  const Page* Find(uint64_t addr) const;

 private:
  PageLayout layout_ = PageLayout::kV10;
  std::vector<Page> pages_;
  std::vector<uint64_t> heaps_;
};

}  // namespace corescope::heap
