// LayoutTable: per-V8-version facts that the v8dbg_* metadata does not carry,
// in ONE place, keyed by V8 major.minor (Node 18 = V8 10.2, 20 = 11.3,
// 22 = 12.4, 24 = 13.6, 26 = 14.6). Each entry in layout_tables.cc names the
// V8 version and the V8 source it was read from. Holds: size rules for
// variable-size types (by instance-type NAME), instance-type numbers of types
// that have no type_ constant, field offsets missing from v8dbg, and field
// semantics that changed (JSDate value kind). Knows nothing of cores.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace corescope::v8 {

// SizeKind: how an object of a variable-size type is sized.
enum class SizeKind : uint8_t {
  kFromMap,         // the map's instance_size (fixed-size types); 0 there = unknown
  kLinear,          // round8(header + count * elem_size), count read per `count`
  kSeqOneByteString,  // round8(header + length)
  kSeqTwoByteString,  // round8(header + 2 * length)
  kDescriptorArray,   // header + 24 * u16 number_of_all_descriptors
  kFreeSpace,         // Smi size at offset 8 (the whole free block)
  kScopeInfo,         // flags-dependent (see ScopeInfoLayout)
  kFeedbackMetadata,  // header + 4 * ceil(slot_count / slots_per_word)
  kPreparseData,      // round8(header + data_length) + 8 * children_length
  kSwissNameDictionary,  // meta table + ctrl table + data table
  kBigInt,            // header + 8 * length (length in bitfield bits)
  kInstructionStream,  // RoundUp(header + body size, extra = code alignment); the body size is read
                       // at count_offset (of the object at indirect_offset when that is nonzero)
  kBytecodeArray,     // round8(v8dbg BytecodeArray data offset + Smi length @8)
  kFixed,             // always `header` bytes (types whose map says variable size)
  kSmallOrderedHashTable,  // by capacity (u8), per-type entry size
  kUnknown,
};

// CountKind: how the element count of a kLinear rule is encoded.
enum class CountKind : uint8_t { kSmi, kInt32, kUint16, kUint8, kInt32Sum2 /* two int32 added */ };

struct SizeRule {
  SizeKind kind = SizeKind::kFromMap;
  uint16_t header = 0;       // bytes before the elements
  uint16_t count_offset = 8; // where the count lives
  CountKind count_kind = CountKind::kSmi;
  uint16_t elem_size = 8;    // bytes per counted element
  uint32_t count_mask = 0;   // applied after decoding (0 = none); e.g. PropertyArray length bits
  uint16_t extra = 0;        // rule-specific (entry size, alignment...)
  uint16_t indirect_offset = 0;  // kInstructionStream: tagged field holding the object with the count
};

// TypeSizeRule: a size rule for the instance type named `type_name`.
struct TypeSizeRule {
  std::string_view type_name;  // e.g. "FIXED_ARRAY_TYPE"
  SizeRule rule;
};

// ScopeInfoLayout: where a ScopeInfo keeps its flags and counts, and which
// optional parts of its variable part a flag bit turns on (V8
// src/objects/scope-info.tq at each version). Sizes and the function name
// slot are computed from it.
struct ScopeInfoLayout {
  bool flags_are_smi = true;          // Smi (V8 10-12) or raw uint32 + padding (V8 13+)
  uint16_t flags_offset = 8;
  uint16_t context_locals_offset = 24;  // context_local_count (Smi)
  uint16_t header = 32;               // first slot of the variable part
  bool position_info_in_header = false;   // V8 13+: always present, before the variable part
  bool module_count_before_names = false; // V8 13+: module_variable_count precedes the names
  uint16_t inlined_local_names_threshold = 75;  // kScopeInfoMaxInlinedLocalNamesSize
  // ScopeType enum values.
  uint8_t scope_class = 0, scope_eval = 1, scope_function = 2, scope_module = 3, scope_script = 4;
  // ScopeFlags bit positions (-1: the field does not exist on this version).
  int8_t bit_has_saved_class_variable = 10;
  int8_t function_variable_shift = 12;  // 2-bit VariableAllocationInfo (0 = NONE)
  int8_t bit_has_inferred_function_name = 14;
  int8_t bit_has_outer_scope_info = 22;
  int8_t bit_has_locals_block_list = 28;
  int8_t bit_is_empty = 29;
  // extra_slot_mask: if any of these flag bits is set, one more slot follows
  // the outer scope info (0: none).
  uint32_t extra_slot_mask = 0;
  // function_trailing_slots: slots every FUNCTION_SCOPE ScopeInfo has after
  // the optional parts (V8 14.6: 1, found on cores).
  uint8_t function_trailing_slots = 0;
  // position_info_scopes_extra: one more ScopeType value with position info
  // (V8 12.4: SHADOW_REALM_SCOPE = 8, appended after WITH_SCOPE); 0xff = none.
  uint8_t scope_shadow_realm = 0xff;
};

struct LayoutTable {
  int v8_major = 0;
  int v8_minor = 0;
  const char* node_major = "";   // "20" (for messages)

  // Field facts missing from v8dbg (offsets from the object start).
  uint16_t js_array_length = 24;        // JSObject header + 0 (class_JSArray__length__Object absent)
  bool js_date_value_raw = false;       // true: JSDate.value is a raw float64 (V8 13+)
  uint16_t sfi_name_or_scope_info = 16; // used when v8dbg lacks it
  uint16_t sfi_script = 32;
  uint16_t function_template_class_name = 0;  // FunctionTemplateInfo.class_name (0 = unknown)
  uint16_t native_context_size = 0;     // NativeContext::kSize (its map says variable)
  uint8_t prototype_map_bit = 20;       // Map bit_field3 IsPrototypeMapBit
  uint16_t external_string_resource_data = 24;  // ExternalString: resource(8) @16, cached data @24
  uint16_t oddball_kind_offset = 40;    // Oddball.kind (Smi)
  ScopeInfoLayout scope_info;

  // Instance-type numbers for types with no type_ constant on this version
  // (derived from the executable's InstanceType printer; see instance_types.cc).
  std::vector<std::pair<std::string_view, uint16_t>> extra_types;
  // Size rules for variable-size types, by type name.
  std::vector<TypeSizeRule> sizes;
};

// ArchFacts: V8 constants that depend on the target architecture and are
// not in v8dbg (V8 src/common/globals.h, swiss-hash-table-helpers.h; the
// same for V8 10.2-14.6).
struct ArchFacts {
  uint16_t code_alignment = 64;     // kCodeAlignment: 64 on x64, 32 on arm64
  uint16_t swiss_group_width = 16;  // SwissNameDictionary ctrl group: SSE2 16, portable (arm64) 8
};
ArchFacts ArchFactsFor(bool aarch64);
// WithArch returns `table` with its arch-dependent size rules set for `arch`.
LayoutTable WithArch(const LayoutTable& table, const ArchFacts& arch);

// FindLayout returns the table for an exact V8 major.minor, or nullptr.
const LayoutTable* FindLayout(int v8_major, int v8_minor);
// NearestLayout returns the table of the closest older supported version
// (for odd releases), or nullptr if the version is older than all of them.
const LayoutTable* NearestLayout(int v8_major, int v8_minor);
// SupportedVersions lists "10.2 (Node 18)", ... for messages.
std::vector<std::string_view> SupportedVersions();

}  // namespace corescope::v8
