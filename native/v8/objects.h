// Basic views of V8 heap objects in a core: tagged words, maps (cached),
// instance-type classification, object sizes, strings, numbers, oddballs,
// functions, scripts and the constructor name V8's heap snapshot would give.
// Everything is read through memory::AddressSpace with bounds checks; a
// malformed object yields nullopt / an invalid view, never a crash or an
// unbounded loop. Knows V8 object layouts (v8dbg metadata + layout_tables);
// knows nothing of pages or walking (see ../heap), nor of properties,
// elements and collections (see properties.h / collections.h, built on this).
//
// Conventions:
//  * An "object" is a TAGGED pointer (low bits 01), as V8 stores it and as
//    users see it (llnode/mdb_v8 print tagged addresses too). Untag() gives
//    the address of its first byte (the map word).
//  * Field offsets are from the object start (v8dbg offsets already include
//    the map word), so field f of object o lives at Untag(o) + f.
//  * Heap is safe to use from several threads at once (the map table takes a
//    lock on a miss; every other accessor is const and lock-free).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "memory/address_space.h"
#include "util/result.h"
#include "v8/instance_types.h"
#include "v8/layout_tables.h"
#include "v8/metadata.h"

namespace corescope::v8 {

inline constexpr uint64_t kTaggedSize = 8;       // no pointer compression (checked at Create)
inline constexpr uint64_t kHeapObjectTag = 1;     // v8dbg_HeapObjectTag
inline constexpr uint64_t kWeakTag = 3;           // HeapObjectReference weak tag
inline constexpr uint64_t kClearedWeak = 3;       // a cleared weak reference (lower 32 bits)

// IsSmi: the tag bit is clear. Always check this before SmiValue: a pointer
// shifted right by 32 also looks like a small integer.
inline bool IsSmi(uint64_t w) { return (w & 1) == 0; }
// SmiValue: 64-bit Smis keep their value in the upper half (SmiShiftSize 31 + tag 1).
inline int64_t SmiValue(uint64_t w) { return static_cast<int64_t>(w) >> 32; }
// IsStrong: a strong heap-object pointer (tag 01).
inline bool IsStrong(uint64_t w) { return (w & 3) == kHeapObjectTag; }
// IsWeak: a weak reference to a live object (tag 11, not cleared).
inline bool IsWeak(uint64_t w) { return (w & 3) == kWeakTag && (w & 0xffffffffu) != kClearedWeak; }
// Untag: address of the object's first byte (map word) for strong or weak pointers.
inline uint64_t Untag(uint64_t w) { return w & ~uint64_t{3}; }
// Tag: the strong tagged pointer of an object starting at addr.
inline uint64_t Tag(uint64_t addr) { return addr | kHeapObjectTag; }

// MapInfo: what the walker and the naming code need from one Map, decoded
// once. Pointers are tagged (0 when absent). Stable in memory for the life of
// the Heap (stored in a deque), so callers may keep const MapInfo*.
struct MapInfo {
  uint64_t address = 0;          // the map itself (tagged)
  uint32_t id = 0;               // dense index (Heap::MapById), stable per Heap
  uint16_t instance_type = 0;
  uint32_t instance_size = 0;    // bytes; 0 = variable size (see Heap::SizeOf)
  uint8_t inobject_start_words = 0;  // in-object properties start (JS objects), in words
  uint8_t bit_field = 0;
  uint8_t bit_field2 = 0;
  uint32_t bit_field3 = 0;
  bool is_prototype_map = false;
  bool is_dictionary_map = false;
  uint32_t nof_own_descriptors = 0;
  uint64_t descriptors = 0;      // DescriptorArray (tagged)
  uint64_t prototype = 0;
  uint64_t constructor = 0;      // constructor_or_back_pointer followed through back pointers:
                                 // a JSFunction, FunctionTemplateInfo, Smi, null... (tagged word)
  uint64_t back_pointer = 0;     // the first hop (a Map) when this map is a transition, else 0
  uint32_t transition_hops = 0;  // back pointers followed to reach `constructor`
};

// OddballKind: which oddball (or hole) a value is.
enum class OddballKind : uint8_t { kNotOddball, kUndefined, kNull, kTrue, kFalse, kTheHole, kOther };
const char* OddballKindName(OddballKind k);  // "undefined", "null", "true", "false", "hole", "oddball"

// StringValue: a string decoded to UTF-8 (lone surrogates become U+FFFD).
struct StringValue {
  std::string utf8;
  uint64_t length = 0;      // V8 length in UTF-16 code units
  bool truncated = false;   // max_bytes reached (or a cons/sliced chain cut by limits)
  bool complete = true;     // false when some part was unreadable (external data missing...)
};

// FunctionInfo: what a JSFunction / SharedFunctionInfo tells about a function.
struct FunctionInfo {
  uint64_t shared = 0;      // SharedFunctionInfo (tagged)
  uint64_t context = 0;     // JSFunction context (0 for a bare SFI)
  uint64_t script = 0;      // Script (tagged), 0 when none (builtins)
  std::string name;         // "" for anonymous functions
  std::string script_name;  // Script.name (a path or "node:internal/..."), "" when none
  int32_t start_position = -1;  // source offset of the function, -1 if unknown
};

class Heap {
 public:
  // HeapArea: one V8 page's object area [start, end). The heap layer passes
  // them (sorted, non-overlapping) so views can tell heap pointers apart.
  struct Area {
    uint64_t start = 0;
    uint64_t end = 0;
  };

