// Edge and node naming, folding of backing stores, retaining paths.
//
// Layout facts used here (checked on Node 18/20/22/24/26 cores):
//  * JSReceiver properties_or_hash at +8, JSObject elements at +16 (v8dbg),
//    JSCollection / JSWeakCollection table at +24 (the first field after the
//    JSObject header).
//  * PropertyCell (the global object's dictionary values): name +8,
//    property_details_raw (Smi) +16, value +24, dependent_code +32, the same
//    on all five versions.
//  * Context: FixedArray-like; slot i at +16+8i; slot 0 scope_info, slot 1
//    previous; locals are named by v8/closures.h's ReadContextChain.
#include "graph/edge_names.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <deque>
#include <unordered_set>

#include "v8/closures.h"
#include "v8/collections.h"
#include "v8/properties.h"
#include "util/limits.h"

namespace corescope::graph {

// KeyName: a property key (String or Symbol) as text.
std::string KeyName(const RefGraph& g, uint64_t key);

namespace {

constexpr uint64_t kPropertiesOffset = 8;
constexpr uint64_t kElementsOffset = 16;
constexpr uint64_t kCollectionTableOffset = 24;
constexpr uint64_t kPropertyCellName = 8;
constexpr uint64_t kPropertyCellValue = 24;
constexpr size_t kMaxNamedItems = limits::kMaxNamedItems;
constexpr size_t kMaxFoldReferrers = 8;       // referrers of a store examined to find its owner
constexpr size_t kMaxPathSteps = limits::kMaxPathSteps;

struct Obj {
  uint64_t addr = 0;  // untagged
  const v8::MapInfo* map = nullptr;
  uint64_t size = 0;
  uint16_t type = 0;
  bool ok = false;
};

Obj Load(const RefGraph& g, uint32_t node) {
  Obj o;
  auto a = g.AddressOfNode(node);
  if (!a) return o;
  o.addr = *a;
  o.map = g.heap().MapOf(v8::Tag(*a));
  if (!o.map) return o;
  o.type = o.map->instance_type;
  o.size = g.heap().SizeOf(v8::Tag(*a), *o.map).value_or(0);
  o.ok = o.size >= 8;
  return o;
}

std::string Hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

// Word reads one word of an object.
std::optional<uint64_t> Word(const RefGraph& g, uint64_t addr, uint64_t offset) {
  return g.heap().memory().ReadU64(addr + offset);
}

bool IsJSObject(const RefGraph& g, const Obj& o) { return o.ok && g.heap().types().IsJSObject(o.type); }

const std::string& TypeName(const RefGraph& g, uint16_t type) { return g.heap().types().Info(type).name; }

// ShortString: a string value quoted for a name, at most 40 characters.
std::string ShortString(const RefGraph& g, uint64_t tagged) {
  auto s = g.heap().ReadString(tagged, 64);
  if (!s) return "";
  std::string v = s->utf8;
  if (v.size() > 40 || s->truncated) v = v.substr(0, 40) + "…";
  return v;
}

// KeyLabel: a Map/Set key or property key as text.
std::string KeyLabel(const RefGraph& g, uint64_t tagged) {
  if (v8::IsSmi(tagged)) return std::to_string(v8::SmiValue(tagged));
  const v8::MapInfo* m = g.heap().MapOf(tagged);
  if (m && g.heap().IsString(*m)) return "'" + ShortString(g, tagged) + "'";
  if (auto d = g.heap().SymbolDescription(tagged)) return "Symbol(" + *d + ")";
  auto n = g.heap().NumberValue(tagged);
  if (n) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", *n);
    return buf;
  }
  uint32_t node = g.NodeOf(tagged);
  return (node != kNoNode ? NodeLabel(g, node) : std::string("object")) + " @" + Hex(tagged);
}

// OwnerOf finds the object that keeps `store` as its properties (+8),
// elements (+16) or collection table (+24). Returns the owner node and the
// offset, or kNoNode.
std::pair<uint32_t, uint64_t> OwnerOf(const RefGraph& g, uint32_t store) {
  auto sa = g.AddressOfNode(store);
  if (!sa) return {kNoNode, 0};
  uint64_t tagged = v8::Tag(*sa);
  const Csr& rev = g.reverse();
  size_t seen = 0;
  for (const uint32_t* p = rev.begin(store); p != rev.end(store) && seen < kMaxFoldReferrers; ++p, ++seen) {
    uint32_t u = EdgeNode(*p);
    Obj o = Load(g, u);
    if (!o.ok || !g.heap().types().IsJSReceiver(o.type)) continue;
    for (uint64_t off : {kPropertiesOffset, kElementsOffset, kCollectionTableOffset}) {
      if (off == kCollectionTableOffset && !v8::IsCollection(g.heap(), *o.map)) continue;
      if (off == kElementsOffset && !IsJSObject(g, o)) continue;
      if (auto w = Word(g, o.addr, off); w && *w == tagged) return {u, off};
    }
  }
  return {kNoNode, 0};
}

bool IsPropertyCell(const RefGraph& g, const Obj& o) {
  return o.ok && TypeName(g, o.type) == "PROPERTY_CELL_TYPE";
}
bool IsGlobalObject(const RefGraph& g, const Obj& o) {
  return o.ok && TypeName(g, o.type) == "JS_GLOBAL_OBJECT_TYPE";
}

// CellOwner: the global object whose dictionary holds PropertyCell `cell`.
uint32_t CellOwner(const RefGraph& g, uint32_t cell) {
  const Csr& rev = g.reverse();
  size_t seen = 0;
  for (const uint32_t* p = rev.begin(cell); p != rev.end(cell) && seen < kMaxFoldReferrers; ++p, ++seen) {
    uint32_t dict = EdgeNode(*p);
    auto [owner, off] = OwnerOf(g, dict);
    if (owner != kNoNode && off == kPropertiesOffset && IsGlobalObject(g, Load(g, owner))) return owner;
  }
  return kNoNode;
}

// NameThroughOwner names the reference owner -> (store) -> target.
std::vector<NamedEdge> NameThroughOwner(const RefGraph& g, uint32_t owner, uint64_t off, uint32_t target) {
  std::vector<NamedEdge> out;
  Obj o = Load(g, owner);
  auto ta = g.AddressOfNode(target);
  if (!o.ok || !ta) return out;
  uint64_t tt = v8::Tag(*ta);
  if (off == kPropertiesOffset) {
    Obj t = Load(g, target);
    if (IsPropertyCell(g, t)) {
      if (auto name = Word(g, t.addr, kPropertyCellName)) out.push_back({"property", KeyName(g, *name)});
      return out;
    }
    auto props = v8::ReadNamedProperties(g.heap(), v8::Tag(o.addr), kMaxNamedItems);
    if (props) {
      for (const auto& p : props->items) {
        if (p.storage != v8::PropertyStorage::kInObject && p.value == tt) out.push_back({"property", p.name});
      }
    }
  } else if (off == kElementsOffset) {
    auto els = v8::ReadElements(g.heap(), v8::Tag(o.addr), kMaxNamedItems);
    if (els) {
      for (const auto& e : els->items) {
        if (e.kind == v8::ElementValue::Kind::kTagged && e.tagged == tt) {
          out.push_back({"element", std::to_string(e.index)});
        }
      }
    }
  } else if (off == kCollectionTableOffset) {
    auto c = v8::ReadCollection(g.heap(), v8::Tag(o.addr), kMaxNamedItems);
    if (c) {
      for (const auto& e : c->items) {
        bool weak = c->kind == "WeakMap" || c->kind == "WeakSet";
        if (c->has_values && e.value == tt) out.push_back({weak ? "internal" : "element", KeyLabel(g, e.key)});
        if (e.key == tt) out.push_back({weak ? "weak" : "element", c->has_values ? "key " + KeyLabel(g, e.key) : KeyLabel(g, e.key)});
      }
    }
  }
  return out;
}

}  // namespace

