// Csr: a compact adjacency list (compressed sparse rows) over dense 32-bit
// node ids, with the edge kind packed into the top two bits of each entry.
// Used for the forward and reverse reference graphs. Knows nothing of V8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "util/big_array.h"

namespace corescope::graph {

// EdgeKind: how an edge holds its target, as far as liveness is concerned.
enum class EdgeKind : uint32_t {
  kStrong = 0,     // keeps the target alive
  kWeak = 1,       // weak reference (tag 0b11, weak handle, WeakRef target...): does not
  kEphemeron = 2,  // EphemeronHashTable value: alive only while its key is alive
};

inline constexpr uint32_t kKindShift = 30;
inline constexpr uint32_t kNodeMask = (1u << kKindShift) - 1;
inline constexpr uint32_t kMaxNodes = kNodeMask;  // ids must stay below this

inline uint32_t PackEdge(uint32_t node, EdgeKind k) {
  return node | (static_cast<uint32_t>(k) << kKindShift);
}
inline uint32_t EdgeNode(uint32_t e) { return e & kNodeMask; }
inline EdgeKind EdgeKindOf(uint32_t e) { return static_cast<EdgeKind>(e >> kKindShift); }

using U32Array = std::vector<uint32_t, NoInitAllocator<uint32_t>>;

// Csr: edges of node v are entries[offsets[v] .. offsets[v+1]).
struct Csr {
  U32Array offsets;  // nodes + 1 entries
  U32Array entries;  // packed edges

  uint32_t nodes() const { return offsets.empty() ? 0 : static_cast<uint32_t>(offsets.size() - 1); }
  uint64_t edges() const { return entries.size(); }
  const uint32_t* begin(uint32_t v) const { return entries.data() + offsets[v]; }
  const uint32_t* end(uint32_t v) const { return entries.data() + offsets[v + 1]; }
  uint64_t bytes() const { return (offsets.capacity() + entries.capacity()) * sizeof(uint32_t); }
  void Clear() {
    U32Array().swap(offsets);
    U32Array().swap(entries);
  }
};

// Reverse builds the reverse graph of `fwd` (same kinds; each edge u->v
// becomes v->u). Within a node, sources come in increasing id order.
Csr Reverse(const Csr& fwd);

}  // namespace corescope::graph
