// Semi-NCA dominators over Csr graphs. See dominators.h.
//
// Semi-NCA (L. Georgiadis, "Linear-Time Algorithms for Dominators and
// Related Problems", 2005): semi-dominators exactly as Lengauer-Tarjan
// compute them (reverse preorder, EVAL with path compression over the
// linked forest), then idom(v) = the nearest ancestor of parent(v) in the
// dominator tree whose preorder number is <= semi(v). Everything works on
// preorder numbers, 1-based, 0 meaning "none".
#include "graph/dominators.h"

#include <algorithm>

namespace corescope::graph {
namespace {

constexpr uint32_t kReportEvery = 1u << 16;

bool Follows(uint32_t e) {
  EdgeKind k = EdgeKindOf(e);
  return k == EdgeKind::kStrong || k == EdgeKind::kEphemeron;
}

}  // namespace

uint64_t Bitset::Count() const {
  uint64_t n = 0;
  for (uint64_t w : words_) {
    w = w - ((w >> 1) & 0x5555555555555555ull);
    w = (w & 0x3333333333333333ull) + ((w >> 2) & 0x3333333333333333ull);
    n += (((w + (w >> 4)) & 0x0f0f0f0f0f0f0f0full) * 0x0101010101010101ull) >> 56;
  }
  return n;
}

Bitset MarkLive(const Csr& fwd, uint32_t root, const std::vector<Ephemeron>& ephemerons, Progress& progress) {
  uint32_t n = fwd.nodes();
  Bitset live(n);
  if (root >= n) return live;
  std::vector<uint32_t> stack;
  uint64_t marked = 0;
  auto mark_from = [&](uint32_t start) -> bool {
    if (live.Get(start)) return true;
    live.Set(start);
    stack.push_back(start);
    while (!stack.empty()) {
      uint32_t u = stack.back();
      stack.pop_back();
      if ((++marked % kReportEvery) == 0) {
        progress.Report("marking live objects", marked, n);
        if (progress.Cancelled()) return false;
      }
      for (const uint32_t* p = fwd.begin(u); p != fwd.end(u); ++p) {
        if (EdgeKindOf(*p) != EdgeKind::kStrong) continue;
        uint32_t v = EdgeNode(*p);
        if (!live.Get(v)) {
          live.Set(v);
          stack.push_back(v);
        }
      }
    }
    return true;
  };
  if (!mark_from(root)) return Bitset();
  // Ephemeron fixpoint: revive values whose table and key are both alive,
  // until nothing changes (each pass is linear in the number of entries).
  bool changed = true;
  while (changed) {
    changed = false;
    for (const Ephemeron& e : ephemerons) {
      if (e.table >= n || e.key >= n || e.value >= n) continue;
      if (!live.Get(e.value) && live.Get(e.table) && live.Get(e.key)) {
        if (!mark_from(e.value)) return Bitset();
        changed = true;
      }
    }
  }
  return live;
}

DfsTree Dfs(const Csr& fwd, uint32_t root, const Bitset& live, Progress& progress) {
  uint32_t n = fwd.nodes();
  DfsTree t;
  if (root >= n) return t;
  t.pre.assign(n, 0);
  t.order.reserve(live.empty() ? static_cast<size_t>(n) + 1 : live.Count() + 1);
  t.parent.reserve(t.order.capacity());
  t.order.push_back(0);
  t.parent.push_back(0);
  auto visit = [&](uint32_t v, uint32_t parent_pre) {
    t.order.push_back(v);
    t.parent.push_back(parent_pre);
    t.pre[v] = static_cast<uint32_t>(t.order.size() - 1);
  };
  // The DFS stack holds, per open node, which edge to try next: as deep as
  // the tree, not one entry per node.
  struct Frame {
    uint32_t pre, next, end;
  };
  std::vector<Frame> stack;
  visit(root, 0);
  stack.push_back({1, fwd.offsets[root], fwd.offsets[root + 1]});
  while (!stack.empty()) {
    Frame& f = stack.back();
    bool descended = false;
    while (f.next < f.end) {
      uint32_t e = fwd.entries[f.next++];
      if (!Follows(e)) continue;
      uint32_t v = EdgeNode(e);
      if (t.pre[v] != 0 || (!live.empty() && !live.Get(v))) continue;
      visit(v, f.pre);
      stack.push_back({t.pre[v], fwd.offsets[v], fwd.offsets[v + 1]});  // f is invalid from here
      descended = true;
      if ((t.order.size() % kReportEvery) == 0) {
        progress.Report("depth-first numbering", t.order.size(), n);
        if (progress.Cancelled()) return DfsTree();
      }
      break;
    }
    if (!descended) stack.pop_back();
  }
  return t;
}

BigArray<uint32_t> ImmediateDominators(DfsTree& tree, const Csr& rev, Progress& progress) {
  uint32_t k = tree.reached();
  U32Array semi, label;  // written in full just below: no zero fill
  semi.resize(static_cast<size_t>(k) + 1);
  label.resize(static_cast<size_t>(k) + 1);
  BigArray<uint32_t> ancestor(static_cast<size_t>(k) + 1, 0);
  for (uint32_t i = 0; i <= k; ++i) semi[i] = label[i] = i;
  std::vector<uint32_t> path;  // EVAL's compression path, reused

  // Eval returns the node with the smallest semi on the forest path from v
  // up to (excluding) its tree root, compressing the path.
  auto eval = [&](uint32_t v) -> uint32_t {
    if (ancestor[v] == 0) return v;
    path.clear();
    uint32_t x = v;
    while (ancestor[ancestor[x]] != 0) {
      path.push_back(x);
      x = ancestor[x];
    }
    // x's ancestor is the tree root: x's label is final. Walk back down.
    for (size_t i = path.size(); i-- > 0;) {
      uint32_t y = path[i];
      uint32_t a = ancestor[y];
      if (semi[label[a]] < semi[label[y]]) label[y] = label[a];
      ancestor[y] = ancestor[a];
    }
    return label[v];
  };

  for (uint32_t i = k; i >= 2; --i) {
    uint32_t w = tree.order[i];
    uint32_t s = semi[i];
    for (const uint32_t* p = rev.begin(w); p != rev.end(w); ++p) {
      if (!Follows(*p)) continue;
      uint32_t j = tree.pre[EdgeNode(*p)];
      if (j == 0) continue;  // predecessor not reached (garbage or filtered)
      uint32_t cand = semi[eval(j)];
      if (cand < s) s = cand;
    }
    semi[i] = s;
    ancestor[i] = tree.parent[i];  // link
    if ((i % kReportEvery) == 0) {
      progress.Report("dominators", static_cast<uint64_t>(k - i), k);
      if (progress.Cancelled()) return {};
    }
  }
  U32Array().swap(label);
  BigArray<uint32_t>().swap(ancestor);
  std::vector<uint32_t>().swap(path);

  // NCA step, in place over the parent array.
  BigArray<uint32_t> idom = std::move(tree.parent);
  tree.parent.clear();
  if (k >= 1) idom[1] = 0;
  for (uint32_t i = 2; i <= k; ++i) {
    uint32_t d = idom[i];
    while (d > semi[i]) d = idom[d];
    idom[i] = d;
  }
  return idom;
}

}  // namespace corescope::graph
