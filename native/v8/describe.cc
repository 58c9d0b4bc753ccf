// Describe: one heap object as JSON; see describe.h for the shape. Every
// value read goes through objects.h / properties.h / collections.h /
// closures.h, which bound their reads; this file bounds the output (items per
// list, string bytes, nested expansions) and turns unreadable parts into
// warnings.
#include "v8/describe.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>

#include "util/limits.h"
#include "v8/closures.h"
#include "v8/collections.h"
#include "v8/properties.h"

namespace corescope::v8 {
namespace {

// Field offsets measured on Node 18-26 (the same on all five; see the
// comments in properties.h / collections.h for how they were checked).
constexpr int64_t kPromiseResultOffset = 24;     // JSPromise.reactions_or_result
constexpr int64_t kPromiseFlagsOffset = 32;      // Smi: status bits 0-1, has_handler bit 2
constexpr int64_t kPrimitiveWrapperValueOffset = 24;
constexpr int64_t kBoundTargetOffset = 24;       // JSBoundFunction.bound_target_function
constexpr int64_t kBoundThisOffset = 32;
constexpr int64_t kBoundArgumentsOffset = 40;
constexpr int64_t kProxyTargetOffset = 16;       // JSProxy: target, handler after properties_or_hash
constexpr int64_t kProxyHandlerOffset = 24;
constexpr int64_t kRegExpFlagsOffset = 40;       // after data @24 and source @32 (v8dbg)
constexpr int64_t kBigIntBitfieldOffset = 8;     // u32: sign bit 0, length bits 1-30
constexpr int64_t kBigIntDigitsOffset = 16;
constexpr int64_t kAccessorPairGetterOffset = 8;
constexpr int64_t kAccessorPairSetterOffset = 16;
constexpr int64_t kErrorStackDataStackOffset = 8;  // ErrorStackData.call_site_infos_or_formatted_stack
constexpr int64_t kFixedArrayHeaderSize = 16;
constexpr size_t kPreviewProperties = 5;
constexpr size_t kPreviewElements = 6;
constexpr size_t kPreviewString = 40;
constexpr size_t kMaxStackFrames = 64;

std::string Hex(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string NumberText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  char buf[40];
  // The shortest text that reads back as the same double, like JS prints.
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}

std::string Truncate(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) cut--;  // keep UTF-8 whole
  return s.substr(0, cut) + "…";
}

// Kind: what a person would call the object.
enum class Kind {
  kString, kNumber, kOddball, kHole, kSymbol, kBigInt, kFunction, kBoundFunction, kArray, kDate, kError,
  kPromise, kCollection, kArrayBuffer, kTypedArray, kDataView, kRegExp, kBoxed, kProxy, kArguments,
  kObject, kContext, kSharedFunctionInfo, kScript, kScopeInfo, kInternal,
};

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kString: return "string";
    case Kind::kNumber: return "number";
    case Kind::kOddball: return "oddball";
    case Kind::kHole: return "hole";
    case Kind::kSymbol: return "symbol";
    case Kind::kBigInt: return "bigint";
    case Kind::kFunction: return "function";
    case Kind::kBoundFunction: return "bound-function";
    case Kind::kArray: return "array";
    case Kind::kDate: return "date";
    case Kind::kError: return "error";
    case Kind::kPromise: return "promise";
    case Kind::kCollection: return "collection";
    case Kind::kArrayBuffer: return "arraybuffer";
    case Kind::kTypedArray: return "typedarray";
    case Kind::kDataView: return "dataview";
    case Kind::kRegExp: return "regexp";
    case Kind::kBoxed: return "boxed";
    case Kind::kProxy: return "proxy";
    case Kind::kArguments: return "arguments";
    case Kind::kObject: return "object";
    case Kind::kContext: return "context";
    case Kind::kSharedFunctionInfo: return "shared-function-info";
    case Kind::kScript: return "script";
    case Kind::kScopeInfo: return "scope-info";
    case Kind::kInternal: return "internal";
  }
  return "internal";
}

const char* StringRepName(StringRep r) {
  switch (r) {
    case StringRep::kSeq: return "sequential";
    case StringRep::kCons: return "cons";
    case StringRep::kExternal: return "external";
    case StringRep::kSliced: return "sliced";
    case StringRep::kThin: return "thin";
    default: return "unknown";
  }
}

// TypedArrayName maps UINT8_ELEMENTS to Uint8Array, for previews.
std::string TypedArrayName(const ElementsKindInfo& k) {
  static const struct { const char* kind; const char* name; } kNames[] = {
      {"UINT8", "Uint8Array"},   {"INT8", "Int8Array"},       {"UINT16", "Uint16Array"},
      {"INT16", "Int16Array"},   {"UINT32", "Uint32Array"},   {"INT32", "Int32Array"},
      {"FLOAT16", "Float16Array"}, {"FLOAT32", "Float32Array"}, {"FLOAT64", "Float64Array"},
      {"UINT8_CLAMPED", "Uint8ClampedArray"}, {"BIGUINT64", "BigUint64Array"}, {"BIGINT64", "BigInt64Array"},
  };
  std::string n = k.name;
  if (n.rfind("RAB_GSAB_", 0) == 0) n = n.substr(9);
  if (n.size() > 9) n = n.substr(0, n.size() - 9);  // "_ELEMENTS"
  for (auto& e : kNames) {
    if (n == e.kind) return e.name;
  }
  return "TypedArray";
}

std::string BytesHex(const uint8_t* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n);
  for (size_t i = 0; i < n; i++) {
    s += kDigits[p[i] >> 4];
    s += kDigits[p[i] & 15];
  }
  return s;
}

// BigIntDecimal renders little-endian 64-bit digits in base 10.
std::string BigIntDecimal(std::vector<uint64_t> digits, bool negative) {
  std::string out;
  while (!digits.empty() && digits.back() == 0) digits.pop_back();
  if (digits.empty()) return "0";
  const uint64_t kChunk = 10000000000000000000ull;  // 10^19
  while (!digits.empty()) {
    unsigned __int128 rem = 0;
    for (size_t i = digits.size(); i-- > 0;) {
      unsigned __int128 cur = (rem << 64) | digits[i];
      digits[i] = static_cast<uint64_t>(cur / kChunk);
      rem = cur % kChunk;
    }
    while (!digits.empty() && digits.back() == 0) digits.pop_back();
    char buf[24];
    snprintf(buf, sizeof buf, digits.empty() ? "%llu" : "%019llu", static_cast<unsigned long long>(rem));
    out = buf + out;
  }
  return negative ? "-" + out : out;
}

