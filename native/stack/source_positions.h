// Source positions: bytecode offset -> script offset -> 1-based line:column,
// as a JS stack trace prints them. Decodes V8's source position table (a
// ByteArray/TrustedByteArray of VLQ pairs: code-offset delta (with the statement flag in its sign on V8 10-13, in its low bits on V8 14)
// statement flag in its sign, then SourcePosition delta) and maps script
// offsets to lines through Script.line_ends, computing them from the source
// string when V8 never did. Knows BytecodeArray/Script layouts; nothing of
// frames or unwinding.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "util/byte_reader.h"
#include "v8/objects.h"

namespace corescope::stack {

// PositionEntry: one decoded row of a source position table.
struct PositionEntry {
  int32_t code_offset = 0;
  int64_t source_position = 0;  // raw SourcePosition: script offset = bits 1..30 minus one
  bool is_statement = false;
};

// PositionTableEncoding: how an entry's code offset and flags are packed.
enum class PositionTableEncoding {
  kSignedStatement,  // V8 10-13: zig-zag VLQ of offset (statement) or -offset-1
  kUnsignedFlags,    // V8 14: unsigned VLQ of offset << 2 | is_breakable << 1 | is_statement
};

// DecodePositionTable decodes a whole table (bounded by its length). Stops
// at the first malformed entry and returns what was decoded before it.
std::vector<PositionEntry> DecodePositionTable(Bytes table, PositionTableEncoding encoding);

// ScriptOffsetAt returns the script offset of the last entry whose code
// offset is <= code_offset (V8's AbstractCode::SourcePosition), skipping the
// function-entry entry (-1) like V8, or nullopt when no entry applies.
std::optional<int32_t> ScriptOffsetAt(const std::vector<PositionEntry>& entries, int32_t code_offset);

// LineEndsFromSource computes V8's line ends (offsets of line terminators in
// UTF-16 units, plus the source length, as String::CalculateLineEnds does)
// from UTF-8 text.
std::vector<int32_t> LineEndsFromSource(std::string_view utf8);

struct LineColumn {
  int32_t line = 0;    // 1-based
  int32_t column = 0;  // 1-based
};
// LineColumnAt maps a script offset through line ends (V8's Script::GetPositionInfo + 1).
std::optional<LineColumn> LineColumnAt(const std::vector<int32_t>& line_ends, int32_t offset);

// SourceMapper reads tables and line ends out of a core, with caches per script.
class SourceMapper {
 public:
  explicit SourceMapper(const v8::Heap& heap);

  // BytecodeOffsetFromFrame converts the raw Smi word of an interpreted
  // frame's bytecode-offset slot to a bytecode offset (V8 stores offset +
  // BytecodeArray header size - heap object tag).
  std::optional<int32_t> BytecodeOffsetFromFrame(uint64_t raw_slot) const;
  // IsBytecodeArray reports whether a tagged word is a BytecodeArray.
  bool IsBytecodeArray(uint64_t obj) const;
  // BytecodeLength: the bytecode length of a BytecodeArray.
  std::optional<int32_t> BytecodeLength(uint64_t bytecode_array) const;
  // ScriptOffsetForBytecode maps a bytecode offset of bytecode_array to a
  // script offset; nullopt when V8 never collected the table (lazy source
  // positions) or it is unreadable.
  std::optional<int32_t> ScriptOffsetForBytecode(uint64_t bytecode_array, int32_t offset) const;
  // LineColumnFor maps a script offset of `script` to line:column.
  std::optional<LineColumn> LineColumnFor(uint64_t script, int32_t offset) const;

 private:
  std::optional<uint64_t> PositionTable(uint64_t bytecode_array) const;
  const std::vector<int32_t>* LineEnds(uint64_t script) const;

  const v8::Heap& heap_;
  int64_t bytecode_header_ = 0;       // BytecodeArray data offset (v8dbg class_BytecodeArray__data)
  std::vector<int64_t> table_slots_;
  PositionTableEncoding encoding_ = PositionTableEncoding::kSignedStatement;  // candidate offsets of source_position_table, preferred first
  int64_t line_ends_offset_ = 56;
  std::optional<int64_t> bytecode_array_type_, byte_array_type_, trusted_byte_array_type_;
  mutable std::map<uint64_t, std::vector<int32_t>> line_ends_;  // by script
};

}  // namespace corescope::stack
