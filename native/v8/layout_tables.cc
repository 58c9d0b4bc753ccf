// Per-V8-version layout facts (see layout_tables.h). Sources, per entry:
//  * "printer": the executable's own InstanceType printer
//    (v8::internal::operator<<(std::ostream&, InstanceType) on V8 10-12,
//    ToString(InstanceType) / NonAPIInstanceTypeToString on V8 13-14),
//    decoded by DecodeInstanceTypeNames (instance_types.cc) from the official
//    Node binaries named below; they agree with every v8dbg type_ constant.
//  * "tq": V8's Torque class definitions (src/objects/*.tq) and
//    objects-body-descriptors-inl.h, which give each variable-size type's
//    SizeFor(); each rule was checked on cores of the named Node version by
//    walking every page with zero resynchronised bytes (test/e2e/objects).
// Knows nothing of cores or objects in memory.
#include "v8/layout_tables.h"

#include <string>

namespace corescope::v8 {
namespace {

using K = SizeKind;
using C = CountKind;

SizeRule Linear(uint16_t header, uint16_t count_offset, CountKind kind, uint16_t elem, uint32_t mask = 0) {
  SizeRule r;
  r.kind = K::kLinear;
  r.header = header;
  r.count_offset = count_offset;
  r.count_kind = kind;
  r.elem_size = elem;
  r.count_mask = mask;
  return r;
}
SizeRule Special(SizeKind kind, uint16_t header = 0, uint16_t extra = 0) {
  SizeRule r;
  r.kind = kind;
  r.header = header;
  r.extra = extra;
  r.elem_size = 0;
  return r;
}

// Rules shared by every supported version ("tq": FixedArray-like classes keep
// a Smi length at +8 and 8-byte slots from +16; ByteArray keeps bytes from
// +16; PropertyArray keeps its length in the low 10 bits of the Smi at +8
// (PropertyArray::LengthField); WeakArrayList keeps capacity at +8 and
// length at +16; FreeSpace keeps its size as a Smi at +8).
void AddCommonRules(std::vector<TypeSizeRule>& s) {
  const SizeRule fixed = Linear(16, 8, C::kSmi, 8);
  for (std::string_view n : {
           "FIXED_ARRAY_TYPE", "FIXED_DOUBLE_ARRAY_TYPE", "WEAK_FIXED_ARRAY_TYPE", "TRANSITION_ARRAY_TYPE",
           "HASH_TABLE_TYPE", "EPHEMERON_HASH_TABLE_TYPE", "GLOBAL_DICTIONARY_TYPE", "NAME_DICTIONARY_TYPE",
           "NAME_TO_INDEX_HASH_TABLE_TYPE", "NUMBER_DICTIONARY_TYPE", "ORDERED_HASH_MAP_TYPE",
           "ORDERED_HASH_SET_TYPE", "ORDERED_NAME_DICTIONARY_TYPE", "REGISTERED_SYMBOL_TABLE_TYPE",
           "SIMPLE_NUMBER_DICTIONARY_TYPE", "SIMPLE_NAME_DICTIONARY_TYPE", "CLOSURE_FEEDBACK_CELL_ARRAY_TYPE",
           "OBJECT_BOILERPLATE_DESCRIPTION_TYPE", "EMBEDDER_DATA_ARRAY_TYPE",
           "AWAIT_CONTEXT_TYPE", "BLOCK_CONTEXT_TYPE", "CATCH_CONTEXT_TYPE", "DEBUG_EVALUATE_CONTEXT_TYPE",
           "EVAL_CONTEXT_TYPE", "FUNCTION_CONTEXT_TYPE", "MODULE_CONTEXT_TYPE", "SCRIPT_CONTEXT_TYPE",
           "WITH_CONTEXT_TYPE", "TRUSTED_FIXED_ARRAY_TYPE", "PROTECTED_FIXED_ARRAY_TYPE",
           "TRUSTED_WEAK_FIXED_ARRAY_TYPE", "PROTECTED_WEAK_FIXED_ARRAY_TYPE"}) {
    s.push_back({n, fixed});
  }
  for (std::string_view n : {"BYTE_ARRAY_TYPE", "TRUSTED_BYTE_ARRAY_TYPE"}) s.push_back({n, Linear(16, 8, C::kSmi, 1)});
  s.push_back({"PROPERTY_ARRAY_TYPE", Linear(16, 8, C::kSmi, 8, 0x3ff)});
  s.push_back({"WEAK_ARRAY_LIST_TYPE", Linear(24, 8, C::kSmi, 8)});
  s.push_back({"FREE_SPACE_TYPE", Special(K::kFreeSpace)});
  // SloppyArgumentsElements: length, context, arguments, then mapped entries.
  s.push_back({"SLOPPY_ARGUMENTS_ELEMENTS_TYPE", Linear(32, 8, C::kSmi, 8)});
  // PreparseData: data_length int32 @8, children_length int32 @12, bytes from
  // +16, then (8-aligned) one tagged slot per child.
  s.push_back({"PREPARSE_DATA_TYPE", Special(K::kPreparseData, 16)});
  // FeedbackMetadata: slot_count int32 @8, create_closure_slot_count int32
  // @12, then 5-bit slot kinds packed 6 per int32 word (VectorICComputer).
  s.push_back({"FEEDBACK_METADATA_TYPE", Special(K::kFeedbackMetadata, 16, 6)});
  // BigInt: bitfield uint32 @8 (sign bit 0, length bits 1..30), padding, digits from +16.
  s.push_back({"BIG_INT_BASE_TYPE", Special(K::kBigInt, 16)});
  // CoverageInfo: slot_count int32 @8, slots of 4 int32 from +16.
  s.push_back({"COVERAGE_INFO_TYPE", Linear(16, 8, C::kInt32, 16)});
  s.push_back({"SCOPE_INFO_TYPE", Special(K::kScopeInfo)});
  s.push_back({"SMALL_ORDERED_HASH_SET_TYPE", Special(K::kSmallOrderedHashTable, 0, 1)});
  s.push_back({"SMALL_ORDERED_HASH_MAP_TYPE", Special(K::kSmallOrderedHashTable, 0, 2)});
  s.push_back({"SMALL_ORDERED_NAME_DICTIONARY_TYPE", Special(K::kSmallOrderedHashTable, 0, 3)});
  s.push_back({"SWISS_NAME_DICTIONARY_TYPE", Special(K::kSwissNameDictionary)});
  // DescriptorArray: header (v8dbg class_DescriptorArray__header_size) + 3
  // words per descriptor, number_of_all_descriptors uint16 @8.
  s.push_back({"DESCRIPTOR_ARRAY_TYPE", Special(K::kDescriptorArray)});
  s.push_back({"STRONG_DESCRIPTOR_ARRAY_TYPE", Special(K::kDescriptorArray)});
  // BytecodeArray: bytes from v8dbg class_BytecodeArray__data, Smi length @8.
  s.push_back({"BYTECODE_ARRAY_TYPE", Special(K::kBytecodeArray)});
}

// FeedbackMetadata from V8 13: after the packed slot kinds, one uint16
// parameter count per create-closure slot (create_closure_slot_count @12).
SizeRule FeedbackMetadataV13() {
  SizeRule r = Special(K::kFeedbackMetadata, 16, 6);
  r.elem_size = 2;
  return r;
}

// FeedbackVector: length int32 @8, then a fixed header of tagged and raw
// fields, then one tagged slot per feedback slot. The header grew and shrank
// between versions ("tq" feedback-vector.tq; checked on cores).
SizeRule FeedbackVector(uint16_t header) { return Linear(header, 8, C::kInt32, 8); }

// InstructionStream (V8 12+): map, code, relocation_info, body_size int32
// @24, instructions from +32; the size is rounded up to kCodeAlignment (64
// on x64).
SizeRule InstructionStreamV12() {
  SizeRule r = Special(K::kInstructionStream, 32, 64);
  r.count_offset = 24;
  r.count_kind = C::kInt32;
  return r;
}

// Version-independent rules of V8 12+: ArrayList and ScriptContextTable
// gained a capacity header (capacity Smi @8, length Smi @16).
void AddCapacityArrayRules(std::vector<TypeSizeRule>& s) {
  s.push_back({"ARRAY_LIST_TYPE", Linear(24, 8, C::kSmi, 8)});
  // ObjectBoilerplateDescription: capacity, backing_store_size, flags, then entries.
  s.push_back({"OBJECT_BOILERPLATE_DESCRIPTION_TYPE", Linear(32, 8, C::kSmi, 8)});
  // RegExpMatchInfo: capacity, number_of_capture_registers, last_subject,
  // last_input, then the capture registers.
  s.push_back({"REG_EXP_MATCH_INFO_TYPE", Linear(40, 8, C::kSmi, 8)});
  s.push_back({"EXTERNAL_POINTER_ARRAY_TYPE", Linear(16, 8, C::kSmi, 8)});
  // ScriptContextTable: capacity, length, names_to_context_index, then contexts.
  s.push_back({"SCRIPT_CONTEXT_TABLE_TYPE", Linear(32, 8, C::kSmi, 8)});
  s.push_back({"INSTRUCTION_STREAM_TYPE", InstructionStreamV12()});
}

// ScopeInfo on V8 10.2 ("tq" scope-info.tq at 10.2): Smi flags @8,
// parameter_count @16, context_local_count @24, variable part from +32
// (v8dbg scopeinfo_idx_first_vars = 3). ScopeType: CLASS 0, EVAL 1,
// FUNCTION 2, MODULE 3, SCRIPT 4, CATCH 5, BLOCK 6, WITH 7. Flags:
// has_saved_class_variable 10, function_variable 12-13,
// has_inferred_function_name 14, has_outer_scope_info 22,
// has_locals_block_list 28, is_empty 29.
ScopeInfoLayout ScopeInfoV10() {
  ScopeInfoLayout s;
  return s;
}

// ScopeInfo from V8 13 ("tq" scope-info.tq): raw uint32 flags @8 (+4
// padding), parameter_count @16, context_local_count @24, position_info
// @32/@40 (always present), module_variable_count (module scopes) and then
// the names from +48 (scopeinfo_idx_first_vars = 5). ScopeType: SCRIPT 0,
// REPL_MODE 1, CLASS 2, EVAL 3, FUNCTION 4, MODULE 5, ... Flags as on 10.2
// up to bit 26; then is_hidden 27, is_empty 28, is_wrapped_function 29; the
// locals block list is gone.
ScopeInfoLayout ScopeInfoV13() {
  ScopeInfoLayout s;
  s.flags_are_smi = false;
  s.header = 48;
  s.position_info_in_header = true;
  s.module_count_before_names = true;
  s.scope_script = 0, s.scope_class = 2, s.scope_eval = 3, s.scope_function = 4, s.scope_module = 5;
  s.bit_has_locals_block_list = -1;
  s.bit_is_empty = 28;
  return s;
}

std::vector<LayoutTable> BuildTables() {
  std::vector<LayoutTable> out;
  {
    // Node 18.20.8, V8 10.2.154.
    LayoutTable t;
    AddCommonRules(t.sizes);
    t.v8_major = 10, t.v8_minor = 2, t.node_major = "18";
    t.scope_info = ScopeInfoV10();
    t.sizes.push_back({"FEEDBACK_VECTOR_TYPE", FeedbackVector(48)});
    t.sizes.push_back({"SCRIPT_CONTEXT_TABLE_TYPE", Linear(16, 8, C::kSmi, 8)});
    t.sizes.push_back({"ARRAY_LIST_TYPE", Linear(16, 8, C::kSmi, 8)});
    // NativeContext: the context slots, then the microtask queue pointer.
    t.sizes.push_back({"NATIVE_CONTEXT_TYPE", Linear(24, 8, C::kSmi, 8)});
    {
      // Code (code space): header up to v8dbg class_Code__instruction_start
      // (128); body = instruction_size int32 @40 + metadata_size int32 @44.
      SizeRule code = Special(K::kInstructionStream, 128, 64);
      code.count_offset = 40;
      code.count_kind = C::kInt32Sum2;
      t.sizes.push_back({"CODE_TYPE", code});
    }
    t.extra_types = {
        // printer, node v18.20.8: types without a v8dbg type_ constant.
        {"INTERNALIZED_STRING_TYPE", 0}, {"EXTERNAL_INTERNALIZED_STRING_TYPE", 2},
        {"EXTERNAL_ONE_BYTE_INTERNALIZED_STRING_TYPE", 10},
        {"UNCACHED_EXTERNAL_INTERNALIZED_STRING_TYPE", 18},
        {"UNCACHED_EXTERNAL_ONE_BYTE_INTERNALIZED_STRING_TYPE", 26}, {"THIN_STRING_TYPE", 37},
        {"THIN_ONE_BYTE_STRING_TYPE", 45}, {"UNCACHED_EXTERNAL_STRING_TYPE", 50},
        {"UNCACHED_EXTERNAL_ONE_BYTE_STRING_TYPE", 58}, {"SHARED_STRING_TYPE", 96},
        {"SHARED_THIN_STRING_TYPE", 101}, {"SHARED_ONE_BYTE_STRING_TYPE", 104},
        {"SHARED_THIN_ONE_BYTE_STRING_TYPE", 109}, {"BIG_INT_BASE_TYPE", 129}, {"LOAD_HANDLER_TYPE", 137},
        {"STORE_HANDLER_TYPE", 138}, {"HASH_TABLE_TYPE", 180}, {"EPHEMERON_HASH_TABLE_TYPE", 181},
        {"GLOBAL_DICTIONARY_TYPE", 182}, {"NAME_DICTIONARY_TYPE", 183},
        {"NAME_TO_INDEX_HASH_TABLE_TYPE", 184}, {"NUMBER_DICTIONARY_TYPE", 185},
        {"ORDERED_HASH_MAP_TYPE", 186}, {"ORDERED_HASH_SET_TYPE", 187}, {"ORDERED_NAME_DICTIONARY_TYPE", 188},
        {"REGISTERED_SYMBOL_TABLE_TYPE", 189}, {"SIMPLE_NUMBER_DICTIONARY_TYPE", 190},
        {"CLOSURE_FEEDBACK_CELL_ARRAY_TYPE", 191}, {"OBJECT_BOILERPLATE_DESCRIPTION_TYPE", 192},
        {"SCRIPT_CONTEXT_TABLE_TYPE", 193}, {"FOREIGN_TYPE", 204}, {"AWAIT_CONTEXT_TYPE", 207},
        {"BLOCK_CONTEXT_TYPE", 208}, {"CATCH_CONTEXT_TYPE", 209}, {"DEBUG_EVALUATE_CONTEXT_TYPE", 210},
        {"EVAL_CONTEXT_TYPE", 211}, {"FUNCTION_CONTEXT_TYPE", 212}, {"MODULE_CONTEXT_TYPE", 213},
        {"NATIVE_CONTEXT_TYPE", 214}, {"SCRIPT_CONTEXT_TYPE", 215}, {"WITH_CONTEXT_TYPE", 216},
        {"WASM_FUNCTION_DATA_TYPE", 221}, {"EXPORTED_SUB_CLASS_BASE_TYPE", 225},
        {"TRANSITION_ARRAY_TYPE", 238}, {"FEEDBACK_METADATA_TYPE", 244}, {"FILLER_TYPE", 246},
        {"JS_SPECIAL_API_OBJECT_TYPE", 1040}, {"JS_API_OBJECT_TYPE", 1058},
        {"JS_LAST_DUMMY_API_OBJECT_TYPE", 2058}, {"BIGINT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2066},
        {"BIGUINT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2067}, {"FLOAT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2068},
        {"FLOAT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2069}, {"INT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2070},
        {"INT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2071}, {"INT8_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2072},
        {"UINT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2073}, {"UINT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2074},
        {"UINT8_CLAMPED_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2075}, {"UINT8_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2076},
        {"JS_ARRAY_CONSTRUCTOR_TYPE", 2077}, {"JS_PROMISE_CONSTRUCTOR_TYPE", 2078},
        {"JS_REG_EXP_CONSTRUCTOR_TYPE", 2079}, {"JS_CLASS_CONSTRUCTOR_TYPE", 2080},
        {"JS_ARRAY_ITERATOR_PROTOTYPE_TYPE", 2081}, {"JS_ITERATOR_PROTOTYPE_TYPE", 2082},
        {"JS_MAP_ITERATOR_PROTOTYPE_TYPE", 2083}, {"JS_OBJECT_PROTOTYPE_TYPE", 2084},
        {"JS_PROMISE_PROTOTYPE_TYPE", 2085}, {"JS_REG_EXP_PROTOTYPE_TYPE", 2086},
        {"JS_SET_ITERATOR_PROTOTYPE_TYPE", 2087}, {"JS_SET_PROTOTYPE_TYPE", 2088},
        {"JS_STRING_ITERATOR_PROTOTYPE_TYPE", 2089}, {"JS_TYPED_ARRAY_PROTOTYPE_TYPE", 2090},
        {"JS_MAP_KEY_ITERATOR_TYPE", 2091}, {"JS_MAP_KEY_VALUE_ITERATOR_TYPE", 2092},
        {"JS_MAP_VALUE_ITERATOR_TYPE", 2093}, {"JS_SET_KEY_VALUE_ITERATOR_TYPE", 2094},
        {"JS_SET_VALUE_ITERATOR_TYPE", 2095}, {"JS_GENERATOR_OBJECT_TYPE", 2096},
        {"JS_CONTEXT_EXTENSION_OBJECT_TYPE", 2108}, {"WASM_INSTANCE_OBJECT_TYPE", 2142},
        {"WASM_VALUE_OBJECT_TYPE", 2148},
    };
    out.push_back(std::move(t));
  }
  {
    // Node 20.20.2, V8 11.3.244.
    LayoutTable t;
    AddCommonRules(t.sizes);
    t.v8_major = 11, t.v8_minor = 3, t.node_major = "20";
    t.scope_info = ScopeInfoV10();
    // SHADOW_REALM_SCOPE (8) was appended after WITH_SCOPE and has position info.
    t.scope_info.scope_shadow_realm = 8;
    t.sizes.push_back({"FEEDBACK_VECTOR_TYPE", FeedbackVector(56)});
    t.sizes.push_back({"SCRIPT_CONTEXT_TABLE_TYPE", Linear(16, 8, C::kSmi, 8)});
    t.sizes.push_back({"ARRAY_LIST_TYPE", Linear(16, 8, C::kSmi, 8)});
    t.sizes.push_back({"NATIVE_CONTEXT_TYPE", Linear(24, 8, C::kSmi, 8)});
    t.sizes.push_back({"WASM_NULL_TYPE", Special(K::kFixed, 8)});
    {
      // InstructionStream (V8 11.3): map, code, instructions from +16; the
      // body size lives in the Code object (@8): instruction_size int32 @56
      // + metadata_size int32 @60.
      SizeRule is = Special(K::kInstructionStream, 16, 64);
      is.indirect_offset = 8;
      is.count_offset = 56;
      is.count_kind = C::kInt32Sum2;
      t.sizes.push_back({"INSTRUCTION_STREAM_TYPE", is});
    }
    t.extra_types = {
        // printer, node v20.20.2: types without a v8dbg type_ constant.
        {"INTERNALIZED_STRING_TYPE", 0}, {"EXTERNAL_INTERNALIZED_STRING_TYPE", 2},
        {"EXTERNAL_ONE_BYTE_INTERNALIZED_STRING_TYPE", 10},
        {"UNCACHED_EXTERNAL_INTERNALIZED_STRING_TYPE", 18},
        {"UNCACHED_EXTERNAL_ONE_BYTE_INTERNALIZED_STRING_TYPE", 26}, {"THIN_STRING_TYPE", 37},
        {"UNCACHED_EXTERNAL_STRING_TYPE", 50}, {"UNCACHED_EXTERNAL_ONE_BYTE_STRING_TYPE", 58},
        {"SHARED_STRING_TYPE", 96}, {"SHARED_EXTERNAL_STRING_TYPE", 98}, {"SHARED_ONE_BYTE_STRING_TYPE", 104},
        {"SHARED_EXTERNAL_ONE_BYTE_STRING_TYPE", 106}, {"SHARED_UNCACHED_EXTERNAL_STRING_TYPE", 114},
        {"SHARED_UNCACHED_EXTERNAL_ONE_BYTE_STRING_TYPE", 122}, {"BIG_INT_BASE_TYPE", 129},
        {"LOAD_HANDLER_TYPE", 137}, {"STORE_HANDLER_TYPE", 138}, {"HASH_TABLE_TYPE", 176},
        {"EPHEMERON_HASH_TABLE_TYPE", 177}, {"GLOBAL_DICTIONARY_TYPE", 178}, {"NAME_DICTIONARY_TYPE", 179},
        {"NAME_TO_INDEX_HASH_TABLE_TYPE", 180}, {"NUMBER_DICTIONARY_TYPE", 181},
        {"ORDERED_HASH_MAP_TYPE", 182}, {"ORDERED_HASH_SET_TYPE", 183}, {"ORDERED_NAME_DICTIONARY_TYPE", 184},
        {"REGISTERED_SYMBOL_TABLE_TYPE", 185}, {"SIMPLE_NUMBER_DICTIONARY_TYPE", 186},
        {"CLOSURE_FEEDBACK_CELL_ARRAY_TYPE", 187}, {"OBJECT_BOILERPLATE_DESCRIPTION_TYPE", 188},
        {"SCRIPT_CONTEXT_TABLE_TYPE", 189}, {"TURBOSHAFT_FLOAT64_TYPE_TYPE", 195},
        {"TURBOSHAFT_WORD32_TYPE_TYPE", 198}, {"TURBOSHAFT_WORD64_TYPE_TYPE", 201},
        {"AWAIT_CONTEXT_TYPE", 205}, {"BLOCK_CONTEXT_TYPE", 206}, {"CATCH_CONTEXT_TYPE", 207},
        {"DEBUG_EVALUATE_CONTEXT_TYPE", 208}, {"EVAL_CONTEXT_TYPE", 209}, {"FUNCTION_CONTEXT_TYPE", 210},
        {"MODULE_CONTEXT_TYPE", 211}, {"NATIVE_CONTEXT_TYPE", 212}, {"SCRIPT_CONTEXT_TYPE", 213},
        {"WITH_CONTEXT_TYPE", 214}, {"WASM_FUNCTION_DATA_TYPE", 224}, {"EXPORTED_SUB_CLASS_BASE_TYPE", 228},
        {"TRANSITION_ARRAY_TYPE", 241}, {"FEEDBACK_METADATA_TYPE", 248}, {"FILLER_TYPE", 250},
        {"JS_SPECIAL_API_OBJECT_TYPE", 1040}, {"BIGINT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2067},
        {"BIGUINT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2068}, {"FLOAT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2069},
        {"FLOAT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2070}, {"INT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2071},
        {"INT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2072}, {"INT8_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2073},
        {"UINT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2074}, {"UINT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2075},
        {"UINT8_CLAMPED_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2076}, {"UINT8_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2077},
        {"JS_ARRAY_CONSTRUCTOR_TYPE", 2078}, {"JS_PROMISE_CONSTRUCTOR_TYPE", 2079},
        {"JS_REG_EXP_CONSTRUCTOR_TYPE", 2080}, {"JS_CLASS_CONSTRUCTOR_TYPE", 2081},
        {"JS_ARRAY_ITERATOR_PROTOTYPE_TYPE", 2082}, {"JS_ITERATOR_PROTOTYPE_TYPE", 2083},
        {"JS_MAP_ITERATOR_PROTOTYPE_TYPE", 2084}, {"JS_OBJECT_PROTOTYPE_TYPE", 2085},
        {"JS_PROMISE_PROTOTYPE_TYPE", 2086}, {"JS_REG_EXP_PROTOTYPE_TYPE", 2087},
        {"JS_SET_ITERATOR_PROTOTYPE_TYPE", 2088}, {"JS_SET_PROTOTYPE_TYPE", 2089},
        {"JS_STRING_ITERATOR_PROTOTYPE_TYPE", 2090}, {"JS_TYPED_ARRAY_PROTOTYPE_TYPE", 2091},
        {"JS_MAP_KEY_ITERATOR_TYPE", 2092}, {"JS_MAP_KEY_VALUE_ITERATOR_TYPE", 2093},
        {"JS_MAP_VALUE_ITERATOR_TYPE", 2094}, {"JS_SET_KEY_VALUE_ITERATOR_TYPE", 2095},
        {"JS_SET_VALUE_ITERATOR_TYPE", 2096}, {"JS_GENERATOR_OBJECT_TYPE", 2105},
        {"JS_CONTEXT_EXTENSION_OBJECT_TYPE", 2117}, {"WASM_EXCEPTION_PACKAGE_TYPE", 2152},
        {"WASM_INSTANCE_OBJECT_TYPE", 2154}, {"WASM_VALUE_OBJECT_TYPE", 2160},
    };
    out.push_back(std::move(t));
  }
  {
    // Node 22.23.3, V8 12.4.254.
    LayoutTable t;
    AddCommonRules(t.sizes);
    t.v8_major = 12, t.v8_minor = 4, t.node_major = "22";
    t.scope_info = ScopeInfoV10();
    // 12.4 moved module_variable_count before the names (found on cores) and
    // appended SHADOW_REALM_SCOPE (8), which has position info.
    t.scope_info.module_count_before_names = true;
    t.scope_info.scope_shadow_realm = 8;
    t.sizes.push_back({"FEEDBACK_VECTOR_TYPE", FeedbackVector(56)});
    t.sizes.push_back({"NATIVE_CONTEXT_TYPE", Linear(24, 8, C::kSmi, 8)});
    t.sizes.push_back({"WASM_NULL_TYPE", Special(K::kFixed, 8)});
    AddCapacityArrayRules(t.sizes);
    t.extra_types = {
        // printer, node v22.23.3: types without a v8dbg type_ constant.
        {"EXTERNAL_INTERNALIZED_TWO_BYTE_STRING_TYPE", 2}, {"EXTERNAL_INTERNALIZED_ONE_BYTE_STRING_TYPE", 10},
        {"UNCACHED_EXTERNAL_INTERNALIZED_TWO_BYTE_STRING_TYPE", 18},
        {"UNCACHED_EXTERNAL_INTERNALIZED_ONE_BYTE_STRING_TYPE", 26}, {"SHARED_SEQ_TWO_BYTE_STRING_TYPE", 96},
        {"SHARED_EXTERNAL_TWO_BYTE_STRING_TYPE", 98}, {"SHARED_SEQ_ONE_BYTE_STRING_TYPE", 104},
        {"SHARED_EXTERNAL_ONE_BYTE_STRING_TYPE", 106}, {"SHARED_UNCACHED_EXTERNAL_TWO_BYTE_STRING_TYPE", 114},
        {"SHARED_UNCACHED_EXTERNAL_ONE_BYTE_STRING_TYPE", 122}, {"BIG_INT_BASE_TYPE", 129},
        {"LOAD_HANDLER_TYPE", 137}, {"STORE_HANDLER_TYPE", 138}, {"HASH_TABLE_TYPE", 175},
        {"EPHEMERON_HASH_TABLE_TYPE", 176}, {"GLOBAL_DICTIONARY_TYPE", 177}, {"NAME_DICTIONARY_TYPE", 178},
        {"NAME_TO_INDEX_HASH_TABLE_TYPE", 179}, {"NUMBER_DICTIONARY_TYPE", 180},
        {"ORDERED_HASH_MAP_TYPE", 181}, {"ORDERED_HASH_SET_TYPE", 182}, {"ORDERED_NAME_DICTIONARY_TYPE", 183},
        {"REGISTERED_SYMBOL_TABLE_TYPE", 184}, {"SIMPLE_NUMBER_DICTIONARY_TYPE", 185},
        {"AWAIT_CONTEXT_TYPE", 190}, {"BLOCK_CONTEXT_TYPE", 191}, {"CATCH_CONTEXT_TYPE", 192},
        {"DEBUG_EVALUATE_CONTEXT_TYPE", 193}, {"EVAL_CONTEXT_TYPE", 194}, {"FUNCTION_CONTEXT_TYPE", 195},
        {"MODULE_CONTEXT_TYPE", 196}, {"NATIVE_CONTEXT_TYPE", 197}, {"SCRIPT_CONTEXT_TYPE", 198},
        {"WITH_CONTEXT_TYPE", 199}, {"WASM_TRUSTED_INSTANCE_DATA_TYPE", 209},
        {"WASM_DISPATCH_TABLE_TYPE", 214}, {"TURBOSHAFT_FLOAT64_TYPE_TYPE", 215},
        {"TURBOSHAFT_WORD32_TYPE_TYPE", 218}, {"TURBOSHAFT_WORD64_TYPE_TYPE", 221},
        {"WASM_FUNCTION_DATA_TYPE", 229}, {"EXPORTED_SUB_CLASS_BASE_TYPE", 233},
        {"TRANSITION_ARRAY_TYPE", 248}, {"FEEDBACK_METADATA_TYPE", 257}, {"FILLER_TYPE", 259},
        {"JS_SPECIAL_API_OBJECT_TYPE", 1040}, {"BIGINT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2067},
        {"BIGUINT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2068}, {"FLOAT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2069},
        {"FLOAT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2070}, {"FLOAT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2071},
        {"INT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2072}, {"INT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2073},
        {"INT8_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2074}, {"UINT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2075},
        {"UINT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2076}, {"UINT8_CLAMPED_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2077},
        {"UINT8_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2078}, {"JS_ARRAY_CONSTRUCTOR_TYPE", 2079},
        {"JS_PROMISE_CONSTRUCTOR_TYPE", 2080}, {"JS_REG_EXP_CONSTRUCTOR_TYPE", 2081},
        {"JS_CLASS_CONSTRUCTOR_TYPE", 2082}, {"JS_ARRAY_ITERATOR_PROTOTYPE_TYPE", 2083},
        {"JS_ITERATOR_PROTOTYPE_TYPE", 2084}, {"JS_MAP_ITERATOR_PROTOTYPE_TYPE", 2085},
        {"JS_OBJECT_PROTOTYPE_TYPE", 2086}, {"JS_PROMISE_PROTOTYPE_TYPE", 2087},
        {"JS_REG_EXP_PROTOTYPE_TYPE", 2088}, {"JS_SET_ITERATOR_PROTOTYPE_TYPE", 2089},
        {"JS_SET_PROTOTYPE_TYPE", 2090}, {"JS_STRING_ITERATOR_PROTOTYPE_TYPE", 2091},
        {"JS_TYPED_ARRAY_PROTOTYPE_TYPE", 2092}, {"JS_MAP_KEY_ITERATOR_TYPE", 2093},
        {"JS_MAP_KEY_VALUE_ITERATOR_TYPE", 2094}, {"JS_MAP_VALUE_ITERATOR_TYPE", 2095},
        {"JS_SET_KEY_VALUE_ITERATOR_TYPE", 2096}, {"JS_SET_VALUE_ITERATOR_TYPE", 2097},
        {"JS_GENERATOR_OBJECT_TYPE", 2107}, {"JS_CONTEXT_EXTENSION_OBJECT_TYPE", 2119},
        {"WASM_EXCEPTION_PACKAGE_TYPE", 2154}, {"WASM_VALUE_OBJECT_TYPE", 2162},
    };
    out.push_back(std::move(t));
  }
  {
    // Node 24.21.0, V8 13.6.233.
    LayoutTable t;
    AddCommonRules(t.sizes);
    t.v8_major = 13, t.v8_minor = 6, t.node_major = "24";
    t.js_date_value_raw = true;
    // DependentCode is a WeakArrayList: capacity Smi @8, length @16, slots
    // from +24 (checked on arm64 cores, where optimized code depends on maps).
    t.sizes.push_back({"DEPENDENT_CODE_TYPE", Linear(24, 8, C::kSmi, 8)});
    // FreeSpace counts its size in tagged words from V8 13 (checked on cores).
    t.sizes.push_back({"FREE_SPACE_TYPE", Special(K::kFreeSpace, 0, 8)});
    t.sfi_name_or_scope_info = 24;
    t.sfi_script = 40;
    t.scope_info = ScopeInfoV13();
    t.sizes.push_back({"FEEDBACK_VECTOR_TYPE", FeedbackVector(48)});
    t.sizes.push_back({"FEEDBACK_METADATA_TYPE", FeedbackMetadataV13()});
    t.sizes.push_back({"NATIVE_CONTEXT_TYPE", Linear(24, 8, C::kSmi, 8)});
    t.sizes.push_back({"WASM_NULL_TYPE", Special(K::kFixed, 8)});
    AddCapacityArrayRules(t.sizes);
    t.extra_types = {
        // printer, node v24.21.0: types without a v8dbg type_ constant.
        {"EXTERNAL_INTERNALIZED_TWO_BYTE_STRING_TYPE", 2}, {"EXTERNAL_INTERNALIZED_ONE_BYTE_STRING_TYPE", 10},
        {"UNCACHED_EXTERNAL_INTERNALIZED_TWO_BYTE_STRING_TYPE", 18},
        {"UNCACHED_EXTERNAL_INTERNALIZED_ONE_BYTE_STRING_TYPE", 26}, {"SHARED_SEQ_TWO_BYTE_STRING_TYPE", 96},
        {"SHARED_EXTERNAL_TWO_BYTE_STRING_TYPE", 98}, {"SHARED_SEQ_ONE_BYTE_STRING_TYPE", 104},
        {"SHARED_EXTERNAL_ONE_BYTE_STRING_TYPE", 106}, {"SHARED_UNCACHED_EXTERNAL_TWO_BYTE_STRING_TYPE", 114},
        {"SHARED_UNCACHED_EXTERNAL_ONE_BYTE_STRING_TYPE", 122}, {"BIG_INT_BASE_TYPE", 129},
        {"LOAD_HANDLER_TYPE", 137}, {"STORE_HANDLER_TYPE", 138}, {"WASM_FUNCTION_DATA_TYPE", 179},
        {"WASM_DISPATCH_TABLE_TYPE", 189}, {"WASM_TRUSTED_INSTANCE_DATA_TYPE", 191},
        {"EXPORTED_SUB_CLASS_BASE_TYPE", 201}, {"HASH_TABLE_TYPE", 206}, {"EPHEMERON_HASH_TABLE_TYPE", 207},
        {"GLOBAL_DICTIONARY_TYPE", 208}, {"NAME_DICTIONARY_TYPE", 209},
        {"NAME_TO_INDEX_HASH_TABLE_TYPE", 210}, {"NUMBER_DICTIONARY_TYPE", 211},
        {"ORDERED_HASH_MAP_TYPE", 212}, {"ORDERED_HASH_SET_TYPE", 213}, {"ORDERED_NAME_DICTIONARY_TYPE", 214},
        {"REGISTERED_SYMBOL_TABLE_TYPE", 215}, {"SIMPLE_NUMBER_DICTIONARY_TYPE", 216},
        {"AWAIT_CONTEXT_TYPE", 220}, {"BLOCK_CONTEXT_TYPE", 221}, {"CATCH_CONTEXT_TYPE", 222},
        {"DEBUG_EVALUATE_CONTEXT_TYPE", 223}, {"EVAL_CONTEXT_TYPE", 224}, {"FUNCTION_CONTEXT_TYPE", 225},
        {"MODULE_CONTEXT_TYPE", 226}, {"NATIVE_CONTEXT_TYPE", 227}, {"SCRIPT_CONTEXT_TYPE", 228},
        {"WITH_CONTEXT_TYPE", 229}, {"TURBOSHAFT_FLOAT64_TYPE_TYPE", 230},
        {"TURBOSHAFT_WORD32_TYPE_TYPE", 233}, {"TURBOSHAFT_WORD64_TYPE_TYPE", 236},
        {"TRANSITION_ARRAY_TYPE", 257}, {"FEEDBACK_METADATA_TYPE", 265}, {"FILLER_TYPE", 267},
        {"FREE_SPACE_TYPE", 268}, {"JS_SPECIAL_API_OBJECT_TYPE", 1040},
        {"BIGINT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2066}, {"BIGUINT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2067},
        {"FLOAT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2068}, {"FLOAT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2069},
        {"FLOAT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2070}, {"INT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2071},
        {"INT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2072}, {"INT8_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2073},
        {"UINT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2074}, {"UINT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2075},
        {"UINT8_CLAMPED_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2076}, {"UINT8_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2077},
        {"JS_ARRAY_CONSTRUCTOR_TYPE", 2078}, {"JS_PROMISE_CONSTRUCTOR_TYPE", 2079},
        {"JS_REG_EXP_CONSTRUCTOR_TYPE", 2080}, {"JS_CLASS_CONSTRUCTOR_TYPE", 2081},
        {"JS_ARRAY_ITERATOR_PROTOTYPE_TYPE", 2082}, {"JS_ITERATOR_PROTOTYPE_TYPE", 2083},
        {"JS_MAP_ITERATOR_PROTOTYPE_TYPE", 2084}, {"JS_OBJECT_PROTOTYPE_TYPE", 2085},
        {"JS_PROMISE_PROTOTYPE_TYPE", 2086}, {"JS_REG_EXP_PROTOTYPE_TYPE", 2087},
        {"JS_SET_ITERATOR_PROTOTYPE_TYPE", 2088}, {"JS_SET_PROTOTYPE_TYPE", 2089},
        {"JS_STRING_ITERATOR_PROTOTYPE_TYPE", 2090}, {"JS_TYPED_ARRAY_PROTOTYPE_TYPE", 2091},
        {"JS_MAP_KEY_ITERATOR_TYPE", 2092}, {"JS_MAP_KEY_VALUE_ITERATOR_TYPE", 2093},
        {"JS_MAP_VALUE_ITERATOR_TYPE", 2094}, {"JS_SET_KEY_VALUE_ITERATOR_TYPE", 2095},
        {"JS_SET_VALUE_ITERATOR_TYPE", 2096}, {"JS_DISPOSABLE_STACK_BASE_TYPE", 2106},
        {"JS_GENERATOR_OBJECT_TYPE", 2109}, {"JS_CONTEXT_EXTENSION_OBJECT_TYPE", 2123},
        {"WASM_EXCEPTION_PACKAGE_TYPE", 2158}, {"WASM_VALUE_OBJECT_TYPE", 2167},
    };
    out.push_back(std::move(t));
  }
  {
    // Node 26.12.1, V8 14.6.202.
    LayoutTable t;
    AddCommonRules(t.sizes);
    t.v8_major = 14, t.v8_minor = 6, t.node_major = "26";
    t.js_date_value_raw = true;
    // FreeSpace counts its size in tagged words from V8 13 (checked on cores).
    t.sizes.push_back({"FREE_SPACE_TYPE", Special(K::kFreeSpace, 0, 8)});
    t.sfi_name_or_scope_info = 24;
    t.sfi_script = 40;
    t.scope_info = ScopeInfoV13();
    // 14.6 ends every function-scope ScopeInfo with one more slot (a Smi 0
    // on the cores measured), after the outer scope info.
    t.scope_info.function_trailing_slots = 1;
    t.sizes.push_back({"FEEDBACK_VECTOR_TYPE", FeedbackVector(48)});
    t.sizes.push_back({"FEEDBACK_METADATA_TYPE", FeedbackMetadataV13()});
    t.sizes.push_back({"NATIVE_CONTEXT_TYPE", Linear(24, 8, C::kSmi, 8)});
    // A Hole-typed one-word filler ends each 64 KiB chunk of read-only space
    // (its map says variable size).
    t.sizes.push_back({"HOLE_TYPE", Special(K::kFixed, 8)});
    // WasmNull (V8 14): a Smi at +16 counts the words of its payload, which
    // pads read-only space to a 64 KiB boundary.
    t.sizes.push_back({"WASM_NULL_TYPE", Linear(16, 16, C::kSmi, 8)});
    // DoubleStringCache: capacity int32 @8, then (double, string) entries.
    t.sizes.push_back({"DOUBLE_STRING_CACHE_TYPE", Linear(16, 8, C::kInt32, 16)});
    AddCapacityArrayRules(t.sizes);
    t.extra_types = {
        // printer, node v26.12.1: types without a v8dbg type_ constant.
        {"EXTERNAL_INTERNALIZED_TWO_BYTE_STRING_TYPE", 2}, {"EXTERNAL_INTERNALIZED_ONE_BYTE_STRING_TYPE", 10},
        {"UNCACHED_EXTERNAL_INTERNALIZED_TWO_BYTE_STRING_TYPE", 18},
        {"UNCACHED_EXTERNAL_INTERNALIZED_ONE_BYTE_STRING_TYPE", 26}, {"SHARED_SEQ_TWO_BYTE_STRING_TYPE", 96},
        {"SHARED_EXTERNAL_TWO_BYTE_STRING_TYPE", 98}, {"SHARED_SEQ_ONE_BYTE_STRING_TYPE", 104},
        {"SHARED_EXTERNAL_ONE_BYTE_STRING_TYPE", 106}, {"SHARED_UNCACHED_EXTERNAL_TWO_BYTE_STRING_TYPE", 114},
        {"SHARED_UNCACHED_EXTERNAL_ONE_BYTE_STRING_TYPE", 122}, {"BIG_INT_BASE_TYPE", 129},
        {"LOAD_HANDLER_TYPE", 137}, {"STORE_HANDLER_TYPE", 138}, {"WASM_FUNCTION_DATA_TYPE", 178},
        {"WASM_DISPATCH_TABLE_TYPE", 188}, {"WASM_TRUSTED_INSTANCE_DATA_TYPE", 191},
        {"WASM_DISPATCH_TABLE_FOR_IMPORTS_TYPE", 200}, {"HASH_TABLE_TYPE", 206},
        {"EPHEMERON_HASH_TABLE_TYPE", 207}, {"GLOBAL_DICTIONARY_TYPE", 208}, {"NAME_DICTIONARY_TYPE", 209},
        {"NAME_TO_INDEX_HASH_TABLE_TYPE", 210}, {"NUMBER_DICTIONARY_TYPE", 211},
        {"ORDERED_HASH_MAP_TYPE", 212}, {"ORDERED_HASH_SET_TYPE", 213}, {"ORDERED_NAME_DICTIONARY_TYPE", 214},
        {"REGISTERED_SYMBOL_TABLE_TYPE", 215}, {"SIMPLE_NAME_DICTIONARY_TYPE", 216},
        {"SIMPLE_NUMBER_DICTIONARY_TYPE", 217}, {"AWAIT_CONTEXT_TYPE", 221}, {"BLOCK_CONTEXT_TYPE", 222},
        {"CATCH_CONTEXT_TYPE", 223}, {"DEBUG_EVALUATE_CONTEXT_TYPE", 224}, {"EVAL_CONTEXT_TYPE", 225},
        {"FUNCTION_CONTEXT_TYPE", 226}, {"MODULE_CONTEXT_TYPE", 227}, {"NATIVE_CONTEXT_TYPE", 228},
        {"SCRIPT_CONTEXT_TYPE", 229}, {"WITH_CONTEXT_TYPE", 230}, {"TURBOSHAFT_FLOAT64_TYPE_TYPE", 231},
        {"TURBOSHAFT_WORD32_TYPE_TYPE", 234}, {"TURBOSHAFT_WORD64_TYPE_TYPE", 237},
        {"EXPORTED_SUB_CLASS_BASE_TYPE", 245}, {"TRANSITION_ARRAY_TYPE", 259},
        {"FEEDBACK_METADATA_TYPE", 270}, {"FILLER_TYPE", 272}, {"FREE_SPACE_TYPE", 273}, {"HOLE_TYPE", 274},
        {"JS_MODULE_NAMESPACE_TYPE", 305}, {"JS_SPECIAL_API_OBJECT_TYPE", 1040}, {"JS_API_OBJECT_TYPE", 1058},
        {"JS_LAST_DUMMY_API_OBJECT_TYPE", 2058}, {"BIGINT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2067},
        {"BIGUINT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2068}, {"FLOAT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2069},
        {"FLOAT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2070}, {"FLOAT64_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2071},
        {"INT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2072}, {"INT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2073},
        {"INT8_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2074}, {"UINT16_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2075},
        {"UINT32_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2076}, {"UINT8_CLAMPED_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2077},
        {"UINT8_TYPED_ARRAY_CONSTRUCTOR_TYPE", 2078}, {"JS_ARRAY_CONSTRUCTOR_TYPE", 2079},
        {"JS_PROMISE_CONSTRUCTOR_TYPE", 2080}, {"JS_REG_EXP_CONSTRUCTOR_TYPE", 2081},
        {"JS_CLASS_CONSTRUCTOR_TYPE", 2082}, {"JS_ARRAY_ITERATOR_PROTOTYPE_TYPE", 2083},
        {"JS_ITERATOR_PROTOTYPE_TYPE", 2084}, {"JS_MAP_ITERATOR_PROTOTYPE_TYPE", 2085},
        {"JS_OBJECT_PROTOTYPE_TYPE", 2086}, {"JS_PROMISE_PROTOTYPE_TYPE", 2087},
        {"JS_REG_EXP_PROTOTYPE_TYPE", 2088}, {"JS_SET_ITERATOR_PROTOTYPE_TYPE", 2089},
        {"JS_SET_PROTOTYPE_TYPE", 2090}, {"JS_STRING_ITERATOR_PROTOTYPE_TYPE", 2091},
        {"JS_TYPED_ARRAY_PROTOTYPE_TYPE", 2092}, {"JS_MAP_KEY_ITERATOR_TYPE", 2099},
        {"JS_MAP_KEY_VALUE_ITERATOR_TYPE", 2100}, {"JS_MAP_VALUE_ITERATOR_TYPE", 2101},
        {"JS_SET_KEY_VALUE_ITERATOR_TYPE", 2102}, {"JS_SET_VALUE_ITERATOR_TYPE", 2103},
        {"JS_DISPOSABLE_STACK_BASE_TYPE", 2108}, {"JS_GENERATOR_OBJECT_TYPE", 2111},
        {"JS_CONTEXT_EXTENSION_OBJECT_TYPE", 2125}, {"WASM_EXCEPTION_PACKAGE_TYPE", 2158},
        {"WASM_VALUE_OBJECT_TYPE", 2167},
    };
    out.push_back(std::move(t));
  }
  return out;
}

const std::vector<LayoutTable>& Tables() {
  static const std::vector<LayoutTable>* tables = new std::vector<LayoutTable>(BuildTables());
  return *tables;
}

}  // namespace

ArchFacts ArchFactsFor(bool aarch64) {
  ArchFacts f;
  if (aarch64) {
    f.code_alignment = 32;     // kCodeAlignmentBits 5 on every target but x64
    f.swiss_group_width = 8;   // no SSE2: GroupPortableImpl::kWidth
  }
  return f;
}

LayoutTable WithArch(const LayoutTable& table, const ArchFacts& arch) {
  LayoutTable t = table;
  for (TypeSizeRule& r : t.sizes) {
    if (r.rule.kind == SizeKind::kInstructionStream) r.rule.extra = arch.code_alignment;
    if (r.rule.kind == SizeKind::kSwissNameDictionary) r.rule.extra = arch.swiss_group_width;
  }
  return t;
}

const LayoutTable* FindLayout(int v8_major, int v8_minor) {
  for (const auto& t : Tables()) {
    if (t.v8_major == v8_major && t.v8_minor == v8_minor) return &t;
  }
  return nullptr;
}

const LayoutTable* NearestLayout(int v8_major, int v8_minor) {
  const LayoutTable* best = nullptr;
  for (const auto& t : Tables()) {
    bool older = t.v8_major < v8_major || (t.v8_major == v8_major && t.v8_minor <= v8_minor);
    if (older) best = &t;  // tables are in version order
  }
  return best;
}

std::vector<std::string_view> SupportedVersions() {
  return {"10.2 (Node 18)", "11.3 (Node 20)", "12.4 (Node 22)", "13.6 (Node 24)", "14.6 (Node 26)"};
}

}  // namespace corescope::v8
