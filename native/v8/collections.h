// Entries of JS collections in a core: Map and Set through their
// OrderedHashMap / OrderedHashSet tables, WeakMap and WeakSet through their
// EphemeronHashTable. Built on objects.h; knows nothing of describing or
// JSON (see describe.h).
//
// Layout facts, measured on Node 18/20/22/24/26 (V8 10.2-14.6) x64:
//  * JSMap/JSSet/JSWeakMap/JSWeakSet keep their table at +24 (right after the
//    JSObject header: JSCollection::table / JSWeakCollection::table).
//  * OrderedHashMap/Set: a FixedArray whose slots are [number_of_elements,
//    number_of_deleted_elements, number_of_buckets, buckets[nb]], then
//    entries of (key, value, chain) for maps and (key, chain) for sets;
//    entries are appended in insertion order, deleted ones keep the hole as
//    key; capacity = 2 * number_of_buckets.
//  * EphemeronHashTable: a HashTable [nof, deleted, capacity] with no prefix
//    and (key, value) entries; undefined = empty, the hole = deleted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"
#include "v8/objects.h"

namespace corescope::v8 {

struct CollectionEntry {
  uint64_t key = 0;      // tagged
  uint64_t value = 0;    // tagged (maps only)
};

struct CollectionEntries {
  std::string kind;      // "Map", "Set", "WeakMap", "WeakSet"
  bool has_values = false;   // Map and WeakMap
  uint64_t table = 0;    // the hash table (tagged)
  uint64_t size = 0;     // live entries (number_of_elements)
  bool truncated = false;
  std::vector<CollectionEntry> items;   // insertion order (Map/Set), table order (weak)
  std::vector<std::string> warnings;
};

// IsCollection reports whether a map belongs to a Map, Set, WeakMap or WeakSet.
bool IsCollection(const Heap& heap, const MapInfo& map);

// ReadCollection returns at most max_items live entries of a Map, Set,
// WeakMap or WeakSet. Errors: kUsage when obj is not one of them,
// kBadAddress when it has no readable map. A damaged table gives a result
// with warnings, never a crash.
Result<CollectionEntries> ReadCollection(const Heap& heap, uint64_t obj, size_t max_items);

}  // namespace corescope::v8
