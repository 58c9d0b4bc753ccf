// Naming of heap objects the way V8's heap snapshot and DevTools do (see
// naming.h). The type lists below follow V8HeapExplorer::AddEntry and
// GetSystemEntryType (src/profiler/heap-snapshot-generator.cc, V8 11-14).
#include "heap/naming.h"

#include <unordered_set>

#include "util/limits.h"

namespace corescope::heap {

std::optional<GroupBy> ParseGroupBy(const std::string& s) {
  if (s.empty() || s == "constructor") return GroupBy::kConstructor;
  if (s == "instance-type" || s == "type") return GroupBy::kInstanceType;
  if (s == "shape") return GroupBy::kShape;
  return std::nullopt;
}

const char* GroupByName(GroupBy g) {
  switch (g) {
    case GroupBy::kConstructor: return "constructor";
    case GroupBy::kInstanceType: return "instance-type";
    case GroupBy::kShape: return "shape";
  }
  return "";
}

const char* SnapshotKindName(SnapshotKind k) {
  switch (k) {
    case SnapshotKind::kObject: return "object";
    case SnapshotKind::kClosure: return "closure";
    case SnapshotKind::kRegExp: return "regexp";
    case SnapshotKind::kString: return "string";
    case SnapshotKind::kConsString: return "concatenated string";
    case SnapshotKind::kSlicedString: return "sliced string";
    case SnapshotKind::kSymbol: return "symbol";
    case SnapshotKind::kBigInt: return "bigint";
    case SnapshotKind::kCode: return "code";
    case SnapshotKind::kHeapNumber: return "number";
    case SnapshotKind::kArray: return "array";
    case SnapshotKind::kHidden: return "hidden";
    case SnapshotKind::kObjectShape: return "object shape";
  }
  return "";
}

namespace {

// GetSystemEntryType's kCode list, plus SharedFunctionInfo and Script
// (named by AddEntry as code entries).
const std::unordered_set<std::string>& CodeTypes() {
  static const auto* s = new std::unordered_set<std::string>{
      "ALLOCATION_SITE_TYPE", "ARRAY_BOILERPLATE_DESCRIPTION_TYPE", "BYTECODE_ARRAY_TYPE",
      "CLOSURE_FEEDBACK_CELL_ARRAY_TYPE", "CODE_TYPE", "FEEDBACK_CELL_TYPE", "FEEDBACK_METADATA_TYPE",
      "FEEDBACK_VECTOR_TYPE", "INSTRUCTION_STREAM_TYPE", "INTERPRETER_DATA_TYPE", "LOAD_HANDLER_TYPE",
      "OBJECT_BOILERPLATE_DESCRIPTION_TYPE", "PREPARSE_DATA_TYPE", "REG_EXP_BOILERPLATE_DESCRIPTION_TYPE",
      "SCOPE_INFO_TYPE", "STORE_HANDLER_TYPE", "TEMPLATE_OBJECT_DESCRIPTION_TYPE",
      "UNCOMPILED_DATA_WITH_PREPARSE_DATA_TYPE", "UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_TYPE",
      "UNCOMPILED_DATA_WITH_PREPARSE_DATA_AND_JOB_TYPE", "UNCOMPILED_DATA_WITHOUT_PREPARSE_DATA_WITH_JOB_TYPE",
      "SHARED_FUNCTION_INFO_TYPE", "SCRIPT_TYPE", "CODE_DATA_CONTAINER_TYPE"};
  return *s;
}

const std::unordered_set<std::string>& ArrayTypes() {
  static const auto* s = new std::unordered_set<std::string>{
      "FIXED_ARRAY_TYPE", "FIXED_DOUBLE_ARRAY_TYPE", "BYTE_ARRAY_TYPE", "SCRIPT_CONTEXT_TABLE_TYPE",
      "ARRAY_LIST_TYPE", "TRUSTED_FIXED_ARRAY_TYPE", "PROTECTED_FIXED_ARRAY_TYPE", "TRUSTED_BYTE_ARRAY_TYPE"};
  return *s;
}

const std::unordered_set<std::string>& ShapeTypes() {
  static const auto* s = new std::unordered_set<std::string>{
      "DESCRIPTOR_ARRAY_TYPE", "STRONG_DESCRIPTOR_ARRAY_TYPE", "TRANSITION_ARRAY_TYPE", "PROTOTYPE_INFO_TYPE",
      "ENUM_CACHE_TYPE"};
  return *s;
}

}  // namespace

bool Namer::InReadOnlySpace(uint64_t addr) const {
  if (!pages_) return false;
  const Page* p = pages_->Find(v8::Untag(addr));
  return p && p->space == Space::kReadOnly;
}

RowName Namer::ForMap(const v8::MapInfo& m, uint64_t sample, GroupBy by) const {
  uint64_t key = (static_cast<uint64_t>(m.id) << 2) | static_cast<uint64_t>(by);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
  }
  RowName r = Compute(m, sample, by);
  std::lock_guard<std::mutex> lock(mu_);
  cache_.emplace(key, r);
  return r;
}