  // Create binds views to a core. `areas` are the walked pages' object areas
  // (from heap::PageTable). Finds the meta map(s) from the areas.
  // Errors: kUnsupportedNode when the V8 version has no layout table (and
  // cannot be inferred), or when TaggedSize != 8; kCoreCorrupt when no meta
  // map is found.
  // `exe`/`symbols` (may be null) let InstanceTypes check type names against
  // the executable's own InstanceType printer.
  static Result<std::unique_ptr<Heap>> Create(const memory::AddressSpace& mem, const Metadata& md,
                                              const elf::ElfFile* exe, const elf::SymbolList* symbols,
                                              std::vector<Area> areas);
  // Create without the executable: type names from v8dbg and the layout table only.
  static Result<std::unique_ptr<Heap>> Create(const memory::AddressSpace& mem, const Metadata& md,
                                              std::vector<Area> areas) {
    return Create(mem, md, nullptr, nullptr, std::move(areas));
  }

  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  const memory::AddressSpace& memory() const { return mem_; }
  const Metadata& metadata() const { return md_; }
  const LayoutTable& layout() const { return *layout_; }
  const InstanceTypes& types() const { return *types_; }
  // warnings: what was inferred rather than known (odd V8 versions), once each.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // meta_maps: the self-referential MAP_TYPE maps (1 on Node 18/20, 2 from 22).
  const std::vector<uint64_t>& meta_maps() const { return meta_maps_; }
  bool IsMetaMap(uint64_t tagged) const;

  // InHeap: addr lies inside a known object area.
  bool InHeap(uint64_t addr) const;
  // AreaOf: the object area containing addr, or nullptr.
  const Area* AreaOf(uint64_t addr) const;
  const std::vector<Area>& areas() const { return areas_; }

  // ReadWord / ReadField: one 8-byte word at addr / at Untag(obj)+offset.
  std::optional<uint64_t> ReadWord(uint64_t addr) const { return mem_.ReadU64(addr); }
  std::optional<uint64_t> ReadField(uint64_t obj, int64_t offset) const {
    return mem_.ReadU64(Untag(obj) + static_cast<uint64_t>(offset));
  }

  // --- maps -------------------------------------------------------------
  // IsMap: map_word is a tagged pointer into the heap whose own map is a
  // meta map (or, failing that, a self-referential MAP_TYPE map).
  bool IsMap(uint64_t map_word) const;
  // GetMap returns the decoded MapInfo of a map (cached), or nullptr when
  // map_word is not a valid map. Thread-safe.
  const MapInfo* GetMap(uint64_t map_word) const;
  // MapOf returns the MapInfo of a heap object's map, or nullptr.
  const MapInfo* MapOf(uint64_t obj) const;
  // MapById returns a map decoded earlier (ids are dense, < map_count()).
  const MapInfo* MapById(uint32_t id) const;
  uint32_t map_count() const;

  // --- sizes -------------------------------------------------------------
  // SizeOf returns the object's size in bytes (8-aligned) from its map and
  // the per-version size rules, or nullopt when the type's size is unknown or
  // a length read is out of range.
  std::optional<uint64_t> SizeOf(uint64_t obj, const MapInfo& map) const;
  std::optional<uint64_t> SizeOf(uint64_t obj) const;
  // SizeFromWords is SizeOf for an object whose first words are already in
  // memory (the walker's hot path): `words` points at the map word and
  // `avail` words are readable from it.
  std::optional<uint64_t> SizeFromWords(const uint64_t* words, uint64_t avail, const MapInfo& map) const;

