// Tests of the graph algorithms (csr.h, dominators.h) against independent
// naive versions on random graphs: dominators by the iterative data-flow
// definition (Dom(v) = {v} ∪ ⋂ Dom(preds)), liveness by plain reachability.
#include <algorithm>
#include <random>
#include <set>

#include "graph/csr.h"
#include "graph/dominators.h"
#include "test/harness.h"

namespace corescope::test {
namespace {

using graph::Csr;
using graph::EdgeKind;

struct Edge {
  uint32_t from, to;
  EdgeKind kind;
};

Csr Build(uint32_t n, const std::vector<Edge>& edges) {
  Csr c;
  c.offsets.assign(n + 1, 0);
  for (const Edge& e : edges) c.offsets[e.from + 1]++;
  for (uint32_t v = 0; v < n; ++v) c.offsets[v + 1] += c.offsets[v];
  c.entries.resize(edges.size());
  std::vector<uint32_t> cur(c.offsets.begin(), c.offsets.end() - 1);
  for (const Edge& e : edges) c.entries[cur[e.from]++] = graph::PackEdge(e.to, e.kind);
  return c;
}

// NaiveDominators: idom by node (UINT32_MAX = unreachable, root -> root),
// from full dominator sets over strong edges.
std::vector<uint32_t> NaiveDominators(uint32_t n, const std::vector<Edge>& edges, uint32_t root) {
  std::vector<std::vector<uint32_t>> preds(n);
  std::vector<bool> reach(n, false);
  std::vector<uint32_t> stack{root};
  reach[root] = true;
  std::vector<std::vector<uint32_t>> succ(n);
  for (const Edge& e : edges) {
    if (e.kind != EdgeKind::kStrong) continue;
    succ[e.from].push_back(e.to);
  }
  while (!stack.empty()) {
    uint32_t u = stack.back();
    stack.pop_back();
    for (uint32_t v : succ[u]) {
      if (!reach[v]) {
        reach[v] = true;
        stack.push_back(v);
      }
    }
  }
  for (const Edge& e : edges) {
    if (e.kind == EdgeKind::kStrong && reach[e.from]) preds[e.to].push_back(e.from);
  }
  std::vector<std::set<uint32_t>> dom(n);
  std::set<uint32_t> all;
  for (uint32_t v = 0; v < n; ++v) if (reach[v]) all.insert(v);
  for (uint32_t v = 0; v < n; ++v) dom[v] = (v == root) ? std::set<uint32_t>{root} : all;
  bool changed = true;
  while (changed) {
    changed = false;
    for (uint32_t v = 0; v < n; ++v) {
      if (!reach[v] || v == root) continue;
      std::set<uint32_t> d = all;
      for (uint32_t p : preds[v]) {
        std::set<uint32_t> x;
        std::set_intersection(d.begin(), d.end(), dom[p].begin(), dom[p].end(), std::inserter(x, x.begin()));
        d.swap(x);
      }
      d.insert(v);
      if (d != dom[v]) {
        dom[v] = d;
        changed = true;
      }
    }
  }
  // idom(v) = the strict dominator that every other strict dominator dominates.
  std::vector<uint32_t> idom(n, UINT32_MAX);
  idom[root] = root;
  for (uint32_t v = 0; v < n; ++v) {
    if (!reach[v] || v == root) continue;
    for (uint32_t d : dom[v]) {
      if (d == v) continue;
      bool is_idom = true;
      for (uint32_t o : dom[v]) {
        if (o != v && o != d && dom[d].count(o) == 0) is_idom = false;
      }
      if (is_idom) idom[v] = d;
    }
  }
  return idom;
}

TEST(ReverseListsEveryEdgeOnceWithItsKind) {
  std::vector<Edge> edges = {{0, 1, EdgeKind::kStrong}, {0, 2, EdgeKind::kWeak}, {2, 1, EdgeKind::kEphemeron},
                             {1, 1, EdgeKind::kStrong}};
  Csr fwd = Build(3, edges);
  Csr rev = graph::Reverse(fwd);
  REQUIRE(rev.nodes() == 3);
  CHECK_EQ(rev.edges(), 4u);
  CHECK_EQ(rev.end(0) - rev.begin(0), 0);
  REQUIRE(rev.end(1) - rev.begin(1) == 3);
  CHECK_EQ(graph::EdgeNode(rev.begin(1)[0]), 0u);
  CHECK_EQ(graph::EdgeNode(rev.begin(1)[1]), 1u);
  CHECK_EQ(graph::EdgeNode(rev.begin(1)[2]), 2u);
  CHECK(graph::EdgeKindOf(rev.begin(1)[2]) == EdgeKind::kEphemeron);
  REQUIRE(rev.end(2) - rev.begin(2) == 1);
  CHECK(graph::EdgeKindOf(rev.begin(2)[0]) == EdgeKind::kWeak);
}

TEST(MarkLiveIgnoresWeakEdgesAndRevivesEphemeronValuesWithLiveKeys) {
  // 0 root -> 1 table (strong); 0 -> 2 key (strong); table -> 3 value (ephemeron, key 2);
  // table -> 4 value (ephemeron, key 5 dead); 0 -> 6 (weak).
  std::vector<Edge> edges = {{0, 1, EdgeKind::kStrong}, {0, 2, EdgeKind::kStrong},
                             {1, 3, EdgeKind::kEphemeron}, {1, 4, EdgeKind::kEphemeron},
                             {1, 2, EdgeKind::kWeak}, {1, 5, EdgeKind::kWeak}, {0, 6, EdgeKind::kWeak},
                             {3, 7, EdgeKind::kStrong}};
  Csr fwd = Build(8, edges);
  std::vector<graph::Ephemeron> eph = {{1, 2, 3}, {1, 5, 4}};
  graph::Bitset live = graph::MarkLive(fwd, 0, eph, NullProgress());
  CHECK(live.Get(0) && live.Get(1) && live.Get(2));
  CHECK(live.Get(3));
  CHECK(live.Get(7));
  CHECK(!live.Get(4));
  CHECK(!live.Get(5));
  CHECK(!live.Get(6));
  CHECK_EQ(live.Count(), 5u);
}

TEST(SemiNcaMatchesNaiveDominatorsOnRandomGraphs) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 300; ++round) {
    uint32_t n = 2 + rng() % 40;
    uint32_t m = rng() % (n * 3);
    std::vector<Edge> edges;
    for (uint32_t i = 0; i < m; ++i) {
      uint32_t a = rng() % n, b = rng() % n;
      EdgeKind k = (rng() % 7 == 0) ? EdgeKind::kWeak : EdgeKind::kStrong;
      edges.push_back({a, b, k});
    }
    // Long chains exercise deep DFS / compression paths.
    if (round % 10 == 0) for (uint32_t i = 0; i + 1 < n; ++i) edges.push_back({i, i + 1, EdgeKind::kStrong});
    Csr fwd = Build(n, edges);
    Csr rev = graph::Reverse(fwd);
    graph::DfsTree tree = graph::Dfs(fwd, 0, graph::Bitset(), NullProgress());
    auto idom = graph::ImmediateDominators(tree, rev, NullProgress());
    std::vector<uint32_t> want = NaiveDominators(n, edges, 0);
    bool ok = true;
    for (uint32_t v = 0; v < n; ++v) {
      uint32_t p = tree.pre[v];
      if (want[v] == UINT32_MAX) {
        if (p != 0) ok = false;
        continue;
      }
      if (p == 0) { ok = false; continue; }
      uint32_t got = (v == 0) ? 0 : tree.order[idom[p]];
      if (got != want[v]) ok = false;
    }
    if (!ok) {
      Fail(__FILE__, __LINE__, "dominators differ in round " + std::to_string(round));
      return;
    }
  }
}

