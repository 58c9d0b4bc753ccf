// Basic views of V8 heap objects (see objects.h). Every read goes through
// memory::AddressSpace; loops over core data are bounded by util/limits.h.
// Knows V8 object layouts; knows nothing of pages or walking (../heap).
#include "v8/objects.h"

#include <algorithm>
#include <cstring>

#include "util/limits.h"

namespace corescope::v8 {

// Offsets resolved once from v8dbg, with the layout table as fallback.
struct Heap::Offsets {
  int64_t map_instance_size_words = 8, map_inobject_start = 9, map_instance_type = 12;
  int64_t map_bit_field = 14, map_bit_field2 = 15, map_bit_field3 = 16;
  int64_t map_prototype = 24, map_constructor = 32, map_descriptors = 40;
  uint32_t nof_shift = 10, nof_mask = 0xffc00;
  uint32_t dictionary_bit = 21, prototype_bit = 20;
  int64_t string_length = 12, seq_chars = 16;
  int64_t cons_first = 16, cons_second = 24, sliced_parent = 16, sliced_offset = 24, thin_actual = 16;
  int64_t external_resource = 16, external_data = 24;
  int64_t fixed_length = 8, fixed_data = 16;
  int64_t heap_number_value = 8;
  int64_t oddball_kind = 40;
  int64_t symbol_description = 16;
  int64_t fn_shared = 24, fn_context = 32;
  int64_t sfi_name_or_scope_info = 16, sfi_script = 32;
  int64_t script_name = 16, script_source = 8;
  int64_t js_properties = 8, js_elements = 16;
  int64_t js_date_value = 24, js_array_length = 24;
  int64_t descriptor_header = 24;
  int64_t bytecode_header = 56;
  int64_t kind_undefined = 5, kind_null = 3, kind_true = 1, kind_false = 0, kind_the_hole = 2;
  bool has_the_hole_kind = true;
  uint32_t dict_prefix_size = 3;  // NameDictionary shape prefix (v8dbg namedictionaryshape_prefix_size)
};

const char* OddballKindName(OddballKind k) {
  switch (k) {
    case OddballKind::kUndefined: return "undefined";
    case OddballKind::kNull: return "null";
    case OddballKind::kTrue: return "true";
    case OddballKind::kFalse: return "false";
    case OddballKind::kTheHole: return "hole";
    case OddballKind::kOther: return "oddball";
    case OddballKind::kNotOddball: break;
  }
  return "";
}

namespace {

int64_t Pick(const Metadata& md, std::string_view cls, std::initializer_list<std::string_view> fields, int64_t def) {
  auto v = md.Field(cls, fields);
  return v ? *v : def;
}

// Utf8Sink appends UTF-16 code units or Latin-1 bytes as UTF-8, pairing
// surrogates across pieces and stopping at a byte budget.
class Utf8Sink {
 public:
  explicit Utf8Sink(uint64_t max_bytes) : max_(max_bytes) {}
  bool full() const { return full_; }
  void Latin1(const uint8_t* p, uint64_t n) {
    for (uint64_t i = 0; i < n && !full_; ++i) Unit(p[i]);
  }
  void TwoByte(const uint8_t* p, uint64_t n) {
    for (uint64_t i = 0; i < n && !full_; ++i) {
      uint16_t u;
      std::memcpy(&u, p + 2 * i, 2);
      Unit(u);
    }
  }
  std::string Finish() {
    if (pending_ && !full_) Emit(0xfffd);
    pending_ = 0;
    return std::move(out_);
  }

 private:
  void Unit(uint16_t u) {
    if (pending_) {
      if (u >= 0xdc00 && u <= 0xdfff) {
        Emit(0x10000 + ((static_cast<uint32_t>(pending_) - 0xd800) << 10) + (u - 0xdc00));
        pending_ = 0;
        return;
      }
      Emit(0xfffd);
      pending_ = 0;
    }
    if (u >= 0xd800 && u <= 0xdbff) {
      pending_ = u;
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      Emit(0xfffd);
    } else {
      Emit(u);
    }
  }
  void Emit(uint32_t cp) {
    char buf[4];
    size_t n;
    if (cp < 0x80) {
      buf[0] = static_cast<char>(cp), n = 1;
    } else if (cp < 0x800) {
      buf[0] = static_cast<char>(0xc0 | (cp >> 6)), buf[1] = static_cast<char>(0x80 | (cp & 0x3f)), n = 2;
    } else if (cp < 0x10000) {
      buf[0] = static_cast<char>(0xe0 | (cp >> 12)), buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      buf[2] = static_cast<char>(0x80 | (cp & 0x3f)), n = 3;
    } else {
      buf[0] = static_cast<char>(0xf0 | (cp >> 18)), buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3f)), buf[3] = static_cast<char>(0x80 | (cp & 0x3f)), n = 4;
    }
    if (out_.size() + n > max_) {
      full_ = true;
      return;
    }
    out_.append(buf, n);
  }

  std::string out_;
  uint64_t max_;
  uint16_t pending_ = 0;
  bool full_ = false;
};

constexpr uint32_t kUncachedExternalStringMask = 1u << 4;  // V8 instance-type.h, all versions
constexpr uint64_t kMaxNotMapCache = 1u << 20;

}  // namespace

