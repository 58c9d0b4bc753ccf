// RefGraph: who holds what in a core's heap. Nodes are the synthetic root,
// one node per GC-root category, and every object of the heap index (node =
// kFirstObjectNode + ordinal). Edges come from each object's body
// (v8/body_layouts.h) and from the roots (roots.h), with a kind (strong,
// weak, ephemeron) but no name: names are computed on demand for the few
// edges a query shows (edge_names.h). Built once per Session, off the JS
// thread, in parallel over pages. Holds liveness (reachable from the roots
// through strong edges, ephemerons resolved), BFS distance from the roots,
// the dominator tree and retained sizes, and the reverse edges for refs and
// paths. Knows the heap index and roots; knows nothing of JSON or the CLI.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph/csr.h"
#include "graph/roots.h"
#include "heap/heap_index.h"
#include "heap/page_table.h"
#include "target/target.h"
#include "util/progress.h"
#include "util/result.h"
#include "v8/body_layouts.h"
#include "v8/objects.h"

namespace corescope::graph {

inline constexpr uint32_t kRootNode = 0;
inline constexpr uint32_t kFirstCategoryNode = 1;
inline constexpr uint32_t kFirstObjectNode = kFirstCategoryNode + kRootCategoryCount;
inline constexpr uint32_t kNoNode = 0xffffffffu;
inline constexpr uint16_t kUnreachable = 0xffff;

struct GraphOptions {
  unsigned threads = 0;  // 0: hardware concurrency (at most 16)
  // The V8 frames of each thread's stack, from the stack walker (the API
  // layer supplies them: graph sits below stack). Empty: scan stacks whole.
  std::vector<ThreadFrames> frames;
};

// GraphStats: sizes and timings of the build, for diagnostics and the benchmark.
struct GraphStats {
  uint64_t objects = 0;
  uint64_t edges = 0;              // object and root edges, all kinds
  uint64_t weak_edges = 0;
  uint64_t ephemerons = 0;
  uint64_t dropped_slots = 0;      // tagged words that pointed inside V8 pages but at no object start
  uint64_t read_only_objects = 0;
  uint64_t live_objects = 0;
  uint64_t garbage_objects = 0;
  uint64_t garbage_bytes = 0;
  double build_seconds = 0, mark_seconds = 0, dominator_seconds = 0;
  // Finer steps of the above: roots, body scan, DFS, reverse edges, Semi-NCA, self sizes.
  double roots_seconds = 0, scan_seconds = 0, dfs_seconds = 0, reverse_seconds = 0, idom_seconds = 0,
         sizes_seconds = 0;
  uint64_t peak_bytes = 0;         // largest graph memory held at once (estimate)
  uint64_t final_bytes = 0;        // graph memory kept after the build
};

class RefGraph {
 public:
  // Build collects the roots, scans every object's body, marks live objects,
  // numbers them depth-first, computes immediate dominators and retained
  // sizes, and keeps the reverse graph. Errors: kCancelled; kInternal when
  // the heap has more objects than 32-bit node ids allow.
  static Result<std::unique_ptr<RefGraph>> Build(const target::Target& t, const heap::PageTable& pages,
                                                 const v8::Heap& heap, const heap::HeapIndex& index,
                                                 const GraphOptions& opts, Progress& progress);

  const GraphStats& stats() const { return stats_; }
  const RootSet& roots() const { return roots_; }
  const v8::BodyLayouts& layouts() const { return *layouts_; }
  const heap::HeapIndex& index() const { return index_; }
  const v8::Heap& heap() const { return heap_; }
  uint32_t node_count() const { return node_count_; }

  // Node <-> object conversions. NodeOf returns kNoNode when addr (tagged or
  // not) is not an object start.
  uint32_t NodeOf(uint64_t addr) const;
  static bool IsObjectNode(uint32_t node) { return node >= kFirstObjectNode && node != kNoNode; }
  std::optional<uint64_t> AddressOfNode(uint32_t node) const;  // untagged
  static uint32_t CategoryNode(RootCategory c) { return kFirstCategoryNode + static_cast<uint32_t>(c); }