std::string KeyName(const RefGraph& g, uint64_t key) {
  const v8::MapInfo* m = g.heap().MapOf(key);
  if (m && g.heap().IsString(*m)) {
    auto s = g.heap().ReadString(key, 256);
    return s ? s->utf8 : "";
  }
  if (auto d = g.heap().SymbolDescription(key)) return "Symbol(" + *d + ")";
  return "";
}

std::string NodeLabel(const RefGraph& g, uint32_t node) {
  if (!RefGraph::IsObjectNode(node)) return g.SyntheticName(node);
  Obj o = Load(g, node);
  if (!o.map) return "(unknown)";
  const v8::Heap& heap = g.heap();
  const v8::InstanceTypes& types = heap.types();
  uint64_t tagged = v8::Tag(o.addr);
  if (heap.IsString(*o.map)) return "'" + ShortString(g, tagged) + "'";
  if (types.IsJSFunction(o.type)) {
    auto f = heap.DescribeFunction(tagged);
    return "(closure) " + (f && !f->name.empty() ? f->name : std::string("(anonymous)"));
  }
  if (types.IsContext(o.type)) return "system / Context";
  if (IsGlobalObject(g, o)) return "global";
  if (TypeName(g, o.type) == "JS_GLOBAL_PROXY_TYPE") return "global proxy";
  if (types.IsJSReceiver(o.type)) {
    std::string n = heap.ConstructorName(*o.map);
    if (!n.empty()) return n;
  }
  const std::string& cls = g.layouts().ClassName(o.type);
  if (!cls.empty()) return cls;
  return types.DisplayName(o.type);
}

