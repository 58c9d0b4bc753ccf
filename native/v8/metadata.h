// Metadata: the V8 postmortem constants (v8dbg_*) of the executable that
// dumped the core, plus V8 and Node versions. Lookups tolerate the renames
// between V8 10 and 14 (type suffixes on field names from V8 12); missing
// constants are std::nullopt, never -1. Knows ELF symbols and version numbers;
// knows nothing of heap pages or objects (see ../heap).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "elf/elf_file.h"
#include "memory/address_space.h"
#include "util/result.h"

namespace corescope::v8 {

struct Version {
  int major = 0, minor = 0, build = 0, patch = 0;
  std::string ToString() const;  // "11.3.244.8"
};

class Metadata {
 public:
  // Load reads every v8dbg_* symbol's value from the executable (values are
  // in .data/.bss: a NOBITS section means 0) and V8's Version::{major_,...}.
  // Errors: kNoV8Metadata when there are no v8dbg_* symbols.
  static Result<Metadata> Load(const elf::ElfFile& exe, const elf::SymbolList& symbols);

  // Get returns v8dbg_<name> exactly, e.g. Get("HeapObjectTag").
  std::optional<int64_t> Get(std::string_view name) const;
  // Field returns the offset of class_<cls>__<field>__<any type suffix>,
  // e.g. Field("Map", "instance_type"). Tries each field name given in order
  // (fallback names across versions).
  std::optional<int64_t> Field(std::string_view cls, std::string_view field) const;
  std::optional<int64_t> Field(std::string_view cls, std::initializer_list<std::string_view> fields) const;
  // Type returns the instance type number of type_<Class>__<TYPE_NAME>, looked
  // up by TYPE_NAME alone, e.g. Type("JS_OBJECT_TYPE").
  std::optional<int64_t> Type(std::string_view type_name) const;
  // TypeName returns TYPE_NAME for an instance type number, if a type_ constant names it.
  std::optional<std::string> TypeName(int64_t instance_type) const;
  // FrameType returns v8dbg_frametype_<Name>, e.g. FrameType("EntryFrame").
  std::optional<int64_t> FrameType(std::string_view name) const;

  const Version& v8_version() const { return v8_version_; }
  size_t count() const { return values_.size(); }
  const std::map<std::string, int64_t, std::less<>>& all() const { return values_; }

 private:
  std::map<std::string, int64_t, std::less<>> values_;      // name without "v8dbg_"
  std::map<std::string, int64_t, std::less<>> types_;       // TYPE_NAME -> number
  std::map<int64_t, std::string> type_names_;
  Version v8_version_;
};

}  // namespace corescope::v8