  // --- primitives ---------------------------------------------------------
  bool IsString(const MapInfo& m) const { return types_->IsString(m.instance_type); }
  // StringLength: V8 length of a string object, nullopt if obj is not a string.
  std::optional<uint64_t> StringLength(uint64_t obj) const;
  // ReadString decodes any string (seq one/two-byte, cons, sliced, thin,
  // external incl. node's builtin sources in the executable's .rodata) to at
  // most max_bytes of UTF-8. nullopt if obj is not a readable string.
  std::optional<StringValue> ReadString(uint64_t obj, uint64_t max_bytes = 1024) const;
  // HeapNumberValue: the double of a HeapNumber, nullopt for other objects.
  std::optional<double> HeapNumberValue(uint64_t obj) const;
  // NumberValue: a Smi or HeapNumber as a double.
  std::optional<double> NumberValue(uint64_t value) const;
  // Oddball: undefined/null/true/false/the hole (incl. Hole type on 22+).
  OddballKind Oddball(uint64_t value) const;
  // SymbolDescription: a Symbol's description string ("" when none), nullopt if not a Symbol.
  std::optional<std::string> SymbolDescription(uint64_t obj, uint64_t max_bytes = 256) const;

  // --- functions and scripts ---------------------------------------------
  // IsJSFunction: any JSFunction subtype (incl. class constructors, which on
  // Node 18/20 have their own types without First/LastJSFunctionType).
  bool IsJSFunction(const MapInfo& m) const { return types_->IsJSFunction(m.instance_type); }
  // function_shared_offset: JSFunction.shared's offset, for hot loops that
  // already know the object is a JSFunction.
  int64_t function_shared_offset() const;
  // FunctionShared / FunctionContext: JSFunction.shared / .context (tagged), nullopt if not a JSFunction.
  std::optional<uint64_t> FunctionShared(uint64_t fn) const;
  std::optional<uint64_t> FunctionContext(uint64_t fn) const;
  // SharedName: the function name of a SharedFunctionInfo (from
  // name_or_scope_info: a String, or a ScopeInfo's function-name slot,
  // decoded with the version's ScopeInfo flag layout). "" if anonymous.
  std::optional<std::string> SharedName(uint64_t sfi) const;
  // SharedScript: the Script of an SFI (tagged), nullopt if none.
  std::optional<uint64_t> SharedScript(uint64_t sfi) const;
  // ScriptName: Script.name as a string ("" when not a string).
  std::optional<std::string> ScriptName(uint64_t script) const;
  // ScriptSource: Script.source (tagged String), nullopt if not a string.
  std::optional<uint64_t> ScriptSource(uint64_t script) const;
  // DescribeFunction: name, script and SFI of a JSFunction or an SFI.
  std::optional<FunctionInfo> DescribeFunction(uint64_t fn_or_sfi) const;

  // --- names ---------------------------------------------------------------
  // ConstructorName: the name V8's heap snapshot gives a JS object of this
  // map (V8HeapExplorer::GetConstructorName -> JSReceiver::GetConstructorName):
  // the map's constructor's name when the object was made with
  // new.target == constructor; else the first own @@toStringTag string or
  // (from the prototype on) `constructor` function name up the prototype
  // chain; else the class name of the instance type ("Object", "Array",
  // "Map"...). Names "" and "Object" from a constructor are skipped, as V8
  // does. Prototype maps return "" unless allow_prototype is set (a
  // prototype object is not an instance of its class; the snapshot still
  // names it by the chain, e.g. a subclass prototype by its superclass).
  // Computed from the map alone (own properties kept in a dictionary or in
  // fields of the object are not seen); cached per map.
  std::string ConstructorName(const MapInfo& m, bool allow_prototype = false) const;
  // ConstructorNameOf is ConstructorName for one object: `receiver` (an
  // object with map m) supplies its own properties (dictionary mode, field
  // values). Prototype maps are named as the snapshot names them.
  std::string ConstructorNameOf(const MapInfo& m, uint64_t receiver) const;
  // NameDependsOnObject: whether ConstructorNameOf may differ between objects
  // of this map (dictionary-mode and prototype maps whose constructor does
  // not settle the name: own properties decide).
  bool NameDependsOnObject(const MapInfo& m) const;
  // DebugName: SharedFunctionInfo::DebugName: the name, else the inferred
  // name kept in the ScopeInfo ("" if neither).
  std::string DebugName(uint64_t sfi) const;
  // ClassName: JSReceiver::class_name() for an object of this map
  // ("Function", "Array", "Map", "Date", "Error", "Object"...).
  std::string ClassName(const MapInfo& m, uint64_t receiver = 0) const;
  // OwnDataProperty: the value of an own data property whose key is the
  // string `name` (or, with symbol_description, the symbol with that
  // description) of obj, looked up in its descriptors or NameDictionary.
  // nullopt when absent, an accessor, or unreadable.
  std::optional<uint64_t> OwnDataProperty(uint64_t obj, const MapInfo& m, std::string_view name,
                                          bool symbol_description = false) const;
  // JSDateValue: the time value of a JSDate (tagged number on Node 18-22,
  // raw float64 on 24+: layout_tables' js_date_value_raw).
  std::optional<double> JSDateValue(uint64_t obj) const;
  // JSArrayLength: JSArray.length (a Smi or HeapNumber).
  std::optional<double> JSArrayLength(uint64_t obj) const;

