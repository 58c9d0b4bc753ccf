// Tests of the stack layer's pure parts: source position tables in both of
// V8's encodings (bytes taken from real Node 24 and Node 26 cores of the
// same function, which must decode to the same entries), line ends and
// line:column as V8 computes them, demangling, and CFI lookup on this test
// binary's own .eh_frame (the compiler emits an FDE for every function).
#include <string>
#include <vector>

#include "elf/elf_file.h"
#include "stack/cfi.h"
#include "stack/source_positions.h"
#include "stack/symbolizer.h"
#include "test/harness.h"

namespace corescope::test {
namespace {

// crashNow's table in test/scenarios/crash-timer.js as V8 13.6 (Node 24)
// and V8 14.6 (Node 26) wrote it.
const std::vector<uint8_t> kNode24Table = {
    0x01, 0xd8, 0x18, 0x02, 0x5c, 0x0f, 0x70, 0x23, 0x6f, 0x0c, 0xe8, 0x01, 0x0f, 0xcc, 0x01, 0x2d, 0x54, 0x0d, 0x9f,
    0x02, 0x0c, 0xfc, 0x02, 0x0f, 0x64, 0x2d, 0x58, 0x0d, 0xbb, 0x01, 0x0c, 0xf0, 0x01, 0x05, 0x24, 0x08, 0x60, 0x05, 0x00};
const std::vector<uint8_t> kNode26Table = {
    0x02, 0xd8, 0x18, 0x07, 0x5c, 0x1e, 0x70, 0x46, 0x6f, 0x1b, 0xe8, 0x01, 0x1e, 0xcc, 0x01, 0x5a, 0x54, 0x1a, 0x9f,
    0x02, 0x1b, 0xfc, 0x02, 0x1e, 0x64, 0x5a, 0x58, 0x1a, 0xbb, 0x01, 0x1b, 0xf0, 0x01, 0x0a, 0x24, 0x13, 0x60, 0x0a, 0x00};

TEST(PositionTablesOfBothEncodingsDecodeAlike) {
  auto a = stack::DecodePositionTable(Bytes{kNode24Table.data(), kNode24Table.size()},
                                      stack::PositionTableEncoding::kSignedStatement);
  auto b = stack::DecodePositionTable(Bytes{kNode26Table.data(), kNode26Table.size()},
                                      stack::PositionTableEncoding::kUnsignedFlags);
  REQUIRE(a.size() == 16);
  REQUIRE(b.size() == a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK_EQ(a[i].code_offset, b[i].code_offset);
    CHECK_EQ(a[i].source_position, b[i].source_position);
    CHECK_EQ(a[i].is_statement, b[i].is_statement);
  }
  CHECK_EQ(a.front().code_offset, -1);  // the function-entry position
  // The throw at bytecode offset 120 is `throw err` at script offset 1058.
  CHECK_EQ(stack::ScriptOffsetAt(a, 120).value_or(-2), 1058);
  // Offsets between entries take the last entry at or before them.
  CHECK_EQ(stack::ScriptOffsetAt(a, 119).value_or(-2), 1058);
  CHECK_EQ(stack::ScriptOffsetAt(a, 0).value_or(-2), (1626 >> 1) - 1);
}

TEST(PositionTableStopsAtTruncatedInput) {
  std::vector<uint8_t> cut(kNode24Table.begin(), kNode24Table.begin() + 11);  // ends inside a VLQ
  auto e = stack::DecodePositionTable(Bytes{cut.data(), cut.size()}, stack::PositionTableEncoding::kSignedStatement);
  CHECK_EQ(e.size(), size_t{4});
  auto none = stack::DecodePositionTable(Bytes{}, stack::PositionTableEncoding::kUnsignedFlags);
  CHECK(none.empty());
  std::vector<uint8_t> endless(64, 0xff);  // continuation bits forever
  auto bad = stack::DecodePositionTable(Bytes{endless.data(), endless.size()},
                                        stack::PositionTableEncoding::kSignedStatement);
  CHECK(bad.empty());
}

TEST(LineEndsFollowV8) {
  // \n, \r\n (one terminator at the \n), lone \r, U+2028; plus one past the end.
  std::string src = "ab\ncd\r\nef\rg\xe2\x80\xa8h";
  auto ends = stack::LineEndsFromSource(src);
  std::vector<int32_t> want = {2, 6, 9, 11, 13};
  CHECK(ends == want);
  auto lc = stack::LineColumnAt(ends, 4);  // 'd'
  REQUIRE(lc.has_value());
  CHECK_EQ(lc->line, 2);
  CHECK_EQ(lc->column, 2);
  lc = stack::LineColumnAt(ends, 0);
  REQUIRE(lc.has_value());
  CHECK_EQ(lc->line, 1);
  CHECK_EQ(lc->column, 1);
  CHECK(!stack::LineColumnAt(ends, 14).has_value());
  CHECK(!stack::LineColumnAt({}, 0).has_value());
}

TEST(LineEndsCountUtf16Units) {
  // U+1F600 is two UTF-16 code units; é is one.
  std::string src = "\xf0\x9f\x98\x80\xc3\xa9\nx";
  auto ends = stack::LineEndsFromSource(src);
  REQUIRE(ends.size() == 2);
  CHECK_EQ(ends[0], 3);
  CHECK_EQ(ends[1], 5);
}

TEST(DemangleDropsParameters) {
  CHECK_EQ(stack::Demangle("_ZN2v88internal7Isolate5ThrowENS0_6TaggedINS0_6ObjectEEEPNS0_15MessageLocationE"),
           std::string("v8::internal::Isolate::Throw"));
  CHECK_EQ(stack::Demangle("_ZN2v88internal12_GLOBAL__N_16InvokeEPNS0_7IsolateERKNS1_12InvokeParamsE"),
           std::string("v8::internal::(anonymous namespace)::Invoke"));
  CHECK_EQ(stack::Demangle("uv_run"), std::string("uv_run"));
  CHECK_EQ(stack::Demangle("_Zbroken"), std::string("_Zbroken"));
}

TEST(CfiFindsFdesOfThisBinary) {
  auto file = elf::MappedFile::Open("/proc/self/exe");
  REQUIRE(file.ok());
  auto exe = elf::ElfFile::Parse(file.value());
  REQUIRE(exe.ok());
  auto cfi = stack::Cfi::Create(exe.value());
  REQUIRE(cfi.has_value());
  auto syms = exe->Symbols();
  REQUIRE(syms.ok());
  int checked = 0, found = 0;
  for (const elf::Symbol& s : syms.value()) {
    if (s.type != 2 /* STT_FUNC */ || s.size < 16 || s.name.find("Demangle") == std::string::npos) continue;
    ++checked;
    if (cfi->HasFde(s.value + s.size / 2)) ++found;
  }
  CHECK(checked > 0);
  CHECK_EQ(found, checked);
  CHECK(!cfi->HasFde(0));
}

}  // namespace
}  // namespace corescope::test
