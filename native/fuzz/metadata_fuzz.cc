// Fuzz target: the V8 metadata loader (v8/metadata.h) on an arbitrary
// "executable": its symbol table, the v8dbg_* values read through sections
// (NOBITS = 0), the V8 version symbols, and the lookups analyses make.
// Seeds: scripts/fuzz-corpus.mjs (synthetic executables with v8dbg_* symbols).
#include <cstddef>
#include <cstdint>
#include <string>

#include "elf/elf_file.h"
#include "fuzz/fuzz_input.h"
#include "v8/metadata.h"

namespace elf = corescope::elf;
namespace v8 = corescope::v8;
namespace fz = corescope::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = elf::MappedFile::Open(fz::MemFile::Get().Write(data, size));
  if (!file) return 0;
  auto exe = elf::ElfFile::Parse(file.value());
  if (!exe) return 0;
  auto symbols = exe->Symbols();
  if (!symbols) return 0;
  auto md = v8::Metadata::Load(exe.value(), symbols.value());
  if (!md) {
    fz::Sink(md.error().message);
    return 0;
  }
  const v8::Metadata& m = md.value();
  fz::Sink(m.count());
  fz::Sink(m.v8_version().ToString());
  for (const char* name : {"HeapObjectTag", "HeapObjectTagMask", "SmiTag", "SmiShiftSize", "PointerSizeLog2",
                           "TaggedSize", "FirstNonstringType", "IsNotStringMask", "StringEncodingMask",
                           "OddballUndefined", "prop_desc_size", "off_fp_function"}) {
    if (auto v = m.Get(name)) fz::Sink(static_cast<uint64_t>(*v));
  }
  if (auto v = m.Field("Map", "instance_type")) fz::Sink(static_cast<uint64_t>(*v));
  if (auto v = m.Field("Map", {"constructor_or_back_pointer", "constructor_or_back_pointer_or_native_context"}))
    fz::Sink(static_cast<uint64_t>(*v));
  if (auto v = m.Field("SharedFunctionInfo", {"name_or_scope_info", "raw_name_or_scope_info"}))
    fz::Sink(static_cast<uint64_t>(*v));
  if (auto v = m.Field("", "")) fz::Sink(static_cast<uint64_t>(*v));
  for (const char* t : {"MAP_TYPE", "JS_OBJECT_TYPE", "JS_FUNCTION_TYPE", "FREE_SPACE_TYPE", ""}) {
    if (auto v = m.Type(t)) {
      fz::Sink(static_cast<uint64_t>(*v));
      if (auto name = m.TypeName(*v)) fz::Sink(*name);
    }
  }
  for (int64_t t : {int64_t{-1}, int64_t{0}, int64_t{128}, int64_t{1057}, INT64_MIN, INT64_MAX}) {
    if (auto name = m.TypeName(t)) fz::Sink(*name);
  }
  if (auto v = m.FrameType("EntryFrame")) fz::Sink(static_cast<uint64_t>(*v));
  for (const auto& [name, value] : m.all()) fz::Sink(name.size() + static_cast<uint64_t>(value));
  return 0;
}
