// Reverse: a counting sort of the forward edges by target.
#include "graph/csr.h"


#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace corescope::graph {

Csr Reverse(const Csr& fwd) {
  Csr rev;
  uint32_t n = fwd.nodes();
  rev.offsets.assign(static_cast<size_t>(n) + 1, 0);
  for (uint32_t e : fwd.entries) rev.offsets[EdgeNode(e) + 1]++;
  for (uint32_t v = 0; v < n; ++v) rev.offsets[v + 1] += rev.offsets[v];
  rev.entries.resize(fwd.entries.size());  // every slot is written below
  // Fill using a moving cursor per target (offsets[v] is restored afterwards).
  U32Array& cur = rev.offsets;
  for (uint32_t u = 0; u < n; ++u) {
    for (const uint32_t* p = fwd.begin(u); p != fwd.end(u); ++p) {
      uint32_t v = EdgeNode(*p);
      rev.entries[cur[v]++] = PackEdge(u, EdgeKindOf(*p));
    }
  }
  // cur[v] now holds the end of v's range = start of v+1's; shift back.
  for (uint32_t v = n; v > 0; --v) cur[v] = cur[v - 1];
  cur[0] = 0;
  return rev;
}

}  // namespace corescope::graph
