// Liveness marking, depth-first numbering and immediate dominators over a
// Csr graph (Semi-NCA: Georgiadis/Tarjan's semi-dominators with nearest-
// common-ancestor idom computation, iterative, path compression), plus
// retained sizes. Iterative throughout, so 25 M nodes and million-deep
// chains need no recursion. Knows graphs; knows nothing of V8.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/csr.h"
#include "util/progress.h"

namespace corescope::graph {

// Ephemeron: an EphemeronHashTable entry: `value` stays alive only while
// both `table` and `key` are alive.
struct Ephemeron {
  uint32_t table = 0;
  uint32_t key = 0;
  uint32_t value = 0;
};

// Bitset over node ids.
class Bitset {
 public:
  Bitset() = default;
  explicit Bitset(uint32_t n) : words_((static_cast<uint64_t>(n) + 63) / 64, 0) {}
  bool Get(uint32_t i) const { return (words_[i >> 6] >> (i & 63)) & 1; }
  void Set(uint32_t i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
  bool empty() const { return words_.empty(); }
  uint64_t Count() const;
  uint64_t bytes() const { return words_.capacity() * 8; }

 private:
  BigArray<uint64_t> words_;
};

// MarkLive returns the nodes reachable from `root` through strong edges,
// closed under the ephemeron rule (a value is alive when its table and key
// are). Weak edges never keep a node alive. Returns an empty Bitset when
// cancelled.
Bitset MarkLive(const Csr& fwd, uint32_t root, const std::vector<Ephemeron>& ephemerons, Progress& progress);

// DfsTree: a depth-first spanning tree of the nodes reachable from the root.
struct DfsTree {
  BigArray<uint32_t> pre;     // by node: preorder number, 1-based; 0 = not reached
  BigArray<uint32_t> order;   // by preorder number: the node (order[0] unused)
  BigArray<uint32_t> parent;  // by preorder number: the parent's preorder number (0 for the root)
  uint32_t reached() const { return order.empty() ? 0 : static_cast<uint32_t>(order.size() - 1); }
};

// Dfs numbers the nodes reachable from `root` through strong and ephemeron
// edges whose target is in `live` (all nodes when `live` is empty). Returns
// an empty tree when cancelled.
DfsTree Dfs(const Csr& fwd, uint32_t root, const Bitset& live, Progress& progress);

// ImmediateDominators computes idom of every reached node, by preorder
// number (idom[1] = 0 for the root), over the predecessors in `rev` (strong
// and ephemeron edges from reached nodes). Consumes tree.parent (its storage
// becomes the result). Returns an empty vector when cancelled.
BigArray<uint32_t> ImmediateDominators(DfsTree& tree, const Csr& rev, Progress& progress);

// RetainedSizes sums self sizes up the dominator tree: retained[i] (by
// preorder number) = self(order[i]) + retained of the nodes it dominates.
// `self_size(node)` gives a node's own size in bytes.
template <typename SelfSize>
BigArray<uint64_t> RetainedSizes(const DfsTree& tree, const BigArray<uint32_t>& idom, SelfSize self_size) {
  uint32_t k = tree.reached();
  BigArray<uint64_t> retained(static_cast<size_t>(k) + 1, 0);
  for (uint32_t i = 1; i <= k; ++i) retained[i] = self_size(tree.order[i]);
  // idom[i] < i (a dominator precedes in preorder), so one reverse sweep suffices.
  for (uint32_t i = k; i >= 2; --i) retained[idom[i]] += retained[i];
  return retained;
}

}  // namespace corescope::graph