Result<std::unique_ptr<Heap>> Heap::Create(const memory::AddressSpace& mem, const Metadata& md,
                                           const elf::ElfFile* exe, const elf::SymbolList* symbols,
                                           std::vector<Area> areas) {
  std::unique_ptr<Heap> h(new Heap(mem, md));
  const Version& ver = md.v8_version();
  if (auto ts = md.Get("TaggedSize"); ts && *ts != 8) {
    return MakeError(ErrorCode::kUnsupportedNode,
                     "V8 " + ver.ToString() + " uses " + std::to_string(*ts) +
                         "-byte tagged values (pointer compression); corescope reads 8-byte builds only");
  }
  h->layout_ = FindLayout(ver.major, ver.minor);
  if (!h->layout_) {
    const LayoutTable* near = NearestLayout(ver.major, ver.minor);
    std::string supported;
    for (auto s : SupportedVersions()) supported += (supported.empty() ? "" : ", ") + std::string(s);
    if (!near) {
      return MakeError(ErrorCode::kUnsupportedNode,
                       "V8 " + ver.ToString() + " has no tested heap layout (tested: " + supported + ")");
    }
    h->inferred_layout_ = std::make_unique<LayoutTable>(*near);
    h->inferred_layout_->v8_major = ver.major;
    h->inferred_layout_->v8_minor = ver.minor;
    h->inferred_layout_->extra_types.clear();  // numbers shift between releases: use the printer only
    // The ScopeInfo header moved (v8dbg scopeinfo_idx_first_vars 3 -> 5 in
    // V8 12.9/13): take the layout of the first tested version that has it.
    const int64_t first_vars = md.Get("scopeinfo_idx_first_vars").value_or(3);
    if (8 + 8 * first_vars != near->scope_info.header) {
      for (int major = ver.major; major <= ver.major + 2; ++major) {
        for (int minor = 0; minor < 10; ++minor) {
          const LayoutTable* cand = FindLayout(major, minor);
          if (cand && cand->scope_info.header == 8 + 8 * first_vars) {
            h->inferred_layout_->scope_info = cand->scope_info;
            h->inferred_layout_->scope_info.function_trailing_slots = 0;
            major = ver.major + 3;
            break;
          }
        }
      }
    }
    h->layout_ = h->inferred_layout_.get();
    h->warnings_.push_back("V8 " + ver.ToString() + " has no tested heap layout (tested: " + supported +
                           "); object sizes and field facts are inferred from V8 " + std::to_string(near->v8_major) +
                           "." + std::to_string(near->v8_minor) + " (Node " + near->node_major +
                           "), instance-type names from the executable");
  }
  // Architecture-dependent rules (code alignment, swiss group width) are
  // set only off x64, so x64 keeps the tables as they are.
  if (exe && exe->arch() == elf::Arch::kAarch64) {
    h->arch_layout_ = std::make_unique<LayoutTable>(WithArch(*h->layout_, ArchFactsFor(true)));
    h->layout_ = h->arch_layout_.get();
  }
  h->types_ = InstanceTypes::Build(md, *h->layout_, exe, symbols, &h->warnings_);
  if (h->inferred_layout_ && h->types_->names_from_exe() == 0) {
    return MakeError(ErrorCode::kUnsupportedNode,
                     "V8 " + ver.ToString() + " has no tested heap layout and its instance types could not be "
                     "read from the executable");
  }
  if (h->types_->map_type == 0xffff) {
    return MakeError(ErrorCode::kNoV8Metadata, "no MAP_TYPE instance type in the V8 metadata");
  }

  auto& o = *(h->off_ = std::make_unique<Offsets>());
  const LayoutTable& L = *h->layout_;
  o.map_instance_size_words = Pick(md, "Map", {"instance_size_in_words"}, 8);
  o.map_inobject_start = Pick(md, "Map", {"inobject_properties_start_or_constructor_function_index"}, 9);
  o.map_instance_type = Pick(md, "Map", {"instance_type"}, 12);
  o.map_bit_field = Pick(md, "Map", {"bit_field"}, 14);
  o.map_bit_field2 = Pick(md, "Map", {"bit_field2"}, 15);
  o.map_bit_field3 = Pick(md, "Map", {"bit_field3"}, 16);
  o.map_prototype = Pick(md, "Map", {"prototype"}, 24);
  o.map_constructor = Pick(md, "Map", {"constructor_or_back_pointer", "constructor_or_back_pointer_or_native_context"}, 32);
  o.map_descriptors = Pick(md, "Map", {"instance_descriptors"}, 40);
  o.nof_shift = static_cast<uint32_t>(md.Get("bit_field3_number_of_own_descriptors_shift").value_or(10));
  o.nof_mask = static_cast<uint32_t>(md.Get("bit_field3_number_of_own_descriptors_mask").value_or(0xffc00));
  o.dictionary_bit = static_cast<uint32_t>(md.Get("bit_field3_is_dictionary_map_shift").value_or(21));
  // IsPrototypeMapBit sits just below IsDictionaryMapBit (MapBitFields3) on all versions.
  o.prototype_bit = o.dictionary_bit - 1;
  o.string_length = Pick(md, "String", {"length"}, 12);
  o.seq_chars = Pick(md, "SeqOneByteString", {"chars"}, 16);
  o.cons_first = Pick(md, "ConsString", {"first"}, 16);
  o.cons_second = Pick(md, "ConsString", {"second"}, 24);
  o.sliced_parent = Pick(md, "SlicedString", {"parent"}, 16);
  o.sliced_offset = Pick(md, "SlicedString", {"offset"}, 24);
  o.thin_actual = Pick(md, "ThinString", {"actual"}, 16);
  o.external_resource = Pick(md, "ExternalString", {"resource"}, 16);
  o.external_data = o.external_resource + 8;  // cached resource_data_ follows resource_
  o.fixed_length = Pick(md, "FixedArrayBase", {"length"}, 8);
  o.fixed_data = Pick(md, "FixedArray", {"data"}, 16);
  o.heap_number_value = Pick(md, "HeapNumber", {"value"}, 8);
  o.oddball_kind = Pick(md, "Oddball", {"kind_offset", "kind"}, L.oddball_kind_offset);
  o.symbol_description = Pick(md, "Symbol", {"name", "description"}, 16);
  o.fn_shared = Pick(md, "JSFunction", {"shared"}, 24);
  o.fn_context = Pick(md, "JSFunction", {"context"}, o.fn_shared + 8);
  o.sfi_name_or_scope_info = Pick(md, "SharedFunctionInfo", {"name_or_scope_info"}, L.sfi_name_or_scope_info);
  o.sfi_script = Pick(md, "SharedFunctionInfo", {"script", "script_or_debug_info", "raw_script"}, L.sfi_script);
  o.script_name = Pick(md, "Script", {"name"}, 16);
  o.script_source = Pick(md, "Script", {"source"}, 8);
  o.js_properties = Pick(md, "JSReceiver", {"raw_properties_or_hash", "properties_or_hash"}, 8);
  o.js_elements = Pick(md, "JSObject", {"elements"}, 16);
  o.js_date_value = Pick(md, "JSDate", {"value"}, 24);
  o.js_array_length = L.js_array_length;
  o.descriptor_header = Pick(md, "DescriptorArray", {"header_size"}, 24);
  o.bytecode_header = Pick(md, "BytecodeArray", {"data"}, 56);
  o.kind_false = md.Get("OddballFalse").value_or(0);
  o.kind_true = md.Get("OddballTrue").value_or(1);
  o.kind_null = md.Get("OddballNull").value_or(3);
  o.kind_undefined = md.Get("OddballUndefined").value_or(5);
  auto hole = md.Get("OddballTheHole");
  o.has_the_hole_kind = hole.has_value();
  o.kind_the_hole = hole.value_or(-1);
  o.dict_prefix_size = static_cast<uint32_t>(md.Get("namedictionaryshape_prefix_size").value_or(3));

  std::sort(areas.begin(), areas.end(), [](const Area& a, const Area& b) { return a.start < b.start; });
  h->areas_ = std::move(areas);

  // Meta maps: the map of the map of each page's first object (a map's map
  // is a meta map, which maps itself).
  for (const Area& a : h->areas_) {
    uint64_t m = 0;  // one word per page: a file read, not a page fault
    if (!mem.ReadSparse(a.start, &m, 8) || !IsStrong(m)) continue;
    auto mm = mem.ReadU64(Untag(m));
    if (!mm || !IsStrong(*mm)) continue;
    auto self = mem.ReadU64(Untag(*mm));
    auto type = mem.ReadValue<uint16_t>(Untag(*mm) + o.map_instance_type);
    if (self && *self == *mm && type && *type == h->types_->map_type &&
        std::find(h->meta_maps_.begin(), h->meta_maps_.end(), *mm) == h->meta_maps_.end()) {
      h->meta_maps_.push_back(*mm);
    }
  }
  if (h->meta_maps_.empty() && !h->areas_.empty()) {
    return MakeError(ErrorCode::kCoreCorrupt, "no V8 meta map found in " + std::to_string(h->areas_.size()) +
                                                  " heap pages (the heap pages are unreadable or not V8's)");
  }
  return h;
}

Heap::Heap(const memory::AddressSpace& mem, const Metadata& md) : mem_(mem), md_(md) {}
Heap::~Heap() = default;

