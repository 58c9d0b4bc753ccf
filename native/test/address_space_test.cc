// Tests of AddressSpace: reads across segments, holes, truncated parts,
// overlapping segments, backing files and concurrent readers.
#include <atomic>
#include <random>
#include <thread>

#include "memory/address_space.h"
#include "test/harness.h"
#include "test/synthetic_core.h"

namespace corescope::test {
namespace {

Buffer Pattern(size_t n, uint8_t seed) {
  Buffer b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
  return b;
}

std::unique_ptr<memory::AddressSpace> Open(const TempFile& f) {
  auto core = elf::CoreFile::Open(f.path());
  if (!core) return nullptr;
  return memory::AddressSpace::Build(core.value());
}

TEST(ReadsSpanAdjacentSegmentsAndFailInHoles) {
  SyntheticCore c;
  c.AddLoad(0x10000, Pattern(4096, 1), 0, 6);
  c.AddLoad(0x11000, Pattern(4096, 2), 0, 5);       // adjacent, other flags
  c.AddLoad(0x20000, Pattern(4096, 3), 8192, 6);    // second half not dumped
  TempFile f(c.Build());
  auto as = Open(f);
  REQUIRE(as != nullptr);
  uint8_t buf[64];
  REQUIRE(as->Read(0x10fe0, buf, 64));               // crosses 0x11000
  Buffer a = Pattern(4096, 1), b = Pattern(4096, 2);
  CHECK_EQ(buf[0], a[0xfe0]);
  CHECK_EQ(buf[32], b[0]);
  CHECK_EQ(as->ReadU32(0x20010).value_or(0), Load<uint32_t>(&Pattern(4096, 3)[0x10]));
  CHECK(!as->ReadU64(0x21000).has_value());          // not dumped, no backing file
  CHECK(!as->ReadU64(0x20ffc).has_value());          // straddles into the undumped part
  CHECK(!as->ReadU64(0x5000).has_value());           // below everything
  CHECK(!as->ReadU64(0xfffffffffffffffcull).has_value());  // wraps
  CHECK(as->Span(0x10000, 4096) != nullptr);
  CHECK(as->Span(0x10ff0, 32) == nullptr);           // Span never crosses regions
  CHECK(as->Span(0x10010, 8) == as->Span(0x10000, 8) + 16);
  const memory::Region* r = as->FindRegion(0x11800);
  REQUIRE(r != nullptr);
  CHECK_EQ(r->start, 0x11000u);
  CHECK_EQ(r->flags, 5u);
  CHECK(as->FindRegion(0x12000) == nullptr);
}

TEST(FindRegionAgreesWithALinearSearchOverManyRegions) {
  SyntheticCore c;
  for (int i = 0; i < 300; ++i) c.AddLoad(0x100000 + i * 0x3000ull, Buffer(4096, static_cast<uint8_t>(i)), 0, 6);
  TempFile f(c.Build());
  auto as = Open(f);
  REQUIRE(as != nullptr);
  CHECK_EQ(as->regions().size(), 300u);
  std::mt19937_64 rng(1);
  int mismatches = 0;
  for (int i = 0; i < 20000; ++i) {
    uint64_t addr = 0xff000 + rng() % (300 * 0x3000 + 0x2000);
    const memory::Region* want = nullptr;
    for (const auto& r : as->regions()) {
      if (addr >= r.start && addr < r.end) want = &r;
    }
    if (as->FindRegion(addr) != want) ++mismatches;
  }
  CHECK_EQ(mismatches, 0);
}

TEST(OverlappingSegmentsKeepTheFirst) {
  SyntheticCore c;
  c.AddLoad(0x10000, Buffer(8192, 0xaa));
  c.AddLoad(0x11000, Buffer(8192, 0xbb));   // overlaps the first by 4 KiB
  c.AddLoad(0x10800, Buffer(1024, 0xcc));   // entirely inside the first
  TempFile f(c.Build());
  auto as = Open(f);
  REQUIRE(as != nullptr);
  CHECK_EQ(as->ReadValue<uint8_t>(0x11800).value_or(0), 0xaa);
  CHECK_EQ(as->ReadValue<uint8_t>(0x12800).value_or(0), 0xbb);
  CHECK_EQ(as->ReadValue<uint8_t>(0x10900).value_or(0), 0xaa);
  for (size_t i = 1; i < as->regions().size(); ++i) CHECK(as->regions()[i - 1].end <= as->regions()[i].start);
}

TEST(TruncatedPartsAreUnreadable) {
  SyntheticCore c;
  c.AddLoad(0x10000, Pattern(8192, 5));
  Buffer b = c.Build();
  b.resize(c.load_offsets()[0] + 4096);
  TempFile f(b);
  auto as = Open(f);
  REQUIRE(as != nullptr);
  CHECK(as->ReadU64(0x10ff8).has_value());
  CHECK(!as->ReadU64(0x11000).has_value());
  CHECK(!as->ReadU64(0x10ffc).has_value());
}

TEST(UndumpedFileBackedRangesComeFromTheBackingFile) {
  Buffer file_bytes = Pattern(3 * 4096, 9);
  TempFile lib(file_bytes, "lib.so");
  SyntheticCore c;
  // Mapping of the file at 0x400000 (file offset 4096), not dumped at all.
  c.AddLoad(0x400000, Buffer{}, 8192, 5);
  c.SetFiles({{0x400000, 0x402000, 1, "/original/lib.so"}});
  TempFile f(c.Build());
  auto as = Open(f);
  REQUIRE(as != nullptr);
  CHECK(!as->ReadU64(0x400000).has_value());   // the path does not exist here
  auto mapped = elf::MappedFile::Open(lib.path());
  REQUIRE(mapped.ok());
  as->AddBackingFile("/original/lib.so", mapped.value());
  uint8_t buf[16];
  REQUIRE(as->Read(0x400010, buf, 16));
  CHECK_EQ(buf[0], file_bytes[4096 + 0x10]);
  REQUIRE(as->Read(0x401ff8, buf, 8));
  CHECK_EQ(buf[7], file_bytes[4096 + 0x1fff]);
  const memory::Region* r = as->FindRegion(0x400000);
  REQUIRE(r != nullptr);
  CHECK(r->source == memory::Region::Source::kFile);
}

TEST(ConcurrentReadersSeeTheRightBytes) {
  SyntheticCore c;
  for (int i = 0; i < 64; ++i) c.AddLoad(0x100000 + i * 0x2000ull, Pattern(4096, static_cast<uint8_t>(i)), 0, 6);
  TempFile f(c.Build());
  auto as = Open(f);
  REQUIRE(as != nullptr);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(t);
      for (int i = 0; i < 50000; ++i) {
        int seg = static_cast<int>(rng() % 64);
        uint64_t off = rng() % 4096;
        auto v = as->ReadValue<uint8_t>(0x100000 + seg * 0x2000ull + off);
        if (!v || *v != static_cast<uint8_t>(seg + off * 7)) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK_EQ(errors.load(), 0);
}

}  // namespace
}  // namespace corescope::test
