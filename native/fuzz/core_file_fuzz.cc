// Fuzz target: the core reader (elf/core_file.h) and the address space built
// on it (memory/address_space.h): program headers, notes (threads, process,
// signal, auxv, NT_FILE), truncation, and reads at and across region edges.
// Seeds: scripts/fuzz-corpus.mjs (synthetic cores written by code).
#include <cstddef>
#include <cstdint>
#include <string>

#include "elf/core_file.h"
#include "fuzz/fuzz_input.h"
#include "memory/address_space.h"

namespace elf = corescope::elf;
namespace memory = corescope::memory;
namespace fz = corescope::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto opened = elf::CoreFile::Open(fz::MemFile::Get().Write(data, size));
  if (!opened) {
    fz::Sink(opened.error().message);
    return 0;
  }
  std::shared_ptr<elf::CoreFile> core = opened.value();
  fz::Sink(core->loads().size() + core->threads().size() + core->files().size() + core->auxv().size());
  for (const elf::Thread& t : core->threads()) fz::Sink(t.regs.pc + t.regs.sp + t.regs.fp + t.tid);
  if (core->process()) fz::Sink(core->process()->fname);
  if (core->signal()) fz::Sink(core->signal()->addr);
  if (auto execfn = core->Auxv(31)) fz::Sink(*execfn);  // AT_EXECFN
  for (const std::string& w : core->warnings()) fz::Sink(w);
  fz::Sink(core->truncated() + core->missing_bytes() + core->on_disk_bytes());

  std::unique_ptr<memory::AddressSpace> as = memory::AddressSpace::Build(core);
  if (!as) return 0;
  uint8_t buf[4096];
  size_t n = 0;
  for (const memory::Region& r : as->regions()) {
    if (++n > 256) break;  // enough edges per input; keeps iterations fast
    fz::Sink(r.start + r.end + r.flags + static_cast<uint64_t>(r.source));
    if (auto v = as->ReadU64(r.start)) fz::Sink(*v);
    if (auto v = as->ReadU64(r.end - 8)) fz::Sink(*v);
    if (auto v = as->ReadU64(r.end - 4)) fz::Sink(*v);  // straddles into the next region
    if (auto v = as->ReadU32(r.end)) fz::Sink(*v);
    if (as->Read(r.start, buf, sizeof buf)) fz::Sink(buf[sizeof buf - 1]);
    if (const uint8_t* p = as->Span(r.start, 16)) fz::Sink(p[15]);
    if (const uint8_t* p = as->Span(r.end - 16, 16)) fz::Sink(p[0]);
    if (as->FindRegion(r.end - 1)) fz::Sink(1);
  }
  // Addresses the core itself names: registers and NT_FILE ranges.
  for (const elf::Thread& t : core->threads()) {
    if (auto v = as->ReadU64(t.regs.sp)) fz::Sink(*v);
    if (auto v = as->ReadU64(t.regs.fp)) fz::Sink(*v);
  }
  // CoreBuildId scans every NT_FILE entry, so ask it about a few paths only
  // (once per path is what Target does).
  size_t probes = 0;
  for (const elf::FileMapping& m : core->files()) {
    if (auto v = as->ReadU64(m.start)) fz::Sink(*v);
    if (m.file_offset == 0 && ++probes <= 8) {
      if (auto id = as->CoreBuildId(m.path)) fz::Sink(*id);
    }
  }
  for (const std::string& w : as->warnings()) fz::Sink(w);
  return 0;
}