class Describer {
 public:
  Describer(const Heap& heap, const DescribeOptions& opts) : heap_(heap), types_(heap.types()), opts_(opts) {}

  void Object(uint64_t obj, int depth, JsonWriter& w);

 private:
  struct Warnings {
    std::vector<std::string> items;
    void Add(std::string s) {
      if (items.size() < 64 && std::find(items.begin(), items.end(), s) == items.end()) items.push_back(std::move(s));
    }
  };

  Kind KindOf(uint64_t obj, const MapInfo& m) const;
  std::string NameOf(uint64_t obj, const MapInfo& m, Kind k) const;
  void Value(uint64_t v, int depth, JsonWriter& w);
  std::string ShortText(uint64_t v, int budget);
  std::string Preview(uint64_t obj, const MapInfo& m, Kind k, int budget);
  std::string FunctionName(uint64_t fn) const;
  std::optional<std::string> BigIntText(uint64_t obj) const;

  void Properties(uint64_t obj, int depth, JsonWriter& w, Warnings& warn, PropertyList* keep);
  void Elements(uint64_t obj, Kind k, int depth, JsonWriter& w, Warnings& warn);
  void StringBody(uint64_t obj, const MapInfo& m, JsonWriter& w, Warnings& warn);
  void FunctionBody(uint64_t fn, uint64_t sfi, uint64_t context, JsonWriter& w, Warnings& warn, int depth);
  void ErrorBody(uint64_t obj, const PropertyList& props, int depth, JsonWriter& w, Warnings& warn);
  void Bytes(uint64_t addr, uint64_t length, JsonWriter& w);
  void ContextVariables(const ClosureContext& cc, int depth, JsonWriter& w);

  const Heap& heap_;
  const InstanceTypes& types_;
  const DescribeOptions& opts_;
  std::set<uint64_t> shown_;     // objects described in this call (cycle detection)
  size_t expansions_ = 0;
  bool extra_added_ = false;     // opts_.extra_warnings went to the top object
};

Kind Describer::KindOf(uint64_t obj, const MapInfo& m) const {
  uint16_t t = m.instance_type;
  if (heap_.IsString(m)) return Kind::kString;
  if (t == types_.heap_number) return Kind::kNumber;
  if (t == types_.oddball || t == types_.hole) {
    return heap_.Oddball(obj) == OddballKind::kTheHole ? Kind::kHole : Kind::kOddball;
  }
  if (t == types_.symbol) return Kind::kSymbol;
  if (t == types_.bigint) return Kind::kBigInt;
  if (heap_.IsJSFunction(m)) return Kind::kFunction;
  if (t == types_.js_bound_function) return Kind::kBoundFunction;
  if (t == types_.js_array) return Kind::kArray;
  if (t == types_.js_date) return Kind::kDate;
  if (t == types_.js_error) return Kind::kError;
  if (t == types_.js_promise) return Kind::kPromise;
  if (IsCollection(heap_, m)) return Kind::kCollection;
  if (t == types_.js_array_buffer) return Kind::kArrayBuffer;
  if (t == types_.js_typed_array) return Kind::kTypedArray;
  if (auto dv = types_.Number("JS_DATA_VIEW_TYPE"); dv && t == *dv) return Kind::kDataView;
  if (auto dv = types_.Number("JS_RAB_GSAB_DATA_VIEW_TYPE"); dv && t == *dv) return Kind::kDataView;
  if (t == types_.js_regexp) return Kind::kRegExp;
  if (t == types_.js_primitive_wrapper) return Kind::kBoxed;
  if (t == types_.js_proxy) return Kind::kProxy;
  if (t == types_.js_arguments_object) return Kind::kArguments;
  if (types_.IsJSReceiver(t)) return Kind::kObject;
  if (types_.IsContext(t)) return Kind::kContext;
  if (t == types_.shared_function_info) return Kind::kSharedFunctionInfo;
  if (t == types_.script) return Kind::kScript;
  if (t == types_.scope_info) return Kind::kScopeInfo;
  return Kind::kInternal;
}

std::string Describer::FunctionName(uint64_t fn) const {
  auto sfi = heap_.FunctionShared(fn);
  if (!sfi) return "";
  return heap_.SharedName(*sfi).value_or("");
}

// BigIntText: the decimal value of a BigInt (u32 bitfield @+8: sign bit 0,
// length in bits 1-30; 64-bit digits from +16), nullopt if unreadable or
// longer than 1024 digits (65536 bits).
std::optional<std::string> Describer::BigIntText(uint64_t obj) const {
  auto bits = heap_.memory().ReadU32(Untag(obj) + kBigIntBitfieldOffset);
  if (!bits) return std::nullopt;
  uint64_t len = (*bits >> 1) & 0x3fffffff;
  if (len > 1024) return std::nullopt;
  std::vector<uint64_t> digits(len);
  if (len && !heap_.memory().Read(Untag(obj) + kBigIntDigitsOffset, digits.data(), len * 8)) return std::nullopt;
  return BigIntDecimal(std::move(digits), *bits & 1);
}

std::string Describer::NameOf(uint64_t obj, const MapInfo& m, Kind k) const {
  switch (k) {
    case Kind::kString: return "String";
    case Kind::kNumber: return "Number";
    case Kind::kOddball:
    case Kind::kHole: return OddballKindName(heap_.Oddball(obj));
    case Kind::kSymbol: return "Symbol";
    case Kind::kBigInt: return "BigInt";
    case Kind::kFunction: {
      std::string n = FunctionName(obj);
      return n.empty() ? "(anonymous)" : n;
    }
    case Kind::kBoundFunction: return "BoundFunction";
    default: break;
  }
  if (types_.IsJSReceiver(m.instance_type)) {
    std::string n = heap_.ConstructorNameOf(m, obj);
    if (!n.empty()) return n;
  }
  return types_.DisplayName(m.instance_type);
}

