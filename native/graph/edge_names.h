// Names for the few edges and nodes a query shows: property names (from the
// map's descriptors or the dictionary), element indices, context variables
// (from the Context's ScopeInfo), internal fields (v8dbg field names), weak
// references, root slots. Backing stores that V8's heap snapshot does not
// show as separate steps (PropertyArray, property dictionaries, elements
// stores, the global object's PropertyCells, Map/Set hash tables) are folded
// into their owner, so a path reads `global → cache → things → [3] →
// LeakyThing`. Also finds the retaining paths (shortest, root first) and the
// referrers of an object. Knows the graph and V8 object views; knows nothing
// of JSON.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/ref_graph.h"

namespace corescope::graph {

// NamedEdge: how one node holds another, as a heap snapshot names it.
struct NamedEdge {
  std::string kind;  // "property", "element", "context", "internal", "hidden", "weak", "root"
  std::string name;  // property name, element index, variable name, field name, root slot
};

// EdgesFromTo lists every reference of node `from` to node `to`, named
// (empty when `from` does not refer to `to`). Backing stores are not folded
// here (see Referrers / RetainingPaths).
std::vector<NamedEdge> EdgesFromTo(const RefGraph& g, uint32_t from, uint32_t to);

// NodeLabel: a short human name for a node: "(Global handles)", "LeakyThing",
// "Map", "Array", "(closure) counter", "system / Context", "'leaky-1'",
// "(object properties)"...
std::string NodeLabel(const RefGraph& g, uint32_t node);

// Referrer: one object (or root category) that refers to a node.
struct Referrer {
  uint32_t node = kNoNode;
  NamedEdge edge;
  bool live = true;      // the referrer itself is live (garbage referrers are listed too)
};

// Referrers lists who refers to `node` (at most max), backing stores folded
// into their owner; weak references included (kind "weak").
std::vector<Referrer> Referrers(const RefGraph& g, uint32_t node, size_t max, bool* truncated);

// PathStep: one step of a retaining path; `edge` names how the previous step
// holds this node (empty for the first step, the root category).
struct PathStep {
  uint32_t node = kNoNode;
  NamedEdge edge;
};

// RetainingPaths returns up to `max` shortest paths from a GC root category
// to `node` over strong edges, root first, the node itself last, with
// backing stores folded. Empty when the node is garbage.
std::vector<std::vector<PathStep>> RetainingPaths(const RefGraph& g, uint32_t node, size_t max);

}  // namespace corescope::graph
