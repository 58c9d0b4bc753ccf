// Streaming .heapsnapshot writer (see heap_snapshot.h). Layout facts from
// ../shared/notes/heapsnapshot-format.md: key order snapshot, nodes, edges,
// locations, strings (last); to_node is an array offset; element and hidden
// edges carry an integer, the other kinds a string-table index.
#include "export/heap_snapshot.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/edge_names.h"
#include "heap/naming.h"
#include "stack/source_positions.h"
#include "util/json_writer.h"
#include "util/limits.h"
#include "v8/closures.h"
#include "v8/objects.h"

namespace corescope::exporter {
namespace {

// Node types, in the order of meta.node_types[0] below.
enum NodeType : uint32_t {
  kHidden = 0, kArray, kString, kObject, kCode, kClosure, kRegExp, kNumber, kNative, kSynthetic,
  kConsString, kSlicedString, kSymbol, kBigInt, kObjectShape,
};
// Edge types, in the order of meta.edge_types[0].
enum EdgeType : uint32_t { kContext = 0, kElement, kProperty, kInternal, kEdgeHidden, kShortcut, kWeak };

constexpr size_t kFlushBytes = 1 << 20;
// Above this many references an object's edges are not named one by one
// (naming is linear in the object's size per target): element/weak by position.
constexpr uint32_t kMaxNamedOutDegree = limits::kMaxNamedOutDegree;

// meta.node_fields: V8 13+ (Node 24+) dropped trace_node_id.
constexpr const char* kNodeFields7 =
    R"({"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],)";
constexpr const char* kNodeFields6 = R"({"node_fields":["type","name","id","self_size","edge_count","detachedness"],)";
// meta.node_types[0]: "object shape" is V8 11+ (Node 20+); V8 10 (Node 18)
// writes maps and descriptor arrays as hidden.
constexpr const char* kNodeTypes =
    R"("node_types":[["hidden","array","string","object","code","closure","regexp","number","native",)"
    R"("synthetic","concatenated string","sliced string","symbol","bigint","object shape"],)";
constexpr const char* kNodeTypesV10 =
    R"("node_types":[["hidden","array","string","object","code","closure","regexp","number","native",)"
    R"("synthetic","concatenated string","sliced string","symbol","bigint"],)";
constexpr const char* kMetaRest =
    R"("string","number","number","number","number","number"],)"
    R"("edge_fields":["type","name_or_index","to_node"],)"
    R"("edge_types":[["context","element","property","internal","hidden","shortcut","weak"],)"
    R"("string_or_number","node"],)"
    R"("trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],)"
    R"("trace_node_fields":["id","function_info_index","count","size","children"],)"
    R"("sample_fields":["timestamp_us","last_assigned_id"],)"
    R"("location_fields":["object_index","script_id","line","column"]})";

// Out: a buffered file that remembers the first write error.
class Out {
 public:
  explicit Out(FILE* f) : f_(f) {}
  void Put(std::string_view s) {
    buf_.append(s);
    if (buf_.size() >= kFlushBytes) Flush();
  }
  void Num(uint64_t v) {
    char tmp[24];
    int n = std::snprintf(tmp, sizeof tmp, "%llu", static_cast<unsigned long long>(v));
    Put(std::string_view(tmp, static_cast<size_t>(n)));
  }
  void Flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size() && !error_) error_ = errno ? errno : EIO;
    written_ += buf_.size();
    buf_.clear();
  }
  int error() const { return error_; }
  uint64_t written() const { return written_; }

 private:
  FILE* f_;
  std::string buf_;
  int error_ = 0;
  uint64_t written_ = 0;
};

// Strings: the snapshot's string table, deduplicated.
class Strings {
 public:
  uint32_t Id(const std::string& s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(list_.size());
    list_.push_back(s);
    ids_.emplace(s, id);
    return id;
  }
  const std::vector<std::string>& list() const { return list_; }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> list_;
};