// ShortText: a one-line rendering of any value for previews.
std::string Describer::ShortText(uint64_t v, int budget) {
  if (IsSmi(v)) return std::to_string(SmiValue(v));
  if (!IsStrong(v)) return "<" + Hex(v) + ">";
  const MapInfo* m = heap_.MapOf(v);
  if (!m) return "<unreadable " + Hex(v) + ">";
  Kind k = KindOf(v, *m);
  return Preview(v, *m, k, budget);
}

std::string Describer::Preview(uint64_t obj, const MapInfo& m, Kind k, int budget) {
  switch (k) {
    case Kind::kString: {
      auto s = heap_.ReadString(obj, kPreviewString + 8);
      if (!s) return "<unreadable string>";
      std::string t = Truncate(s->utf8, kPreviewString);
      if (s->truncated && t.size() == s->utf8.size()) t += "…";
      return "'" + t + "'";
    }
    case Kind::kNumber: return NumberText(heap_.HeapNumberValue(obj).value_or(NAN));
    case Kind::kOddball:
    case Kind::kHole: return OddballKindName(heap_.Oddball(obj));
    case Kind::kSymbol: return "Symbol(" + heap_.SymbolDescription(obj).value_or("") + ")";
    case Kind::kBigInt: return BigIntText(obj).value_or("<BigInt>") + "n";
    case Kind::kFunction: {
      std::string n = FunctionName(obj);
      bool is_class = types_.DisplayName(m.instance_type).find("CLASS_CONSTRUCTOR") != std::string::npos;
      return std::string(is_class ? "class " : "function ") + (n.empty() ? "(anonymous)" : n);
    }
    case Kind::kDate: {
      auto t = heap_.JSDateValue(obj);
      std::string iso = t ? IsoDate(*t) : "";
      return "Date " + (iso.empty() ? std::string("Invalid Date") : iso);
    }
    case Kind::kError: {
      std::string name = NameOf(obj, m, k);
      auto msg = FindProperty(heap_, obj, "message");
      std::string text = msg ? ShortText(msg->value, 0) : "";
      if (text.size() >= 2 && text.front() == '\'') text = text.substr(1, text.size() - 2);
      return text.empty() ? name : name + ": " + text;
    }
    case Kind::kPromise: {
      auto flags = heap_.ReadField(obj, kPromiseFlagsOffset);
      int state = flags && IsSmi(*flags) ? static_cast<int>(SmiValue(*flags) & 3) : -1;
      if (state == 0) return "Promise {<pending>}";
      auto r = heap_.ReadField(obj, kPromiseResultOffset);
      std::string rs = r && budget > 0 ? ShortText(*r, 0) : "…";
      return state == 1 ? "Promise {" + rs + "}" : state == 2 ? "Promise {<rejected> " + rs + "}" : "Promise";
    }
    case Kind::kCollection: {
      auto c = ReadCollection(heap_, obj, 0);
      return c ? c->kind + "(" + std::to_string(c->size) + ")" : "collection";
    }
    case Kind::kArrayBuffer: {
      auto ab = ReadArrayBuffer(heap_, obj);
      return "ArrayBuffer { byteLength: " + (ab ? std::to_string(ab->byte_length) : std::string("?")) + " }";
    }
    case Kind::kTypedArray: {
      auto ta = ReadTypedArray(heap_, obj);
      std::string n = NameOf(obj, m, k);
      return n + "(" + (ta ? std::to_string(ta->length) : std::string("?")) + ")";
    }
    case Kind::kBoxed: {
      auto v = heap_.ReadField(obj, kPrimitiveWrapperValueOffset);
      return "[" + NameOf(obj, m, k) + ": " + (v ? ShortText(*v, 0) : std::string("?")) + "]";
    }
    case Kind::kArray: {
      std::string out = "Array(" + NumberText(heap_.JSArrayLength(obj).value_or(NAN)) + ")";
      if (budget <= 0) return out;
      auto els = ReadElements(heap_, obj, kPreviewElements);
      if (!els) return out;
      out += " [";
      for (size_t i = 0; i < els->items.size(); i++) {
        const ElementValue& e = els->items[i];
        if (i) out += ", ";
        out += e.kind == ElementValue::Kind::kTagged ? ShortText(e.tagged, 0) : NumberText(e.number);
      }
      if (els->truncated || els->present > els->items.size()) out += ", …";
      return out + "]";
    }
    case Kind::kObject:
    case Kind::kArguments:
    case Kind::kRegExp: {
      std::string out = NameOf(obj, m, k);
      if (budget <= 0) return out;
      auto props = ReadNamedProperties(heap_, obj, kPreviewProperties + 8);
      if (!props) return out;
      out += " {";
      size_t shown = 0;
      for (const NamedProperty& p : props->items) {
        if (p.is_private_symbol && p.name.rfind('#', 0) != 0) continue;
        if (shown == kPreviewProperties) {
          out += ", …";
          break;
        }
        out += shown ? ", " : "";
        std::string val = p.is_accessor ? "<accessor>"
                          : p.raw_double ? NumberText(p.double_value)
                                         : ShortText(p.value, 0);
        out += p.name + ": " + val;
        shown++;
      }
      return out + "}";
    }
    default:
      return NameOf(obj, m, k);
  }
}

