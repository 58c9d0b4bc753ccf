// Function source positions and closure contexts; see closures.h for the
// measured layouts. Every count read from the core is bounded before it
// drives a loop or an allocation.
#include "v8/closures.h"

#include <algorithm>
#include <cstdio>

#include "util/byte_reader.h"
#include "util/limits.h"

namespace corescope::v8 {
namespace {

constexpr int64_t kFixedArrayLengthOffset = 8;
constexpr int64_t kFixedArrayHeaderSize = 16;
constexpr int64_t kContextScopeInfoSlot = 0;
constexpr int64_t kContextPreviousSlot = 1;
constexpr uint64_t kMinContextSlots = 2;          // v8dbg context_min_slots
constexpr uint64_t kMaxContextHeader = 4;         // + extension (+ side data) slots
constexpr int64_t kSfiFunctionDataOffset = 8;     // function_data / trusted_function_data
constexpr int64_t kUncompiledStartOffset = 16;    // v8dbg class_UncompiledData__start_position
constexpr int64_t kUncompiledEndOffset = 20;
constexpr uint16_t kFunctionTokenOutOfRange = 0xffff;
constexpr int64_t kScriptLineEndsOffset = 56;     // v8dbg class_Script__line_ends (all five)
// Source text decoded to find a line when line_ends were never computed.
constexpr uint64_t kMaxSourceScan = limits::kMaxSourceScan;

// ScopeFlags bit positions, the same on V8 10.2 through 14.6 (measured).
constexpr int kBitHasSavedClassVariable = 10;
constexpr int kShiftFunctionVariable = 12;
constexpr int kBitHasInferredFunctionName = 14;

std::string Hex(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// NewScopeLayout: the ScopeInfo with u32 flags, fixed position_info and the
// SCRIPT-first ScopeType numbering. It came with scopeinfo_idx_first_vars 5
// (measured: 3 on V8 10.2-12.4, 5 on 12.9 (Node 23), 13.6 and 14.6).
bool NewScopeLayout(const Heap& heap) {
  if (auto first = heap.metadata().Get("scopeinfo_idx_first_vars")) return *first >= 5;
  return heap.metadata().v8_version().major >= 13;
}

const char* ScopeTypeName(int type, bool new_enum) {
  static const char* const kOld[] = {"class", "eval", "function", "module", "script", "catch", "block", "with", "shadow-realm"};
  static const char* const kNew[] = {"script", "repl-mode", "class", "eval", "function", "module", "catch", "block", "with", "shadow-realm"};
  if (new_enum) return type >= 0 && type < 10 ? kNew[type] : "unknown";
  return type >= 0 && type < 9 ? kOld[type] : "unknown";
}

std::optional<int64_t> SmiAt(const Heap& heap, uint64_t obj, int64_t offset) {
  auto w = heap.ReadField(obj, offset);
  if (!w || !IsSmi(*w)) return std::nullopt;
  return SmiValue(*w);
}

int64_t ScopeSlotOffset(int64_t index) { return 8 + 8 * index; }

// ReadHashTableNames fills names[index] from a NameToIndexHashTable.
void ReadHashTableNames(const Heap& heap, uint64_t table, uint64_t n, size_t max_names, std::vector<std::string>* names) {
  auto len = SmiAt(heap, table, kFixedArrayLengthOffset);
  auto cap = SmiAt(heap, table, kFixedArrayHeaderSize + 16);
  if (!len || !cap || *cap < 0 || *len < 3 + 2 * *cap || static_cast<uint64_t>(*cap) > limits::kMaxArrayLengthFollowed) return;
  names->assign(std::min<uint64_t>(n, max_names), std::string());
  for (int64_t e = 0; e < *cap; e++) {
    int64_t slot = 3 + 2 * e;
    auto key = heap.ReadField(table, kFixedArrayHeaderSize + 8 * slot);
    if (!key) break;  // the table runs past the core's memory: stop, not 2^28 misses
    auto idx = SmiAt(heap, table, kFixedArrayHeaderSize + 8 * (slot + 1));
    if (!key || !idx || !IsStrong(*key) || *idx < 0 || static_cast<uint64_t>(*idx) >= names->size()) continue;
    if (auto s = heap.ReadString(*key, 256)) (*names)[static_cast<size_t>(*idx)] = s->utf8;
  }
}

// UnwrapContextCell: V8 14 (Node 26) may keep a `let` slot's value in a
// ContextCell (measured layout: tagged_value @+8, dependent_code @+16, state
// u32 @+24, double_value @+32). The tagged value is used when it is a Smi or
// a heap object; otherwise the raw double.
void UnwrapContextCell(const Heap& heap, ContextVariable* var) {
  if (!IsStrong(var->value)) return;
  const MapInfo* m = heap.MapOf(var->value);
  if (!m || heap.types().DisplayName(m->instance_type) != "CONTEXT_CELL_TYPE") return;
  uint64_t cell = var->value;
  auto tagged = heap.ReadField(cell, 8);
  if (tagged && (IsSmi(*tagged) || (IsStrong(*tagged) && heap.MapOf(*tagged)))) {
    var->value = *tagged;
    var->in_cell = true;
    return;
  }
  if (auto d = heap.memory().ReadValue<double>(Untag(cell) + 32)) {
    var->is_double = true;
    var->number = *d;
    var->in_cell = true;
  }
}

}  // namespace

std::optional<ScopeInfoView> DecodeScopeInfo(const Heap& heap, uint64_t scope_info, size_t max_names) {
  const MapInfo* m = IsStrong(scope_info) ? heap.MapOf(scope_info) : nullptr;
  if (!m || m->instance_type != heap.types().scope_info) return std::nullopt;
  const Metadata& md = heap.metadata();
  bool new_layout = NewScopeLayout(heap);
  int64_t i_params = md.Get("scopeinfo_idx_nparams").value_or(1);
  int64_t i_count = md.Get("scopeinfo_idx_ncontextlocals").value_or(2);
  int64_t i_first = md.Get("scopeinfo_idx_first_vars").value_or(new_layout ? 5 : 3);

  ScopeInfoView v;
  auto flags_w = heap.ReadField(scope_info, ScopeSlotOffset(0));
  auto count = SmiAt(heap, scope_info, ScopeSlotOffset(i_count));
  if (!flags_w || !count || *count < 0 || static_cast<uint64_t>(*count) > limits::kMaxArrayLengthFollowed) return std::nullopt;
  // V8 10.2-12.4 keep the flags as a Smi, 13.6+ as a raw u32 (+ padding).
  v.flags = new_layout ? static_cast<uint32_t>(*flags_w & 0xffffffffu) : static_cast<uint32_t>(SmiValue(*flags_w));
  v.parameter_count = SmiAt(heap, scope_info, ScopeSlotOffset(i_params)).value_or(0);
  v.context_local_count = static_cast<uint64_t>(*count);
  int type = static_cast<int>(v.flags & 0xf);
  v.scope_type = ScopeTypeName(type, new_layout);
  uint64_t n = v.context_local_count;
  uint64_t threshold = heap.layout().scope_info.inlined_local_names_threshold;
  if (threshold == 0) threshold = 75;  // kScopeInfoMaxInlinedLocalNamesSize
  bool inlined = n < threshold;

  int64_t names_slot = i_first;
  // Module scopes keep module_variable_count before the names from V8 12
  // (measured: on 12.4 the names sit one slot later than on 10.2/11.3).
  if (v.scope_type == std::string("module") && heap.metadata().v8_version().major >= 12) names_slot += 1;
  if (inlined) {
    uint64_t take = std::min<uint64_t>(n, max_names);
    v.context_local_names.reserve(take);
    for (uint64_t i = 0; i < take; i++) {
      auto w = heap.ReadField(scope_info, ScopeSlotOffset(names_slot + static_cast<int64_t>(i)));
      std::optional<StringValue> s;
      if (w && IsStrong(*w)) s = heap.ReadString(*w, 256);
      v.context_local_names.push_back(s ? s->utf8 : std::string());
    }
  } else if (auto table = heap.ReadField(scope_info, ScopeSlotOffset(names_slot)); table && IsStrong(*table)) {
    ReadHashTableNames(heap, *table, n, max_names, &v.context_local_names);
  }

  // Positions.
  std::optional<int64_t> start, end;
  if (new_layout) {
    start = SmiAt(heap, scope_info, ScopeSlotOffset(3));
    end = SmiAt(heap, scope_info, ScopeSlotOffset(4));
  } else {
    bool has_positions = v.scope_type == std::string("function") || v.scope_type == std::string("script") ||
                         v.scope_type == std::string("eval") || v.scope_type == std::string("module") ||
                         v.scope_type == std::string("class");
    if (has_positions) {
      int64_t slot = names_slot + static_cast<int64_t>(inlined ? n : 1) + static_cast<int64_t>(n);
      if (v.flags & (1u << kBitHasSavedClassVariable)) slot += 1;
      if (((v.flags >> kShiftFunctionVariable) & 3) != 0) slot += 2;
      if (v.flags & (1u << kBitHasInferredFunctionName)) slot += 1;
      start = SmiAt(heap, scope_info, ScopeSlotOffset(slot));
      end = SmiAt(heap, scope_info, ScopeSlotOffset(slot + 1));
    }
  }
  // An empty class scope (or a damaged object) has no positions: accept only
  // a plausible range.
  if (start && end && *start >= 0 && *end >= *start && *end < (int64_t{1} << 31)) {
    v.start_position = static_cast<int32_t>(*start);
    v.end_position = static_cast<int32_t>(*end);
  }
  v.is_empty = n == 0 && !v.start_position;
  return v;
}

std::optional<SourceLocation> LocateInScript(const Heap& heap, uint64_t script, int32_t position) {
  if (position < 0 || !IsStrong(script)) return std::nullopt;
  const MapInfo* sm = heap.MapOf(script);
  if (!sm || sm->instance_type != heap.types().script) return std::nullopt;
  SourceLocation loc;
  loc.position = position;
  int64_t off = heap.metadata().Field("Script", "line_ends").value_or(kScriptLineEndsOffset);
  auto line_ends = heap.ReadField(script, off);
  if (line_ends && IsStrong(*line_ends)) {
    const MapInfo* lm = heap.MapOf(*line_ends);
    auto len = SmiAt(heap, *line_ends, kFixedArrayLengthOffset);
    if (lm && lm->instance_type == heap.types().fixed_array && len && *len > 0 &&
        static_cast<uint64_t>(*len) <= limits::kMaxArrayLengthFollowed) {
      // Line i ends at line_ends[i] (the offset of its '\n'): the line of a
      // position is the first i with line_ends[i] >= position.
      int64_t lo = 0, hi = *len;
      bool ok = true;
      while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        auto e = SmiAt(heap, *line_ends, kFixedArrayHeaderSize + 8 * mid);
        if (!e) {
          ok = false;
          break;
        }
        if (*e < position) lo = mid + 1; else hi = mid;
      }
      if (ok && lo < *len) {
        int64_t line_start = 0;
        if (lo > 0) {
          auto prev = SmiAt(heap, *line_ends, kFixedArrayHeaderSize + 8 * (lo - 1));
          if (!prev) ok = false; else line_start = *prev + 1;
        }
        if (ok) {
          loc.line = lo + 1;
          loc.column = position - line_start + 1;
          return loc;
        }
      }
    }
  }
  // line_ends never computed: count lines in the source text, counting
  // UTF-16 code units as V8 positions do.
  auto source = heap.ScriptSource(script);
  if (!source) return std::nullopt;
  uint64_t want = std::min<uint64_t>(3ull * static_cast<uint64_t>(position) + 16, kMaxSourceScan);
  auto text = heap.ReadString(*source, want);
  if (!text) return std::nullopt;
  const std::string& s = text->utf8;
  int64_t units = 0, line = 1, line_start_units = 0;
  size_t i = 0;
  while (i < s.size() && units < position) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (c == '\n') {
      line++;
      line_start_units = units + 1;
    }
    units += len == 4 ? 2 : 1;
    i += len;
  }
  if (units < position) return std::nullopt;  // the source is shorter than the position
  loc.line = line;
  loc.column = position - line_start_units + 1;
  return loc;
}

