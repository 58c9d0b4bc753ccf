// Tests of ElfFile, ParseNotes and BuildIdFromImage against synthetic files.
#include <cstring>
#include <memory>

#include "elf/elf_file.h"
#include "test/harness.h"
#include "test/synthetic_core.h"

namespace corescope::test {
namespace {

Result<elf::ElfFile> ParseBytes(const Buffer& bytes, std::unique_ptr<TempFile>* keep) {
  *keep = std::make_unique<TempFile>(bytes, "elf");
  auto f = elf::MappedFile::Open((*keep)->path());
  if (!f) return f.error();
  return elf::ElfFile::Parse(f.value());
}

TEST(ParseNotesReadsNamesAndDescriptors) {
  SyntheticCore c;
  c.AddNote("CORE", 1, Buffer{1, 2, 3});
  c.AddNote("GNU", 3, Buffer{0xaa, 0xbb, 0xcc, 0xdd, 0xee});
  Buffer b = c.Build();
  Bytes area{b.data() + c.notes_offset(), c.notes_size()};
  std::vector<std::string> warnings;
  auto notes = elf::ParseNotes(area, &warnings);
  REQUIRE(notes.size() == 2);
  CHECK_EQ(notes[0].name, "CORE");
  CHECK_EQ(notes[0].type, 1u);
  CHECK_EQ(notes[0].desc.size, 3u);
  CHECK_EQ(notes[0].desc.data[2], 3);
  CHECK_EQ(notes[1].name, "GNU");
  CHECK_EQ(notes[1].desc.size, 5u);
  CHECK_EQ(notes[1].desc.data[4], 0xee);
  CHECK(warnings.empty());
}

TEST(ParseNotesStopsAtANoteThatOverrunsItsArea) {
  SyntheticCore c;
  c.AddNote("CORE", 1, Buffer(16, 7));
  c.AddNote("CORE", 2, Buffer(16, 8));
  Buffer b = c.Build();
  // Second note's descsz claims 4 GiB - 1.
  uint64_t second = c.notes_offset() + 12 + 8 + 16;
  PutU32(b, second + 4, 0xffffffffu);
  std::vector<std::string> warnings;
  auto notes = elf::ParseNotes(Bytes{b.data() + c.notes_offset(), c.notes_size()}, &warnings);
  CHECK_EQ(notes.size(), 1u);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("BAD_NOTE") == 0);
  // An area too small for one header yields nothing and no crash.
  CHECK(elf::ParseNotes(Bytes{b.data(), 5}, nullptr).empty());
}

TEST(ParseRejectsWhatIsNotElf64LittleEndian) {
  std::unique_ptr<TempFile> keep;
  auto r = ParseBytes(Buffer{'h', 'e', 'l', 'l', 'o'}, &keep);
  CHECK(!r.ok() && r.error().code == ErrorCode::kNotACore);
  CHECK(!r.ok() && r.error().message.find("no ELF magic") != std::string::npos);
  auto empty = ParseBytes(Buffer{}, &keep);
  CHECK(!empty.ok() && empty.error().message.find("empty") != std::string::npos);
  SyntheticCore c;
  Buffer b = c.Build();
  b[4] = 1;  // ELFCLASS32
  auto r32 = ParseBytes(b, &keep);
  CHECK(!r32.ok() && r32.error().code == ErrorCode::kNotACore);
}

TEST(ParseRejectsProgramHeadersOutsideTheFile) {
  std::unique_ptr<TempFile> keep;
  SyntheticCore c;
  c.AddLoad(0x10000, Buffer(100, 1));
  Buffer b = c.Build();
  PutU64(b, 32, 0xfffffffffffffff0ull);  // e_phoff that overflows
  auto r = ParseBytes(b, &keep);
  CHECK(!r.ok() && r.error().code == ErrorCode::kCoreCorrupt);
  CHECK(!r.ok() && r.error().message.find("e_phoff") != std::string::npos);
  Buffer b2 = c.Build();
  PutU16(b2, 56, 60000);  // e_phnum far beyond the file
  auto r2 = ParseBytes(b2, &keep);
  CHECK(!r2.ok() && r2.error().code == ErrorCode::kCoreCorrupt);
  Buffer b3 = c.Build();
  PutU16(b3, 56, 0xffff);  // PN_XNUM without a section 0
  auto r3 = ParseBytes(b3, &keep);
  CHECK(!r3.ok() && r3.error().message.find("PN_XNUM") != std::string::npos);
}

TEST(ExecutableBuildIdSymbolsAndDataReads) {
  SyntheticExe exe;
  exe.AddDataInt("v8dbg_Answer", 42);
  exe.AddDataInt("v8dbg_Negative", -7);
  exe.AddBssSymbol("v8dbg_Zero");
  std::unique_ptr<TempFile> keep;
  auto r = ParseBytes(exe.Build(), &keep);
  REQUIRE(r.ok());
  CHECK_EQ(r->type(), 2);
  CHECK(r->arch() == elf::Arch::kX86_64);
  CHECK_EQ(r->BuildId().value_or(""), exe.build_id);
  auto syms = r->Symbols();
  REQUIRE(syms.ok());
  CHECK_EQ(syms->size(), 3u);
  for (const elf::Symbol& s : *syms) {
    int32_t v = 99;
    CHECK(r->ReadAtVaddr(s.value, &v, 4));
    if (s.name == "v8dbg_Answer") CHECK_EQ(v, 42);
    if (s.name == "v8dbg_Negative") CHECK_EQ(v, -7);
    if (s.name == "v8dbg_Zero") CHECK_EQ(v, 0);  // NOBITS reads as zero
  }
  int32_t v;
  CHECK(!r->ReadAtVaddr(0x123, &v, 4));               // unmapped
  CHECK(!r->ReadAtVaddr(0xfffffffffffffffeull, &v, 4));  // wraps
  CHECK(r->FindSection(".data") != nullptr);
  CHECK(r->FindSection(".nope") == nullptr);
}

TEST(SymbolsFallBackToDynsymWithoutSymtab) {
  SyntheticExe exe;
  exe.symtab_type = 11;  // SHT_DYNSYM only, as in a binary stripped of .symtab
  exe.AddDataInt("v8dbg_Answer", 42);
  exe.AddDataInt("v8dbg_Other", 7);
  std::unique_ptr<TempFile> keep;
  auto r = ParseBytes(exe.Build(), &keep);
  REQUIRE(r.ok());
  auto syms = r->Symbols();
  REQUIRE(syms.ok());
  REQUIRE(syms->size() == 2u);
  int32_t v = 0;
  for (const elf::Symbol& s : *syms) {
    CHECK(r->ReadAtVaddr(s.value, &v, 4));
    CHECK_EQ(v, s.name == "v8dbg_Answer" ? 42 : 7);
  }
}

TEST(BuildIdFromImageReadsTheDumpedFirstPage) {
  SyntheticExe exe;
  exe.build_id = "deadbeef00112233445566778899aabbccddeeff";
  Buffer page = exe.FirstPage();
  CHECK_EQ(elf::BuildIdFromImage(Bytes{page.data(), page.size()}).value_or(""), exe.build_id);
  // Only the ELF header present: the PT_NOTE lies outside the image.
  CHECK(!elf::BuildIdFromImage(Bytes{page.data(), 0x100}).has_value());
  // Not ELF at all.
  Buffer junk(4096, 0x41);
  CHECK(!elf::BuildIdFromImage(Bytes{junk.data(), junk.size()}).has_value());
  // A phnum that would run past the image.
  PutU16(page, 56, 0x7fff);
  CHECK(!elf::BuildIdFromImage(Bytes{page.data(), page.size()}).has_value());
}

}  // namespace
}  // namespace corescope::test