void Describer::Value(uint64_t v, int depth, JsonWriter& w) {
  w.BeginObject();
  if (IsSmi(v)) {
    w.Field("type", "smi").FieldInt("value", SmiValue(v)).EndObject();
    return;
  }
  if (!IsStrong(v)) {
    if (IsWeak(v)) {
      w.Field("type", "weak").FieldHex("address", Tag(Untag(v))).EndObject();
    } else {
      w.Field("type", "raw").FieldHex("value", v).EndObject();
    }
    return;
  }
  const MapInfo* m = heap_.MapOf(v);
  if (!m) {
    w.Field("type", "unreadable").FieldHex("address", v).EndObject();
    return;
  }
  Kind k = KindOf(v, *m);
  switch (k) {
    case Kind::kString: {
      w.Field("type", "string");
      auto s = heap_.ReadString(v, opts_.max_string + 4);
      if (s) {
        std::string t = Truncate(s->utf8, opts_.max_string);
        w.Field("value", t).FieldUint("length", s->length);
        if (t.size() < s->utf8.size() || s->truncated) w.FieldBool("truncated", true);
        if (!s->complete) w.FieldBool("complete", false);
      }
      w.FieldHex("address", v).EndObject();
      return;
    }
    case Kind::kNumber: {
      double d = heap_.HeapNumberValue(v).value_or(NAN);
      w.Field("type", "number").Key("value").Double(d);
      if (!std::isfinite(d) || (d == 0 && std::signbit(d))) w.Field("text", NumberText(d));
      w.FieldHex("address", v).EndObject();
      return;
    }
    case Kind::kOddball:
    case Kind::kHole: {
      OddballKind ok = heap_.Oddball(v);
      w.Field("type", k == Kind::kHole ? "hole" : "oddball").Field("name", OddballKindName(ok));
      if (ok == OddballKind::kTrue || ok == OddballKind::kFalse) w.FieldBool("value", ok == OddballKind::kTrue);
      if (ok == OddballKind::kNull) w.Key("value").Null();
      w.EndObject();
      return;
    }
    case Kind::kSymbol:
      w.Field("type", "symbol").Field("description", heap_.SymbolDescription(v).value_or("")).FieldHex("address", v);
      w.EndObject();
      return;
    default:
      break;
  }
  const char* type = k == Kind::kFunction || k == Kind::kBoundFunction ? "function"
                     : k == Kind::kArray                                  ? "array"
                     : k == Kind::kBigInt                                 ? "bigint"
                     : types_.IsJSReceiver(m->instance_type)              ? "object"
                                                                          : "internal";
  // Accessors (getter/setter pairs, native accessors) are internal objects.
  std::string tname = types_.DisplayName(m->instance_type);
  if (tname == "ACCESSOR_PAIR_TYPE" || tname == "ACCESSOR_INFO_TYPE") type = "accessor";
  w.Field("type", type).FieldHex("address", v).Field("name", NameOf(v, *m, k));
  if (std::string(type) == "internal" || std::string(type) == "accessor") w.Field("typeName", tname);
  if (k == Kind::kArray) {
    if (auto len = heap_.JSArrayLength(v)) w.Key("length").Double(*len);
  }
  if (k == Kind::kBigInt) {
    if (auto text = BigIntText(v)) w.Field("value", *text);
  }
  if (tname == "ACCESSOR_PAIR_TYPE") {
    auto g = heap_.ReadField(v, kAccessorPairGetterOffset);
    auto s = heap_.ReadField(v, kAccessorPairSetterOffset);
    if (g) w.Key("getter"), Value(*g, 0, w);
    if (s) w.Key("setter"), Value(*s, 0, w);
  } else if (type != std::string("internal")) {
    w.Field("preview", Preview(v, *m, k, 1));
  }
  bool expandable = std::string(type) != "accessor";
  if (depth > 0 && expandable) {
    if (shown_.count(v)) {
      w.FieldBool("seen", true);
    } else if (expansions_ >= opts_.max_nested_objects) {
      w.FieldBool("expansionLimit", true);
    } else {
      w.Key("object");
      Object(v, depth - 1, w);
    }
  }
  w.EndObject();
}

void Describer::Properties(uint64_t obj, int depth, JsonWriter& w, Warnings& warn, PropertyList* keep) {
  auto props = ReadNamedProperties(heap_, obj, opts_.max_properties + 16);
  if (!props) {
    warn.Add(props.error().message);
    return;
  }
  for (auto& s : props->warnings) warn.Add(s);
  w.FieldBool("dictionaryMode", props->dictionary_mode);
  w.Key("properties").BeginArray();
  size_t shown = 0, hidden = 0;
  bool truncated = props->truncated;
  for (const NamedProperty& p : props->items) {
    // V8's own private symbols (error_stack_symbol...) have no description;
    // they are implementation details, shown through error/function parts.
    if (p.is_private_symbol && p.name == "<private symbol>") {
      hidden++;
      continue;
    }
    if (shown >= opts_.max_properties) {
      truncated = true;
      break;
    }
    w.BeginObject().Field("name", p.name);
    w.Key("value");
    if (!p.readable) {
      w.BeginObject().Field("type", "unreadable").EndObject();
    } else if (p.raw_double) {
      w.BeginObject().Field("type", "number").Key("value").Double(p.double_value);
      if (!std::isfinite(p.double_value)) w.Field("text", NumberText(p.double_value));
      w.FieldBool("unboxed", true).EndObject();
    } else {
      Value(p.value, depth, w);
    }
    w.Field("storage", PropertyStorageName(p.storage));
    if (p.is_accessor) w.FieldBool("accessor", true);
    if (p.is_symbol) w.FieldBool("symbol", true);
    if (p.is_private_symbol) w.FieldBool("private", true);
    if (p.attributes) w.FieldInt("attributes", p.attributes);
    w.EndObject();
    shown++;
  }
  w.EndArray();
  w.FieldUint("propertyCount", props->total >= hidden ? props->total - hidden : props->total);
  if (truncated) w.FieldBool("propertiesTruncated", true);
  if (props->backing) w.FieldHex("propertiesBacking", props->backing);
  if (keep) *keep = std::move(*props);
}

