// Map/Set/WeakMap/WeakSet entries; see collections.h for the table layouts.
#include "v8/collections.h"

#include <cstdio>

#include "util/byte_reader.h"
#include "util/limits.h"

namespace corescope::v8 {
namespace {

constexpr int64_t kTableOffset = 24;          // JSCollection::table, JSWeakCollection::table
constexpr int64_t kFixedArrayLengthOffset = 8;
constexpr int64_t kFixedArrayHeaderSize = 16;
constexpr uint64_t kOrderedHeaderSlots = 3;   // elements, deleted, buckets

std::string Hex(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::optional<int64_t> SmiSlot(const Heap& heap, uint64_t array, uint64_t index) {
  auto w = heap.ReadField(array, kFixedArrayHeaderSize + static_cast<int64_t>(8 * index));
  if (!w || !IsSmi(*w)) return std::nullopt;
  return SmiValue(*w);
}

std::optional<uint64_t> Slot(const Heap& heap, uint64_t array, uint64_t index) {
  return heap.ReadField(array, kFixedArrayHeaderSize + static_cast<int64_t>(8 * index));
}

std::optional<uint64_t> Length(const Heap& heap, uint64_t array) {
  auto w = heap.ReadField(array, kFixedArrayLengthOffset);
  if (!w || !IsSmi(*w) || SmiValue(*w) < 0) return std::nullopt;
  return static_cast<uint64_t>(SmiValue(*w));
}

void ReadOrdered(const Heap& heap, uint64_t table, uint64_t entry_size, size_t max_items, CollectionEntries* out) {
  auto len = Length(heap, table);
  auto nof = SmiSlot(heap, table, 0);
  auto deleted = SmiSlot(heap, table, 1);
  auto buckets = SmiSlot(heap, table, 2);
  if (!len || !nof || !deleted || !buckets || *nof < 0 || *deleted < 0 || *buckets < 0) {
    out->warnings.push_back("hash table " + Hex(table) + " has an unreadable header");
    return;
  }
  uint64_t nb = static_cast<uint64_t>(*buckets);
  uint64_t used = static_cast<uint64_t>(*nof) + static_cast<uint64_t>(*deleted);
  uint64_t capacity = 2 * nb;
  uint64_t start = kOrderedHeaderSlots + nb;
  auto need = CheckedAdd(start, capacity * entry_size);
  if (nb > limits::kMaxArrayLengthFollowed || used > capacity || !need || *need > *len) {
    out->warnings.push_back("hash table " + Hex(table) + ": " + std::to_string(used) + " used entries and " +
                            std::to_string(nb) + " buckets do not fit its length " + std::to_string(*len));
    return;
  }
  out->size = static_cast<uint64_t>(*nof);
  for (uint64_t e = 0; e < used; e++) {
    uint64_t slot = start + e * entry_size;
    auto key = Slot(heap, table, slot);
    if (!key) {
      out->warnings.push_back("entry " + std::to_string(e) + " of " + Hex(table) + " is unreadable");
      return;
    }
    if (heap.Oddball(*key) == OddballKind::kTheHole) continue;  // deleted
    if (out->items.size() >= max_items) {
      out->truncated = true;
      return;
    }
    CollectionEntry ce;
    ce.key = *key;
    if (out->has_values) ce.value = Slot(heap, table, slot + 1).value_or(0);
    out->items.push_back(ce);
  }
}

void ReadEphemeron(const Heap& heap, uint64_t table, size_t max_items, CollectionEntries* out) {
  auto len = Length(heap, table);
  auto nof = SmiSlot(heap, table, 0);
  auto capacity = SmiSlot(heap, table, 2);
  if (!len || !nof || !capacity || *nof < 0 || *capacity < 0) {
    out->warnings.push_back("weak table " + Hex(table) + " has an unreadable header");
    return;
  }
  uint64_t cap = static_cast<uint64_t>(*capacity);
  auto need = CheckedAdd(3, cap * 2);
  if (cap > limits::kMaxArrayLengthFollowed || !need || *need > *len) {
    out->warnings.push_back("weak table " + Hex(table) + ": capacity " + std::to_string(cap) +
                            " does not fit its length " + std::to_string(*len));
    return;
  }
  out->size = static_cast<uint64_t>(*nof);
  for (uint64_t e = 0; e < cap; e++) {
    uint64_t slot = 3 + 2 * e;
    auto key = Slot(heap, table, slot);
    if (!key) {
      out->warnings.push_back("entry " + std::to_string(e) + " of " + Hex(table) + " is unreadable");
      return;
    }
    OddballKind k = heap.Oddball(*key);
    if (k == OddballKind::kUndefined || k == OddballKind::kTheHole) continue;
    if (out->items.size() >= max_items) {
      out->truncated = true;
      return;
    }
    CollectionEntry ce;
    ce.key = *key;
    if (out->has_values) ce.value = Slot(heap, table, slot + 1).value_or(0);
    out->items.push_back(ce);
  }
}

}  // namespace

bool IsCollection(const Heap& heap, const MapInfo& map) {
  const InstanceTypes& t = heap.types();
  uint16_t it = map.instance_type;
  return it == t.js_map || it == t.js_set || it == t.js_weak_map || it == t.js_weak_set;
}

Result<CollectionEntries> ReadCollection(const Heap& heap, uint64_t obj, size_t max_items) {
  const MapInfo* map = heap.MapOf(obj);
  if (!map) return MakeError(ErrorCode::kBadAddress, Hex(obj) + " has no readable map");
  const InstanceTypes& t = heap.types();
  CollectionEntries out;
  uint16_t it = map->instance_type;
  if (it == t.js_map) {
    out.kind = "Map";
    out.has_values = true;
  } else if (it == t.js_set) {
    out.kind = "Set";
  } else if (it == t.js_weak_map) {
    out.kind = "WeakMap";
    out.has_values = true;
  } else if (it == t.js_weak_set) {
    out.kind = "WeakSet";
  } else {
    return MakeError(ErrorCode::kUsage, Hex(obj) + " is not a Map, Set, WeakMap or WeakSet");
  }
  auto table = heap.ReadField(obj, kTableOffset);
  if (!table || !IsStrong(*table) || !heap.MapOf(*table)) {
    out.warnings.push_back(out.kind + " " + Hex(obj) + " has no readable table");
    return out;
  }
  out.table = *table;
  if (out.kind == "Map" || out.kind == "Set") {
    ReadOrdered(heap, *table, out.has_values ? 3 : 2, max_items, &out);
  } else {
    ReadEphemeron(heap, *table, max_items, &out);
  }
  return out;
}

}  // namespace corescope::v8
