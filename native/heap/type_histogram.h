// TypeHistogram: object counts and shallow sizes grouped by row name
// (constructor, instance type or shape; see naming.h), from the per-map
// statistics of a HeapIndex. Closures can be split by function name.
// Knows aggregation; knows nothing of walking or JSON.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "heap/heap_index.h"
#include "heap/naming.h"

namespace corescope::heap {

struct HistogramRow {
  std::string name;
  uint64_t count = 0;
  uint64_t shallow_size = 0;
  std::vector<uint32_t> map_ids;   // the maps grouped in this row (closure-detail rows: none)
  SnapshotKind kind = SnapshotKind::kHidden;
  bool internal = false;
};

struct HistogramOptions {
  GroupBy by = GroupBy::kConstructor;
  bool include_internal = true;   // rows of V8-internal objects ("(system) X", code, arrays, shapes)
  bool closure_detail = false;    // "(closure) name" rows instead of one "(closure)" row
};

struct Histogram {
  std::vector<HistogramRow> rows;  // sorted by count, then size, then name
  uint64_t objects = 0;            // totals over every object (also the excluded rows)
  uint64_t shallow_size = 0;
};

// BuildHistogram groups objects given per-map statistics (the index's, or
// live-only ones from the reference graph) and per-function closure counts.
// Cheap: one name per map.
// Objects of maps named per object (Namer::PerObject) are taken from
// `per_object` (untagged addresses) instead, each counted if `counted` says so
// (liveness).
Histogram BuildHistogram(const v8::Heap& heap, const std::vector<MapStats>& map_stats,
                         const std::unordered_map<uint64_t, ClosureStats>& closures, const Namer& namer,
                         const HistogramOptions& opts, const std::vector<uint64_t>& per_object = {},
                         const std::function<bool(uint64_t)>& counted = nullptr);

}  // namespace corescope::heap