void Describer::Elements(uint64_t obj, Kind k, int depth, JsonWriter& w, Warnings& warn) {
  auto els = ReadElements(heap_, obj, opts_.max_elements);
  if (!els) {
    warn.Add(els.error().message);
    return;
  }
  for (auto& s : els->warnings) warn.Add(s);
  // Plain objects without indexed properties do not get an elements block.
  if (k != Kind::kArray && k != Kind::kTypedArray && k != Kind::kArguments && els->present == 0 &&
      els->kind.cls != ElementsClass::kDictionary) {
    return;
  }
  w.Key("elements").BeginObject();
  w.Field("kind", els->kind.name).FieldUint("length", els->length).FieldUint("capacity", els->capacity);
  w.FieldUint("present", els->present).FieldBool("holey", els->kind.holey);
  if (els->backing) w.FieldHex("backing", els->backing);
  if (els->truncated) w.FieldBool("truncated", true);
  w.Key("items").BeginArray();
  for (const ElementValue& e : els->items) {
    w.BeginObject().FieldUint("index", e.index).Key("value");
    switch (e.kind) {
      case ElementValue::Kind::kTagged: Value(e.tagged, depth, w); break;
      case ElementValue::Kind::kDouble:
        w.BeginObject().Field("type", "number").Key("value").Double(e.number);
        if (!std::isfinite(e.number)) w.Field("text", NumberText(e.number));
        w.EndObject();
        break;
      case ElementValue::Kind::kInt:
      case ElementValue::Kind::kUint:
        w.BeginObject().Field("type", "number").Key("value").Double(e.number).EndObject();
        break;
      case ElementValue::Kind::kBigInt:
        w.BeginObject().Field("type", "bigint").Field("value", std::to_string(e.i64)).EndObject();
        break;
      case ElementValue::Kind::kBigUint:
        w.BeginObject().Field("type", "bigint").Field("value", std::to_string(e.u64)).EndObject();
        break;
    }
    w.EndObject();
  }
  w.EndArray().EndObject();
}

void Describer::StringBody(uint64_t obj, const MapInfo& m, JsonWriter& w, Warnings& warn) {
  const TypeInfo& ti = types_.Info(m.instance_type);
  w.Key("string").BeginObject();
  auto s = heap_.ReadString(obj, opts_.max_string + 4);
  if (s) {
    std::string t = Truncate(s->utf8, opts_.max_string);
    w.Field("value", t).FieldUint("length", s->length);
    w.FieldBool("truncated", t.size() < s->utf8.size() || s->truncated);
    if (!s->complete) {
      w.FieldBool("complete", false);
      warn.Add("part of the string's characters are not in the core");
    }
  } else {
    warn.Add("the string's characters are unreadable");
  }
  // A ThinString's own type says nothing of the encoding: report the actual string's.
  bool two_byte = ti.two_byte;
  if (ti.string_rep == StringRep::kThin) {
    if (auto off = heap_.metadata().Field("ThinString", "actual")) {
      auto actual = heap_.ReadField(obj, *off);
      const MapInfo* am = actual && IsStrong(*actual) ? heap_.MapOf(*actual) : nullptr;
      if (am) two_byte = types_.Info(am->instance_type).two_byte;
    }
  }
  w.Field("representation", StringRepName(ti.string_rep)).Field("encoding", two_byte ? "two-byte" : "one-byte");
  w.FieldBool("internalized", (ti.flags & kTypeInternalizedString) != 0);
  // The parts a non-flat representation points to (v8dbg ConsString/SlicedString/ThinString offsets).
  const Metadata& md = heap_.metadata();
  auto field = [&](const char* cls, const char* f, const char* key) {
    if (auto off = md.Field(cls, f)) {
      if (auto v = heap_.ReadField(obj, *off)) {
        if (IsSmi(*v)) w.FieldInt(key, SmiValue(*v)); else w.FieldHex(key, *v);
      }
    }
  };
  switch (ti.string_rep) {
    case StringRep::kCons: field("ConsString", "first", "first"); field("ConsString", "second", "second"); break;
    case StringRep::kSliced: field("SlicedString", "parent", "parent"); field("SlicedString", "offset", "offset"); break;
    case StringRep::kThin: field("ThinString", "actual", "actual"); break;
    case StringRep::kExternal: {
      field("ExternalString", "resource", "resource");
      if (auto d = heap_.ReadField(obj, heap_.layout().external_string_resource_data)) w.FieldHex("data", *d);
      break;
    }
    default: break;
  }
  w.EndObject();
}

void Describer::ContextVariables(const ClosureContext& cc, int depth, JsonWriter& w) {
  w.Key("context").BeginArray();
  for (size_t level = 0; level < cc.scopes.size(); level++) {
    const ContextScope& s = cc.scopes[level];
    for (const ContextVariable& v : s.variables) {
      w.BeginObject().Field("name", v.name).Key("value");
      if (!v.readable) {
        w.BeginObject().Field("type", "unreadable").EndObject();
      } else if (v.is_double) {
        w.BeginObject().Field("type", "number").Key("value").Double(v.number);
        if (!std::isfinite(v.number)) w.Field("text", NumberText(v.number));
        w.EndObject();
      } else {
        Value(v.value, depth, w);
      }
      w.Field("scope", s.scope_type.empty() ? s.type : s.scope_type).FieldUint("depth", level);
      w.EndObject();
    }
  }
  w.EndArray();
  w.Key("scopes").BeginArray();
  for (const ContextScope& s : cc.scopes) {
    w.BeginObject().FieldHex("context", s.context).Field("type", s.type).Field("scope", s.scope_type);
    w.FieldUint("variables", s.total);
    if (s.truncated) w.FieldBool("truncated", true);
    w.EndObject();
  }
  w.EndArray();
}

void Describer::FunctionBody(uint64_t fn, uint64_t sfi, uint64_t context, JsonWriter& w, Warnings& warn, int depth) {
  w.Key("function").BeginObject();
  w.Field("name", heap_.SharedName(sfi).value_or(""));
  if (fn) {
    const MapInfo* m = heap_.MapOf(fn);
    std::string tn = m ? types_.DisplayName(m->instance_type) : "";
    w.Field("kind", tn.find("CLASS_CONSTRUCTOR") != std::string::npos ? "class" : "function");
  }
  w.FieldHex("shared", sfi);
  auto script = heap_.SharedScript(sfi);
  if (script) {
    w.Field("script", heap_.ScriptName(*script).value_or("")).FieldHex("scriptObject", *script);
  } else {
    w.Key("script").Null();
  }
  auto pos = SharedPositions(heap_, sfi);
  if (pos) {
    w.FieldInt("position", pos->token).FieldInt("start", pos->start).FieldInt("end", pos->end);
    if (script) {
      if (auto loc = LocateInScript(heap_, *script, pos->token)) {
        w.FieldInt("line", loc->line).FieldInt("column", loc->column);
      } else {
        warn.Add("the definition line is unknown: the script's line ends and source are not readable");
      }
    }
  }
  if (context) {
    ClosureContext cc = ReadContextChain(heap_, context, opts_.max_context_depth, opts_.max_context_vars);
    for (auto& s : cc.warnings) warn.Add(s);
    ContextVariables(cc, depth, w);
  }
  w.EndObject();
}

