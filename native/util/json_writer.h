// JsonWriter builds JSON text for results that cross the N-API boundary.
// Native methods return JSON; TypeScript parses it into typed results. Keys are
// written in call order so output is stable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace corescope {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // Key writes an object key; the next call writes its value.
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view s);   // invalid UTF-8 bytes become U+FFFD
  JsonWriter& Int(int64_t v);
  JsonWriter& Uint(uint64_t v);
  JsonWriter& Double(double v);             // NaN/Infinity become null
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // Hex writes an address as a "0x..." string, the form users see everywhere.
  JsonWriter& Hex(uint64_t v);
  // Raw inserts already-serialized JSON as one value.
  JsonWriter& Raw(std::string_view json);

  // Field helpers: Key + value.
  JsonWriter& Field(std::string_view k, std::string_view v) { return Key(k).String(v); }
  JsonWriter& Field(std::string_view k, const char* v) { return Key(k).String(v); }
  JsonWriter& FieldInt(std::string_view k, int64_t v) { return Key(k).Int(v); }
  JsonWriter& FieldUint(std::string_view k, uint64_t v) { return Key(k).Uint(v); }
  JsonWriter& FieldBool(std::string_view k, bool v) { return Key(k).Bool(v); }
  JsonWriter& FieldHex(std::string_view k, uint64_t v) { return Key(k).Hex(v); }

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// AppendJsonString appends s as a quoted JSON string to out.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace corescope
