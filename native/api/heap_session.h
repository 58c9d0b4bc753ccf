// The heap of a Session, built on first use and cached (key "heap:views"):
// the page table, the object views (v8::Heap) and, on demand, the heap index
// (one parallel walk of every page). Methods that need objects (objects,
// instances, and any other feature) can share it. Knows sessions; the heap
// itself lives in ../heap and ../v8.
#pragma once

#include <memory>
#include <string>

#include "api/methods.h"
#include "heap/heap_index.h"
#include "heap/page_table.h"
#include "v8/objects.h"

namespace corescope::api {

struct HeapViews : SessionCache {
  std::unique_ptr<heap::PageTable> pages;
  std::unique_ptr<v8::Heap> heap;
  std::unique_ptr<heap::HeapIndex> index;  // null until GetHeapIndex
};

// GetHeapViews returns the session's page table and object views.
// Errors: those of PageTable::Discover and v8::Heap::Create.
Result<HeapViews*> GetHeapViews(Session& s, Progress& progress);

// GetHeapIndex also builds the heap index the first time (a walk of every
// page, in parallel). Errors: kCancelled, and those of GetHeapViews.
Result<HeapViews*> GetHeapIndex(Session& s, Progress& progress);

}  // namespace corescope::api