std::vector<NamedEdge> EdgesFromTo(const RefGraph& g, uint32_t from, uint32_t to) {
  std::vector<NamedEdge> out;
  if (from == kRootNode) {
    out.push_back({"hidden", g.SyntheticName(to)});
    return out;
  }
  if (!RefGraph::IsObjectNode(from)) {
    for (const RootSlot* s : g.RootSlotsTo(from, to)) out.push_back({s->weak ? "weak" : "root", RootLabel(*s)});
    if (out.empty() && from == RefGraph::CategoryNode(RootCategory::kReadOnlyRoots)) {
      out.push_back({"root", "read-only space"});
    }
    return out;
  }
  Obj o = Load(g, from);
  auto ta = g.AddressOfNode(to);
  if (!o.ok || !ta) return out;
  const uint64_t target = *ta;
  const v8::Heap& heap = g.heap();
  const v8::InstanceTypes& types = heap.types();
  const uint64_t* words = reinterpret_cast<const uint64_t*>(heap.memory().Span(o.addr, o.size));

  // The references, by offset.
  std::vector<std::pair<uint64_t, v8::SlotKind>> slots;
  if (v8::Untag(o.map->address) == target) slots.push_back({0, v8::SlotKind::kStrong});
  if (words) {
    g.layouts().VisitSlots(words, o.size, o.type, [&](uint64_t off, uint64_t w, v8::SlotKind k) {
      if (v8::Untag(w) == target) slots.push_back({off, k});
    });
  }
  if (slots.empty()) return out;

  // Names available for this kind of object, read once.
  std::vector<std::string> inobject_names;   // in-object properties whose value is the target
  std::vector<std::string> context_names;    // context variables whose value is the target
  const uint64_t tt = v8::Tag(target);
  bool is_js_object = types.IsJSObject(o.type);
  bool is_context = types.IsContext(o.type);
  if (is_js_object) {
    auto props = v8::ReadNamedProperties(heap, v8::Tag(o.addr), kMaxNamedItems);
    if (props) {
      for (const auto& p : props->items) {
        if (p.storage == v8::PropertyStorage::kInObject && p.value == tt) inobject_names.push_back(p.name);
      }
    }
  } else if (is_context) {
    v8::ClosureContext cc = v8::ReadContextChain(heap, v8::Tag(o.addr), 1, kMaxNamedItems);
    if (!cc.scopes.empty()) {
      for (const auto& v : cc.scopes[0].variables) {
        if (v.value == tt) context_names.push_back(v.name);
      }
    }
  }
  bool fixed_array_like = types.Has(o.type, v8::kTypeFixedArrayLike) || types.Has(o.type, v8::kTypeHashTable);
  size_t next_inobject = 0, next_context = 0;
  for (const auto& [off, kind] : slots) {
    NamedEdge e;
    std::string field = g.layouts().FieldName(o.type, off);
    if (off == 0) {
      e = {"internal", "map"};
    } else if (is_js_object && off == kPropertiesOffset) {
      e = {"internal", "properties"};
    } else if (is_js_object && off == kElementsOffset) {
      e = {"internal", "elements"};
    } else if (is_js_object && off >= uint64_t{o.map->inobject_start_words} * 8 && off < o.map->instance_size &&
               next_inobject < inobject_names.size()) {
      // An in-object property slot: named from the map's descriptors.
      e = {"property", inobject_names[next_inobject++]};
    } else if (is_context && off >= 16) {
      uint64_t slot = (off - 16) / 8;
      if (slot == 0) e = {"internal", "scope_info"};
      else if (slot == 1) e = {"internal", "previous"};
      else if (slot == 2 && next_context >= context_names.size()) e = {"internal", "extension"};
      else if (next_context < context_names.size()) e = {"context", context_names[next_context++]};
      else e = {"internal", "[" + std::to_string(slot) + "]"};
    } else if (IsPropertyCell(g, o) && off == kPropertyCellValue) {
      auto name = Word(g, o.addr, kPropertyCellName);
      e = {"internal", "value" + (name ? " of '" + KeyName(g, *name) + "'" : std::string())};
    } else if (!field.empty()) {
      e = {"internal", field};
    } else if (fixed_array_like && off >= 16) {
      e = {"element", std::to_string((off - 16) / 8)};
    } else {
      e = {"internal", "[+" + std::to_string(off) + "]"};
    }
    if (kind == v8::SlotKind::kWeak || kind == v8::SlotKind::kEphemeronKey) e.kind = "weak";
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<Referrer> Referrers(const RefGraph& g, uint32_t node, size_t max, bool* truncated) {
  std::vector<Referrer> out;
  *truncated = false;
  if (node >= g.node_count()) return out;
  const Csr& rev = g.reverse();
  std::unordered_set<uint64_t> done;  // (referrer << 32 | fold-through) pairs already reported
  for (const uint32_t* p = rev.begin(node); p != rev.end(node); ++p) {
    if (out.size() >= max) {
      *truncated = true;
      break;
    }
    uint32_t u = EdgeNode(*p);
    if (u == kRootNode) continue;  // root -> category, not an object referrer
    if (!done.insert(u).second) continue;
    std::vector<NamedEdge> edges;
    uint32_t holder = u;
    if (RefGraph::IsObjectNode(u)) {
      Obj uo = Load(g, u);
      if (IsPropertyCell(g, uo)) {
        uint32_t global = CellOwner(g, u);
        if (global != kNoNode) {
          auto name = Word(g, uo.addr, kPropertyCellName);
          edges.push_back({"property", name ? KeyName(g, *name) : std::string()});
          holder = global;
        }
      } else {
        auto [owner, off] = OwnerOf(g, u);
        if (owner != kNoNode) {
          edges = NameThroughOwner(g, owner, off, node);
          if (!edges.empty()) holder = owner;
        }
      }
    }
    if (holder == u) edges = EdgesFromTo(g, u, node);
    if (edges.empty()) edges.push_back({EdgeKindOf(*p) == EdgeKind::kWeak ? "weak" : "internal", ""});
    for (auto& e : edges) {
      Referrer r;
      r.node = holder;
      r.edge = std::move(e);
      r.live = g.IsLive(holder);
      out.push_back(std::move(r));
    }
  }
  return out;
}

// CategoryRank orders root categories for paths when several hold an
// object at the same distance: handles an embedder made on purpose first,
// conservative stack words last.
int CategoryRank(uint32_t node) {
  switch (static_cast<RootCategory>(node - kFirstCategoryNode)) {
    case RootCategory::kGlobalHandles: return 0;
    case RootCategory::kEternalHandles: return 1;
    case RootCategory::kStrongRoots: return 2;
    case RootCategory::kHandleScope: return 3;
    case RootCategory::kTracedHandles: return 4;
    case RootCategory::kMicrotaskQueue: return 5;
    case RootCategory::kStackRoots: return 8;
    case RootCategory::kConservative: return 9;
    default: return 6;
  }
}

// PreferredCategory returns the best-ranked root category among the
// predecessors of `node` that are as close to the root as `chosen`.
uint32_t PreferredCategory(const RefGraph& g, uint32_t node, uint32_t chosen) {
  const Csr& rev = g.reverse();
  uint32_t best = chosen;
  for (const uint32_t* p = rev.begin(node); p != rev.end(node); ++p) {
    uint32_t u = EdgeNode(*p);
    if (u < kFirstCategoryNode || u >= kFirstObjectNode || EdgeKindOf(*p) == EdgeKind::kWeak) continue;
    if (g.Distance(u) == g.Distance(chosen) && CategoryRank(u) < CategoryRank(best)) best = u;
  }
  return best;
}

// NamedPath names the steps of a node path (root, category, ..., target)
// and folds backing stores and property cells into their owners.
std::vector<PathStep> NamedPath(const RefGraph& g, const std::vector<uint32_t>& nodes) {
  std::vector<PathStep> steps;
  for (size_t i = 1; i < nodes.size(); ++i) {
    PathStep s;
    s.node = nodes[i];
    if (i >= 2) {
      auto names = EdgesFromTo(g, nodes[i - 1], nodes[i]);
      if (!names.empty()) s.edge = names[0];
    }
    steps.push_back(std::move(s));
  }
  // A path through a global object starts there, as DevTools' (shortcut)
  // edges from the root to the global objects make it: the chain from the
  // root category to the global object (native context, global proxy, its
  // map's prototype...) says nothing a user can act on.
  for (size_t j = steps.size(); j-- > 2;) {
    if (!IsGlobalObject(g, Load(g, steps[j].node))) continue;
    steps.erase(steps.begin() + 1, steps.begin() + static_cast<int64_t>(j));
    steps[1].edge = {"shortcut", "global"};
    break;
  }
  for (size_t i = 1; i + 1 < steps.size();) {
    uint32_t store = steps[i].node;
    uint32_t prev = steps[i - 1].node;
    Obj so = Load(g, store);
    std::vector<NamedEdge> names;
    if (IsPropertyCell(g, so) && IsGlobalObject(g, Load(g, prev))) {
      auto name = Word(g, so.addr, kPropertyCellName);
      names.push_back({"property", name ? KeyName(g, *name) : std::string()});
    } else if (RefGraph::IsObjectNode(prev) && RefGraph::IsObjectNode(store)) {
      auto [owner, off] = OwnerOf(g, store);
      if (owner == prev) names = NameThroughOwner(g, owner, off, steps[i + 1].node);
    }
    if (!names.empty()) {
      steps[i + 1].edge = names[0];
      steps.erase(steps.begin() + static_cast<int64_t>(i));
    } else {
      ++i;
    }
  }
  return steps;
}

std::vector<std::vector<PathStep>> RetainingPaths(const RefGraph& g, uint32_t node, size_t max) {
  std::vector<std::vector<PathStep>> paths;
  if (!g.IsLive(node) || max == 0) return paths;
  const Csr& rev = g.reverse();
  // Walk back along strictly decreasing distance; branch over equally short
  // predecessors (depth-first) until `max` paths are found.
  struct Frame {
    uint32_t node;
    const uint32_t* next;  // next predecessor to try
    bool any_shorter;      // second pass: any predecessor closer to the root
    bool found;            // the first pass found a predecessor at distance d-1
  };
  std::vector<Frame> stack{{node, rev.begin(node), false, false}};
  size_t budget = 1u << 18;  // predecessor visits, so pathological fan-in cannot spin
  while (!stack.empty() && paths.size() < max && budget > 0) {
    Frame& f = stack.back();
    uint16_t d = g.Distance(f.node);
    if (f.node == kRootNode) {
      std::vector<uint32_t> nodes;
      for (size_t i = stack.size(); i-- > 0;) nodes.push_back(stack[i].node);
      paths.push_back(NamedPath(g, nodes));
      stack.pop_back();
      continue;
    }
    bool pushed = false;
    for (;;) {
      if (f.next == rev.end(f.node)) {
        // Ephemeron values may have no predecessor at exactly d-1: accept
        // any closer one on a second pass.
        if (!f.any_shorter && !f.found) {
          f.any_shorter = true;
          f.next = rev.begin(f.node);
          continue;
        }
        break;
      }
      if (budget == 0) break;
      uint32_t e = *f.next++;
      --budget;
      if (EdgeKindOf(e) == EdgeKind::kWeak) continue;
      uint32_t u = EdgeNode(e);
      uint16_t du = g.Distance(u);
      if (du == kUnreachable || du >= d) continue;
      if (!f.any_shorter && du + 1 != d) continue;
      if (stack.size() >= kMaxPathSteps) break;
      if (!RefGraph::IsObjectNode(u)) u = PreferredCategory(g, f.node, u);
      f.found = true;
      stack.push_back({u, rev.begin(u), false, false});
      pushed = true;
      break;
    }
    if (!pushed) stack.pop_back();
  }
  return paths;
}

}  // namespace corescope::graph
