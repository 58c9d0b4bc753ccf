// Tests of JsonWriter: structure, escaping, UTF-8 repair, numbers.
#include <cmath>

#include "test/harness.h"
#include "util/json_writer.h"

namespace corescope::test {
namespace {

TEST(JsonWriterNestsAndSeparates) {
  JsonWriter w;
  w.BeginObject().Field("a", "x").FieldInt("b", -3).Key("c").BeginArray();
  w.Uint(1).Bool(true).Null().BeginObject().EndObject().BeginArray().EndArray();
  w.EndArray().FieldHex("d", 0x1f).Key("e").Raw("[1,2]").EndObject();
  CHECK_EQ(w.str(), std::string(R"({"a":"x","b":-3,"c":[1,true,null,{},[]],"d":"0x1f","e":[1,2]})"));
}

TEST(JsonWriterEscapesAndRepairsUtf8) {
  JsonWriter w;
  w.String(std::string("q\"b\\n\n\t\x01\x7f", 9));
  CHECK_EQ(w.str(), std::string("\"q\\\"b\\\\n\\n\\t\\u0001\\u007f\""));
  JsonWriter u;
  u.String("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");  // valid 2-, 3- and 4-byte sequences
  CHECK_EQ(u.str(), std::string("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""));
  JsonWriter bad;
  bad.String("a\xff" "b\xc3" "c\xed\xa0\x80");  // invalid byte, cut sequence, surrogate
  std::string s = bad.str();
  CHECK(s.find("\xff") == std::string::npos);
  CHECK(s.find("\xef\xbf\xbd") != std::string::npos);
  CHECK(s.find("\xed\xa0\x80") == std::string::npos);
}

TEST(JsonWriterNumbers) {
  JsonWriter w;
  w.BeginArray().Double(0.5).Double(NAN).Double(INFINITY).Int(INT64_MIN).Uint(UINT64_MAX).EndArray();
  CHECK_EQ(w.str(), std::string("[0.5,null,null,-9223372036854775808,18446744073709551615]"));
}

}  // namespace
}  // namespace corescope::test