  // Liveness: reachable from the roots through strong edges (ephemerons resolved).
  bool IsLive(uint32_t node) const { return node < node_count_ && dist_[node] != kUnreachable; }
  bool IsLiveObject(uint32_t ordinal) const { return IsLive(kFirstObjectNode + ordinal); }
  // Distance: strong edges on the shortest path from the root (0 for the
  // root), kUnreachable for garbage; saturates at 0xfffe.
  uint16_t Distance(uint32_t node) const { return node < node_count_ ? dist_[node] : kUnreachable; }
  bool IsReadOnly(uint32_t node) const;

  // Reverse edges: predecessors of a node (packed with their kind).
  const Csr& reverse() const { return rev_; }

  // Dominator tree. ImmediateDominator returns kNoNode for the root and for
  // garbage; RetainedSize is 0 for garbage.
  uint32_t ImmediateDominator(uint32_t node) const;
  uint64_t RetainedSize(uint32_t node) const;
  uint64_t SelfSize(uint32_t node) const;  // read from the core (0 for synthetic nodes)
  // Dominator-tree order: PreorderNumber (1-based, 0 = garbage) and its inverse.
  uint32_t PreorderNumber(uint32_t node) const { return node < node_count_ ? pre_[node] : 0; }
  uint32_t NodeAtPreorder(uint32_t number) const { return number < order_.size() ? order_[number] : kNoNode; }
  uint32_t reached() const { return order_.empty() ? 0 : static_cast<uint32_t>(order_.size() - 1); }
  // IdomByPreorder: idom of preorder number i, as a preorder number (0 for the root).
  uint32_t IdomByPreorder(uint32_t i) const { return i < idom_.size() ? idom_[i] : 0; }
  uint64_t RetainedByPreorder(uint32_t i) const { return i < retained_.size() ? retained_[i] : 0; }

  // live_map_stats: per MapInfo::id, the live objects and their bytes (the
  // heap index's map_stats counts every object present, garbage included).
  const std::vector<heap::MapStats>& live_map_stats() const { return live_map_stats_; }

  // RetainedByGroup sums, per group, the retained sizes of the live objects
  // of that group that no other object of the same group dominates (how
  // DevTools totals retained size per constructor). `group_of_map[map id]`
  // gives each map's group (kNoGroup: not counted); `groups` is the number of
  // groups. Errors: kCancelled.
  static constexpr uint32_t kNoGroup = 0xffffffffu;
  Result<std::vector<uint64_t>> RetainedByGroup(const std::vector<uint32_t>& group_of_map, uint32_t groups,
                                                Progress& progress) const;

  // WalkObjects calls fn(worker, ordinal, untagged address, map, size) for
  // every object of the index, in parallel over pages (worker < workers()).
  // Returns false when cancelled.
  using ObjectFn = std::function<void(unsigned, uint32_t, uint64_t, const v8::MapInfo*, uint64_t)>;
  bool WalkObjects(Progress& progress, const char* phase, const ObjectFn& fn) const;
  unsigned workers() const { return threads_; }

  // NodeName: "(GC roots)", "(Global handles)", ... for synthetic nodes.
  std::string SyntheticName(uint32_t node) const;
  // RootSlotsOf returns the root slots of a category node that refer to
  // `target` (for naming root edges).
  std::vector<const RootSlot*> RootSlotsTo(uint32_t category_node, uint32_t target) const;

 private:
  RefGraph(const v8::Heap& heap, const heap::HeapIndex& index) : heap_(heap), index_(index) {}

  const v8::Heap& heap_;
  const heap::HeapIndex& index_;
  std::unique_ptr<v8::BodyLayouts> layouts_;
  RootSet roots_;
  std::vector<uint32_t> root_slot_nodes_;  // per roots_.slots entry: target node (kNoNode if dropped)
  uint32_t node_count_ = 0;
  unsigned threads_ = 1;
  std::vector<std::pair<uint64_t, uint64_t>> read_only_ranges_;  // object-area ranges of read-only pages
  Csr rev_;
  BigArray<uint16_t> dist_;
  BigArray<uint32_t> pre_;
  BigArray<uint32_t> order_;
  BigArray<uint32_t> idom_;
  BigArray<uint64_t> retained_;
  std::vector<heap::MapStats> live_map_stats_;
  GraphStats stats_;
  friend class GraphBuilder;
};

}  // namespace corescope::graph
