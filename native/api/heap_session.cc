// The Session's heap views and index (see heap_session.h).
#include "api/heap_session.h"

namespace corescope::api {

Result<HeapViews*> GetHeapViews(Session& s, Progress& progress) {
  return s.Cached<HeapViews>("heap:views", [&]() -> Result<std::unique_ptr<HeapViews>> {
    auto views = std::make_unique<HeapViews>();
    const target::Target& t = s.target();
    auto pages = heap::PageTable::Discover(t, progress);
    if (!pages) return pages.error();
    views->pages = std::make_unique<heap::PageTable>(std::move(pages.value()));
    std::vector<v8::Heap::Area> areas;
    for (const heap::Page& p : views->pages->pages()) {
      if (!p.from_page) areas.push_back({p.area_start, p.area_end});
    }
    auto h = v8::Heap::Create(t.memory(), t.metadata(), &t.exe(), &t.symbols().all(), std::move(areas));
    if (!h) return h.error();
    views->heap = std::move(h.value());
    return views;
  });
}

Result<HeapViews*> GetHeapIndex(Session& s, Progress& progress) {
  auto v = GetHeapViews(s, progress);
  if (!v) return v.error();
  HeapViews* views = v.value();
  if (!views->index) {
    auto index = heap::HeapIndex::Build(*views->heap, *views->pages, heap::IndexOptions{}, progress);
    if (!index) return index.error();
    views->index = std::move(index.value());
  }
  return views;
}

}  // namespace corescope::api