// ErrorBody: message and cause are own data properties; the stack lives
// under a V8 private symbol (error_stack_symbol) as the formatted string
// once `stack` was read, or as captured frames before: a FixedArray of
// CallSiteInfo (Node 18-24), of raw frame parts (Node 26), or an
// ErrorStackData holding either (measured on all five versions). From Node 24
// a second private symbol keeps the message.
void Describer::ErrorBody(uint64_t obj, const PropertyList& props, int depth, JsonWriter& w, Warnings& warn) {
  w.Key("error").BeginObject();
  const MapInfo* m = heap_.MapOf(obj);
  std::string name = m ? NameOf(obj, *m, Kind::kError) : "Error";
  uint64_t message = 0, cause = 0;
  bool has_cause = false;
  for (const NamedProperty& p : props.items) {
    if (p.is_symbol || !p.readable || p.is_accessor) continue;
    if (p.name == "message") message = p.value;
    if (p.name == "cause") cause = p.value, has_cause = true;
    if (p.name == "name") {
      if (auto s = heap_.ReadString(p.value, 256)) name = s->utf8;
    }
  }
  w.Field("name", name);
  std::string message_text;
  if (message) {
    if (auto s = heap_.ReadString(message, opts_.max_string)) message_text = s->utf8;
    w.Field("message", message_text);
  }
  // Pick the stack among the description-less private symbols.
  std::string stack;
  bool formatted = false;
  std::vector<std::string> frames;
  for (const NamedProperty& p : props.items) {
    if (!p.is_private_symbol || p.name != "<private symbol>" || !p.readable || !IsStrong(p.value)) continue;
    uint64_t v = p.value;
    const MapInfo* vm = heap_.MapOf(v);
    if (!vm) continue;
    std::string vt = types_.DisplayName(vm->instance_type);
    if (vt == "ERROR_STACK_DATA_TYPE") {
      if (auto inner = heap_.ReadField(v, kErrorStackDataStackOffset); inner && IsStrong(*inner)) {
        v = *inner;
        vm = heap_.MapOf(v);
        if (!vm) continue;
        vt = types_.DisplayName(vm->instance_type);
      }
    }
    if (heap_.IsString(*vm)) {
      auto s = heap_.ReadString(v, std::max<size_t>(opts_.max_string, 16384));
      if (!s) continue;
      // The message symbol (Node 24+) holds exactly the message.
      if (v == message || (!message_text.empty() && s->utf8 == message_text)) continue;
      stack = s->utf8;
      formatted = true;
      break;
    }
    if (vm->instance_type == types_.fixed_array && frames.empty()) {
      // Captured, not yet formatted: name the functions of the frames.
      auto len = heap_.ReadField(v, 8);
      int64_t n = len && IsSmi(*len) ? std::min<int64_t>(SmiValue(*len), 4096) : 0;
      for (int64_t i = 0; i < n && frames.size() < kMaxStackFrames; i++) {
        auto e = heap_.ReadField(v, kFixedArrayHeaderSize + 8 * i);
        if (!e || !IsStrong(*e)) continue;
        const MapInfo* em = heap_.MapOf(*e);
        if (!em) continue;
        uint64_t fn = 0;
        if (heap_.IsJSFunction(*em)) {
          fn = *e;
        } else if (types_.DisplayName(em->instance_type) == "CALL_SITE_INFO_TYPE") {
          for (int64_t off = 8; off <= 24 && !fn; off += 8) {  // receiver, function, code...
            auto f = heap_.ReadField(*e, off);
            const MapInfo* fm = f && IsStrong(*f) ? heap_.MapOf(*f) : nullptr;
            if (fm && heap_.IsJSFunction(*fm)) fn = *f;
          }
        }
        if (!fn) continue;
        auto info = heap_.DescribeFunction(fn);
        std::string line = "    at " + (info && !info->name.empty() ? info->name : std::string("<anonymous>"));
        if (info && !info->script_name.empty()) line += " (" + info->script_name + ")";
        frames.push_back(line);
      }
    }
  }
  if (formatted) {
    w.Field("stack", Truncate(stack, std::max<size_t>(opts_.max_string, 16384))).FieldBool("stackFormatted", true);
  } else if (!frames.empty()) {
    std::string s = name + (message_text.empty() ? "" : ": " + message_text);
    for (auto& f : frames) s += "\n" + f;
    w.Field("stack", s).FieldBool("stackFormatted", false);
    warn.Add("the error's stack was never formatted; frames are named from the captured functions (no line numbers)");
  } else {
    w.Key("stack").Null();
  }
  if (has_cause) {
    w.Key("cause");
    Value(cause, depth, w);
  }
  w.EndObject();
}

void Describer::Bytes(uint64_t addr, uint64_t length, JsonWriter& w) {
  uint64_t n = std::min<uint64_t>(length, opts_.max_bytes);
  w.Key("bytes").BeginObject();
  std::vector<uint8_t> buf(n);
  if (n == 0 || heap_.memory().Read(addr, buf.data(), n)) {
    w.Field("hex", BytesHex(buf.data(), n)).FieldUint("count", n).FieldBool("truncated", length > n);
    w.FieldBool("readable", true);
  } else {
    w.FieldBool("readable", false);
  }
  w.EndObject();
}

