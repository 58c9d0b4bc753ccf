// Tests of CoreFile against synthetic cores: notes, threads, truncation,
// corrupt notes and NT_FILE limits.
#include <sys/stat.h>

#include "elf/core_file.h"
#include "test/harness.h"
#include "test/synthetic_core.h"

namespace corescope::test {
namespace {

SyntheticCore TypicalCore() {
  SyntheticCore c;
  c.AddThread(100, 5, 0x401000, 0x7ffd0000, 0x7ffd0040);  // signalling thread first
  c.AddThread(101, 0, 0x402000, 0x7f000000, 0x7f000040);
  c.SetProcess(100, 99, "node", "node --abort-on-uncaught-exception app.js");
  c.SetSignal(11, 1, 0xdead000);
  c.SetAuxv({{3, 0x400040}, {9, 0x401000}, {31, 0x7ffdf000}});
  c.SetFiles({{0x400000, 0x401000, 0, "/usr/bin/node"}, {0x600000, 0x602000, 2, "/usr/bin/node"}});
  c.AddNote("LINUX", 0x205, Buffer(64, 1));   // NT_X86_XSAVE_LAYOUT: unknown to us, skipped
  c.AddNote("CORE", 0x4242, Buffer(8, 2));    // made-up type: skipped
  c.AddLoad(0x10000, Buffer(8192, 0x11));
  c.AddLoad(0x20000, Buffer(4096, 0x22), 16384);  // 12 KiB not dumped
  return c;
}

TEST(OpenParsesThreadsProcessSignalAuxvAndFiles) {
  SyntheticCore c = TypicalCore();
  TempFile f(c.Build());
  auto r = elf::CoreFile::Open(f.path());
  REQUIRE(r.ok());
  const elf::CoreFile& core = *r.value();
  CHECK(core.arch() == elf::Arch::kX86_64);
  REQUIRE(core.threads().size() == 2);
  CHECK_EQ(core.threads()[0].tid, 100);
  CHECK_EQ(core.threads()[0].signal, 5);
  CHECK_EQ(core.threads()[0].regs.pc, 0x401000u);
  CHECK_EQ(core.threads()[0].regs.sp, 0x7ffd0000u);
  CHECK_EQ(core.threads()[0].regs.fp, 0x7ffd0040u);
  CHECK_EQ(core.threads()[0].regs.raw.size(), 27u);
  CHECK_EQ(core.threads()[0].regs.fs_base, 0x1000u + 21);  // filler value of register 21
  CHECK_EQ(core.threads()[0].name, "node");                // tid == pid
  CHECK_EQ(core.threads()[1].name, "");
  REQUIRE(core.process().has_value());
  CHECK_EQ(core.process()->pid, 100);
  CHECK_EQ(core.process()->ppid, 99);
  CHECK_EQ(core.process()->args, "node --abort-on-uncaught-exception app.js");
  REQUIRE(core.signal().has_value());
  CHECK_EQ(core.signal()->signo, 11);
  CHECK_EQ(core.signal()->code, 1);
  CHECK_EQ(core.signal()->addr, 0xdead000u);
  CHECK_EQ(core.Auxv(9).value_or(0), 0x401000u);
  CHECK(!core.Auxv(7).has_value());
  REQUIRE(core.files().size() == 2);
  CHECK_EQ(core.files()[1].file_offset, 2u * 4096);
  CHECK_EQ(core.files()[1].path, "/usr/bin/node");
  REQUIRE(core.loads().size() == 2);
  CHECK_EQ(core.loads()[1].filesz, 4096u);
  CHECK_EQ(core.loads()[1].memsz, 16384u);
  CHECK(!core.truncated());
  CHECK(core.warnings().empty());
  struct stat st;
  REQUIRE(::stat(f.path().c_str(), &st) == 0);
  CHECK_EQ(core.on_disk_bytes(), static_cast<uint64_t>(st.st_blocks) * 512);
  CHECK_EQ(core.file_size(), static_cast<uint64_t>(st.st_size));
}

TEST(Aarch64PrstatusRegisters) {
  SyntheticCore c;
  c.e_machine = 183;
  c.AddThread(7, 6, 0xaaaa0000, 0xbbbb0000, 0xcccc0000);
  TempFile f(c.Build());
  auto r = elf::CoreFile::Open(f.path());
  REQUIRE(r.ok());
  CHECK(r.value()->arch() == elf::Arch::kAarch64);
  REQUIRE(r.value()->threads().size() == 1);
  const elf::ThreadRegisters& regs = r.value()->threads()[0].regs;
  CHECK_EQ(regs.pc, 0xaaaa0000u);
  CHECK_EQ(regs.sp, 0xbbbb0000u);
  CHECK_EQ(regs.fp, 0xcccc0000u);
  CHECK_EQ(regs.lr, 0x1000u + 30);  // x30
  CHECK_EQ(regs.raw.size(), 34u);
}

TEST(Aarch64PacBitsAreStrippedFromCodePointers) {
  // Without NT_ARM_PAC_MASK (qemu-user cores): keep the low 48 bits.
  SyntheticCore c;
  c.e_machine = 183;
  c.AddThread(7, 5, 0x400000, 0x5500000000, 0x5500000040);
  TempFile f(c.Build());
  auto r = elf::CoreFile::Open(f.path());
  REQUIRE(r.ok());
  CHECK(!r.value()->pac_insn_mask().has_value());
  CHECK_EQ(r.value()->StripCodePointer(0x100000017e9e88ull), 0x17e9e88u);  // a signed LR seen under -cpu max
  CHECK_EQ(r.value()->StripCodePointer(0x17e9e88ull), 0x17e9e88u);

  // With the kernel's mask (a 39-bit VA kernel's: GENMASK(54, 39)), exactly those bits go.
  SyntheticCore k = c;
  Buffer mask;
  AppendU64(mask, 0x007fff8000000000ull);  // data_mask
  AppendU64(mask, 0x007fff8000000000ull);  // insn_mask
  k.AddNote("LINUX", 0x406, mask);
  TempFile g(k.Build());
  auto rk = elf::CoreFile::Open(g.path());
  REQUIRE(rk.ok());
  REQUIRE(rk.value()->pac_insn_mask().has_value());
  CHECK_EQ(rk.value()->StripCodePointer(0x0012340000001234ull), 0x1234u);  // the 48-bit rule would keep 0x3400'0000'1234

  // x86_64 return addresses are never changed.
  SyntheticCore x;
  x.AddThread(7, 5, 0x400000, 0x7ffd0000, 0x7ffd0040);
  TempFile h(x.Build());
  auto rx = elf::CoreFile::Open(h.path());
  REQUIRE(rx.ok());
  CHECK_EQ(rx.value()->StripCodePointer(0x100000017e9e88ull), 0x100000017e9e88ull);
}

TEST(NotACoreNamesTheElfType) {
  SyntheticCore c = TypicalCore();
  c.e_type = 2;  // ET_EXEC
  TempFile f(c.Build());
  auto r = elf::CoreFile::Open(f.path());
  REQUIRE(!r.ok());
  CHECK(r.error().code == ErrorCode::kNotACore);
  CHECK(r.error().message.find("ET_EXEC") != std::string::npos);
  auto missing = elf::CoreFile::Open("/nonexistent/core.1");
  CHECK(!missing.ok() && missing.error().code == ErrorCode::kFileNotFound);
  auto dir = elf::CoreFile::Open("/tmp");
  CHECK(!dir.ok() && dir.error().code == ErrorCode::kNotACore);
}

TEST(TruncatedLoadIsClippedWithAWarning) {
  SyntheticCore c = TypicalCore();
  Buffer b = c.Build();
  // Cut the file 1000 bytes into the last segment's data.
  uint64_t cut = c.load_offsets()[1] + 1000;
  b.resize(cut);
  TempFile f(b);
  auto r = elf::CoreFile::Open(f.path());
  REQUIRE(r.ok());
  const elf::CoreFile& core = *r.value();
  CHECK(core.truncated());
  CHECK_EQ(core.missing_bytes(), 4096u - 1000);
  CHECK_EQ(core.loads()[1].filesz, 1000u);
  CHECK_EQ(core.loads()[1].declared_filesz, 4096u);
  REQUIRE(!core.warnings().empty());
  CHECK(core.warnings()[0].find("CORE_TRUNCATED") == 0);
  CHECK_EQ(core.threads().size(), 2u);  // notes intact
}

TEST(CutNotesAreCoreCorrupt) {
  SyntheticCore c = TypicalCore();
  Buffer b = c.Build();
  b.resize(c.notes_offset() + c.notes_size() / 2);
  TempFile f(b);
  auto r = elf::CoreFile::Open(f.path());
  REQUIRE(!r.ok());
  CHECK(r.error().code == ErrorCode::kCoreCorrupt);
  CHECK(r.error().message.find("truncated") != std::string::npos);
  CHECK(r.error().message.find("GiB") != std::string::npos || r.error().message.find("KiB") != std::string::npos);
}

TEST(HugeNtFileCountIsRefused) {
  SyntheticCore c;
  Buffer d;
  AppendU64(d, 1ull << 40);  // count
  AppendU64(d, 4096);
  c.AddNote("CORE", 0x46494c45, d);
  c.AddThread(1, 0, 0, 0, 0);
  TempFile f(c.Build());
  auto r = elf::CoreFile::Open(f.path());
  REQUIRE(r.ok());
  CHECK(r.value()->files().empty());
  CHECK_EQ(r.value()->threads().size(), 1u);
  bool warned = false;
  for (const auto& w : r.value()->warnings()) warned |= w.find("max_file_entries") != std::string::npos;
  CHECK(warned);
}

TEST(ShortPrstatusIsSkippedWithAWarning) {
  SyntheticCore c;
  c.AddNote("CORE", 1, Buffer(40, 0));
  TempFile f(c.Build());
  auto r = elf::CoreFile::Open(f.path());
  REQUIRE(r.ok());
  CHECK(r.value()->threads().empty());
  CHECK(!r.value()->warnings().empty());
}

TEST(OverflowingSegmentsDoNotCrash) {
  SyntheticCore c = TypicalCore();
  Buffer b = c.Build();
  // Second PT_LOAD: offset near 2^64, vaddr + memsz wrapping.
  uint64_t ph = 64 + 56 * 2;
  PutU64(b, ph + 8, 0xfffffffffffff000ull);
  TempFile f(b);
  auto r = elf::CoreFile::Open(f.path());
  REQUIRE(r.ok());
  CHECK(r.value()->truncated());
  Buffer b2 = c.Build();
  PutU64(b2, ph + 16, 0xfffffffffffff000ull);  // vaddr
  TempFile f2(b2);
  auto r2 = elf::CoreFile::Open(f2.path());
  REQUIRE(r2.ok());
  CHECK_EQ(r2.value()->loads().size(), 1u);  // the wrapping segment is dropped
}

}  // namespace
}  // namespace corescope::test