// NodeKind: a node's DevTools type and name, as V8's HeapSnapshotGenerator
// gives them (V8HeapExplorer::AddEntry / GetSystemEntryType /
// GetSystemEntryName). The type and, for JS objects, the constructor name
// come from the Namer `corescope objects` groups by, so the export's
// per-name counts are that command's; the other names follow V8: a string's
// value, a closure's function name, "native_bind", "system / Context",
// "system / <Class>" for V8-internal objects, "" for plain arrays and code.
struct NodeKind {
  uint32_t type = kHidden;
  std::string name;
};

NodeKind KindOf(const graph::RefGraph& g, const heap::Namer& namer, uint32_t node, bool redact) {
  if (!graph::RefGraph::IsObjectNode(node)) return {kSynthetic, graph::NodeLabel(g, node)};
  auto a = g.AddressOfNode(node);
  const v8::Heap& heap = g.heap();
  const v8::MapInfo* m = a ? heap.MapOf(v8::Tag(*a)) : nullptr;
  if (!m) return {kHidden, graph::NodeLabel(g, node)};
  const v8::InstanceTypes& types = heap.types();
  const uint16_t t = m->instance_type;
  const uint64_t tagged = v8::Tag(*a);
  const std::string& cls = types.Info(t).class_name.empty() ? types.DisplayName(t) : types.Info(t).class_name;
  heap::RowName row = namer.ForObject(*m, tagged, heap::GroupBy::kConstructor);
  switch (row.kind) {
    case heap::SnapshotKind::kObject:
      return {kObject, row.name};  // constructor name, "system / Context", "global"...
    case heap::SnapshotKind::kClosure: {
      if (t == types.js_bound_function) return {kClosure, "native_bind"};
      auto f = heap.DescribeFunction(tagged);
      return {kClosure, f ? f->name : std::string()};
    }
    case heap::SnapshotKind::kRegExp:
      return {kRegExp, graph::NodeLabel(g, node)};
    case heap::SnapshotKind::kString:
    case heap::SnapshotKind::kConsString:
    case heap::SnapshotKind::kSlicedString: {
      uint32_t st = row.kind == heap::SnapshotKind::kConsString ? kConsString
                    : row.kind == heap::SnapshotKind::kSlicedString ? kSlicedString : kString;
      if (st == kConsString) return {st, "(concatenated string)"};
      if (st == kSlicedString) return {st, "(sliced string)"};
      if (redact) return {st, "(redacted string)"};
      std::string label = graph::NodeLabel(g, node);
      if (label.size() >= 2 && label.front() == '\'' && label.back() == '\'') label = label.substr(1, label.size() - 2);
      return {st, label};
    }
    case heap::SnapshotKind::kSymbol:
      return {kSymbol, "symbol"};
    case heap::SnapshotKind::kBigInt:
      return {kBigInt, "bigint"};
    case heap::SnapshotKind::kHeapNumber:
      return {kNumber, "heap number"};
    case heap::SnapshotKind::kCode:
      if (t == types.shared_function_info) return {kCode, heap.SharedName(tagged).value_or("")};
      if (t == types.script) return {kCode, heap.ScriptName(tagged).value_or("")};
      if (types.Has(t, v8::kTypeCode)) return {kCode, ""};
      return {kCode, "system / " + cls};
    case heap::SnapshotKind::kArray: {
      const std::string& tn = types.Info(t).name;
      if (tn == "FIXED_ARRAY_TYPE" || tn == "FIXED_DOUBLE_ARRAY_TYPE" || tn == "BYTE_ARRAY_TYPE") return {kArray, ""};
      return {kArray, "system / " + cls};
    }
    case heap::SnapshotKind::kObjectShape:
      return {kObjectShape, t == types.map_type ? std::string("system / Map") : "system / " + cls};
    case heap::SnapshotKind::kHidden:
      break;
  }
  return {kHidden, "system / " + cls};
}

// Script fields V8's position lookup needs beyond v8dbg's line_ends, at
// their fixed Struct offsets (src/objects/script.tq, the same on V8
// 10.2-14.6): line_offset @+24, column_offset @+32, and id right after
// line_ends (@+64).
constexpr int64_t kScriptLineOffset = 24;
constexpr int64_t kScriptColumnOffset = 32;
constexpr int64_t kScriptLineEndsDefault = 56;

