// BodyLayouts::Build: rules by instance-type name (from InstanceTypes) and
// v8dbg offsets. See body_layouts.h for what each rule means.
#include "v8/body_layouts.h"

#include <string_view>

namespace corescope::v8 {
namespace {

// Types whose body past the header is raw data (V8 body descriptors with no
// pointer slots, or DataOnlyBodyDescriptor).
constexpr std::string_view kRawTypes[] = {
    "HEAP_NUMBER_TYPE",      "BYTE_ARRAY_TYPE",        "TRUSTED_BYTE_ARRAY_TYPE",
    "FIXED_DOUBLE_ARRAY_TYPE", "FREE_SPACE_TYPE",      "FILLER_TYPE",
    "BIGINT_TYPE",           "FEEDBACK_METADATA_TYPE", "FOREIGN_TYPE",
    "COVERAGE_INFO_TYPE",    "EXTERNAL_POINTER_ARRAY_TYPE",
};

// StripPrefix removes "prefix" from s, returning false if absent.
bool StripPrefix(std::string_view* s, std::string_view prefix) {
  if (s->substr(0, prefix.size()) != prefix) return false;
  s->remove_prefix(prefix.size());
  return true;
}

// IsRawCType: a v8dbg field type suffix that is not a tagged value.
bool IsRawCType(std::string_view t) {
  for (std::string_view raw : {"int", "uint", "char", "bool", "double", "float", "size_t", "Address", "uintptr_t",
                               "intptr_t", "uint16_t", "uint32_t", "int16_t", "int32_t", "uint8_t"}) {
    if (t == raw) return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<BodyLayouts> BodyLayouts::Build(const Heap& heap) {
  auto out = std::make_unique<BodyLayouts>();
  const InstanceTypes& types = heap.types();
  const Metadata& md = heap.metadata();
  constexpr size_t kTypes = 1 << 16;
  out->rules_.assign(kTypes, BodyRule{});
  out->class_names_.assign(kTypes, std::string());

  // Class names, parents and fields from the v8dbg symbol names.
  std::unordered_map<std::string, uint64_t> first_raw;  // class -> smallest raw field offset
  for (const auto& [name, value] : md.all()) {
    std::string_view s = name;
    if (StripPrefix(&s, "type_")) {
      size_t sep = s.find("__");
      if (sep == std::string_view::npos || value < 0 || value >= static_cast<int64_t>(kTypes)) continue;
      out->class_names_[static_cast<size_t>(value)] = std::string(s.substr(0, sep));
    } else if (StripPrefix(&s, "parent_")) {
      size_t sep = s.find("__");
      if (sep == std::string_view::npos) continue;
      out->parents_[std::string(s.substr(0, sep))] = std::string(s.substr(sep + 2));
    } else if (StripPrefix(&s, "class_")) {
      size_t sep = s.find("__");
      if (sep == std::string_view::npos || value <= 0) continue;
      std::string cls(s.substr(0, sep));
      std::string_view rest = s.substr(sep + 2);
      size_t sep2 = rest.find("__");
      std::string field(rest.substr(0, sep2));
      std::string_view ctype = sep2 == std::string_view::npos ? std::string_view() : rest.substr(sep2 + 2);
      out->fields_[cls].emplace(static_cast<uint64_t>(value), field);
      if (IsRawCType(ctype)) {
        auto it = first_raw.find(cls);
        if (it == first_raw.end() || it->second > static_cast<uint64_t>(value)) first_raw[cls] = value;
      }
    }
  }

  auto set = [&](std::string_view type_name, BodyRule r) {
    if (auto t = types.Number(type_name)) out->rules_[*t] = r;
  };
  for (uint32_t t = 0; t < kTypes; ++t) {
    uint16_t type = static_cast<uint16_t>(t);
    if (types.IsFiller(type)) {
      out->rules_[t].kind = BodyKind::kNone;
    } else if (types.IsString(type)) {
      BodyRule r;
      switch (types.Info(type).string_rep) {
        case StringRep::kCons: r = {BodyKind::kRange, 16, 32, {0, 0}}; break;
        case StringRep::kSliced: r = {BodyKind::kRange, 16, 24, {0, 0}}; break;
        case StringRep::kThin: r = {BodyKind::kRange, 16, 24, {0, 0}}; break;
        default: r.kind = BodyKind::kNone; break;  // seq and external: characters / resource
      }
      out->rules_[t] = r;
    }
  }
  for (std::string_view raw : kRawTypes) set(raw, BodyRule{BodyKind::kNone, 8, 0, {0, 0}});
  // Map: instance sizes/types and bit fields in words 1-2; references from the prototype.
  set("MAP_TYPE", BodyRule{BodyKind::kAllTagged, 24, 0, {0, 0}});
  if (auto data = md.Field("BytecodeArray", "data")) {
    set("BYTECODE_ARRAY_TYPE", BodyRule{BodyKind::kRange, 8, static_cast<uint16_t>(*data), {0, 0}});
  }
  // Code (V8 10.2, 12+) has tagged fields then raw ones; InstructionStream a
  // tagged header then machine code.
  for (auto [cls, type_name] : {std::pair<const char*, std::string_view>{"Code", "CODE_TYPE"},
                                {"InstructionStream", "INSTRUCTION_STREAM_TYPE"}}) {
    auto it = first_raw.find(cls);
    if (it != first_raw.end() && it->second > 8 && it->second < 0x10000) {
      set(type_name, BodyRule{BodyKind::kRange, 8, static_cast<uint16_t>(it->second), {0, 0}});
    }
  }
  set("EPHEMERON_HASH_TABLE_TYPE", BodyRule{BodyKind::kEphemeronTable, 8, 0, {0, 0}});
  // JSWeakRef.target (after the JSObject header) and WeakCell.target /
  // unregister_token (src/objects/js-weak-refs.tq) are weak whatever their tag.
  set("JS_WEAK_REF_TYPE", BodyRule{BodyKind::kAllTagged, 8, 0, {24, 0}});
  set("WEAK_CELL_TYPE", BodyRule{BodyKind::kAllTagged, 8, 0, {16, 24}});
  return out;
}

const std::string& BodyLayouts::ClassName(uint16_t type) const { return class_names_[type]; }

std::string BodyLayouts::FieldName(uint16_t type, uint64_t offset) const {
  if (offset == 0) return "map";
  std::string cls = class_names_[type];
  for (int depth = 0; !cls.empty() && depth < 16; ++depth) {
    auto it = fields_.find(cls);
    if (it != fields_.end()) {
      auto f = it->second.find(offset);
      if (f != it->second.end()) return f->second;
    }
    auto p = parents_.find(cls);
    if (p == parents_.end()) break;
    cls = p->second;
  }
  return "";
}

}  // namespace corescope::v8