RowName Namer::ForObject(const v8::MapInfo& m, uint64_t obj, GroupBy by) const {
  if (!heap_.NameDependsOnObject(m)) return ForMap(m, obj, by);
  return Compute(m, obj, by);
}

RowName Namer::Compute(const v8::MapInfo& m, uint64_t sample, GroupBy by) const {
  const v8::InstanceTypes& t = heap_.types();
  const uint16_t type = m.instance_type;
  const v8::TypeInfo& ti = t.Info(type);
  RowName r;
  // Snapshot kind and DevTools class name.
  if (t.IsJSReceiver(type)) {
    if (t.IsJSFunction(type) || type == t.js_bound_function) {
      r = {"(closure)", SnapshotKind::kClosure, false};
    } else if (type == t.js_regexp) {
      r = {"(regexp)", SnapshotKind::kRegExp, false};
    } else {
      std::string name = heap_.ConstructorNameOf(m, sample);
      if (name.empty()) name = "Object";
      r = {name, SnapshotKind::kObject, false};
    }
  } else if (t.IsString(type)) {
    if (ti.string_rep == v8::StringRep::kCons) {
      r = {"(concatenated string)", SnapshotKind::kConsString, false};
    } else if (ti.string_rep == v8::StringRep::kSliced) {
      r = {"(sliced string)", SnapshotKind::kSlicedString, false};
    } else {
      r = {"(string)", SnapshotKind::kString, false};
    }
  } else if (type == t.symbol) {
    r = {"(symbol)", SnapshotKind::kSymbol, false};
  } else if (type == t.bigint) {
    r = {"(bigint)", SnapshotKind::kBigInt, false};
  } else if (type == t.heap_number) {
    r = {"(number)", SnapshotKind::kHeapNumber, false};
  } else if (CodeTypes().count(ti.name) || ti.name.compare(0, 9, "TURBOFAN_") == 0) {
    r = {"(compiled code)", SnapshotKind::kCode, true};
  } else if (type == t.native_context) {
    r = {"(system) NativeContext", SnapshotKind::kHidden, true};
  } else if (t.IsContext(type)) {
    r = {"system / Context", SnapshotKind::kObject, true};
  } else if (ArrayTypes().count(ti.name) || t.Has(type, v8::kTypeHashTable)) {
    r = {"(array)", SnapshotKind::kArray, true};
  } else if (type == t.map_type || ShapeTypes().count(ti.name)) {
    // V8 calls maps in read-only space "system / Map" (hidden) and the others
    // object shapes; both kinds share one meta map, so a per-map name cannot
    // tell them apart: all maps are "(object shape)" here.
    r = {"(object shape)", SnapshotKind::kObjectShape, true};
  } else {
    std::string cls = ti.class_name.empty() ? t.DisplayName(type) : ti.class_name;
    r = {"(system) " + cls, SnapshotKind::kHidden, true};
  }
  if (by == GroupBy::kInstanceType) {
    r.name = t.DisplayName(type);
  } else if (by == GroupBy::kShape && r.kind == SnapshotKind::kObject && !r.internal) {
    r.name += " " + (m.is_dictionary_map ? std::string("{dictionary}") : ShapeKeys(m));
  }
  return r;
}

std::string Namer::ClosureName(uint64_t sfi) const {
  auto name = heap_.SharedName(sfi);
  if (!name || name->empty()) return "(closure) (anonymous)";
  return "(closure) " + *name;
}

std::string Namer::ShapeKeys(const v8::MapInfo& m) const {
  constexpr uint32_t kMaxKeys = 12;
  std::string out = "{";
  if (!v8::IsStrong(m.descriptors) || m.nof_own_descriptors > limits::kMaxDescriptors) return "{?}";
  const int64_t header = heap_.metadata().Field("DescriptorArray", {"header_size"}).value_or(24);
  uint64_t base = v8::Untag(m.descriptors) + static_cast<uint64_t>(header);
  for (uint32_t i = 0; i < m.nof_own_descriptors; ++i) {
    if (i == kMaxKeys) {
      out += ", …";
      break;
    }
    if (i) out += ", ";
    auto key = heap_.ReadWord(base + 24ull * i);
    std::string text = "?";
    if (key) {
      const v8::MapInfo* km = heap_.MapOf(*key);
      if (km && heap_.IsString(*km)) {
        if (auto s = heap_.ReadString(*key, 64)) text = s->utf8 + (s->truncated ? "…" : "");
      } else if (km && km->instance_type == heap_.types().symbol) {
        text = "Symbol(" + heap_.SymbolDescription(*key, 64).value_or("") + ")";
      }
    }
    out += text;
  }
  return out + "}";
}

}  // namespace corescope::heap