// Location: one row of the snapshot's "locations" (meta.location_fields).
struct Location {
  uint64_t node_index = 0;  // offset of the node in the nodes array
  int64_t script_id = 0;
  int64_t line = 0;         // 0-based, as V8's Script::PositionInfo
  int64_t column = 0;       // 0-based
};

// JSGeneratorObject.function: the first field after the JSObject header
// (src/objects/js-generator.tq; not in v8dbg), the same on V8 10.2-14.6.
constexpr int64_t kGeneratorFunctionOffset = 24;

// Locator: source locations as V8's HeapSnapshotGenerator records them
// (V8HeapExplorer::GetLocationFunction + ExtractLocationForJSFunction): a
// closure's own, a generator object's function's, and a JS object's
// constructor's (JSReceiver::GetConstructor: the function behind the
// object's constructor name). The location of a function is the script of
// its SharedFunctionInfo and the 0-based line:column of its StartPosition()
// (the '(' of the parameters for most functions), with the script's line
// and column offsets added. Line ends are cached per script by the
// SourceMapper, locations per function.
class Locator {
 public:
  explicit Locator(const v8::Heap& heap)
      : heap_(heap),
        mapper_(heap),
        line_ends_off_(heap.metadata().Field("Script", "line_ends").value_or(kScriptLineEndsDefault)) {}

  // ForNode: the location of a node of DevTools type `type` named `name`.
  std::optional<Location> ForNode(uint64_t obj, const v8::MapInfo& m, uint32_t type, const std::string& name) {
    if (type == kClosure) return ForFunction(obj);
    if (type != kObject || !heap_.types().IsJSReceiver(m.instance_type)) return std::nullopt;
    if (IsGenerator(m.instance_type)) {
      auto fn = heap_.ReadField(obj, kGeneratorFunctionOffset);
      return fn ? ForFunction(*fn) : std::nullopt;
    }
    // Objects of one map share their constructor unless their own
    // properties can name them (dictionary and prototype maps).
    const bool per_object = heap_.NameDependsOnObject(m);
    if (!per_object) {
      auto it = by_map_.find(m.id);
      if (it != by_map_.end()) return it->second ? ForFunction(*it->second) : std::nullopt;
    }
    std::optional<uint64_t> fn = ConstructorOf(obj, m, name);
    if (!per_object) by_map_.emplace(m.id, fn);
    return fn ? ForFunction(*fn) : std::nullopt;
  }

  std::optional<Location> ForFunction(uint64_t fn) {
    auto cached = by_function_.find(fn);
    if (cached != by_function_.end()) return cached->second;
    std::optional<Location> loc = Compute(fn);
    by_function_.emplace(fn, loc);
    return loc;
  }

 private:
  std::optional<Location> Compute(uint64_t fn) const {
    auto sfi = heap_.FunctionShared(fn);
    if (!sfi) return std::nullopt;
    auto script = heap_.SharedScript(*sfi);
    if (!script) return std::nullopt;  // builtins and API functions have no Script
    auto pos = v8::SharedPositions(heap_, *sfi);
    if (!pos || pos->start < 0) return std::nullopt;
    auto id = SmiField(*script, line_ends_off_ + 8);
    if (!id || *id < 0) return std::nullopt;
    auto lc = mapper_.LineColumnFor(*script, pos->start);
    if (!lc) return std::nullopt;
    Location loc;
    loc.script_id = *id;
    loc.line = lc->line - 1;
    loc.column = lc->column - 1;
    int64_t line_offset = SmiField(*script, kScriptLineOffset).value_or(0);
    int64_t column_offset = SmiField(*script, kScriptColumnOffset).value_or(0);
    if (loc.line == 0) loc.column += column_offset;
    loc.line += line_offset;
    if (loc.line < 0 || loc.column < 0) return std::nullopt;  // the format holds unsigned integers only
    return loc;
  }

