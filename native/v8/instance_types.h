// InstanceTypes: every V8 instance-type number of one executable, with its
// name (JS_OBJECT_TYPE...), classification and size rule. Names come from the
// v8dbg type_ constants, the version's layout table, and a check against the
// executable's own InstanceType printer (operator<< / ToString jump table),
// which also fills in types on odd releases. Knows instance types; knows
// nothing of objects in memory (see objects.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "elf/elf_file.h"
#include "v8/layout_tables.h"
#include "v8/metadata.h"

namespace corescope::v8 {

// TypeFlags: classification bits per instance type.
enum TypeFlag : uint32_t {
  kTypeString = 1u << 0,
  kTypeInternalizedString = 1u << 1,
  kTypeJSReceiver = 1u << 2,        // >= FIRST_JS_RECEIVER_TYPE
  kTypeJSObject = 1u << 3,          // >= FIRST_JS_OBJECT_TYPE
  kTypeJSFunction = 1u << 4,        // JS_FUNCTION_TYPE and its subtypes (class constructors...)
  kTypeCode = 1u << 5,              // code-like: Code, InstructionStream, BytecodeArray, SFI... ("(compiled code)")
  kTypeContext = 1u << 6,           // any Context
  kTypeHashTable = 1u << 7,
  kTypeFixedArrayLike = 1u << 8,    // length Smi @8, 16 + 8*len
  kTypeFiller = 1u << 9,            // free space and fillers: not objects
  kTypeJSApiObject = 1u << 10,      // JS_API_OBJECT / special API / embedder range
  kTypeJSPrototype = 1u << 11,      // JS_*_PROTOTYPE_TYPE (the builtin prototypes)
};

// StringShape: representation of a string type (V8's string type bits).
enum class StringRep : uint8_t { kNone, kSeq, kCons, kExternal, kSliced, kThin };

struct TypeInfo {
  std::string name;          // "JS_OBJECT_TYPE"; empty when unknown
  std::string class_name;    // "JSObject" (v8dbg type_<Class>__ or derived from the name)
  uint32_t flags = 0;        // TypeFlag bits
  SizeRule size;             // kFromMap unless the layout table says otherwise
  StringRep string_rep = StringRep::kNone;
  bool two_byte = false;     // strings: two-byte encoding
};

class InstanceTypes {
 public:
  // Build combines metadata, the layout table and (when the executable is
  // given) the executable's InstanceType printer. `notes` receives one line
  // per inferred fact or disagreement.
  static std::unique_ptr<InstanceTypes> Build(const Metadata& md, const LayoutTable& layout,
                                              const elf::ElfFile* exe, const elf::SymbolList* symbols,
                                              std::vector<std::string>* notes);
  static constexpr uint16_t kMaxType = 4095;  // every V8 10-14 type is below this

  // Info returns the type's info; unknown numbers give an empty-named entry.
  const TypeInfo& Info(uint16_t type) const { return types_[type <= kMaxType ? type : kMaxType + 1]; }
  // Number returns the instance type of a name, if known.
  std::optional<uint16_t> Number(std::string_view name) const;
  // DisplayName returns the name, or "TYPE#<n>" when unknown.
  std::string DisplayName(uint16_t type) const;

  bool Has(uint16_t type, TypeFlag f) const { return (Info(type).flags & f) != 0; }
  bool IsString(uint16_t t) const { return t < first_nonstring_; }
  bool IsJSReceiver(uint16_t t) const { return Has(t, kTypeJSReceiver); }
  bool IsJSObject(uint16_t t) const { return Has(t, kTypeJSObject); }
  bool IsJSFunction(uint16_t t) const { return Has(t, kTypeJSFunction); }
  bool IsContext(uint16_t t) const { return Has(t, kTypeContext); }
  bool IsFiller(uint16_t t) const { return Has(t, kTypeFiller); }

  // Frequently used numbers (0xffff when the type does not exist on this version).
  uint16_t map_type = 0xffff;
  uint16_t heap_number = 0xffff, oddball = 0xffff, hole = 0xffff, symbol = 0xffff, bigint = 0xffff;
  uint16_t free_space = 0xffff, filler = 0xffff, one_pointer_filler = 0xffff, two_pointer_filler = 0xffff;
  uint16_t js_object = 0xffff, js_api_object = 0xffff, js_special_api_object = 0xffff;
  uint16_t js_function = 0xffff, js_array = 0xffff, js_date = 0xffff, js_map = 0xffff, js_set = 0xffff;
  uint16_t js_global_object = 0xffff, js_global_proxy = 0xffff, js_bound_function = 0xffff;
  uint16_t js_error = 0xffff, js_promise = 0xffff, js_regexp = 0xffff, js_array_buffer = 0xffff;
  uint16_t js_typed_array = 0xffff, js_weak_map = 0xffff, js_weak_set = 0xffff, js_proxy = 0xffff;
  uint16_t js_arguments_object = 0xffff, js_primitive_wrapper = 0xffff;
  uint16_t shared_function_info = 0xffff, script = 0xffff, scope_info = 0xffff;
  uint16_t fixed_array = 0xffff, fixed_double_array = 0xffff, native_context = 0xffff;
  uint16_t descriptor_array = 0xffff, function_template_info = 0xffff, bytecode_array = 0xffff;
  uint16_t code = 0xffff, instruction_stream = 0xffff, feedback_vector = 0xffff, feedback_cell = 0xffff;
  uint16_t first_nonstring_ = 128;

  // names_from_exe: how many names the executable's printer supplied (0 if not decoded).
  size_t names_from_exe() const { return names_from_exe_; }

 private:
  std::vector<TypeInfo> types_;  // indexed by type; last entry is the "unknown" sentinel
  size_t names_from_exe_ = 0;
};

// DecodeInstanceTypeNames reads the executable's InstanceType printer
// (v8::internal::operator<<(std::ostream&, InstanceType), or ToString(InstanceType)
// from V8 13) and returns (type number, name) pairs. Empty when the code
// shape is not recognised. Exposed for tests and the layout-table generator.
std::vector<std::pair<uint16_t, std::string>> DecodeInstanceTypeNames(const elf::ElfFile& exe,
                                                                      const elf::SymbolList& symbols);

}  // namespace corescope::v8
