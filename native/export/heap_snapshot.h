// Writing a Chrome DevTools .heapsnapshot of a core's heap from the
// reference graph: the synthetic root, "(GC roots)" and its categories,
// every (live) object with DevTools' node type, name and self size, and
// every reference as an edge with a kind and a name. Written as a stream
// (nodes, then edges, then the string table) so only the graph and the
// string table are held in memory. Knows the graph and V8 object views;
// knows nothing of the CLI or of N-API.
#pragma once

#include <cstdint>
#include <string>

#include "graph/ref_graph.h"
#include "heap/page_table.h"
#include "util/progress.h"
#include "util/result.h"

namespace corescope::exporter {

struct SnapshotOptions {
  bool live_only = true;  // leave garbage (objects no root reaches) out
  bool redact = false;    // replace string contents by their length
};

struct SnapshotStats {
  uint64_t nodes = 0;
  uint64_t edges = 0;
  uint64_t strings = 0;
  uint64_t locations = 0;  // closures with a source position
  uint64_t bytes = 0;
  uint64_t garbage_skipped = 0;
};

// WriteHeapSnapshot writes the snapshot to `path` (replacing it). `pages`
// (may be null) tells read-only-space objects apart for naming. Errors:
// kFileNotFound when the file cannot be written; kCancelled.
Result<SnapshotStats> WriteHeapSnapshot(const graph::RefGraph& g, const heap::PageTable* pages,
                                        const std::string& path, const SnapshotOptions& opts, Progress& progress);

}  // namespace corescope::exporter