void Describer::Object(uint64_t obj, int depth, JsonWriter& w) {
  shown_.insert(obj);
  expansions_++;
  Warnings warn;
  w.BeginObject();
  w.FieldHex("address", obj);
  const MapInfo* m = heap_.MapOf(obj);
  if (!m) {
    w.Field("kind", "unreadable").Key("warnings").BeginArray();
    w.BeginObject().Field("code", "UNREADABLE").Field("message", Hex(obj) + " has no readable map").EndObject();
    w.EndArray().EndObject();
    return;
  }
  if (!extra_added_) {
    extra_added_ = true;
    for (const std::string& s : opts_.extra_warnings) warn.Add(s);
  }
  Kind k = KindOf(obj, *m);
  w.Field("name", NameOf(obj, *m, k)).Field("type", types_.DisplayName(m->instance_type));
  w.FieldHex("map", m->address);
  if (auto size = heap_.SizeOf(obj, *m)) w.FieldUint("size", *size); else w.Key("size").Null();
  w.Field("kind", KindName(k));
  if (m->is_prototype_map) w.FieldBool("prototype", true);

  switch (k) {
    case Kind::kString: StringBody(obj, *m, w, warn); break;
    case Kind::kNumber: {
      double d = heap_.HeapNumberValue(obj).value_or(NAN);
      w.Key("number").Double(d);
      if (!std::isfinite(d)) w.Field("text", NumberText(d));
      break;
    }
    case Kind::kOddball:
    case Kind::kHole: w.Field("oddball", OddballKindName(heap_.Oddball(obj))); break;
    case Kind::kSymbol: {
      w.Key("symbol").BeginObject().Field("description", heap_.SymbolDescription(obj).value_or(""));
      auto flags = heap_.memory().ReadU32(Untag(obj) + 12);
      w.FieldBool("private", flags && (*flags & 1)).EndObject();
      break;
    }
    case Kind::kBigInt: {
      if (auto text = BigIntText(obj)) w.Field("bigint", *text);
      else warn.Add("the BigInt's digits are unreadable (or it has more than 1024 digits)");
      break;
    }
    default: break;
  }

  PropertyList props;
  bool receiver = types_.IsJSReceiver(m->instance_type) && k != Kind::kProxy;
  if (receiver) {
    Properties(obj, depth, w, warn, &props);
    if (types_.IsJSObject(m->instance_type)) Elements(obj, k, depth, w, warn);
  }

  switch (k) {
    case Kind::kFunction: {
      auto sfi = heap_.FunctionShared(obj);
      auto ctx = heap_.FunctionContext(obj);
      if (sfi) FunctionBody(obj, *sfi, ctx.value_or(0), w, warn, depth);
      else warn.Add("the function's SharedFunctionInfo is unreadable");
      break;
    }
    case Kind::kSharedFunctionInfo: FunctionBody(0, obj, 0, w, warn, depth); break;
    case Kind::kContext: {
      ClosureContext cc = ReadContextChain(heap_, obj, 1, opts_.max_context_vars);
      for (auto& s : cc.warnings) warn.Add(s);
      w.Key("function").BeginObject();
      ContextVariables(cc, depth, w);
      w.EndObject();
      break;
    }
    case Kind::kScript: {
      w.Key("script").BeginObject().Field("name", heap_.ScriptName(obj).value_or(""));
      if (auto src = heap_.ScriptSource(obj)) {
        if (auto len = heap_.StringLength(*src)) w.FieldUint("sourceLength", *len);
        w.FieldHex("source", *src);
      }
      w.EndObject();
      break;
    }
    case Kind::kScopeInfo: {
      if (auto si = DecodeScopeInfo(heap_, obj, opts_.max_context_vars)) {
        w.Key("scopeInfo").BeginObject().Field("scope", si->scope_type).FieldUint("contextLocals", si->context_local_count);
        w.Key("names").BeginArray();
        for (auto& n : si->context_local_names) w.String(n);
        w.EndArray();
        if (si->start_position) w.FieldInt("start", *si->start_position).FieldInt("end", *si->end_position);
        w.EndObject();
      }
      break;
    }
    case Kind::kBoundFunction: {
      w.Key("boundFunction").BeginObject();
      if (auto t = heap_.ReadField(obj, kBoundTargetOffset)) w.Key("target"), Value(*t, depth, w);
      if (auto t = heap_.ReadField(obj, kBoundThisOffset)) w.Key("boundThis"), Value(*t, depth, w);
      if (auto a = heap_.ReadField(obj, kBoundArgumentsOffset); a && IsStrong(*a)) {
        auto len = heap_.ReadField(*a, 8);
        int64_t n = len && IsSmi(*len) ? std::min<int64_t>(SmiValue(*len), static_cast<int64_t>(opts_.max_elements)) : 0;
        w.Key("boundArguments").BeginArray();
        for (int64_t i = 0; i < n; i++) {
          if (auto e = heap_.ReadField(*a, kFixedArrayHeaderSize + 8 * i)) Value(*e, depth, w);
        }
        w.EndArray();
      }
      w.EndObject();
      break;
    }
    case Kind::kDate: {
      auto t = heap_.JSDateValue(obj);
      w.Key("date").BeginObject();
      if (t) {
        std::string iso = IsoDate(*t);
        if (iso.empty()) w.Key("iso").Null(); else w.Field("iso", iso);
        w.Key("value").Double(*t);
      } else {
        warn.Add("the Date's time value is unreadable");
      }
      w.EndObject();
      break;
    }
    case Kind::kError: ErrorBody(obj, props, depth, w, warn); break;
    case Kind::kPromise: {
      auto flags = heap_.ReadField(obj, kPromiseFlagsOffset);
      auto result = heap_.ReadField(obj, kPromiseResultOffset);
      w.Key("promise").BeginObject();
      if (flags && IsSmi(*flags)) {
        int64_t f = SmiValue(*flags);
        int state = static_cast<int>(f & 3);
        w.Field("state", state == 0 ? "pending" : state == 1 ? "fulfilled" : state == 2 ? "rejected" : "unknown");
        w.FieldBool("hasHandler", (f & 4) != 0);
        if (state != 0 && result) w.Key("result"), Value(*result, depth, w);
      } else {
        warn.Add("the promise's state is unreadable");
      }
      w.EndObject();
      break;
    }
    case Kind::kCollection: {
      auto c = ReadCollection(heap_, obj, opts_.max_entries);
      if (!c) {
        warn.Add(c.error().message);
        break;
      }
      for (auto& s : c->warnings) warn.Add(s);
      w.Key("entries").BeginObject().Field("kind", c->kind).FieldUint("size", c->size);
      w.FieldHex("table", c->table).FieldBool("truncated", c->truncated);
      w.Key("items").BeginArray();
      for (const CollectionEntry& e : c->items) {
        w.BeginObject().Key("key");
        Value(e.key, depth, w);
        if (c->has_values) w.Key("value"), Value(e.value, depth, w);
        w.EndObject();
      }
      w.EndArray().EndObject();
      break;
    }
    case Kind::kArrayBuffer: {
      auto ab = ReadArrayBuffer(heap_, obj);
      if (!ab) {
        warn.Add("the ArrayBuffer's fields are unreadable");
        break;
      }
      w.Key("arrayBuffer").BeginObject().FieldUint("byteLength", ab->byte_length);
      w.FieldUint("maxByteLength", ab->max_byte_length).FieldHex("backingStore", ab->backing_store);
      w.FieldBool("detached", ab->detached).FieldBool("shared", ab->shared).FieldBool("resizable", ab->resizable);
      if (ab->backing_store && !ab->detached) Bytes(ab->backing_store, ab->byte_length, w);
      w.EndObject();
      break;
    }
    case Kind::kTypedArray:
    case Kind::kDataView: {
      auto ta = ReadTypedArray(heap_, obj);
      if (!ta) {
        warn.Add("the view's fields are unreadable");
        break;
      }
      w.Key("typedArray").BeginObject();
      if (!ta->is_data_view) w.Field("arrayType", TypedArrayName(ta->kind)).Field("elementsKind", ta->kind.name);
      w.FieldUint("length", ta->length).FieldUint("byteOffset", ta->byte_offset).FieldUint("byteLength", ta->byte_length);
      if (ta->buffer) w.FieldHex("buffer", ta->buffer);
      w.FieldHex("data", ta->data).FieldBool("onHeap", ta->on_heap);
      if (ta->buffer) {
        if (auto ab = ReadArrayBuffer(heap_, ta->buffer)) w.FieldHex("backingStore", ab->backing_store);
      }
      if (ta->data) Bytes(ta->data, ta->byte_length, w);
      w.EndObject();
      break;
    }
    case Kind::kBoxed: {
      if (auto v = heap_.ReadField(obj, kPrimitiveWrapperValueOffset)) w.Key("primitive"), Value(*v, depth, w);
      break;
    }
    case Kind::kRegExp: {
      w.Key("regexp").BeginObject();
      if (auto off = heap_.metadata().Field("JSRegExp", "source")) {
        if (auto src = heap_.ReadField(obj, *off)) {
          if (auto s = heap_.ReadString(*src, opts_.max_string)) w.Field("source", s->utf8);
        }
      }
      if (auto f = heap_.ReadField(obj, kRegExpFlagsOffset); f && IsSmi(*f)) {
        // JSRegExp::Flag bits: g 1, i 2, m 4, y 8, u 16, s 32, (l 64), d 128, v 256.
        int64_t bits = SmiValue(*f);
        std::string flags;
        if (bits & 128) flags += 'd';
        if (bits & 1) flags += 'g';
        if (bits & 2) flags += 'i';
        if (bits & 4) flags += 'm';
        if (bits & 32) flags += 's';
        if (bits & 16) flags += 'u';
        if (bits & 256) flags += 'v';
        if (bits & 8) flags += 'y';
        w.Field("flags", flags);
      }
      w.EndObject();
      break;
    }
    case Kind::kProxy: {
      w.Key("proxy").BeginObject();
      if (auto t = heap_.ReadField(obj, kProxyTargetOffset)) w.Key("target"), Value(*t, depth, w);
      if (auto h = heap_.ReadField(obj, kProxyHandlerOffset)) w.Key("handler"), Value(*h, depth, w);
      w.EndObject();
      break;
    }
    case Kind::kInternal: {
      if (types_.Has(m->instance_type, kTypeFixedArrayLike)) {
        auto len = heap_.ReadField(obj, 8);
        int64_t n = len && IsSmi(*len) ? SmiValue(*len) : -1;
        if (n >= 0 && static_cast<uint64_t>(n) <= limits::kMaxArrayLengthFollowed) {
          int64_t take = std::min<int64_t>(n, static_cast<int64_t>(opts_.max_elements));
          w.Key("slots").BeginObject().FieldInt("length", n).FieldBool("truncated", take < n);
          w.Key("items").BeginArray();
          for (int64_t i = 0; i < take; i++) {
            auto e = heap_.ReadField(obj, kFixedArrayHeaderSize + 8 * i);
            if (!e) break;
            Value(*e, 0, w);
          }
          w.EndArray().EndObject();
        }
      }
      break;
    }
    default: break;
  }

  w.Key("warnings").BeginArray();
  for (auto& s : warn.items) w.BeginObject().Field("code", "PARTIAL").Field("message", s).EndObject();
  w.EndArray();
  w.EndObject();
}

