// Properties and elements of JS objects in a core: named properties from the
// map's DescriptorArray (in-object fields, out-of-object PropertyArray fields,
// constants kept in the descriptor) or from a NameDictionary in dictionary
// mode; elements of every ElementsKind (packed/holey Smi, double and object
// FixedArrays, NumberDictionary, typed arrays over their backing store); and
// the ArrayBuffer / TypedArray fields. Built on objects.h (maps, strings,
// numbers); knows nothing of describing or JSON (see describe.h), nor of
// pages and walking (see ../heap).
//
// Layout facts, measured on official Node 18.20.8 (V8 10.2), 20.20.2 (11.3),
// 22.23.3 (12.4), 24.21.0 (13.6) and 26.12.1 (14.6) x64 builds with
// %DebugPrint and /proc/self/mem (see the comments in properties.cc):
//  * PropertyDetails (Smi) bits are the same on all five: kind bit 0
//    (v8dbg prop_kind_*), constness bit 1, attributes bits 2-4
//    (prop_attributes_*), location bit 5 (prop_location_*), representation
//    bits 6-8 (prop_representation_*: 1 Smi, 2 double, 3 heap object,
//    4 tagged), field index bits 19-28 (prop_index_*).
//  * Double-representation fields hold a HeapNumber box on all five (unboxed
//    double fields are gone from V8 9); a raw float64 word is still decoded.
//  * PropertyArray: length in the low 10 bits of the Smi at +8, slots at +16.
//  * NameDictionary: FixedArray-like; header words nof/deleted/capacity, then
//    the shape prefix (2 words on V8 10.2, 3 from V8 11: v8dbg
//    namedictionaryshape_prefix_size), then (key, value, details) entries.
//  * ElementsKind numbers: 0-11 fast kinds on all; DICTIONARY_ELEMENTS is 12
//    on V8 10.2 and 13 from V8 11 (SHARED_ARRAY_ELEMENTS took 12). Typed array
//    kinds follow the string-wrapper kinds; V8 13 moved the BigInt kinds
//    before UINT8_CLAMPED and the float kinds after it (table in properties.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"
#include "v8/objects.h"