 private:
  Heap(const memory::AddressSpace& mem, const Metadata& md);
  const MapInfo* DecodeMap(uint64_t map_word) const;  // caller holds maps_mu_
  std::optional<std::string> ScopeInfoFunctionName(uint64_t scope_info) const;
  bool ReadStringInto(uint64_t obj, uint64_t max_bytes, StringValue* out) const;

  const memory::AddressSpace& mem_;
  const Metadata& md_;
  const LayoutTable* layout_ = nullptr;
  std::unique_ptr<LayoutTable> arch_layout_;      // the table with aarch64 facts applied
  std::unique_ptr<LayoutTable> inferred_layout_;  // odd versions: nearest table + inferred facts
  std::unique_ptr<InstanceTypes> types_;
  std::vector<Area> areas_;
  std::vector<uint64_t> meta_maps_;
  std::vector<std::string> warnings_;

  // Offsets resolved once from metadata (+ layout fallbacks).
  struct Offsets;
  std::unique_ptr<Offsets> off_;

  // The map table: decoded maps in stable storage, looked up by address.
  mutable std::mutex maps_mu_;
  mutable std::deque<MapInfo> maps_;
  mutable std::unordered_map<uint64_t, uint32_t> map_index_;   // map address -> id
  mutable std::unordered_map<uint64_t, bool> not_maps_;        // negative cache (bounded)
  mutable std::atomic<uint32_t> map_count_{0};
  mutable std::vector<const MapInfo*> by_id_;                  // reserved; see MapById
  std::string ComputeConstructorName(const MapInfo& m, uint64_t receiver) const;
  // Step1Name: the name from the map's constructor (GetConstructorHelper's
  // first step), "" when it does not apply. Cached per map.
  std::string Step1Name(const MapInfo& m) const;
  bool KeyIs(uint64_t key, std::string_view name, bool symbol) const;
  mutable std::mutex names_mu_;
  mutable std::unordered_map<uint32_t, std::string> ctor_names_;  // map id -> ConstructorName(m, true)
  mutable std::unordered_map<uint32_t, std::string> step1_names_;  // map id -> Step1Name(m)
  mutable std::unordered_map<uint32_t, std::string> map_only_names_;  // map id -> ConstructorName without an object
  mutable std::mutex keys_mu_;
  mutable std::unordered_map<uint64_t, std::string> key_text_;    // key -> "s:text" / "y:description" / ""
};

// MapCache: a tiny per-thread, direct-mapped cache in front of Heap::GetMap
// for the walker's hot loop (no lock on a hit).
class MapCache {
 public:
  explicit MapCache(const Heap& heap) : heap_(heap) {}
  const MapInfo* Get(uint64_t map_word) {
    Slot& s = slots_[((map_word >> 3) ^ (map_word >> 17)) & (kSlots - 1)];
    if (s.key == map_word && s.info) return s.info;
    const MapInfo* info = heap_.GetMap(map_word);
    if (info) { s.key = map_word; s.info = info; }
    return info;
  }

 private:
  static constexpr size_t kSlots = 4096;
  struct Slot { uint64_t key = 0; const MapInfo* info = nullptr; };
  const Heap& heap_;
  Slot slots_[kSlots];
};

}  // namespace corescope::v8
