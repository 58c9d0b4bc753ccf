// Fuzz target: everything above the ELF reader, over a small real core image
// with fuzzed bytes: Target::Open (executable lookup, build-id, metadata,
// node version), page discovery (heap/page_table.h), and then every method
// the addon registers (api/methods.h: info, objects, inspect, stack, ...), so
// the heap walker, object views and stack walker run on corrupt memory.
// Seeds: scripts/fuzz-corpus.mjs --heap cuts a real core to its notes, the
// executable's header page and its V8 heap pages, and writes the executable
// cut to build-id + .data + v8dbg symbols next to it; the image's NT_FILE
// names that executable, so no flag is needed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "api/methods.h"
#include "fuzz/fuzz_input.h"
#include "heap/page_table.h"
#include "target/target.h"

namespace api = corescope::api;
namespace heap = corescope::heap;
namespace target = corescope::target;
namespace fz = corescope::fuzz;
using corescope::NullProgress;

namespace {

// Hex formats an address as the API's arguments carry them.
std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// CallAll runs every registered method three times: with no arguments;
// with arguments that point at a heap object candidate and ask for small
// results; and with an address that is not word-aligned (`odd`, taken from
// the input), which must be refused, not read.
void CallAll(api::Session& session, uint64_t object, uint64_t odd) {
  const api::Registry& registry = api::AllMethods();
  for (const std::string& name : registry.Names()) {
    const api::Method* m = registry.Find(name);
    if (!m) continue;
    for (int variant = 0; variant < 3; ++variant) {
      api::Args args;
      // exportSnapshot gets no path (a USAGE error): writing a whole
      // snapshot per input would slow fuzzing to a crawl; the corruption
      // sweep and the e2e tests cover it.
      if (variant > 0) {
        args.Set("address", Hex(variant == 1 ? object : object + odd));
        for (const char* key : {"max", "top", "maxFrames", "depth", "causeDepth"}) args.Set(key, "3");
        args.Set("args", "true");
        args.Set("all", "true");
      }
      auto r = (*m)(session, args, NullProgress());
      if (r) {
        fz::Sink(r.value().size());
      } else {
        fz::Sink(r.error().message);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  target::OpenOptions opts;
  opts.core_path = fz::MemFile::Get().Write(data, size);
  if (const char* exe = std::getenv("CORESCOPE_FUZZ_EXE")) opts.executable = exe;
  auto t = target::Target::Open(opts, NullProgress());
  if (!t) {
    fz::Sink(t.error().message);
    return 0;
  }
  uint64_t object = 0;
  auto pages = heap::PageTable::Discover(*t.value(), NullProgress());
  if (pages) {
    for (const heap::Page& p : pages->pages()) {
      fz::Sink(p.start + p.size + p.area_start + p.area_end + static_cast<uint64_t>(p.space));
      if (object == 0 && p.space == heap::Space::kOld) object = p.area_start + 1;  // tagged
    }
    if (const heap::Page* p = pages->Find(object)) fz::Sink(p->start);
  }
  api::Session session(std::move(t.value()));
  uint64_t odd = 2 + 8 * (size > 0 ? data[size - 1] % 16 : 0);  // 2 mod 8, inside or near the object
  CallAll(session, object, odd);
  return 0;
}
