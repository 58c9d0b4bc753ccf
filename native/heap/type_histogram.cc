// TypeHistogram: grouping of per-map statistics by row name (see
// type_histogram.h). Knows aggregation only.
#include "heap/type_histogram.h"

#include <algorithm>
#include <map>

namespace corescope::heap {

Histogram BuildHistogram(const v8::Heap& heap, const std::vector<MapStats>& stats,
                         const std::unordered_map<uint64_t, ClosureStats>& closures, const Namer& namer,
                         const HistogramOptions& opts, const std::vector<uint64_t>& per_object,
                         const std::function<bool(uint64_t)>& counted) {
  Histogram h;
  std::map<std::string, HistogramRow> rows;
  auto add = [&](const std::string& name, uint64_t count, uint64_t bytes, SnapshotKind kind, bool internal,
                 uint32_t map_id = 0xffffffffu) {
    h.objects += count;
    h.shallow_size += bytes;
    if (internal && !opts.include_internal) return;
    HistogramRow& r = rows[name];
    r.name = name;
    r.count += count;
    r.shallow_size += bytes;
    r.kind = kind;
    r.internal = internal;
    if (map_id != 0xffffffffu) r.map_ids.push_back(map_id);
  };
  const bool split_closures = opts.closure_detail && opts.by == GroupBy::kConstructor;
  for (uint32_t id = 0; id < stats.size(); ++id) {
    const MapStats& s = stats[id];
    if (s.count == 0) continue;
    const v8::MapInfo* m = heap.MapById(id);
    if (!m) continue;
    if (split_closures && heap.IsJSFunction(*m)) continue;  // counted per function below
    if (namer.PerObject(*m)) continue;                       // counted per object below
    RowName n = namer.ForMap(*m, s.sample, opts.by);
    // The snapshot names bound functions "native_bind" (V8HeapExplorer::AddEntry).
    if (split_closures && m->instance_type == heap.types().js_bound_function) n.name = "(closure) native_bind";
    add(n.name, s.count, s.bytes, n.kind, n.internal, id);
  }
  for (uint64_t addr : per_object) {
    if (counted && !counted(addr)) continue;
    uint64_t obj = v8::Tag(addr);
    const v8::MapInfo* m = heap.MapOf(obj);
    if (!m || !namer.PerObject(*m)) continue;
    RowName n = namer.ForObject(*m, obj, opts.by);
    add(n.name, 1, heap.SizeOf(obj, *m).value_or(0), n.kind, n.internal);
  }
  if (split_closures) {
    for (const auto& [sfi, c] : closures) add(namer.ClosureName(sfi), c.count, c.bytes, SnapshotKind::kClosure, false);
    // JSFunctions whose shared slot was not a pointer (should not happen) stay uncounted by name;
    // count them under "(closure)" so totals still add up.
    uint64_t fn_count = 0, fn_bytes = 0, named = 0, named_bytes = 0;
    for (uint32_t id = 0; id < stats.size(); ++id) {
      const v8::MapInfo* m = stats[id].count ? heap.MapById(id) : nullptr;
      if (m && heap.IsJSFunction(*m)) fn_count += stats[id].count, fn_bytes += stats[id].bytes;
    }
    for (const auto& [sfi, c] : closures) named += c.count, named_bytes += c.bytes;
    if (fn_count > named) add("(closure)", fn_count - named, fn_bytes - named_bytes, SnapshotKind::kClosure, false);
  }
  h.rows.reserve(rows.size());
  for (auto& [name, r] : rows) h.rows.push_back(std::move(r));
  std::sort(h.rows.begin(), h.rows.end(), [](const HistogramRow& a, const HistogramRow& b) {
    if (a.count != b.count) return a.count > b.count;
    if (a.shallow_size != b.shallow_size) return a.shallow_size > b.shallow_size;
    return a.name < b.name;
  });
  return h;
}

}  // namespace corescope::heap
