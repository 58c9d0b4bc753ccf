// Source positions: bytecode offset -> line:column. See source_positions.h.
#include "stack/source_positions.h"

#include <algorithm>

#include "util/limits.h"

namespace corescope::stack {
namespace {

constexpr int32_t kFunctionEntryBytecodeOffset = -1;  // V8 kFunctionEntryBytecodeOffset
constexpr uint64_t kMaxPositionTableBytes = limits::kMaxPositionTableBytes;
constexpr uint64_t kMaxLineEnds = limits::kMaxLineEnds;
constexpr uint64_t kMaxSourceBytes = limits::kMaxSourceBytes;

// ReadVlq decodes one zig-zag VLQ integer (7 bits per byte, low bits first).
template <typename T>
bool ReadVlq(Bytes b, uint64_t* off, T* out) {
  using U = typename std::make_unsigned<T>::type;
  U v = 0;
  int shift = 0;
  while (true) {
    auto byte = b.Read<uint8_t>(*off);
    if (!byte || shift >= static_cast<int>(sizeof(T) * 8)) return false;
    ++*off;
    v |= static_cast<U>(*byte & 0x7f) << shift;
    shift += 7;
    if (!(*byte & 0x80)) break;
  }
  *out = static_cast<T>((v >> 1) ^ (~(v & 1) + 1));
  return true;
}

}  // namespace

// ReadUvlq decodes one unsigned VLQ integer.
bool ReadUvlq(Bytes b, uint64_t* off, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    auto byte = b.Read<uint8_t>(*off);
    if (!byte) return false;
    ++*off;
    v |= static_cast<uint64_t>(*byte & 0x7f) << shift;
    if (!(*byte & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

std::vector<PositionEntry> DecodePositionTable(Bytes table, PositionTableEncoding encoding) {
  std::vector<PositionEntry> out;
  // V8's iterator starts from {code_offset = kFunctionEntryBytecodeOffset, position 0}.
  int64_t code = kFunctionEntryBytecodeOffset;
  int64_t pos = 0;
  uint64_t off = 0;
  while (off < table.size) {
    PositionEntry e;
    int64_t delta = 0;
    if (encoding == PositionTableEncoding::kSignedStatement) {
      int32_t c;
      if (!ReadVlq(table, &off, &c)) break;
      e.is_statement = c >= 0;
      delta = c >= 0 ? c : -(static_cast<int64_t>(c) + 1);
    } else {
      uint64_t u;
      if (!ReadUvlq(table, &off, &u) || u > (uint64_t{1} << 34)) break;
      e.is_statement = u & 1;
      delta = static_cast<int64_t>(u >> 2);  // bit 1 is is_breakable
    }
    int64_t p;
    if (!ReadVlq(table, &off, &p)) break;
    code += delta;
    pos += p;
    if (code < kFunctionEntryBytecodeOffset || code > INT32_MAX || pos < 0) break;
    e.code_offset = static_cast<int32_t>(code);
    e.source_position = pos;
    out.push_back(e);
  }
  return out;
}

std::optional<int32_t> ScriptOffsetAt(const std::vector<PositionEntry>& entries, int32_t code_offset) {
  std::optional<int32_t> result;
  for (const PositionEntry& e : entries) {
    if (e.code_offset == kFunctionEntryBytecodeOffset) continue;
    if (e.code_offset > code_offset) break;
    if (e.source_position & 1) continue;  // external (C++/Torque) position
    int64_t script_offset = ((e.source_position >> 1) & ((int64_t{1} << 30) - 1)) - 1;
    if (script_offset >= 0) result = static_cast<int32_t>(script_offset);
  }
  return result;
}

std::vector<int32_t> LineEndsFromSource(std::string_view s) {
  std::vector<int32_t> ends;
  int64_t units = 0;  // UTF-16 code units consumed so far
  size_t i = 0;
  while (i < s.size() && ends.size() < kMaxLineEnds) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t n;
    if (c < 0x80) { cp = c; n = 1; }
    else if ((c >> 5) == 6) { cp = c & 0x1f; n = 2; }
    else if ((c >> 4) == 14) { cp = c & 0x0f; n = 3; }
    else if ((c >> 3) == 30) { cp = c & 0x07; n = 4; }
    else { cp = 0xfffd; n = 1; }
    for (size_t k = 1; k < n; ++k) {
      if (i + k >= s.size()) { n = k; break; }
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    }
    // V8's line terminators: \n, \r (unless followed by \n), U+2028, U+2029.
    bool terminator = cp == '\n' || cp == 0x2028 || cp == 0x2029 ||
                      (cp == '\r' && !(i + 1 < s.size() && s[i + 1] == '\n'));
    if (terminator) ends.push_back(static_cast<int32_t>(units));
    units += cp >= 0x10000 ? 2 : 1;
    i += n;
  }
  // V8 always adds one position past the end (the implicit return).
  ends.push_back(static_cast<int32_t>(units));
  return ends;
}

std::optional<LineColumn> LineColumnAt(const std::vector<int32_t>& line_ends, int32_t offset) {
  if (line_ends.empty() || offset < 0) return std::nullopt;
  auto it = std::lower_bound(line_ends.begin(), line_ends.end(), offset);
  if (it == line_ends.end()) return std::nullopt;
  size_t line = static_cast<size_t>(it - line_ends.begin());
  int32_t line_start = line == 0 ? 0 : line_ends[line - 1] + 1;
  return LineColumn{static_cast<int32_t>(line) + 1, offset - line_start + 1};
}

SourceMapper::SourceMapper(const v8::Heap& heap) : heap_(heap) {
  const v8::Metadata& md = heap.metadata();
  bytecode_header_ = md.Field("BytecodeArray", "data").value_or(0);
  // BytecodeArray::source_position_table (not in v8dbg): after map, length,
  // constant_pool and handler_table at +32 on V8 10.2/11.3 (Node 18/20,
  // src/objects/code.tq); after map, length and wrapper at +24 from V8 12
  // (Node 22+, src/objects/bytecode-array.h, trusted object without sandbox).
  // Each read is checked against the object's type, so the other is a fallback.
  if (md.v8_version().major >= 12) table_slots_ = {24, 32};
  else table_slots_ = {32, 24};
  line_ends_offset_ = md.Field("Script", "line_ends").value_or(56);
  // V8 14 (Node 26) encodes the code offset unsigned as offset << 2 |
  // is_breakable << 1 | is_statement; V8 10-13 (Node 18-24) zig-zag encode
  // the offset with the statement flag in its sign
  // (src/codegen/source-position-table.cc, EncodeEntry).
  encoding_ = md.v8_version().major >= 14 ? PositionTableEncoding::kUnsignedFlags
                                          : PositionTableEncoding::kSignedStatement;
  bytecode_array_type_ = md.Type("BYTECODE_ARRAY_TYPE");
  byte_array_type_ = md.Type("BYTE_ARRAY_TYPE");
  trusted_byte_array_type_ = md.Type("TRUSTED_BYTE_ARRAY_TYPE");
}

std::optional<int32_t> SourceMapper::BytecodeOffsetFromFrame(uint64_t raw_slot) const {
  if (!v8::IsSmi(raw_slot) || bytecode_header_ <= 0) return std::nullopt;
  int64_t v = v8::SmiValue(raw_slot) - (bytecode_header_ - static_cast<int64_t>(v8::kHeapObjectTag));
  if (v < kFunctionEntryBytecodeOffset || v > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(v);
}

bool SourceMapper::IsBytecodeArray(uint64_t obj) const {
  if (!v8::IsStrong(obj) || !bytecode_array_type_) return false;
  const v8::MapInfo* m = heap_.MapOf(obj);
  return m && m->instance_type == *bytecode_array_type_;
}

std::optional<int32_t> SourceMapper::BytecodeLength(uint64_t bytecode_array) const {
  auto w = heap_.ReadField(bytecode_array, 8);
  if (!w || !v8::IsSmi(*w)) return std::nullopt;
  int64_t n = v8::SmiValue(*w);
  if (n < 0 || n > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(n);
}

std::optional<uint64_t> SourceMapper::PositionTable(uint64_t bytecode_array) const {
  for (int64_t slot : table_slots_) {
    auto w = heap_.ReadField(bytecode_array, slot);
    if (!w || !v8::IsStrong(*w)) continue;
    const v8::MapInfo* m = heap_.MapOf(*w);
    if (!m) continue;
    if ((byte_array_type_ && m->instance_type == *byte_array_type_) ||
        (trusted_byte_array_type_ && m->instance_type == *trusted_byte_array_type_)) {
      return *w;
    }
  }
  return std::nullopt;
}

std::optional<int32_t> SourceMapper::ScriptOffsetForBytecode(uint64_t bytecode_array, int32_t offset) const {
  auto table = PositionTable(bytecode_array);
  if (!table) return std::nullopt;
  auto len_word = heap_.ReadField(*table, 8);
  if (!len_word || !v8::IsSmi(*len_word)) return std::nullopt;
  int64_t len = v8::SmiValue(*len_word);
  if (len <= 0 || static_cast<uint64_t>(len) > kMaxPositionTableBytes) return std::nullopt;
  std::vector<uint8_t> bytes(static_cast<size_t>(len));
  if (!heap_.memory().Read(v8::Untag(*table) + 16, bytes.data(), bytes.size())) return std::nullopt;
  auto entries = DecodePositionTable(Bytes{bytes.data(), bytes.size()}, encoding_);
  return ScriptOffsetAt(entries, offset);
}

const std::vector<int32_t>* SourceMapper::LineEnds(uint64_t script) const {
  auto it = line_ends_.find(script);
  if (it != line_ends_.end()) return it->second.empty() ? nullptr : &it->second;
  std::vector<int32_t>& ends = line_ends_[script];
  // Script.line_ends: a FixedArray of Smi offsets once V8 computed them
  // (printing a stack trace does), else undefined.
  auto w = heap_.ReadField(script, line_ends_offset_);
  if (w && v8::IsStrong(*w) && heap_.Oddball(*w) == v8::OddballKind::kNotOddball) {
    auto len = heap_.ReadField(*w, 8);
    if (len && v8::IsSmi(*len) && v8::SmiValue(*len) > 0 &&
        static_cast<uint64_t>(v8::SmiValue(*len)) <= kMaxLineEnds) {
      uint64_t n = static_cast<uint64_t>(v8::SmiValue(*len));
      std::vector<uint64_t> words(n);
      if (heap_.memory().Read(v8::Untag(*w) + 16, words.data(), n * 8)) {
        bool ok = true;
        for (uint64_t x : words) {
          if (!v8::IsSmi(x) || (!ends.empty() && v8::SmiValue(x) < ends.back())) { ok = false; break; }
          ends.push_back(static_cast<int32_t>(v8::SmiValue(x)));
        }
        if (ok) return &ends;
        ends.clear();
      }
    }
  }
  if (auto src = heap_.ScriptSource(script)) {
    if (auto text = heap_.ReadString(*src, kMaxSourceBytes); text && text->complete && !text->truncated) {
      ends = LineEndsFromSource(text->utf8);
    }
  }
  return ends.empty() ? nullptr : &ends;
}

std::optional<LineColumn> SourceMapper::LineColumnFor(uint64_t script, int32_t offset) const {
  const std::vector<int32_t>* ends = LineEnds(script);
  if (!ends) return std::nullopt;
  return LineColumnAt(*ends, offset);
}

}  // namespace corescope::stack
