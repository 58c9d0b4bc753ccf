// The reference graph of a Session, built on first use and cached (key
// "graph:views"), for the graph methods and for other methods that need
// liveness or retained sizes (objects, inspect). Knows sessions; the graph
// itself lives in ../graph.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/methods.h"
#include "graph/ref_graph.h"
#include "heap/heap_index.h"
#include "heap/page_table.h"
#include "heap/type_histogram.h"
#include "v8/objects.h"

namespace corescope::api {

// GraphViews: the graph, and what it is built from: the session's one heap
// (api/heap_session.h), shared with objects, inspect and stack, never walked twice.
struct GraphViews : SessionCache {
  const heap::PageTable* pages = nullptr;
  const v8::Heap* heap = nullptr;
  const heap::HeapIndex* index = nullptr;
  std::unique_ptr<graph::RefGraph> graph;
};

// GetGraph returns the session's reference graph, building it (pages, object
// views, heap index, roots, edges, liveness, dominators) the first time.
// Errors: those of the page table, views and index; kCancelled.
Result<GraphViews*> GetGraph(Session& s, Progress& progress);

// RetainedByRow: the retained size of each row of a histogram of the graph's
// live objects: RefGraph::RetainedByGroup with each row's maps as its group.
Result<std::vector<uint64_t>> RetainedByRow(const graph::RefGraph& g, const v8::Heap& heap, const heap::Histogram& h,
                                            Progress& progress);

}  // namespace corescope::api
