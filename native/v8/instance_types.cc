// InstanceTypes: instance-type numbers, names, classification and size rules
// of one V8 build. Names come from three sources, in increasing authority:
// the layout table's list for the version, the v8dbg type_ constants, and the
// executable's own InstanceType printer. The printer is a switch over every
// INSTANCE_TYPE_LIST entry that the compiler turns into a jump table; each
// case loads the address of the type's name. Decoding that table gives the
// exact name of every number, even on releases we have no table for.
// Knows instance types; knows nothing of objects in memory.
#include "v8/instance_types.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <cstring>

namespace corescope::v8 {
namespace {

// The printer's symbol, newest first: V8 14 moved the switch into a local
// helper, V8 13 into ToString(InstanceType), V8 10-12 have it in operator<<.
constexpr const char* kPrinterSymbols[] = {
    "_ZN2v88internalL26NonAPIInstanceTypeToStringENS0_12InstanceTypeE",
    "_ZN2v88internal8ToStringB5cxx11ENS0_12InstanceTypeE",
    "_ZN2v88internallsERSoNS0_12InstanceTypeE",
};

bool ValidTypeName(const std::string& s) {
  if (s.size() < 6 || s.size() > 80) return false;
  for (char c : s) {
    if (!(std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return s.compare(s.size() - 5, 5, "_TYPE") == 0 || s.find("_TYPE") != std::string::npos;
}

std::optional<std::string> ReadCString(const elf::ElfFile& exe, uint64_t vaddr, size_t max) {
  std::string out;
  char buf[16];
  while (out.size() < max) {
    if (!exe.ReadAtVaddr(vaddr + out.size(), buf, sizeof buf)) {
      // Near a section end: fall back to single bytes.
      char c;
      if (!exe.ReadAtVaddr(vaddr + out.size(), &c, 1)) return std::nullopt;
      if (c == 0) return out;
      out.push_back(c);
      continue;
    }
    for (char c : buf) {
      if (c == 0) return out;
      out.push_back(c);
    }
  }
  return std::nullopt;
}

uint32_t U32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// CamelFromTypeName turns "JS_ARRAY_BUFFER_TYPE" into "JSArrayBuffer" for
// display of types that have no v8dbg class name.
std::string CamelFromTypeName(const std::string& name) {
  std::string base = name;
  if (base.size() > 5 && base.compare(base.size() - 5, 5, "_TYPE") == 0) base.resize(base.size() - 5);
  std::string out;
  size_t i = 0;
  while (i <= base.size()) {
    size_t j = base.find('_', i);
    if (j == std::string::npos) j = base.size();
    std::string word = base.substr(i, j - i);
    if (word == "JS" || word == "API" || word == "WASM") {
      out += word == "WASM" ? "Wasm" : word;
    } else if (!word.empty()) {
      out += word[0];
      for (size_t k = 1; k < word.size(); ++k) out += static_cast<char>(std::tolower(static_cast<unsigned char>(word[k])));
    }
    i = j + 1;
  }
  return out;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

std::vector<std::pair<uint16_t, std::string>> DecodeInstanceTypeNames(const elf::ElfFile& exe,
                                                                      const elf::SymbolList& symbols) {
  std::vector<std::pair<uint16_t, std::string>> out;
  uint64_t fn = 0;
  for (const char* want : kPrinterSymbols) {
    for (const auto& s : symbols) {
      if (s.value != 0 && s.name == want) {
        fn = s.value;
        break;
      }
    }
    if (fn) break;
  }
  if (!fn) return out;
  uint8_t code[256];
  if (!exe.ReadAtVaddr(fn, code, sizeof code)) return out;
  // The bound check before the jump: cmp $imm16,%si / cmp $imm32,%edi|%esi.
  uint32_t max_type = 0;
  bool have_max = false;
  for (size_t i = 0; i + 6 <= sizeof code && !have_max; ++i) {
    if (code[i] == 0x66 && code[i + 1] == 0x81 && (code[i + 2] == 0xfe || code[i + 2] == 0xff)) {
      max_type = static_cast<uint32_t>(code[i + 3]) | (static_cast<uint32_t>(code[i + 4]) << 8);
      have_max = true;
    } else if (code[i] == 0x81 && (code[i + 1] == 0xff || code[i + 1] == 0xfe)) {
      max_type = U32(code + i + 2);
      have_max = true;
    }
  }
  // The indirect jump: jmp *disp32(,%reg,8) = ff 24 <SIB scale 8, no base> disp32.
  uint64_t table = 0;
  for (size_t i = 0; i + 7 <= sizeof code; ++i) {
    if (code[i] == 0xff && code[i + 1] == 0x24 && (code[i + 2] & 0xc7) == 0xc5) {
      table = U32(code + i + 3);
      break;
    }
  }
  if (!have_max || !table || max_type > InstanceTypes::kMaxType) return out;
  for (uint32_t t = 0; t <= max_type; ++t) {
    uint64_t target = 0;
    if (!exe.ReadAtVaddr(table + 8 * t, &target, 8)) return {};
    uint8_t c[16];
    if (!exe.ReadAtVaddr(target, c, sizeof c)) continue;
    size_t k = c[0] == 0xba ? 5 : 0;  // mov $len,%edx first on V8 11-12
    if (c[k] != 0xbe && c[k] != 0xbf && c[k] != 0xb8) continue;  // mov $str,%esi|%edi|%eax
    auto name = ReadCString(exe, U32(c + k + 1), 96);
    if (!name || !ValidTypeName(*name)) continue;
    out.emplace_back(static_cast<uint16_t>(t), std::move(*name));
  }
  return out;
}

std::unique_ptr<InstanceTypes> InstanceTypes::Build(const Metadata& md, const LayoutTable& layout,
                                                    const elf::ElfFile* exe, const elf::SymbolList* symbols,
                                                    std::vector<std::string>* notes) {
  auto it = std::make_unique<InstanceTypes>();
  it->types_.resize(kMaxType + 2);
  auto& types = it->types_;

  // 1. The layout table (printer-derived, for types without type_ constants).
  for (const auto& [name, number] : layout.extra_types) {
    if (number <= kMaxType) types[number].name = std::string(name);
  }
  // 2. v8dbg type_<Class>__<NAME> constants, with the C++ class name.
  std::map<size_t, std::vector<std::string>> v8dbg_names;  // every v8dbg name of a number (aliases)
  for (const auto& [key, value] : md.all()) {
    if (key.compare(0, 5, "type_") != 0 || value < 0 || value > kMaxType) continue;
    size_t sep = key.find("__", 5);
    if (sep == std::string::npos) continue;
    auto& ti = types[static_cast<size_t>(value)];
    std::string name = key.substr(sep + 2);
    // Two constants may share a number (DependentCode is a WeakArrayList);
    // keep the first name, which the printer decides below anyway.
    if (ti.name.empty()) ti.name = name;
    if (ti.class_name.empty()) ti.class_name = key.substr(5, sep - 5);
    v8dbg_names[static_cast<size_t>(value)].push_back(name);
  }
  // 3. The executable's printer: authoritative when it decodes.
  if (exe && symbols) {
    auto decoded = DecodeInstanceTypeNames(*exe, *symbols);
    it->names_from_exe_ = decoded.size();
    size_t disagreements = 0;
    for (auto& [number, name] : decoded) {
      auto& ti = types[number];
      const auto& aliases = v8dbg_names[number];
      const bool alias = std::find(aliases.begin(), aliases.end(), name) != aliases.end();
      if (!ti.name.empty() && ti.name != name) {
        if (!alias) ++disagreements;
        if (ti.class_name.empty() || notes == nullptr) {
        } else {
          // The v8dbg class name belongs to the other name; drop it.
          ti.class_name.clear();
        }
      }
      ti.name = name;
    }
    if (notes && disagreements) {
      notes->push_back("instance types: " + std::to_string(disagreements) +
                       " names from the layout table or v8dbg differ from the executable's InstanceType printer;"
                       " the printer's names are used");
    }
  }
  for (auto& ti : types) {
    if (!ti.name.empty() && ti.class_name.empty()) ti.class_name = CamelFromTypeName(ti.name);
  }

  // Numbers of the types the views use.
  auto num = [&](std::string_view n) -> uint16_t {
    auto v = it->Number(n);
    return v ? *v : 0xffff;
  };
  it->first_nonstring_ = static_cast<uint16_t>(md.Get("FirstNonstringType").value_or(128));
  it->map_type = num("MAP_TYPE");
  it->heap_number = num("HEAP_NUMBER_TYPE");
  it->oddball = num("ODDBALL_TYPE");
  it->hole = num("HOLE_TYPE");
  it->symbol = num("SYMBOL_TYPE");
  it->bigint = num("BIG_INT_BASE_TYPE");
  it->free_space = num("FREE_SPACE_TYPE");
  it->filler = num("FILLER_TYPE");
  it->one_pointer_filler = num("ONE_POINTER_FILLER_TYPE");
  it->two_pointer_filler = num("TWO_POINTER_FILLER_TYPE");
  it->js_object = num("JS_OBJECT_TYPE");
  it->js_api_object = num("JS_API_OBJECT_TYPE");
  it->js_special_api_object = num("JS_SPECIAL_API_OBJECT_TYPE");
  it->js_function = num("JS_FUNCTION_TYPE");
  it->js_array = num("JS_ARRAY_TYPE");
  it->js_date = num("JS_DATE_TYPE");
  it->js_map = num("JS_MAP_TYPE");
  it->js_set = num("JS_SET_TYPE");
  it->js_global_object = num("JS_GLOBAL_OBJECT_TYPE");
  it->js_global_proxy = num("JS_GLOBAL_PROXY_TYPE");
  it->js_bound_function = num("JS_BOUND_FUNCTION_TYPE");
  it->js_error = num("JS_ERROR_TYPE");
  it->js_promise = num("JS_PROMISE_TYPE");
  it->js_regexp = num("JS_REG_EXP_TYPE");
  it->js_array_buffer = num("JS_ARRAY_BUFFER_TYPE");
  it->js_typed_array = num("JS_TYPED_ARRAY_TYPE");
  it->js_weak_map = num("JS_WEAK_MAP_TYPE");
  it->js_weak_set = num("JS_WEAK_SET_TYPE");
  it->js_proxy = num("JS_PROXY_TYPE");
  it->js_arguments_object = num("JS_ARGUMENTS_OBJECT_TYPE");
  it->js_primitive_wrapper = num("JS_PRIMITIVE_WRAPPER_TYPE");
  it->shared_function_info = num("SHARED_FUNCTION_INFO_TYPE");
  it->script = num("SCRIPT_TYPE");
  it->scope_info = num("SCOPE_INFO_TYPE");
  it->fixed_array = num("FIXED_ARRAY_TYPE");
  it->fixed_double_array = num("FIXED_DOUBLE_ARRAY_TYPE");
  it->native_context = num("NATIVE_CONTEXT_TYPE");
  it->descriptor_array = num("DESCRIPTOR_ARRAY_TYPE");
  it->function_template_info = num("FUNCTION_TEMPLATE_INFO_TYPE");
  it->bytecode_array = num("BYTECODE_ARRAY_TYPE");
  it->code = num("CODE_TYPE");
  it->instruction_stream = num("INSTRUCTION_STREAM_TYPE");
  it->feedback_vector = num("FEEDBACK_VECTOR_TYPE");
  it->feedback_cell = num("FEEDBACK_CELL_TYPE");

  // Classification.
  const int64_t first_context = md.Get("FirstContextType").value_or(-1);
  const int64_t last_context = md.Get("LastContextType").value_or(-2);
  const int64_t first_fn = md.Get("FirstJSFunctionType").value_or(-1);
  const int64_t last_fn = md.Get("LastJSFunctionType").value_or(-2);
  const uint16_t last_api = num("JS_LAST_DUMMY_API_OBJECT_TYPE");
  const int64_t mask_rep = md.Get("StringRepresentationMask").value_or(7);
  const int64_t mask_enc = md.Get("StringEncodingMask").value_or(8);
  const int64_t one_byte_tag = md.Get("OneByteStringTag").value_or(8);
  const int64_t tag_seq = md.Get("SeqStringTag").value_or(0);
  const int64_t tag_cons = md.Get("ConsStringTag").value_or(1);
  const int64_t tag_ext = md.Get("ExternalStringTag").value_or(2);
  const int64_t tag_sliced = md.Get("SlicedStringTag").value_or(3);
  const int64_t tag_thin = md.Get("ThinStringTag").value_or(5);
  constexpr uint32_t kIsNotInternalizedMask = 1u << 5;  // V8 instance-type.h, all versions

  for (uint32_t t = 0; t <= kMaxType; ++t) {
    TypeInfo& ti = types[t];
    if (t < it->first_nonstring_) {
      ti.flags |= kTypeString;
      if ((t & kIsNotInternalizedMask) == 0) ti.flags |= kTypeInternalizedString;
      int64_t rep = t & mask_rep;
      ti.two_byte = (t & mask_enc) != one_byte_tag;
      if (rep == tag_seq) {
        ti.string_rep = StringRep::kSeq;
        ti.size = SizeRule{};
        ti.size.kind = ti.two_byte ? SizeKind::kSeqTwoByteString : SizeKind::kSeqOneByteString;
        ti.size.header = 16;  // map, raw_hash_field (4), length (4)
      } else if (rep == tag_cons) {
        ti.string_rep = StringRep::kCons;
      } else if (rep == tag_ext) {
        ti.string_rep = StringRep::kExternal;
      } else if (rep == tag_sliced) {
        ti.string_rep = StringRep::kSliced;
      } else if (rep == tag_thin) {
        ti.string_rep = StringRep::kThin;
      }
      continue;
    }
    if (it->js_proxy != 0xffff && t >= it->js_proxy) {
      ti.flags |= kTypeJSReceiver;
      if (t > it->js_proxy) ti.flags |= kTypeJSObject;
    }
    if (first_fn >= 0 ? (t >= first_fn && t <= last_fn)
                      : (t == it->js_function ||
                         (t > it->js_function && t < it->js_function + 32u && EndsWith(ti.name, "_CONSTRUCTOR_TYPE")))) {
      ti.flags |= kTypeJSFunction;
    }
    if (static_cast<int64_t>(t) >= first_context && static_cast<int64_t>(t) <= last_context) ti.flags |= kTypeContext;
    if ((it->js_api_object != 0xffff && t >= it->js_api_object && t <= last_api) || t == it->js_special_api_object) {
      ti.flags |= kTypeJSApiObject;
    }
    if (StartsWith(ti.name, "JS_") && EndsWith(ti.name, "_PROTOTYPE_TYPE")) ti.flags |= kTypeJSPrototype;
    if (ti.name == "FREE_SPACE_TYPE" || ti.name == "FILLER_TYPE" || ti.name == "ONE_POINTER_FILLER_TYPE" ||
        ti.name == "TWO_POINTER_FILLER_TYPE") {
      ti.flags |= kTypeFiller;
    }
    if (EndsWith(ti.name, "HASH_TABLE_TYPE") || EndsWith(ti.name, "DICTIONARY_TYPE")) ti.flags |= kTypeHashTable;
  }
  // Size rules from the layout table, by name.
  for (const auto& rule : layout.sizes) {
    auto n = it->Number(rule.type_name);
    if (!n) continue;
    types[*n].size = rule.rule;
    if (rule.rule.kind == SizeKind::kLinear && rule.rule.header == 16 && rule.rule.count_offset == 8 &&
        rule.rule.count_kind == CountKind::kSmi && rule.rule.elem_size == 8 && rule.rule.count_mask == 0) {
      types[*n].flags |= kTypeFixedArrayLike;
    }
  }
  // The sentinel entry (unknown numbers) stays empty.
  types[kMaxType + 1] = TypeInfo{};
  return it;
}

std::optional<uint16_t> InstanceTypes::Number(std::string_view name) const {
  for (size_t t = 0; t <= kMaxType; ++t) {
    if (types_[t].name == name) return static_cast<uint16_t>(t);
  }
  return std::nullopt;
}

std::string InstanceTypes::DisplayName(uint16_t type) const {
  const auto& ti = Info(type);
  if (!ti.name.empty()) return ti.name;
  return "TYPE#" + std::to_string(type);
}

}  // namespace corescope::v8