namespace corescope::v8 {

// PropertyStorage: where a named property's value lives.
enum class PropertyStorage : uint8_t {
  kInObject,      // a field inside the object
  kOutOfObject,   // a field in the PropertyArray (properties_or_hash)
  kDictionary,    // an entry of the NameDictionary (dictionary-mode objects)
  kDescriptor,    // a constant kept in the map's DescriptorArray (methods, accessors)
};
// PropertyStorageName: "in-object", "out-of-object", "dictionary", "descriptor-constant".
const char* PropertyStorageName(PropertyStorage s);

// Representation of a field (PropertyDetails representation bits).
enum class FieldRepresentation : uint8_t { kNone = 0, kSmi = 1, kDouble = 2, kHeapObject = 3, kTagged = 4 };

// NamedProperty: one own named property.
struct NamedProperty {
  uint64_t key = 0;            // the Name (tagged): a String or a Symbol
  std::string name;            // the key as text: "foo", or "Symbol(desc)" / "Symbol()"
  bool is_symbol = false;
  bool is_private_symbol = false;  // V8-internal keys (error_stack_symbol...): hidden from JS
  uint64_t value = 0;          // tagged word; for accessors the AccessorPair/AccessorInfo
  bool raw_double = false;     // value is an unboxed float64 field, not a tagged word
  double double_value = 0;     // when raw_double
  bool is_accessor = false;    // PropertyKind::kAccessor (a getter/setter or native accessor)
  uint8_t attributes = 0;      // READ_ONLY 1, DONT_ENUM 2, DONT_DELETE 4
  FieldRepresentation representation = FieldRepresentation::kNone;
  PropertyStorage storage = PropertyStorage::kInObject;
  bool readable = true;        // false when the value's slot could not be read
};

struct PropertyList {
  bool dictionary_mode = false;
  uint64_t backing = 0;        // PropertyArray / NameDictionary (tagged), 0 when none
  uint64_t total = 0;          // own properties found (items may stop at the limit)
  bool truncated = false;
  std::vector<NamedProperty> items;
  std::vector<std::string> warnings;
};

// ReadNamedProperties returns the own named properties of a JS object in
// V8's order (descriptor order; dictionary entries by enumeration index),
// at most max_items of them. Unreadable parts become warnings. Errors:
// kBadAddress when obj has no readable map, kUsage when it is not a JSObject.
Result<PropertyList> ReadNamedProperties(const Heap& heap, uint64_t obj, size_t max_items);

// FindProperty returns the value of the own property `name` (string keys
// only), or nullopt when absent or unreadable.
std::optional<NamedProperty> FindProperty(const Heap& heap, uint64_t obj, std::string_view name);

// ---- elements ---------------------------------------------------------------

// ElementsClass: how a kind's backing store is laid out.
enum class ElementsClass : uint8_t {
  kSmiOrObject,     // FixedArray of tagged values (packed/holey Smi or object, frozen/sealed...)
  kDouble,          // FixedDoubleArray (hole = a NaN with V8's hole bits)
  kDictionary,      // NumberDictionary
  kTypedArray,      // raw numbers at the typed array's data pointer
  kArguments,       // sloppy arguments (parameter map over a FixedArray)
  kStringWrapper,   // String wrapper objects: the string's characters come first
  kShared,          // SHARED_ARRAY_ELEMENTS (shared structs; not expanded)
  kNone,            // no elements (WASM arrays, NO_ELEMENTS)
  kUnknown,
};

// ElementsKindInfo describes one ElementsKind number of this V8 version.
struct ElementsKindInfo {
  int kind = -1;
  std::string name;            // "PACKED_SMI_ELEMENTS", "UINT8_ELEMENTS"...
  ElementsClass cls = ElementsClass::kUnknown;
  bool holey = false;
  uint8_t element_size = 0;    // typed arrays: bytes per element
  bool is_float = false, is_signed = false, is_bigint = false, is_clamped = false;
  bool length_tracking = false;  // RAB/GSAB kinds
};
// DescribeElementsKind maps an ElementsKind number (Map bit_field2 bits 2-7)
// to its name and class for the core's V8 version.
ElementsKindInfo DescribeElementsKind(const Heap& heap, int kind);
// ElementsKindOf returns the ElementsKind of a map.
int ElementsKindOf(const MapInfo& map);

// ElementValue: one element.
struct ElementValue {
  enum class Kind : uint8_t { kTagged, kDouble, kInt, kUint, kBigInt, kBigUint } kind = Kind::kTagged;
  uint64_t index = 0;
  uint64_t tagged = 0;         // kTagged: the word
  double number = 0;           // kDouble / kInt / kUint (exact when |n| < 2^53)
  int64_t i64 = 0;             // kBigInt
  uint64_t u64 = 0;            // kBigUint
};

struct ElementList {
  ElementsKindInfo kind;
  uint64_t backing = 0;        // FixedArray / FixedDoubleArray / NumberDictionary (tagged)
  uint64_t length = 0;         // JSArray.length, typed array length, or backing capacity
  uint64_t capacity = 0;       // slots in the backing store
  uint64_t present = 0;        // elements that are not holes (counted up to the limit)
  bool truncated = false;
  std::vector<ElementValue> items;   // holes are left out
  std::vector<std::string> warnings;
};

// ReadElements returns the elements of a JS object (array, arguments,
// typed array, any JSObject with indexed properties), at most max_items,
// skipping holes. Errors as ReadNamedProperties.
Result<ElementList> ReadElements(const Heap& heap, uint64_t obj, size_t max_items);

// ---- array buffers and views ----------------------------------------------

struct ArrayBufferInfo {
  uint64_t byte_length = 0;
  uint64_t max_byte_length = 0;    // resizable buffers; = byte_length otherwise
  uint64_t backing_store = 0;      // raw pointer (0 when empty or detached)
  bool detached = false;
  bool shared = false;
  bool resizable = false;
};
// ReadArrayBuffer reads a JSArrayBuffer's fields (v8dbg class_JSArrayBuffer__*).
std::optional<ArrayBufferInfo> ReadArrayBuffer(const Heap& heap, uint64_t obj);

struct TypedArrayInfo {
  uint64_t buffer = 0;          // the JSArrayBuffer (tagged)
  uint64_t byte_offset = 0;
  uint64_t byte_length = 0;
  uint64_t length = 0;          // elements
  uint64_t data = 0;            // address of element 0 (base_pointer + external_pointer)
  bool on_heap = false;         // data lives in an on-heap ByteArray
  bool is_data_view = false;
  ElementsKindInfo kind;        // typed arrays only
};
// ReadTypedArray reads a JSTypedArray or JSDataView (byte_offset, byte_length,
// length, data pointer). nullopt when obj is neither or fields are unreadable.
std::optional<TypedArrayInfo> ReadTypedArray(const Heap& heap, uint64_t obj);

}  // namespace corescope::v8