  // ConstructorOf: the JSFunction GetConstructor finds for obj (the steps of
  // v8::Heap::ComputeConstructorName that end in a function): the map's
  // constructor when new.target was that constructor (not for prototype
  // maps), else the first `constructor` data property from the prototype on
  // up the chain (an own @@toStringTag string found first ends the search
  // without a function). Kept only when its name is the node's name, so a
  // location never contradicts the constructor name.
  std::optional<uint64_t> ConstructorOf(uint64_t obj, const v8::MapInfo& m, const std::string& name) const {
    if (name.empty() || name == "Object") return std::nullopt;
    auto named = [&](uint64_t fn) -> bool {
      const v8::MapInfo* fm = v8::IsStrong(fn) ? heap_.MapOf(fn) : nullptr;
      if (!fm || !heap_.IsJSFunction(*fm)) return false;
      auto sfi = heap_.FunctionShared(fn);
      return sfi && heap_.DebugName(*sfi) == name;
    };
    const bool new_target_is_base = (m.bit_field2 & 1) != 0;  // Map::Bits2::NewTargetIsBaseBit
    if (m.instance_type != heap_.types().js_proxy && new_target_is_base && !m.is_prototype_map) {
      if (named(m.constructor)) return m.constructor;
    }
    uint64_t current = obj;
    const v8::MapInfo* cm = &m;
    for (int hops = 0; hops < 64 && cm && heap_.types().IsJSReceiver(cm->instance_type); ++hops) {
      if (auto tag = heap_.OwnDataProperty(current, *cm, "Symbol.toStringTag", true)) {
        const v8::MapInfo* tm = heap_.MapOf(*tag);
        if (tm && heap_.IsString(*tm)) return std::nullopt;
      }
      if (hops > 0) {
        if (auto ctor = heap_.OwnDataProperty(current, *cm, "constructor"); ctor && named(*ctor)) return *ctor;
      }
      if (!v8::IsStrong(cm->prototype)) break;
      current = cm->prototype;
      cm = heap_.MapOf(current);
    }
    return std::nullopt;
  }

  // IsGenerator: JSGeneratorObject and its subclasses, cached per type.
  bool IsGenerator(uint16_t type) {
    auto it = generator_.find(type);
    if (it != generator_.end()) return it->second;
    const std::string& n = heap_.types().Info(type).name;
    bool g = n == "JS_GENERATOR_OBJECT_TYPE" || n == "JS_ASYNC_GENERATOR_OBJECT_TYPE" || n == "JS_ASYNC_FUNCTION_OBJECT_TYPE";
    generator_.emplace(type, g);
    return g;
  }

  std::optional<int64_t> SmiField(uint64_t obj, int64_t offset) const {
    auto w = heap_.ReadField(obj, offset);
    if (!w || !v8::IsSmi(*w)) return std::nullopt;
    return v8::SmiValue(*w);
  }

  const v8::Heap& heap_;
  stack::SourceMapper mapper_;
  int64_t line_ends_off_;
  std::unordered_map<uint16_t, bool> generator_;
  std::unordered_map<uint64_t, std::optional<Location>> by_function_;
  std::unordered_map<uint32_t, std::optional<uint64_t>> by_map_;  // map id -> constructor
};

bool ParseIndex(const std::string& s, uint64_t* out) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

