// Fuzz target: the ELF reader (elf/elf_file.h) on an arbitrary file: headers,
// sections, notes, build-id, symbols and reads by virtual address. Also the
// raw note walker and the dumped-header build-id reader on the same bytes.
// Seeds: scripts/fuzz-corpus.mjs (synthetic executables and cores).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "elf/elf_file.h"
#include "fuzz/fuzz_input.h"

using corescope::Bytes;
namespace elf = corescope::elf;
namespace fz = corescope::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The byte-level helpers take any view, no file needed.
  Bytes raw{data, size};
  std::vector<std::string> warnings;
  for (const elf::Note& n : elf::ParseNotes(raw, &warnings)) {
    fz::Sink(n.type + n.desc.size);
    fz::Sink(n.name);
  }
  if (auto id = elf::BuildIdFromImage(raw)) fz::Sink(*id);

  auto file = elf::MappedFile::Open(fz::MemFile::Get().Write(data, size));
  if (!file) return 0;
  auto parsed = elf::ElfFile::Parse(file.value());
  if (!parsed) return 0;
  const elf::ElfFile& f = parsed.value();
  fz::Sink(f.type() + f.machine() + f.segments().size() + f.sections().size());
  fz::Sink(elf::ArchName(f.arch()));

  warnings.clear();
  for (const elf::Note& n : f.Notes(&warnings)) fz::Sink(n.desc.size);
  if (auto id = f.BuildId()) fz::Sink(*id);

  // ReadAtVaddr scans the section (then segment) table, so probe a bounded
  // number of edges: a table of 65,536 entries probed per entry would be
  // quadratic in this harness, not in the reader.
  uint8_t buf[64];
  size_t probes = 0;
  for (const elf::Section& s : f.sections()) {
    if (++probes > 256) break;
    fz::Sink(s.name);
    // Read at the edges of each section: first bytes, last bytes, one past.
    for (uint64_t n : {uint64_t{1}, uint64_t{8}, uint64_t{64}}) {
      if (f.ReadAtVaddr(s.addr, buf, n)) fz::Sink(buf[0]);
      if (f.ReadAtVaddr(s.addr + s.size - n, buf, n)) fz::Sink(buf[n - 1]);
      if (f.ReadAtVaddr(s.addr + s.size, buf, n)) fz::Sink(buf[0]);
    }
  }
  probes = 0;
  for (const elf::Segment& s : f.segments()) {
    if (++probes > 256) break;
    if (f.ReadAtVaddr(s.vaddr, buf, 8)) fz::Sink(buf[7]);
    if (f.ReadAtVaddr(s.vaddr + s.filesz, buf, 8)) fz::Sink(buf[7]);
  }
  if (const elf::Section* d = f.FindSection(".data")) fz::Sink(d->size);

  auto symbols = f.Symbols();
  if (symbols) {
    size_t i = 0;
    for (const elf::Symbol& s : symbols.value()) {
      fz::Sink(s.name);
      // Reading every symbol's value is what the metadata loader does; cap
      // it so a large table stays a fast iteration.
      if (++i < 1024 && f.ReadAtVaddr(s.value, buf, 4)) fz::Sink(buf[0]);
    }
  }
  return 0;
}