std::optional<FunctionPositions> SharedPositions(const Heap& heap, uint64_t sfi) {
  const MapInfo* m = IsStrong(sfi) ? heap.MapOf(sfi) : nullptr;
  if (!m || m->instance_type != heap.types().shared_function_info) return std::nullopt;
  const Metadata& md = heap.metadata();
  FunctionPositions p;
  int64_t nsi_off = md.Field("SharedFunctionInfo", "name_or_scope_info").value_or(heap.layout().sfi_name_or_scope_info);
  if (auto nsi = heap.ReadField(sfi, nsi_off); nsi && IsStrong(*nsi)) {
    if (auto view = DecodeScopeInfo(heap, *nsi, 0); view && view->start_position) {
      p.start = *view->start_position;
      p.end = *view->end_position;
      p.source = "scope-info";
    }
  }
  if (p.start < 0) {
    auto data = heap.ReadField(sfi, kSfiFunctionDataOffset);
    const MapInfo* dm = data && IsStrong(*data) ? heap.MapOf(*data) : nullptr;
    if (dm && heap.types().DisplayName(dm->instance_type).rfind("UNCOMPILED_DATA", 0) == 0) {
      auto s = heap.memory().ReadValue<int32_t>(Untag(*data) + kUncompiledStartOffset);
      auto e = heap.memory().ReadValue<int32_t>(Untag(*data) + kUncompiledEndOffset);
      if (s && e && *s >= 0 && *e >= *s) {
        p.start = *s;
        p.end = *e;
        p.source = "uncompiled-data";
      }
    }
  }
  if (p.start < 0) return std::nullopt;
  p.token = p.start;
  if (auto tok_off = md.Field("SharedFunctionInfo", "raw_function_token_offset")) {
    auto t = heap.memory().ReadValue<uint16_t>(Untag(sfi) + static_cast<uint64_t>(*tok_off));
    if (t && *t != kFunctionTokenOutOfRange && *t <= p.start) p.token = p.start - *t;
  }
  return p;
}