Result<SnapshotStats> WriteHeapSnapshot(const graph::RefGraph& g, const heap::PageTable* pages,
                                        const std::string& path, const SnapshotOptions& opts, Progress& progress) {
  SnapshotStats stats;
  const uint32_t n = g.node_count();
  const graph::Csr& rev = g.reverse();
  if (rev.nodes() < n) return MakeError(ErrorCode::kInternal, "export: the reverse graph is smaller than the node count");

  // Which graph nodes go out, and at which output ordinal. Output 0 is the
  // root, 1 is "(GC roots)" (not a graph node), then categories and objects.
  constexpr uint32_t kNone = graph::kNoNode;
  std::vector<uint32_t> out_of(n, kNone);
  uint32_t count = 2;
  out_of[graph::kRootNode] = 0;
  for (uint32_t v = graph::kFirstCategoryNode; v < n; v++) {
    if (!graph::RefGraph::IsObjectNode(v) || !opts.live_only || g.IsLive(v)) {
      out_of[v] = count++;
    } else {
      stats.garbage_skipped++;
    }
    if ((v & 0xffff) == 0 && progress.Cancelled()) return MakeError(ErrorCode::kCancelled, "export: cancelled");
  }

  // Forward edges between kept nodes, from the reverse graph.
  std::vector<uint32_t> fwd_off(static_cast<size_t>(n) + 1, 0);
  for (uint32_t v = 0; v < n; v++) {
    if (out_of[v] == kNone) continue;
    for (const uint32_t* e = rev.begin(v); e != rev.end(v); ++e) {
      uint32_t u = graph::EdgeNode(*e);
      if (u < n && out_of[u] != kNone) fwd_off[u + 1]++;
    }
  }
  for (uint32_t u = 0; u < n; u++) fwd_off[u + 1] += fwd_off[u];
  std::vector<uint32_t> fwd(fwd_off[n]);
  {
    std::vector<uint32_t> fill(fwd_off.begin(), fwd_off.end() - 1);
    for (uint32_t v = 0; v < n; v++) {
      if (out_of[v] == kNone) continue;
      for (const uint32_t* e = rev.begin(v); e != rev.end(v); ++e) {
        uint32_t u = graph::EdgeNode(*e);
        if (u < n && out_of[u] != kNone) fwd[fill[u]++] = graph::PackEdge(v, graph::EdgeKindOf(*e));
      }
    }
  }
  auto degree = [&](uint32_t u) { return fwd_off[u + 1] - fwd_off[u]; };
  // The root's edges: (GC roots) plus any object edges; categories hang under (GC roots).
  uint32_t root_objects = 0;
  for (uint32_t i = fwd_off[graph::kRootNode]; i < fwd_off[graph::kRootNode + 1]; i++) {
    if (graph::RefGraph::IsObjectNode(graph::EdgeNode(fwd[i]))) root_objects++;
  }
  // V8's root also holds a shortcut to each global (its "user roots", where
  // DevTools' distances start): the JSGlobalObject, the NativeContext from
  // V8 14 (Node 26).
  const v8::Version& version = g.heap().metadata().v8_version();
  const uint16_t global_type =
      version.major >= 14 ? g.heap().types().native_context : g.heap().types().js_global_object;
  std::vector<uint32_t> globals;
  // V8 gives every JS object a "__proto__" property edge to its prototype
  // (V8HeapExplorer::ExtractJSObjectReferences); the core's graph reaches it
  // through the map only. proto_of[v]: that prototype's node, or kNone.
  const v8::InstanceTypes& types = g.heap().types();
  std::vector<uint32_t> proto_of(n, kNone);
  for (uint32_t v = graph::kFirstCategoryNode; v < n; v++) {
    if (out_of[v] == kNone || !graph::RefGraph::IsObjectNode(v)) continue;
    auto a = g.AddressOfNode(v);
    const v8::MapInfo* m = a ? g.heap().MapOf(v8::Tag(*a)) : nullptr;
    if (!m) continue;
    if (m->instance_type == global_type) globals.push_back(v);
    if (types.IsJSReceiver(m->instance_type) && m->instance_type != types.js_proxy &&
        m->instance_type != types.js_global_proxy && v8::IsStrong(m->prototype)) {
      uint32_t p = g.NodeOf(m->prototype);
      if (p != graph::kNoNode && p < n && out_of[p] != kNone) proto_of[v] = p;
    }
  }
  auto out_degree = [&](uint32_t u) { return degree(u) + (proto_of[u] != kNone ? 1u : 0u); };
  // The format of the version: V8 13+ writes 6 node fields (no
  // trace_node_id) and snapshot.extra_native_bytes.
  const bool v13 = version.major >= 13;
  const uint64_t nf = v13 ? 6 : 7;
  uint64_t edge_count = 1 + globals.size() + root_objects + graph::kRootCategoryCount;
  for (uint32_t u = graph::kFirstCategoryNode; u < n; u++) {
    if (out_of[u] != kNone) edge_count += out_degree(u);
  }

  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    return MakeError(ErrorCode::kFileNotFound, "cannot write " + path + ": " + std::strerror(errno),
                     "pass a writable path with -o");
  }
  Out out(f);
  Strings strings;
  strings.Id("");

  out.Put(R"({"snapshot":{"meta":)");
  out.Put(v13 ? kNodeFields6 : kNodeFields7);
  const bool has_object_shape = version.major >= 11;
  out.Put(has_object_shape ? kNodeTypes : kNodeTypesV10);
  out.Put(kMetaRest);
  out.Put(R"(,"node_count":)");
  out.Num(count);
  out.Put(R"(,"edge_count":)");
  out.Num(edge_count);
  out.Put(R"(,"trace_function_count":0)");
  if (v13) out.Put(R"(,"extra_native_bytes":0)");  // embedder-reported bytes: not in a core
  out.Put(R"(,"root_index":0},)");
  out.Put("\n\"nodes\":[");

  bool first = true;
  auto node_row = [&](uint32_t type, uint32_t name, uint64_t id, uint64_t self, uint64_t edges) {
    if (!first) out.Put(",\n");
    first = false;
    out.Num(type); out.Put(",");
    out.Num(name); out.Put(",");
    out.Num(id); out.Put(",");
    out.Num(self); out.Put(",");
    out.Num(edges); out.Put(v13 ? ",0" : ",0,0");
  };
  node_row(kSynthetic, strings.Id(""), 1, 0, 1 + globals.size() + root_objects);
  node_row(kSynthetic, strings.Id("(GC roots)"), 3, 0, graph::kRootCategoryCount);
  uint64_t done = 0;
  Locator locator(g.heap());
  heap::Namer namer(g.heap(), pages);
  std::vector<Location> locations;
  for (uint32_t v = graph::kFirstCategoryNode; v < n; v++) {
    if (out_of[v] == kNone) continue;
    NodeKind kind = KindOf(g, namer, v, opts.redact);
    if (kind.type == kObjectShape && !has_object_shape) kind.type = kHidden;
    const uint32_t type = kind.type;
    uint32_t name = strings.Id(kind.name);
    const v8::MapInfo* m = nullptr;
    if (auto a = g.AddressOfNode(v); a && (type == kClosure || type == kObject) && (m = g.heap().MapOf(v8::Tag(*a)))) {
      if (auto loc = locator.ForNode(v8::Tag(*a), *m, type, kind.name)) {
        loc->node_index = static_cast<uint64_t>(out_of[v]) * nf;
        locations.push_back(*loc);
      }
    }
    // Ids: odd, as V8's, and stable within one export (2 × output ordinal + 1).
    node_row(type, name, 2ull * out_of[v] + 1, g.SelfSize(v), out_degree(v));
    if ((++done & 0xffff) == 0) {
      progress.Report("export nodes", done, count);
      if (progress.Cancelled()) {
        std::fclose(f);
        std::remove(path.c_str());
        return MakeError(ErrorCode::kCancelled, "export: cancelled");
      }
    }
  }
  stats.nodes = count;

  out.Put("],\n\"edges\":[");
  first = true;
  auto edge_row = [&](uint32_t type, uint64_t name_or_index, uint32_t to_out) {
    if (!first) out.Put(",\n");
    first = false;
    out.Num(type); out.Put(",");
    out.Num(name_or_index); out.Put(",");
    out.Num(static_cast<uint64_t>(to_out) * nf);
  };
  // Root: element [1] → (GC roots), shortcuts to the globals (named by their
  // position, as V8's auto-indexed shortcut), then to objects it holds directly.
  edge_row(kElement, 1, 1);
  for (size_t i = 0; i < globals.size(); i++) edge_row(kShortcut, strings.Id(std::to_string(i + 2)), out_of[globals[i]]);
  for (uint32_t i = fwd_off[graph::kRootNode]; i < fwd_off[graph::kRootNode + 1]; i++) {
    uint32_t v = graph::EdgeNode(fwd[i]);
    if (graph::RefGraph::IsObjectNode(v)) edge_row(kShortcut, strings.Id(graph::NodeLabel(g, v)), out_of[v]);
  }
  // (GC roots): element [i] → each category.
  for (int c = 0; c < graph::kRootCategoryCount; c++) {
    edge_row(kElement, static_cast<uint64_t>(c) + 1, out_of[graph::kFirstCategoryNode + c]);
  }
  uint64_t edges_done = 0;
  std::vector<graph::NamedEdge> names;
  for (uint32_t u = graph::kFirstCategoryNode; u < n; u++) {
    if (out_of[u] == kNone) continue;
    const uint32_t b = fwd_off[u], e = fwd_off[u + 1];
    if (proto_of[u] != kNone) edge_row(kProperty, strings.Id("__proto__"), out_of[proto_of[u]]);
    const bool name_each = graph::RefGraph::IsObjectNode(u) && e - b <= kMaxNamedOutDegree;
    uint32_t position = 0;
    for (uint32_t i = b; i < e; i++) {
      uint32_t v = graph::EdgeNode(fwd[i]);
      bool weak = graph::EdgeKindOf(fwd[i]) == graph::EdgeKind::kWeak;
      position++;
      // Occurrences of one target are named from one EdgesFromTo call, in order.
      uint32_t nth = 0;
      if (name_each) {
        for (uint32_t j = b; j < i; j++) nth += graph::EdgeNode(fwd[j]) == v ? 1 : 0;
      }
      if (!name_each) {
        if (weak) edge_row(kWeak, strings.Id(std::to_string(position)), out_of[v]);
        else edge_row(graph::RefGraph::IsObjectNode(u) ? kEdgeHidden : kElement, position, out_of[v]);
        continue;
      }
      names = graph::EdgesFromTo(g, u, v);
      if (nth >= names.size()) {
        if (weak) edge_row(kWeak, strings.Id(std::to_string(position)), out_of[v]);
        else edge_row(kEdgeHidden, position, out_of[v]);
        continue;
      }
      const graph::NamedEdge& ne = names[nth];
      uint64_t index = 0;
      if (weak || ne.kind == "weak") {
        edge_row(kWeak, strings.Id(ne.name), out_of[v]);
      } else if (ne.kind == "property") {
        edge_row(kProperty, strings.Id(ne.name), out_of[v]);
      } else if (ne.kind == "context") {
        edge_row(kContext, strings.Id(ne.name), out_of[v]);
      } else if (ne.kind == "element" && ParseIndex(ne.name, &index)) {
        edge_row(kElement, index, out_of[v]);
      } else if (ne.kind == "hidden" || ne.kind == "element") {
        edge_row(kEdgeHidden, position, out_of[v]);
      } else {
        edge_row(kInternal, strings.Id(ne.name), out_of[v]);  // "internal", "root"
      }
    }
    edges_done += e - b;
    if ((u & 0xffff) == 0) {
      progress.Report("export edges", edges_done, edge_count);
      if (progress.Cancelled()) {
        std::fclose(f);
        std::remove(path.c_str());
        return MakeError(ErrorCode::kCancelled, "export: cancelled");
      }
    }
  }
  stats.edges = edge_count;

  out.Put("],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[");
  for (size_t i = 0; i < locations.size(); i++) {
    const Location& l = locations[i];
    if (i) out.Put(",\n");
    out.Num(l.node_index); out.Put(",");
    out.Num(static_cast<uint64_t>(l.script_id)); out.Put(",");
    out.Num(static_cast<uint64_t>(l.line)); out.Put(",");
    out.Num(static_cast<uint64_t>(l.column));
  }
  stats.locations = locations.size();
  out.Put("],\n\"strings\":[");
  std::string buf;
  for (size_t i = 0; i < strings.list().size(); i++) {
    buf.clear();
    if (i) buf += ",\n";
    AppendJsonString(buf, strings.list()[i]);
    out.Put(buf);
  }
  out.Put("]}\n");
  out.Flush();
  stats.strings = strings.list().size();
  stats.bytes = out.written();
  int close_err = std::fclose(f) == 0 ? 0 : errno;
  if (out.error() || close_err) {
    std::remove(path.c_str());
    return MakeError(ErrorCode::kFileNotFound,
                     "cannot write " + path + ": " + std::strerror(out.error() ? out.error() : close_err),
                     "check the free space of the output's file system");
  }
  return stats;
}

}  // namespace corescope::exporter
