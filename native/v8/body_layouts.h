// BodyLayouts: which words of a heap object's body may hold references, per
// instance type, and how (strong, weak, ephemeron), as V8's body descriptors
// see them: raw-data types (string characters, ByteArray, FixedDoubleArray,
// HeapNumber, BigInt, code and bytecode bodies...) have none; Map bodies
// start at the prototype; cons/sliced/thin strings hold their parts;
// EphemeronHashTable entries hold weak keys and key-conditional values;
// JSWeakRef / WeakCell targets are weak; any word tagged 0b11 is weak. A type
// without a precise rule counts every word of its body (conservative).
// Also names fields by offset from the v8dbg class_<Class>__<field> constants
// (for edge names). Knows object layouts; knows nothing of the graph.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "v8/objects.h"

namespace corescope::v8 {

enum class BodyKind : uint8_t {
  kAllTagged,       // every word in [start, size)
  kNone,            // raw data only (no references besides the map)
  kRange,           // words in [start, end); the rest is raw
  kEphemeronTable,  // hash table header, then (weak key, ephemeron value) entries
};

struct BodyRule {
  BodyKind kind = BodyKind::kAllTagged;
  uint16_t start = 8;   // first word that may hold a reference (the map word is separate)
  uint16_t end = 0;     // kRange: end offset (exclusive)
  uint16_t weak_slot[2] = {0, 0};  // offsets whose reference is weak whatever its tag (0 = none)
};

// SlotKind: how a body word refers to its target.
enum class SlotKind : uint8_t { kStrong, kWeak, kEphemeronKey, kEphemeronValue };

class BodyLayouts {
 public:
  // Build derives the rules for every instance type of `heap`'s version.
  static std::unique_ptr<BodyLayouts> Build(const Heap& heap);

  const BodyRule& Rule(uint16_t type) const { return rules_[type < rules_.size() ? type : 0]; }

  // VisitSlots calls fn(offset, word, SlotKind) for every body word of the
  // object at `addr` (untagged) of `size` bytes and instance type `type` that
  // is a tagged pointer (strong 01 or weak 11), the map word excluded.
  // `words` points at the object's first word (a Span of `size` bytes).
  template <typename Fn>
  void VisitSlots(const uint64_t* words, uint64_t size, uint16_t type, Fn&& fn) const;

  // FieldName returns the v8dbg field name of `offset` in objects of `type`
  // (walking up the class hierarchy), or "" when unknown.
  std::string FieldName(uint16_t type, uint64_t offset) const;
  // ClassName returns the V8 class of an instance type ("JSFunction"), or "".
  const std::string& ClassName(uint16_t type) const;

 private:
  std::vector<BodyRule> rules_;
  std::vector<std::string> class_names_;                          // by type
  std::unordered_map<std::string, std::string> parents_;           // class -> parent class
  std::unordered_map<std::string, std::unordered_map<uint64_t, std::string>> fields_;  // class -> offset -> field
};

// --- inline ---------------------------------------------------------------

template <typename Fn>
void BodyLayouts::VisitSlots(const uint64_t* words, uint64_t size, uint16_t type, Fn&& fn) const {
  const BodyRule& r = Rule(type);
  uint64_t n = size / 8;
  auto emit = [&](uint64_t i, SlotKind strong_kind) {
    uint64_t w;
    std::memcpy(&w, words + i, 8);
    if ((w & 1) == 0) return;  // Smi or raw
    if ((w & 3) == 3) {
      if ((w & 0xffffffffu) == 3) return;  // cleared weak reference
      fn(i * 8, w, SlotKind::kWeak);
      return;
    }
    uint64_t off = i * 8;
    if (off == r.weak_slot[0] || off == r.weak_slot[1]) {
      fn(off, w, SlotKind::kWeak);
    } else {
      fn(off, w, strong_kind);
    }
  };
  switch (r.kind) {
    case BodyKind::kNone:
      return;
    case BodyKind::kAllTagged:
      for (uint64_t i = r.start / 8; i < n; ++i) emit(i, SlotKind::kStrong);
      return;
    case BodyKind::kRange: {
      uint64_t end = std::min<uint64_t>(n, r.end / 8);
      for (uint64_t i = r.start / 8; i < end; ++i) emit(i, SlotKind::kStrong);
      return;
    }
    case BodyKind::kEphemeronTable: {
      // FixedArray-like: length @8, then nof, deleted, capacity, then
      // (key, value) entries from word 5 (V8 ObjectHashTableShape: no prefix).
      for (uint64_t i = 2; i < 5 && i < n; ++i) emit(i, SlotKind::kStrong);
      for (uint64_t i = 5; i + 1 < n; i += 2) {
        emit(i, SlotKind::kEphemeronKey);
        emit(i + 1, SlotKind::kEphemeronValue);
      }
      return;
    }
  }
}

}  // namespace corescope::v8
