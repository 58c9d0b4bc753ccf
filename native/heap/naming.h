// Naming: the row names objects are grouped under, the way V8's heap
// snapshot (src/profiler/heap-snapshot-generator.cc, V8HeapExplorer::AddEntry
// / GetSystemEntryType) types and names them and DevTools' Summary view
// groups them (HeapSnapshotNode.className()): JS objects by constructor name,
// "(closure)", "(string)", "(concatenated string)", "(sliced string)",
// "(number)", "(array)", "(compiled code)", "(object shape)", "system /
// Context", and "(system) <Class>" for the rest. Also instance-type names and
// shapes (constructor + own property names, like mdb_v8's findjsobjects).
// Knows naming; knows nothing of walking (see heap_index.h).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "heap/page_table.h"
#include "v8/objects.h"

namespace corescope::heap {

enum class GroupBy { kConstructor, kInstanceType, kShape };
// ParseGroupBy accepts "constructor", "instance-type", "shape".
std::optional<GroupBy> ParseGroupBy(const std::string& s);
const char* GroupByName(GroupBy g);

// SnapshotKind: V8's HeapEntry::Type for objects of a map.
enum class SnapshotKind : uint8_t {
  kObject, kClosure, kRegExp, kString, kConsString, kSlicedString, kSymbol, kBigInt,
  kCode, kHeapNumber, kArray, kHidden, kObjectShape,
};
const char* SnapshotKindName(SnapshotKind k);  // "object", "closure", ... as in .heapsnapshot node_types

struct RowName {
  std::string name;
  SnapshotKind kind = SnapshotKind::kHidden;
  bool internal = false;  // V8-internal (not a JS value): hidden, code, arrays, shapes, contexts
};

class Namer {
 public:
  Namer(const v8::Heap& heap, const PageTable* pages) : heap_(heap), pages_(pages) {}

  // ForMap names the objects of map m (sample: one object of that map, for
  // own properties a prototype or dictionary-mode object keeps itself).
  // Cached per map id.
  RowName ForMap(const v8::MapInfo& m, uint64_t sample, GroupBy by) const;
  // ForObject names one object (obj tagged, with map m): ForMap, except for
  // maps whose objects are named one by one (v8::Heap::NameDependsOnObject).
  RowName ForObject(const v8::MapInfo& m, uint64_t obj, GroupBy by) const;
  bool PerObject(const v8::MapInfo& m) const { return heap_.NameDependsOnObject(m); }
  // ClosureName: "(closure) <function name>" for a SharedFunctionInfo, the
  // detail row of closures (the snapshot names closures by function name).
  std::string ClosureName(uint64_t sfi) const;
  // ShapeKeys: the map's own property names, "{a, b, c}" (at most 12).
  std::string ShapeKeys(const v8::MapInfo& m) const;

 private:
  RowName Compute(const v8::MapInfo& m, uint64_t sample, GroupBy by) const;
  bool InReadOnlySpace(uint64_t addr) const;

  const v8::Heap& heap_;
  const PageTable* pages_;
  mutable std::mutex mu_;
  mutable std::unordered_map<uint64_t, RowName> cache_;  // (map id << 2 | by) -> name
};

}  // namespace corescope::heap