ClosureContext ReadContextChain(const Heap& heap, uint64_t context, size_t max_depth, size_t max_vars) {
  ClosureContext out;
  uint64_t ctx = context;
  for (size_t depth = 0; depth < max_depth; depth++) {
    const MapInfo* m = IsStrong(ctx) ? heap.MapOf(ctx) : nullptr;
    if (!m || !heap.types().IsContext(m->instance_type)) {
      if (depth == 0) out.warnings.push_back(Hex(ctx) + " is not a readable Context");
      break;
    }
    if (m->instance_type == heap.types().native_context) {
      out.reached_native_context = true;
      break;
    }
    ContextScope scope;
    scope.context = ctx;
    scope.type = heap.types().DisplayName(m->instance_type);
    auto len = SmiAt(heap, ctx, kFixedArrayLengthOffset);
    auto si = heap.ReadField(ctx, kFixedArrayHeaderSize + 8 * kContextScopeInfoSlot);
    auto view = si ? DecodeScopeInfo(heap, *si, max_vars) : std::nullopt;
    if (!len || *len < 0 || static_cast<uint64_t>(*len) > limits::kMaxArrayLengthFollowed) {
      out.warnings.push_back("context " + Hex(ctx) + " has no readable length");
      break;
    }
    if (view) {
      scope.scope_type = view->scope_type;
      uint64_t n = view->context_local_count;
      uint64_t length = static_cast<uint64_t>(*len);
      uint64_t header = length >= n ? length - n : 0;
      if (n == 0 && length > kMinContextSlots) {
        // An unnamed context (the empty ScopeInfo): builtins keep state in
        // such contexts (a promise's resolve functions share one holding the
        // promise). Show its slots after scope_info/previous, unnamed.
        for (uint64_t i = kMinContextSlots; i < length; i++) {
          if (scope.variables.size() >= max_vars) {
            scope.truncated = true;
            break;
          }
          ContextVariable var;
          var.name = "<slot " + std::to_string(i) + ">";
          auto v = heap.ReadField(ctx, kFixedArrayHeaderSize + static_cast<int64_t>(8 * i));
          var.readable = v.has_value();
          var.value = v.value_or(0);
          scope.variables.push_back(std::move(var));
        }
        scope.total = length - kMinContextSlots;
        scope.scope_type = "unnamed";
      } else if (n > length || header < kMinContextSlots || header > kMaxContextHeader) {
        out.warnings.push_back("context " + Hex(ctx) + " has " + std::to_string(length) + " slots for " +
                               std::to_string(n) + " locals; its variables are not shown");
      } else {
        scope.total = n;
        for (uint64_t i = 0; i < n; i++) {
          if (scope.variables.size() >= max_vars) {
            scope.truncated = true;
            break;
          }
          ContextVariable var;
          var.name = i < view->context_local_names.size() && !view->context_local_names[i].empty()
                         ? view->context_local_names[i]
                         : "<local " + std::to_string(i) + ">";
          auto v = heap.ReadField(ctx, kFixedArrayHeaderSize + static_cast<int64_t>(8 * (header + i)));
          var.readable = v.has_value();
          var.value = v.value_or(0);
          if (v) UnwrapContextCell(heap, &var);
          scope.variables.push_back(std::move(var));
        }
      }
    } else {
      out.warnings.push_back("context " + Hex(ctx) + " has no readable ScopeInfo");
    }
    out.scopes.push_back(std::move(scope));
    auto prev = heap.ReadField(ctx, kFixedArrayHeaderSize + 8 * kContextPreviousSlot);
    if (!prev || !IsStrong(*prev) || *prev == ctx) break;
    ctx = *prev;
  }
  return out;
}

}  // namespace corescope::v8