bool Heap::IsMetaMap(uint64_t tagged) const {
  for (uint64_t m : meta_maps_) {
    if (m == tagged) return true;
  }
  return false;
}

const Heap::Area* Heap::AreaOf(uint64_t addr) const {
  auto it = std::upper_bound(areas_.begin(), areas_.end(), addr,
                             [](uint64_t a, const Area& area) { return a < area.start; });
  if (it == areas_.begin()) return nullptr;
  --it;
  return addr < it->end ? &*it : nullptr;
}

bool Heap::InHeap(uint64_t addr) const { return AreaOf(addr) != nullptr; }

bool Heap::IsMap(uint64_t map_word) const { return GetMap(map_word) != nullptr; }

const MapInfo* Heap::GetMap(uint64_t map_word) const {
  if (!IsStrong(map_word)) return nullptr;
  std::lock_guard<std::mutex> lock(maps_mu_);
  auto it = map_index_.find(map_word);
  if (it != map_index_.end()) return &maps_[it->second];
  if (not_maps_.count(map_word)) return nullptr;
  const MapInfo* info = DecodeMap(map_word);
  if (!info) {
    if (not_maps_.size() >= kMaxNotMapCache) not_maps_.clear();
    not_maps_[map_word] = true;
  }
  return info;
}

const MapInfo* Heap::DecodeMap(uint64_t map_word) const {
  const Offsets& o = *off_;
  uint64_t addr = Untag(map_word);
  if (!InHeap(addr)) return nullptr;
  uint8_t raw[48];
  if (!mem_.Read(addr, raw, sizeof raw)) return nullptr;
  uint64_t mm;
  std::memcpy(&mm, raw, 8);
  uint16_t type;
  std::memcpy(&type, raw + o.map_instance_type, 2);
  if (type != types_->map_type) {
    // Not a map. (A map's map is a meta map; a meta map maps itself.)
    if (!IsMetaMap(mm)) return nullptr;
    // mm is a meta map: map_word is a map. Fall through to decode.
  } else if (!IsMetaMap(mm)) {
    // map_word points at a MAP_TYPE object whose map is not a known meta
    // map: accept a new self-referential meta map (a contextual meta map
    // of another native context).
    auto self = mem_.ReadU64(Untag(mm));
    auto mtype = mem_.ReadValue<uint16_t>(Untag(mm) + o.map_instance_type);
    if (!self || *self != mm || !mtype || *mtype != types_->map_type || !InHeap(Untag(mm))) return nullptr;
    const_cast<Heap*>(this)->meta_maps_.push_back(mm);
  }
  // The object at map_word has a meta map as its map: it is a Map.
  MapInfo info;
  info.address = map_word;
  info.id = static_cast<uint32_t>(maps_.size());
  info.instance_size = static_cast<uint32_t>(raw[o.map_instance_size_words]) * 8;
  info.inobject_start_words = raw[o.map_inobject_start];
  std::memcpy(&info.instance_type, raw + o.map_instance_type, 2);
  info.bit_field = raw[o.map_bit_field];
  info.bit_field2 = raw[o.map_bit_field2];
  std::memcpy(&info.bit_field3, raw + o.map_bit_field3, 4);
  info.is_prototype_map = (info.bit_field3 >> o.prototype_bit) & 1;
  info.is_dictionary_map = (info.bit_field3 >> o.dictionary_bit) & 1;
  info.nof_own_descriptors = (info.bit_field3 & o.nof_mask) >> o.nof_shift;
  std::memcpy(&info.prototype, raw + o.map_prototype, 8);
  std::memcpy(&info.descriptors, raw + o.map_descriptors, 8);
  uint64_t ctor;
  std::memcpy(&ctor, raw + o.map_constructor, 8);
  // Follow transition back pointers (a Map in constructor_or_back_pointer)
  // to the root map, which holds the constructor.
  uint32_t hops = 0;
  while (IsStrong(ctor) && hops < limits::kMaxTransitionHops) {
    auto cm = mem_.ReadU64(Untag(ctor));
    if (!cm || !IsMetaMap(*cm)) break;  // not a Map
    if (hops == 0) info.back_pointer = ctor;
    auto next = mem_.ReadU64(Untag(ctor) + o.map_constructor);
    if (!next) break;
    ctor = *next;
    ++hops;
  }
  info.constructor = ctor;
  info.transition_hops = hops;
  maps_.push_back(info);
  map_index_[map_word] = info.id;
  map_count_.store(static_cast<uint32_t>(maps_.size()), std::memory_order_release);
  return &maps_.back();
}

const MapInfo* Heap::MapOf(uint64_t obj) const {
  if (!IsStrong(obj)) return nullptr;
  auto m = mem_.ReadU64(Untag(obj));
  return m ? GetMap(*m) : nullptr;
}

const MapInfo* Heap::MapById(uint32_t id) const {
  std::lock_guard<std::mutex> lock(maps_mu_);
  return id < maps_.size() ? &maps_[id] : nullptr;
}

uint32_t Heap::map_count() const { return map_count_.load(std::memory_order_acquire); }

// --- sizes -----------------------------------------------------------------

std::optional<uint64_t> Heap::SizeOf(uint64_t obj, const MapInfo& map) const {
  if (map.instance_size != 0) return map.instance_size;
  uint64_t words[8];
  uint64_t addr = Untag(obj);
  uint64_t avail = 8;
  // Near the end of a page fewer words may be readable.
  while (avail > 0 && !mem_.Read(addr, words, avail * 8)) --avail;
  if (avail == 0) return std::nullopt;
  auto s = SizeFromWords(words, avail, map);
  if (!s || map.instance_type != types_->scope_info) return s;
  return s;
}

std::optional<uint64_t> Heap::SizeOf(uint64_t obj) const {
  const MapInfo* m = MapOf(obj);
  if (!m) return std::nullopt;
  return SizeOf(obj, *m);
}

