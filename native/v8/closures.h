// Closures in a core: where a function was defined (SharedFunctionInfo
// positions turned into 1-based line:column through the Script's line_ends
// or its source text) and the variables it closes over (the Context chain,
// each slot named by the Context's ScopeInfo). Built on objects.h; knows
// nothing of describing or JSON (see describe.h).
//
// Layout facts, measured on Node 18.20.8 / 20.20.2 / 22.23.3 / 24.21.0 /
// 26.12.1 (V8 10.2 / 11.3 / 12.4 / 13.6 / 14.6) with %DebugPrint and reads of
// the live process's memory:
//  * ScopeInfo slots are 8 bytes after the map (v8dbg scopeinfo_idx_*):
//    flags @+8, parameter_count @+16, context_local_count @+24.
//    - V8 10.2-12.4: flags is a Smi; the variable part starts at slot 3
//      (+32): context_local_names[n] (or ONE NameToIndexHashTable slot when
//      n >= 75), context_local_infos[n], saved_class_variable_info?,
//      function_variable_info? (2), inferred_function_name?, position_info?
//      (start, end; function/script/eval/module scopes and non-empty class
//      scopes), outer_scope_info?, ...
//    - V8 12.9 (Node 23), 13.6-14.6 (scopeinfo_idx_first_vars 5): flags is a
//      raw u32 (+ padding); position_info is fixed
//      at slots 3/4 (+32/+40); module_variable_count? (module scopes), then
//      names (or the hash table), infos, ... from slot 5 (+48).
//    - ScopeFlags bits (the same on all five): scope_type bits 0-3,
//      has_saved_class_variable bit 10, function_variable bits 12-13,
//      has_inferred_function_name bit 14, has_outer_scope_info bit 22.
//    - ScopeType numbering changed with that layout: 10.2-12.4 CLASS 0, EVAL 1,
//      FUNCTION 2, MODULE 3, SCRIPT 4, CATCH 5, BLOCK 6, WITH 7,
//      SHADOW_REALM 8; 12.9+ SCRIPT 0, REPL_MODE 1, CLASS 2, EVAL 3,
//      FUNCTION 4, MODULE 5, CATCH 6, BLOCK 7, WITH 8, SHADOW_REALM 9.
//    - NameToIndexHashTable: HashTable with no prefix, (name, Smi local
//      index) entries.
//  * Context: FixedArray-like (length Smi @+8), slot 0 scope_info, slot 1
//    previous, an optional extension slot, then the context locals: local i
//    lives in slot (length - n + i).
//  * SharedFunctionInfo: the slot at +8 (function_data on V8 10/11,
//    trusted_function_data on 12+, a direct pointer without the sandbox)
//    holds UncompiledData for never-compiled functions: start_position int32
//    @+16, end_position int32 @+20 (v8dbg class_UncompiledData__*).
//    raw_function_token_offset (u16, v8dbg) = start - position of the
//    `function` token (0xffff when out of range).
//  * Script.line_ends (v8dbg, +56): a FixedArray of Smi offsets of each '\n'
//    once computed, otherwise undefined (then lines are counted in the
//    source text).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "v8/objects.h"

namespace corescope::v8 {

// ScopeInfoView: the decoded fixed part and context locals of a ScopeInfo.
struct ScopeInfoView {
  uint32_t flags = 0;
  std::string scope_type;          // "function", "block", "catch", "script", "module", "class", "eval", "with"...
  int64_t parameter_count = 0;
  uint64_t context_local_count = 0;
  std::vector<std::string> context_local_names;  // index = local index (may be shorter if unreadable)
  std::optional<int32_t> start_position, end_position;
  bool is_empty = false;
};

// DecodeScopeInfo decodes a ScopeInfo (tagged) for the core's V8 version,
// reading at most max_names local names. nullopt if it is not readable.
std::optional<ScopeInfoView> DecodeScopeInfo(const Heap& heap, uint64_t scope_info, size_t max_names = 4096);

// SourceLocation: a position in a script, 1-based like a JS stack trace.
struct SourceLocation {
  int32_t position = -1;   // UTF-16 offset in the script source
  int64_t line = 0;        // 1-based
  int64_t column = 0;      // 1-based
};

// LocateInScript turns a source offset into line:column using Script.line_ends,
// or the source text when line_ends were never computed. nullopt when neither
// is readable.
std::optional<SourceLocation> LocateInScript(const Heap& heap, uint64_t script, int32_t position);

// FunctionPositions: the source range of a SharedFunctionInfo.
struct FunctionPositions {
  int32_t start = -1;          // V8 StartPosition(): usually the '(' of the parameters
  int32_t end = -1;
  int32_t token = -1;          // the `function` / `async` / method name token (start when unknown)
  std::string source;          // "scope-info" or "uncompiled-data"
};
// SharedPositions returns the positions of an SFI, nullopt when it has none
// (builtins, API functions).
std::optional<FunctionPositions> SharedPositions(const Heap& heap, uint64_t sfi);

// ContextVariable: one named slot of a Context.
struct ContextVariable {
  std::string name;
  uint64_t value = 0;          // tagged word (the hole = not yet initialised `let`)
  bool readable = true;
  bool is_double = false;      // the value is `number`, a raw float64 (a Node 26 ContextCell)
  double number = 0;
  bool in_cell = false;        // read through a ContextCell (Node 26)
};

// ContextScope: one Context of a function's chain, innermost first.
struct ContextScope {
  uint64_t context = 0;        // tagged
  std::string type;            // the context's instance type name (FUNCTION_CONTEXT_TYPE...)
  std::string scope_type;      // from its ScopeInfo ("function", "block", "script"...)
  uint64_t total = 0;          // context locals
  bool truncated = false;
  std::vector<ContextVariable> variables;
};

struct ClosureContext {
  std::vector<ContextScope> scopes;
  bool reached_native_context = false;
  std::vector<std::string> warnings;
};

// ReadContextChain walks a Context and its previous contexts (up to
// max_depth, stopping at the native context), naming each slot from its
// ScopeInfo, at most max_vars variables per context.
ClosureContext ReadContextChain(const Heap& heap, uint64_t context, size_t max_depth, size_t max_vars);

}  // namespace corescope::v8
