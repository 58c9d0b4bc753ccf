// Metadata: loads V8's postmortem constants (v8dbg_*) and version from the
// executable's symbols. Knows ELF symbols; knows nothing of heap pages or
// objects (see ../heap).
#include "v8/metadata.h"

#include <cstring>

namespace corescope::v8 {
namespace {

constexpr std::string_view kPrefix = "v8dbg_";
constexpr std::string_view kTypePrefix = "type_";

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// ReadInt reads the 4-byte int a v8dbg_* symbol names (NOBITS sections read
// as zero inside ReadAtVaddr).
std::optional<int32_t> ReadInt(const elf::ElfFile& exe, uint64_t vaddr) {
  int32_t v = 0;
  if (!exe.ReadAtVaddr(vaddr, &v, sizeof v)) return std::nullopt;
  return v;
}

}  // namespace

std::string Version::ToString() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(build) + "." +
         std::to_string(patch);
}

Result<Metadata> Metadata::Load(const elf::ElfFile& exe, const elf::SymbolList& symbols) {
  Metadata md;
  for (const elf::Symbol& s : symbols) {
    std::string_view name = s.name;
    if (StartsWith(name, kPrefix)) {
      auto v = ReadInt(exe, s.value);
      if (!v) continue;
      std::string key(name.substr(kPrefix.size()));
      md.values_.emplace(key, *v);
      continue;
    }
    // v8::internal::Version::{major_,minor_,build_,patch_}: static ints.
    static const struct {
      const char* symbol;
      int Version::*field;
    } kVersionFields[] = {
        {"_ZN2v88internal7Version6major_E", &Version::major},
        {"_ZN2v88internal7Version6minor_E", &Version::minor},
        {"_ZN2v88internal7Version6build_E", &Version::build},
        {"_ZN2v88internal7Version6patch_E", &Version::patch},
    };
    for (const auto& f : kVersionFields) {
      if (name == f.symbol) {
        if (auto v = ReadInt(exe, s.value)) md.v8_version_.*(f.field) = *v;
      }
    }
  }
  if (md.values_.empty()) {
    return MakeError(ErrorCode::kNoV8Metadata,
                     exe.file().path() + " has no v8dbg_* symbols (stripped, or not a node binary)",
                     "use an official node build (they keep v8dbg_* in .symtab and .dynsym)");
  }
  // type_<Class>__<TYPE_NAME> → instance type number, both directions.
  for (const auto& [key, value] : md.values_) {
    std::string_view k = key;
    if (!StartsWith(k, kTypePrefix)) continue;
    size_t sep = k.rfind("__");
    if (sep == std::string_view::npos || sep < kTypePrefix.size()) continue;
    std::string type_name(k.substr(sep + 2));
    md.types_.emplace(type_name, value);
    md.type_names_.emplace(value, type_name);
  }
  return md;
}

std::optional<int64_t> Metadata::Get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> Metadata::Field(std::string_view cls, std::string_view field) const {
  std::string prefix = "class_";
  prefix.append(cls).append("__").append(field);
  // Exact name without a type suffix (rare), then the first suffixed one.
  if (auto it = values_.find(prefix); it != values_.end()) return it->second;
  prefix += "__";
  auto it = values_.lower_bound(prefix);
  if (it != values_.end() && StartsWith(it->first, prefix)) return it->second;
  return std::nullopt;
}

std::optional<int64_t> Metadata::Field(std::string_view cls,
                                       std::initializer_list<std::string_view> fields) const {
  for (std::string_view f : fields) {
    if (auto v = Field(cls, f)) return v;
  }
  return std::nullopt;
}

std::optional<int64_t> Metadata::Type(std::string_view type_name) const {
  auto it = types_.find(type_name);
  if (it == types_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Metadata::TypeName(int64_t instance_type) const {
  auto it = type_names_.find(instance_type);
  if (it == type_names_.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> Metadata::FrameType(std::string_view name) const {
  std::string key = "frametype_";
  key.append(name);
  return Get(key);
}

}  // namespace corescope::v8