namespace {

inline uint64_t Round8(uint64_t v) { return (v + 7) & ~uint64_t{7}; }

// ScopeFlags decodes a ScopeInfo flags word: a Smi (V8 10-12: value in the
// upper half, lower half zero) or a raw uint32 with padding (V8 13+).
inline uint32_t ScopeFlags(uint64_t w) {
  return (w & 0xffffffffu) ? static_cast<uint32_t>(w) : static_cast<uint32_t>(w >> 32);
}

std::optional<uint64_t> ReadCount(const uint64_t* words, uint64_t avail, uint16_t offset, CountKind kind) {
  uint64_t w = offset / 8;
  if (w >= avail) return std::nullopt;
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(words);
  switch (kind) {
    case CountKind::kSmi: {
      if (offset % 8 != 0 || !IsSmi(words[w])) return std::nullopt;
      int64_t v = SmiValue(words[w]);
      if (v < 0) return std::nullopt;
      return static_cast<uint64_t>(v);
    }
    case CountKind::kInt32: {
      int32_t v;
      std::memcpy(&v, bytes + offset, 4);
      if (v < 0) return std::nullopt;
      return static_cast<uint64_t>(v);
    }
    case CountKind::kUint16: {
      uint16_t v;
      std::memcpy(&v, bytes + offset, 2);
      return v;
    }
    case CountKind::kUint8:
      return bytes[offset];
    case CountKind::kInt32Sum2: {
      if (static_cast<uint64_t>(offset) + 8 > avail * 8) return std::nullopt;
      int32_t a, b;
      std::memcpy(&a, bytes + offset, 4);
      std::memcpy(&b, bytes + offset + 4, 4);
      if (a < 0 || b < 0) return std::nullopt;
      return static_cast<uint64_t>(a) + static_cast<uint64_t>(b);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<uint64_t> Heap::SizeFromWords(const uint64_t* words, uint64_t avail, const MapInfo& map) const {
  if (map.instance_size != 0) return map.instance_size;
  const TypeInfo& ti = types_->Info(map.instance_type);
  const SizeRule& r = ti.size;
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(words);
  // Counts are bounded so that header + count * elem cannot overflow.
  constexpr uint64_t kMaxCount = limits::kMaxSizeRuleCount;
  switch (r.kind) {
    case SizeKind::kFromMap:
    case SizeKind::kUnknown:
      return std::nullopt;
    case SizeKind::kLinear: {
      auto n = ReadCount(words, avail, r.count_offset, r.count_kind);
      if (!n) return std::nullopt;
      uint64_t c = r.count_mask ? (*n & r.count_mask) : *n;
      if (c > kMaxCount) return std::nullopt;
      return Round8(r.header + c * r.elem_size);
    }
    case SizeKind::kSeqOneByteString:
    case SizeKind::kSeqTwoByteString: {
      if (avail < 2) return std::nullopt;
      int32_t len;
      std::memcpy(&len, bytes + off_->string_length, 4);
      if (len < 0) return std::nullopt;
      uint64_t unit = r.kind == SizeKind::kSeqTwoByteString ? 2 : 1;
      return Round8(r.header + static_cast<uint64_t>(len) * unit);
    }
    case SizeKind::kDescriptorArray: {
      if (avail < 2) return std::nullopt;
      uint16_t all;
      std::memcpy(&all, bytes + 8, 2);
      return static_cast<uint64_t>(off_->descriptor_header) + 24ull * all;
    }
    case SizeKind::kFreeSpace: {
      // The size Smi counts bytes (V8 10-12) or tagged words (V8 13+: extra = 8).
      if (avail < 2 || !IsSmi(words[1])) return std::nullopt;
      int64_t v = SmiValue(words[1]) * (r.extra ? r.extra : 1);
      if (v < 8 || v % 8 != 0) return std::nullopt;
      return static_cast<uint64_t>(v);
    }
    case SizeKind::kBytecodeArray: {
      if (avail < 2 || !IsSmi(words[1]) || SmiValue(words[1]) < 0) return std::nullopt;
      return Round8(static_cast<uint64_t>(off_->bytecode_header) + static_cast<uint64_t>(SmiValue(words[1])));
    }
    case SizeKind::kFixed:
      return r.header;
    case SizeKind::kInstructionStream: {
      std::optional<uint64_t> body;
      if (r.indirect_offset) {
        if (r.indirect_offset / 8 >= avail) return std::nullopt;
        uint64_t code = words[r.indirect_offset / 8];
        if (!IsStrong(code)) return std::nullopt;
        uint64_t w[2];
        if (!mem_.Read(Untag(code) + (r.count_offset & ~7u), w, sizeof w)) return std::nullopt;
        uint8_t tmp[16];
        std::memcpy(tmp, w, 16);
        body = ReadCount(reinterpret_cast<const uint64_t*>(tmp), 2, r.count_offset & 7u, r.count_kind);
      } else {
        body = ReadCount(words, avail, r.count_offset, r.count_kind);
      }
      if (!body || *body > kMaxCount) return std::nullopt;
      uint64_t align = r.extra ? r.extra : 64;
      return (r.header + *body + align - 1) / align * align;
    }
    case SizeKind::kSwissNameDictionary: {
      // meta table and data table (2 tagged words per entry), control bytes
      // (capacity + group width 16), property details (1 byte per entry).
      if (avail < 2) return std::nullopt;
      int32_t capacity;
      std::memcpy(&capacity, bytes + 12, 4);
      if (capacity < 0) return std::nullopt;
      uint64_t c = static_cast<uint64_t>(capacity);
      uint64_t group = r.extra ? r.extra : 16;
      return Round8(24 + 16 * c + c + group + c);
    }
    case SizeKind::kPreparseData: {
      if (avail < 2) return std::nullopt;
      int32_t data_len, children;
      std::memcpy(&data_len, bytes + 8, 4);
      std::memcpy(&children, bytes + 12, 4);
      if (data_len < 0 || children < 0) return std::nullopt;
      return Round8(r.header + static_cast<uint64_t>(data_len)) + 8ull * static_cast<uint64_t>(children);
    }
    case SizeKind::kFeedbackMetadata: {
      if (avail < 2) return std::nullopt;
      int32_t slots;
      std::memcpy(&slots, bytes + 8, 4);
      if (slots < 0) return std::nullopt;
      uint64_t per_word = r.extra ? r.extra : 6;
      uint64_t words32 = slots == 0 ? 0 : (static_cast<uint64_t>(slots) - 1) / per_word + 1;
      uint64_t closures = 0;
      if (r.elem_size) {
        int32_t c;
        std::memcpy(&c, bytes + 12, 4);
        if (c < 0) return std::nullopt;
        closures = static_cast<uint64_t>(c) * r.elem_size;
      }
      return Round8(r.header + 4 * words32 + closures);
    }
    case SizeKind::kBigInt: {
      if (avail < 2) return std::nullopt;
      uint32_t bits;
      std::memcpy(&bits, bytes + 8, 4);
      uint64_t len = (bits >> 1) & 0x3fffffff;
      return r.header + 8 * len;
    }
    case SizeKind::kScopeInfo: {
      const ScopeInfoLayout& s = layout_->scope_info;
      if (avail < 4) return std::nullopt;
      uint64_t fw = words[s.flags_offset / 8];
      uint32_t flags = ScopeFlags(fw);
      uint64_t cw = words[s.context_locals_offset / 8];
      if (!IsSmi(cw) || SmiValue(cw) < 0) return std::nullopt;
      uint64_t n = static_cast<uint64_t>(SmiValue(cw));
      if (n > (1u << 20)) return std::nullopt;
      auto bit = [&](int8_t b) -> bool { return b >= 0 && ((flags >> b) & 1); };
      uint32_t scope_type = flags & 0xf;
      bool is_module = scope_type == s.scope_module;
      uint64_t slots = s.header / 8;  // words including the map
      uint64_t module_count = 0;
      if (is_module) {
        // module_variable_count: before the names (V8 13+) or after module_info.
        // It is read from memory below.
      }
      if (s.module_count_before_names && is_module) slots += 1;
      slots += n < s.inlined_local_names_threshold ? n : 1;  // names, or one NameToIndexHashTable
      slots += n;                                              // infos
      if (bit(s.bit_has_saved_class_variable)) slots += 1;
      if (s.function_variable_shift >= 0 && ((flags >> s.function_variable_shift) & 3) != 0) slots += 2;
      if (bit(s.bit_has_inferred_function_name)) slots += 1;
      if (!s.position_info_in_header) {
        bool empty = bit(s.bit_is_empty);
        if (scope_type == s.scope_function || scope_type == s.scope_script || scope_type == s.scope_eval ||
            scope_type == s.scope_module || scope_type == s.scope_shadow_realm ||
            (!empty && scope_type == s.scope_class)) {
          slots += 2;
        }
      }
      if (bit(s.bit_has_outer_scope_info)) slots += 1;
      if (flags & s.extra_slot_mask) slots += 1;
      if (scope_type == s.scope_function) slots += s.function_trailing_slots;
      if (bit(s.bit_has_locals_block_list)) slots += 1;
      if (is_module) {
        uint64_t count_slot;
        if (s.module_count_before_names) {
          count_slot = s.header / 8;
          slots += 1;  // module_info
        } else {
          slots += 1;  // module_info
          count_slot = slots;
          slots += 1;
        }
        if (count_slot >= avail) return std::nullopt;  // caller retries with more words
        uint64_t mc = words[count_slot];
        if (!IsSmi(mc) || SmiValue(mc) < 0) return std::nullopt;
        module_count = static_cast<uint64_t>(SmiValue(mc));
        slots += 3 * module_count;
      }
      return slots * 8;
    }
    case SizeKind::kSmallOrderedHashTable:
      return std::nullopt;  // not seen in node heaps; resynchronised if met
  }
  return std::nullopt;
}

// --- strings ---------------------------------------------------------------

std::optional<uint64_t> Heap::StringLength(uint64_t obj) const {
  const MapInfo* m = MapOf(obj);
  if (!m || !IsString(*m)) return std::nullopt;
  auto len = mem_.ReadValue<int32_t>(Untag(obj) + off_->string_length);
  if (!len || *len < 0 || static_cast<uint64_t>(*len) > limits::kMaxStringLength) return std::nullopt;
  return static_cast<uint64_t>(*len);
}

std::optional<StringValue> Heap::ReadString(uint64_t obj, uint64_t max_bytes) const {
  StringValue out;
  if (!ReadStringInto(obj, max_bytes, &out)) return std::nullopt;
  return out;
}

bool Heap::ReadStringInto(uint64_t obj, uint64_t max_bytes, StringValue* out) const {
  const Offsets& o = *off_;
  auto top_len = StringLength(obj);
  if (!top_len) return false;
  out->length = *top_len;
  max_bytes = std::min<uint64_t>(max_bytes, limits::kMaxStringPreview);
  Utf8Sink sink(max_bytes);
  // Pieces to emit, in order: (string, start unit, unit count). Cons strings
  // push their halves; the stack is bounded by kMaxConsStringDepth.
  struct Piece {
    uint64_t str, start, count;
  };
  std::vector<Piece> stack;
  stack.push_back({obj, 0, *top_len});
  uint64_t steps = 0;
  std::vector<uint8_t> buf;
  while (!stack.empty() && !sink.full()) {
    if (++steps > limits::kMaxConsStringDepth) {
      out->truncated = true;
      break;
    }
    Piece p = stack.back();
    stack.pop_back();
    if (p.count == 0) continue;
    const MapInfo* m = MapOf(p.str);
    if (!m || !IsString(*m)) {
      out->complete = false;
      continue;
    }
    const TypeInfo& ti = types_->Info(m->instance_type);
    uint64_t base = Untag(p.str);
    switch (ti.string_rep) {
      case StringRep::kSeq:
      case StringRep::kExternal: {
        uint64_t data = base + o.seq_chars;
        if (ti.string_rep == StringRep::kExternal) {
          std::optional<uint64_t> d;
          if ((m->instance_type & kUncachedExternalStringMask) == 0) {
            d = mem_.ReadU64(base + o.external_data);
          }
          if (!d || *d == 0) {
            // Uncached: node's resources keep (vtable, data, length); accept
            // the data pointer only if the length matches the string's.
            auto res = mem_.ReadU64(base + o.external_resource);
            auto len = StringLength(p.str);
            if (res && *res) {
              auto rd = mem_.ReadU64(*res + 8);
              auto rl = mem_.ReadU64(*res + 16);
              if (rd && rl && len && *rl == *len) d = rd;
            }
          }
          if (!d || *d == 0) {
            out->complete = false;
            continue;
          }
          data = *d;
        }
        uint64_t unit = ti.two_byte ? 2 : 1;
        // Read in chunks so a long string's preview does not copy it all.
        uint64_t pos = p.start;
        uint64_t end = p.start + p.count;
        while (pos < end && !sink.full()) {
          uint64_t n = std::min<uint64_t>(end - pos, 4096);
          buf.resize(n * unit);
          if (!mem_.Read(data + pos * unit, buf.data(), n * unit)) {
            out->complete = false;
            break;
          }
          if (ti.two_byte) {
            sink.TwoByte(buf.data(), n);
          } else {
            sink.Latin1(buf.data(), n);
          }
          pos += n;
        }
        break;
      }
      case StringRep::kCons: {
        auto first = mem_.ReadU64(base + o.cons_first);
        auto second = mem_.ReadU64(base + o.cons_second);
        if (!first || !second) {
          out->complete = false;
          continue;
        }
        auto first_len = StringLength(*first);
        if (!first_len) {
          out->complete = false;
          continue;
        }
        if (stack.size() + 2 > limits::kMaxConsStringDepth) {
          out->truncated = true;
          continue;
        }
        uint64_t end = p.start + p.count;
        if (end > *first_len) {
          uint64_t s2 = p.start > *first_len ? p.start - *first_len : 0;
          stack.push_back({*second, s2, end - std::max(p.start, *first_len)});
        }
        if (p.start < *first_len) stack.push_back({*first, p.start, std::min(end, *first_len) - p.start});
        break;
      }
      case StringRep::kSliced: {
        auto parent = mem_.ReadU64(base + o.sliced_parent);
        auto offset = mem_.ReadU64(base + o.sliced_offset);
        if (!parent || !offset || !IsSmi(*offset) || SmiValue(*offset) < 0) {
          out->complete = false;
          continue;
        }
        stack.push_back({*parent, p.start + static_cast<uint64_t>(SmiValue(*offset)), p.count});
        break;
      }
      case StringRep::kThin: {
        auto actual = mem_.ReadU64(base + o.thin_actual);
        if (!actual) {
          out->complete = false;
          continue;
        }
        stack.push_back({*actual, p.start, p.count});
        break;
      }
      case StringRep::kNone:
        out->complete = false;
        break;
    }
  }
  if (sink.full() || !stack.empty()) out->truncated = true;
  out->utf8 = sink.Finish();
  return true;
}

std::optional<double> Heap::HeapNumberValue(uint64_t obj) const {
  const MapInfo* m = MapOf(obj);
  if (!m || m->instance_type != types_->heap_number) return std::nullopt;
  return mem_.ReadValue<double>(Untag(obj) + off_->heap_number_value);
}

std::optional<double> Heap::NumberValue(uint64_t value) const {
  if (IsSmi(value)) return static_cast<double>(SmiValue(value));
  return HeapNumberValue(value);
}

OddballKind Heap::Oddball(uint64_t value) const {
  const MapInfo* m = MapOf(value);
  if (!m) return OddballKind::kNotOddball;
  if (m->instance_type == types_->hole) return OddballKind::kTheHole;
  if (m->instance_type != types_->oddball) return OddballKind::kNotOddball;
  auto kind = mem_.ReadU64(Untag(value) + off_->oddball_kind);
  if (!kind || !IsSmi(*kind)) return OddballKind::kOther;
  int64_t k = SmiValue(*kind);
  const Offsets& o = *off_;
  if (k == o.kind_undefined) return OddballKind::kUndefined;
  if (k == o.kind_null) return OddballKind::kNull;
  if (k == o.kind_true) return OddballKind::kTrue;
  if (k == o.kind_false) return OddballKind::kFalse;
  if (o.has_the_hole_kind && k == o.kind_the_hole) return OddballKind::kTheHole;
  return OddballKind::kOther;
}

std::optional<std::string> Heap::SymbolDescription(uint64_t obj, uint64_t max_bytes) const {
  const MapInfo* m = MapOf(obj);
  if (!m || m->instance_type != types_->symbol) return std::nullopt;
  auto d = ReadField(obj, off_->symbol_description);
  if (!d) return std::string();
  auto s = ReadString(*d, max_bytes);
  return s ? s->utf8 : std::string();
}

// --- functions and scripts ------------------------------------------------

int64_t Heap::function_shared_offset() const { return off_->fn_shared; }

std::optional<uint64_t> Heap::FunctionShared(uint64_t fn) const {
  const MapInfo* m = MapOf(fn);
  if (!m || !IsJSFunction(*m)) return std::nullopt;
  auto s = ReadField(fn, off_->fn_shared);
  if (!s) return std::nullopt;
  const MapInfo* sm = MapOf(*s);
  if (!sm || sm->instance_type != types_->shared_function_info) return std::nullopt;
  return *s;
}

std::optional<uint64_t> Heap::FunctionContext(uint64_t fn) const {
  const MapInfo* m = MapOf(fn);
  if (!m || !IsJSFunction(*m)) return std::nullopt;
  return ReadField(fn, off_->fn_context);
}

std::optional<std::string> Heap::ScopeInfoFunctionName(uint64_t scope_info) const {
  const ScopeInfoLayout& s = layout_->scope_info;
  uint64_t base = Untag(scope_info);
  auto fw = mem_.ReadU64(base + s.flags_offset);
  auto cw = mem_.ReadU64(base + s.context_locals_offset);
  if (!fw || !cw || !IsSmi(*cw) || SmiValue(*cw) < 0) return std::nullopt;
  uint32_t flags = ScopeFlags(*fw);
  if (s.function_variable_shift < 0 || ((flags >> s.function_variable_shift) & 3) == 0) return std::string();
  uint64_t n = static_cast<uint64_t>(SmiValue(*cw));
  uint64_t slot = s.header / 8;
  if (s.module_count_before_names && (flags & 0xf) == s.scope_module) slot += 1;
  slot += (n < s.inlined_local_names_threshold ? n : 1) + n;
  if (s.bit_has_saved_class_variable >= 0 && ((flags >> s.bit_has_saved_class_variable) & 1)) slot += 1;
  auto name = mem_.ReadU64(base + 8 * slot);
  if (!name || IsSmi(*name)) return std::string();
  auto str = ReadString(*name, 1024);
  if (!str) return std::nullopt;
  return str->utf8;
}

std::optional<std::string> Heap::SharedName(uint64_t sfi) const {
  auto v = ReadField(sfi, off_->sfi_name_or_scope_info);
  if (!v) return std::nullopt;
  if (IsSmi(*v)) return std::string();  // kNoSharedNameSentinel
  const MapInfo* m = MapOf(*v);
  if (!m) return std::nullopt;
  if (IsString(*m)) {
    auto s = ReadString(*v, 1024);
    if (!s) return std::nullopt;
    return s->utf8;
  }
  if (m->instance_type == types_->scope_info) return ScopeInfoFunctionName(*v);
  return std::nullopt;
}

std::optional<uint64_t> Heap::SharedScript(uint64_t sfi) const {
  auto v = ReadField(sfi, off_->sfi_script);
  if (!v) return std::nullopt;
  const MapInfo* m = MapOf(*v);
  if (!m) return std::nullopt;
  if (m->instance_type == types_->script) return *v;
  // V8 10.2/11.3: script_or_debug_info may hold a DebugInfo whose script is
  // reachable through its shared function info; not followed here.
  return std::nullopt;
}

std::optional<std::string> Heap::ScriptName(uint64_t script) const {
  auto v = ReadField(script, off_->script_name);
  if (!v) return std::nullopt;
  auto s = ReadString(*v, limits::kMaxPathLength);
  return s ? s->utf8 : std::string();
}

std::optional<uint64_t> Heap::ScriptSource(uint64_t script) const {
  auto v = ReadField(script, off_->script_source);
  if (!v) return std::nullopt;
  const MapInfo* m = MapOf(*v);
  if (!m || !IsString(*m)) return std::nullopt;
  return *v;
}

std::optional<FunctionInfo> Heap::DescribeFunction(uint64_t fn_or_sfi) const {
  FunctionInfo info;
  const MapInfo* m = MapOf(fn_or_sfi);
  if (!m) return std::nullopt;
  if (IsJSFunction(*m)) {
    auto s = FunctionShared(fn_or_sfi);
    if (!s) return std::nullopt;
    info.shared = *s;
    info.context = FunctionContext(fn_or_sfi).value_or(0);
  } else if (m->instance_type == types_->shared_function_info) {
    info.shared = fn_or_sfi;
  } else {
    return std::nullopt;
  }
  info.name = SharedName(info.shared).value_or("");
  if (auto script = SharedScript(info.shared)) {
    info.script = *script;
    info.script_name = ScriptName(*script).value_or("");
  }
  return info;
}

// --- names -------------------------------------------------------------------

bool Heap::KeyIs(uint64_t key, std::string_view name, bool symbol) const {
  if (!IsStrong(key)) return false;
  std::string text;
  {
    std::lock_guard<std::mutex> lock(keys_mu_);
    auto it = key_text_.find(key);
    if (it != key_text_.end()) {
      text = it->second;
    } else {
      const MapInfo* m = MapOf(key);
      if (m && IsString(*m)) {
        auto len = StringLength(key);
        // Only short keys can be the names looked for; skip reading others.
        if (len && *len <= 64) {
          auto s = ReadString(key, 256);
          if (s) text = "s:" + s->utf8;
        }
      } else if (m && m->instance_type == types_->symbol) {
        auto d = SymbolDescription(key, 256);
        if (d) text = "y:" + *d;
      }
      if (key_text_.size() < (1u << 20)) key_text_[key] = text;
    }
  }
  if (text.size() < 2) return false;
  return text[0] == (symbol ? 'y' : 's') && std::string_view(text).substr(2) == name;
}

std::optional<uint64_t> Heap::OwnDataProperty(uint64_t obj, const MapInfo& m, std::string_view name,
                                              bool symbol_description) const {
  const Offsets& o = *off_;
  const int64_t kind_mask = md_.Get("prop_kind_mask").value_or(1);
  const int64_t location_mask = md_.Get("prop_location_mask").value_or(32);
  const int64_t location_descriptor = md_.Get("prop_location_Descriptor").value_or(1);
  const int64_t location_shift = md_.Get("prop_location_shift").value_or(5);
  const int64_t index_mask = md_.Get("prop_index_mask").value_or(0x3ff << 19);
  const int64_t index_shift = md_.Get("prop_index_shift").value_or(19);
  if (!m.is_dictionary_map) {
    if (!IsStrong(m.descriptors) || m.nof_own_descriptors > limits::kMaxDescriptors) return std::nullopt;
    uint64_t base = Untag(m.descriptors) + static_cast<uint64_t>(o.descriptor_header);
    for (uint32_t i = 0; i < m.nof_own_descriptors; ++i) {
      uint64_t e[3];
      if (!mem_.Read(base + 24ull * i, e, sizeof e)) return std::nullopt;
      if (!KeyIs(e[0], name, symbol_description)) continue;
      if (!IsSmi(e[1])) return std::nullopt;
      int64_t details = SmiValue(e[1]);
      if ((details & kind_mask) != 0) return std::nullopt;  // accessor
      if (((details & location_mask) >> location_shift) == location_descriptor) return e[2];  // constant
      if (!IsStrong(obj)) return std::nullopt;  // a field: needs the object
      uint64_t index = static_cast<uint64_t>((details & index_mask) >> index_shift);
      uint64_t inobject = m.instance_size / 8 > m.inobject_start_words ? m.instance_size / 8 - m.inobject_start_words : 0;
      if (index < inobject) return ReadField(obj, static_cast<int64_t>(8 * (m.inobject_start_words + index)));
      auto props = ReadField(obj, o.js_properties);
      if (!props || !IsStrong(*props)) return std::nullopt;
      return ReadField(*props, static_cast<int64_t>(16 + 8 * (index - inobject)));
    }
    return std::nullopt;
  }
  // Dictionary mode: a NameDictionary (FixedArray-like): nof elements,
  // nof deleted, capacity, the shape prefix, then (key, value, details).
  if (!IsStrong(obj)) return std::nullopt;
  auto dict = ReadField(obj, o.js_properties);
  if (!dict || !IsStrong(*dict)) return std::nullopt;
  const MapInfo* dm = MapOf(*dict);
  if (!dm) return std::nullopt;
  static thread_local const Heap* cached_for = nullptr;
  static thread_local uint16_t name_dict = 0xffff, global_dict = 0xffff;
  if (cached_for != this) {
    name_dict = types_->Number("NAME_DICTIONARY_TYPE").value_or(0xffff);
    global_dict = types_->Number("GLOBAL_DICTIONARY_TYPE").value_or(0xffff);
    cached_for = this;
  }
  if (dm->instance_type == global_dict) {
    // GlobalDictionary (JSGlobalObject): one PropertyCell per entry, with
    // name @8, details @16 and value @24; prefix as for NameDictionary.
    auto len = ReadField(*dict, o.fixed_length);
    auto cap = ReadField(*dict, o.fixed_data + 16);
    if (!len || !cap || !IsSmi(*len) || !IsSmi(*cap) || SmiValue(*cap) < 0) return std::nullopt;
    int64_t capacity = SmiValue(*cap);
    // GlobalDictionaryShape keeps BaseNameDictionaryShape's 2-word prefix
    // (next enumeration index, hash) on every version; NameDictionary added
    // a flags word from V8 11.
    uint64_t start = 3 + static_cast<uint64_t>(md_.Get("globaldictionaryshape_prefix_size").value_or(2));
    if (start + static_cast<uint64_t>(capacity) > static_cast<uint64_t>(SmiValue(*len)) ||
        static_cast<uint64_t>(capacity) > limits::kMaxArrayLengthFollowed) {
      return std::nullopt;
    }
    uint64_t base = Untag(*dict) + static_cast<uint64_t>(o.fixed_data) + 8 * start;
    for (int64_t i = 0; i < capacity; ++i) {
      auto cell = mem_.ReadU64(base + 8 * static_cast<uint64_t>(i));
      if (!cell) return std::nullopt;  // the table runs past the core's memory: stop, not 2^28 misses
      if (!IsStrong(*cell)) continue;
      auto key = ReadField(*cell, 8);
      if (!key || !KeyIs(*key, name, symbol_description)) continue;
      auto details = ReadField(*cell, 16);
      if (!details || !IsSmi(*details) || (SmiValue(*details) & kind_mask) != 0) return std::nullopt;
      return ReadField(*cell, 24);
    }
    return std::nullopt;
  }
  if (dm->instance_type != name_dict) return std::nullopt;
  auto len = ReadField(*dict, o.fixed_length);
  auto cap = ReadField(*dict, o.fixed_data + 16);
  if (!len || !cap || !IsSmi(*len) || !IsSmi(*cap)) return std::nullopt;
  uint64_t start = 3 + o.dict_prefix_size;
  int64_t capacity = SmiValue(*cap);
  if (capacity < 0 || start + 3 * static_cast<uint64_t>(capacity) > static_cast<uint64_t>(SmiValue(*len)) ||
      static_cast<uint64_t>(capacity) > limits::kMaxArrayLengthFollowed) {
    return std::nullopt;
  }
  uint64_t base = Untag(*dict) + static_cast<uint64_t>(o.fixed_data) + 8 * start;
  for (int64_t i = 0; i < capacity; ++i) {
    uint64_t e[3];
    if (!mem_.Read(base + 24ull * static_cast<uint64_t>(i), e, sizeof e)) return std::nullopt;
    if (!KeyIs(e[0], name, symbol_description)) continue;
    if (!IsSmi(e[2]) || (SmiValue(e[2]) & kind_mask) != 0) return std::nullopt;
    return e[1];
  }
  return std::nullopt;
}

std::string Heap::DebugName(uint64_t sfi) const {
  std::string name = SharedName(sfi).value_or("");
  if (!name.empty()) return name;
  // The inferred name sits in the ScopeInfo after the function variable.
  auto v = ReadField(sfi, off_->sfi_name_or_scope_info);
  if (!v || !IsStrong(*v)) return name;
  const MapInfo* m = MapOf(*v);
  if (!m || m->instance_type != types_->scope_info) return name;
  const ScopeInfoLayout& s = layout_->scope_info;
  uint64_t base = Untag(*v);
  auto fw = mem_.ReadU64(base + s.flags_offset);
  auto cw = mem_.ReadU64(base + s.context_locals_offset);
  if (!fw || !cw || !IsSmi(*cw) || SmiValue(*cw) < 0) return name;
  uint32_t flags = ScopeFlags(*fw);
  if (s.bit_has_inferred_function_name < 0 || !((flags >> s.bit_has_inferred_function_name) & 1)) return name;
  uint64_t n = static_cast<uint64_t>(SmiValue(*cw));
  uint64_t slot = s.header / 8;
  if (s.module_count_before_names && (flags & 0xf) == s.scope_module) slot += 1;
  slot += (n < s.inlined_local_names_threshold ? n : 1) + n;
  if (s.bit_has_saved_class_variable >= 0 && ((flags >> s.bit_has_saved_class_variable) & 1)) slot += 1;
  if (s.function_variable_shift >= 0 && ((flags >> s.function_variable_shift) & 3) != 0) slot += 2;
  auto inferred = mem_.ReadU64(base + 8 * slot);
  if (!inferred) return name;
  auto str = ReadString(*inferred, 1024);
  return str ? str->utf8 : name;
}

std::string Heap::ClassName(const MapInfo& m, uint64_t receiver) const {
  const InstanceTypes& t = *types_;
  uint16_t type = m.instance_type;
  if (t.IsJSFunction(type) || type == t.js_bound_function) return "Function";
  if (type == t.js_arguments_object) return "Arguments";
  if (type == t.js_array) return "Array";
  if (type == t.js_array_buffer) return "ArrayBuffer";  // SharedArrayBuffer: not distinguished
  if (type == t.js_date) return "Date";
  if (type == t.js_error) return "Error";
  if (type == t.js_map) return "Map";
  if (type == t.js_set) return "Set";
  if (type == t.js_regexp) return "RegExp";
  if (type == t.js_weak_map) return "WeakMap";
  if (type == t.js_weak_set) return "WeakSet";
  if (type == t.js_global_proxy) return "global";
  if (type == t.js_primitive_wrapper && IsStrong(receiver)) {
    // JSPrimitiveWrapper.value follows the JSObject header.
    if (auto v = ReadField(receiver, 24)) {
      if (IsSmi(*v)) return "Number";
      OddballKind k = Oddball(*v);
      if (k == OddballKind::kTrue || k == OddballKind::kFalse) return "Boolean";
      if (const MapInfo* vm = MapOf(*v)) {
        if (IsString(*vm)) return "String";
        if (vm->instance_type == t.heap_number) return "Number";
        if (vm->instance_type == t.bigint) return "BigInt";
        if (vm->instance_type == t.symbol) return "Symbol";
      }
    }
  }
  const std::string& n = t.Info(type).name;
  if (n == "JS_ARRAY_ITERATOR_TYPE") return "Array Iterator";
  if (n == "JS_GENERATOR_OBJECT_TYPE" || n == "JS_ASYNC_GENERATOR_OBJECT_TYPE" || n == "JS_ASYNC_FUNCTION_OBJECT_TYPE") {
    return "Generator";
  }
  if (n == "JS_MAP_KEY_ITERATOR_TYPE" || n == "JS_MAP_KEY_VALUE_ITERATOR_TYPE" || n == "JS_MAP_VALUE_ITERATOR_TYPE") {
    return "Map Iterator";
  }
  if (n == "JS_SET_KEY_VALUE_ITERATOR_TYPE" || n == "JS_SET_VALUE_ITERATOR_TYPE") return "Set Iterator";
  (void)receiver;
  return "Object";
}

std::string Heap::Step1Name(const MapInfo& m) const {
  {
    std::lock_guard<std::mutex> lock(names_mu_);
    auto it = step1_names_.find(m.id);
    if (it != step1_names_.end()) return it->second;
  }
  std::string name;
  // 1. The map's constructor, when new.target was that constructor
  //    (Map::Bits2::NewTargetIsBaseBit, bit 0 of bit_field2 on V8 10-14).
  const bool new_target_is_base = (m.bit_field2 & 1) != 0;
  if (m.instance_type != types_->js_proxy && new_target_is_base && !m.is_prototype_map && IsStrong(m.constructor)) {
    const MapInfo* cm = MapOf(m.constructor);
    if (cm && IsJSFunction(*cm)) {
      if (auto sfi = FunctionShared(m.constructor)) {
        name = DebugName(*sfi);
        if (name == "Object") name.clear();
      }
    }
  }
  std::lock_guard<std::mutex> lock(names_mu_);
  step1_names_.emplace(m.id, name);
  return name;
}

bool Heap::NameDependsOnObject(const MapInfo& m) const {
  // Functions, bound functions and regexps are named by their kind, not by
  // a constructor (V8HeapExplorer::AddEntry).
  if (!types_->IsJSReceiver(m.instance_type) || IsJSFunction(m) || m.instance_type == types_->js_bound_function ||
      m.instance_type == types_->js_regexp) {
    return false;
  }
  if (!m.is_dictionary_map && !m.is_prototype_map && m.instance_type != types_->js_primitive_wrapper) return false;
  return Step1Name(m).empty();
}

std::string Heap::ComputeConstructorName(const MapInfo& m, uint64_t receiver) const {
  const InstanceTypes& t = *types_;
  if (std::string step1 = Step1Name(m); !step1.empty()) return step1;
  // 2. Up the prototype chain: an own @@toStringTag string (the receiver
  //    included), or a `constructor` function (from the first prototype on).
  uint64_t current = receiver;
  const MapInfo* cm = &m;
  for (int hops = 0; hops < 64 && cm; ++hops) {
    if (!t.IsJSReceiver(cm->instance_type)) break;
    if (auto tag = OwnDataProperty(current, *cm, "Symbol.toStringTag", true)) {
      const MapInfo* tm = MapOf(*tag);
      if (tm && IsString(*tm)) {
        if (auto s = ReadString(*tag, 1024)) return s->utf8;
      }
    }
    if (hops > 0) {
      if (auto ctor = OwnDataProperty(current, *cm, "constructor")) {
        const MapInfo* fm = MapOf(*ctor);
        if (fm && IsJSFunction(*fm)) {
          if (auto sfi = FunctionShared(*ctor)) {
            std::string name = DebugName(*sfi);
            if (!name.empty() && name != "Object") return name;
          }
        }
      }
    }
    uint64_t proto = cm->prototype;
    if (!IsStrong(proto)) break;
    const MapInfo* pm = MapOf(proto);
    if (!pm) break;
    current = proto;
    cm = pm;
  }
  // 3. The class name of the instance type.
  return ClassName(m, receiver);
}

std::string Heap::ConstructorName(const MapInfo& m, bool allow_prototype) const {
  if (m.is_prototype_map && !allow_prototype) return "";
  {
    std::lock_guard<std::mutex> lock(names_mu_);
    auto it = ctor_names_.find(m.id);  // a name computed with an object of this map
    if (it != ctor_names_.end()) return it->second;
    it = map_only_names_.find(m.id);
    if (it != map_only_names_.end()) return it->second;
  }
  std::string name = ComputeConstructorName(m, 0);
  std::lock_guard<std::mutex> lock(names_mu_);
  map_only_names_.emplace(m.id, name);
  return name;
}

std::string Heap::ConstructorNameOf(const MapInfo& m, uint64_t receiver) const {
  // Own properties of the receiver decide only for dictionary-mode and
  // prototype maps (one object per map) and primitive wrappers; other maps
  // are named once.
  if (NameDependsOnObject(m)) return ComputeConstructorName(m, receiver);
  {
    std::lock_guard<std::mutex> lock(names_mu_);
    auto it = ctor_names_.find(m.id);
    if (it != ctor_names_.end()) return it->second;
  }
  std::string name = ComputeConstructorName(m, receiver);
  std::lock_guard<std::mutex> lock(names_mu_);
  ctor_names_.emplace(m.id, name);
  return name;
}

std::optional<double> Heap::JSDateValue(uint64_t obj) const {
  const MapInfo* m = MapOf(obj);
  if (!m || m->instance_type != types_->js_date) return std::nullopt;
  auto w = ReadField(obj, off_->js_date_value);
  if (!w) return std::nullopt;
  if (layout_->js_date_value_raw) {
    double d;
    std::memcpy(&d, &*w, 8);
    return d;
  }
  return NumberValue(*w);
}

std::optional<double> Heap::JSArrayLength(uint64_t obj) const {
  const MapInfo* m = MapOf(obj);
  if (!m || m->instance_type != types_->js_array) return std::nullopt;
  auto w = ReadField(obj, off_->js_array_length);
  if (!w) return std::nullopt;
  return NumberValue(*w);
}

}  // namespace corescope::v8