TEST(DfsRestrictedToLiveNodesAndRetainedSizesSumTheDominatorTree) {
  // root 0 -> 1 -> 2 -> 3, 1 -> 3, 0 -> 4 -> 3 ; node 5 not live.
  std::vector<Edge> edges = {{0, 1, EdgeKind::kStrong}, {1, 2, EdgeKind::kStrong}, {2, 3, EdgeKind::kStrong},
                             {1, 3, EdgeKind::kStrong}, {0, 4, EdgeKind::kStrong}, {4, 3, EdgeKind::kStrong},
                             {4, 5, EdgeKind::kStrong}};
  Csr fwd = Build(6, edges);
  Csr rev = graph::Reverse(fwd);
  graph::Bitset live(6);
  for (uint32_t v : {0u, 1u, 2u, 3u, 4u}) live.Set(v);
  graph::DfsTree tree = graph::Dfs(fwd, 0, live, NullProgress());
  CHECK_EQ(tree.reached(), 5u);
  CHECK_EQ(tree.pre[5], 0u);
  auto idom = graph::ImmediateDominators(tree, rev, NullProgress());
  auto sizes = graph::RetainedSizes(tree, idom, [](uint32_t v) { return uint64_t{10} * (v + 1); });
  // idom: 1->0, 2->1, 3->0 (via 1 or 4), 4->0.
  CHECK_EQ(tree.order[idom[tree.pre[3]]], 0u);
  CHECK_EQ(tree.order[idom[tree.pre[2]]], 1u);
  CHECK_EQ(sizes[tree.pre[1]], 20u + 30u);
  CHECK_EQ(sizes[tree.pre[0]], 10u + 20u + 30u + 40u + 50u);
}

}  // namespace
}  // namespace corescope::test