// CivilFromDays converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's public-domain algorithm).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

}  // namespace

std::string IsoDate(double ms) {
  if (!std::isfinite(ms) || std::fabs(ms) > 8.64e15) return "";
  int64_t t = static_cast<int64_t>(std::trunc(ms));  // TimeClip: ToIntegerOrInfinity
  int64_t days = t >= 0 ? t / 86400000 : -((-t + 86400000 - 1) / 86400000);
  int64_t rem = t - days * 86400000;
  int64_t y;
  unsigned mo, d;
  CivilFromDays(days, &y, &mo, &d);
  char buf[96];
  char year[24];
  if (y >= 0 && y <= 9999) snprintf(year, sizeof year, "%04lld", static_cast<long long>(y));
  else snprintf(year, sizeof year, "%c%06lld", y < 0 ? '-' : '+', static_cast<long long>(y < 0 ? -y : y));
  snprintf(buf, sizeof buf, "%s-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", year, mo, d,
           static_cast<long long>(rem / 3600000), static_cast<long long>(rem / 60000 % 60),
           static_cast<long long>(rem / 1000 % 60), static_cast<long long>(rem % 1000));
  return buf;
}

void Describe(const Heap& heap, uint64_t obj, const DescribeOptions& opts, JsonWriter& w) {
  Describer d(heap, opts);
  d.Object(obj, std::max(0, opts.depth), w);
}

std::string DescribeToJson(const Heap& heap, uint64_t obj, const DescribeOptions& opts) {
  JsonWriter w;
  Describe(heap, obj, opts, w);
  return w.Take();
}

}  // namespace corescope::v8
