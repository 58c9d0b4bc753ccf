// AddressSpace: the dead process's virtual memory, read from the core's
// PT_LOAD segments, with file-backed ranges that the core did not dump
// (node's .text/.rodata, the remapped builtins blob) read from the files named
// in NT_FILE. Every read is bounds-checked and never throws or crashes.
// Knows ELF cores; knows nothing of V8.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "elf/core_file.h"

namespace corescope::memory {

// Region is one contiguous readable range and where its bytes come from.
struct Region {
  uint64_t start = 0;
  uint64_t end = 0;            // exclusive
  const uint8_t* data = nullptr;  // direct pointer (core mmap or backing file mmap); nullptr = zeros
  uint32_t flags = 0;          // PF_R|PF_W|PF_X from the core
  enum class Source : uint8_t { kCore, kZero, kFile } source = Source::kCore;
};

class AddressSpace {
 public:
  // Build creates the address space of a core; backing files from NT_FILE
  // are opened when present (the executable explicitly via AddBackingFile).
  static std::unique_ptr<AddressSpace> Build(std::shared_ptr<elf::CoreFile> core);

  // AddBackingFile makes `file` the source for NT_FILE mappings whose path is
  // `core_path` (used when the user passes --executable, or the path moved).
  void AddBackingFile(const std::string& core_path, std::shared_ptr<elf::MappedFile> file);
  // AddSyntheticMappings serves `file` at `maps` (built from the executable's
  // own program headers) for cores that have no NT_FILE note (qemu-user
  // cores); only bytes the core did not dump come from the file.
  void AddSyntheticMappings(const std::string& path, std::shared_ptr<elf::MappedFile> file,
                            std::vector<elf::FileMapping> maps);

  // All reads are safe to call from several threads at once (page walks run
  // in parallel); any last-hit cache must be thread_local.

  // Read copies n bytes at addr into out. Returns false (out untouched or
  // partially written) if any byte is unreadable. May span regions.
  bool Read(uint64_t addr, void* out, uint64_t n) const;

  template <typename T>
  std::optional<T> ReadValue(uint64_t addr) const {
    T v;
    if (!Read(addr, &v, sizeof(T))) return std::nullopt;
    return v;
  }
  std::optional<uint64_t> ReadU64(uint64_t addr) const { return ReadValue<uint64_t>(addr); }
  std::optional<uint32_t> ReadU32(uint64_t addr) const { return ReadValue<uint32_t>(addr); }

  // Span returns a direct pointer to n readable bytes at addr inside one
  // region with real data (no copy: the hot path of heap walks), else nullptr.
  // The pointer is 8-byte aligned whenever addr is (segments stored at
  // unaligned file offsets are not readable), so aligned words may be read
  // through it.
  const uint8_t* Span(uint64_t addr, uint64_t n) const;

  // ContiguousEnd returns the end of the run of regions starting at r whose
  // bytes continue each other in the same mmap (one mapping split by page
  // protection, e.g. V8's W^X code pages on arm64): an object may span them.
  uint64_t ContiguousEnd(const Region* r) const;

  // SpanCopy is Span for scanning all n bytes: when the core file holds
  // them, they are read into *buf (resized to fit, 8-byte aligned) and the
  // copy is returned, else the direct pointer. A scan of a 256 KiB page runs
  // faster from a reused, cache-resident buffer than through the mapping
  // (no page-table setup, no TLB misses, prefetch not stopped every 4 KiB).
  const uint8_t* SpanCopy(uint64_t addr, uint64_t n, std::vector<uint64_t>* buf) const;

  // ReadSparse is Read for one-off reads spread over a large core (a header
  // per heap page): a file read costs less than faulting a page of the
  // mapping in for a few words. Falls back to Read.
  bool ReadSparse(uint64_t addr, void* out, uint64_t n) const;

  // CopyOut copies [addr, addr+n) of region r, when the core file itself
  // holds those bytes, with a file read instead of through the mapping (see
  // MappedFile::CopyOut). False otherwise; the caller then reads r->data.
  bool CopyOut(const Region* r, uint64_t addr, uint64_t n, void* out) const;

  // FindRegion returns the region containing addr, or nullptr.
  const Region* FindRegion(uint64_t addr) const;
  const std::vector<Region>& regions() const { return regions_; }
  const elf::CoreFile& core() const { return *core_; }
  // warnings: backing files that were missing or differ from the core's.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // CoreBuildId returns the build-id of the ELF file mapped from `path` at
  // file offset 0, read from its first page as dumped in the core.
  std::optional<std::string> CoreBuildId(const std::string& path) const;

 private:
  std::shared_ptr<elf::CoreFile> core_;
  std::vector<Region> regions_;   // sorted, non-overlapping
  std::map<std::string, std::shared_ptr<elf::MappedFile>> backing_;
  std::vector<elf::FileMapping> synthetic_;   // file mappings the core's NT_FILE lacks
  std::vector<std::string> warnings_;
  uint64_t id_ = 0;               // unique per Rebuild: keys the thread_local last-hit cache
  void Rebuild();
};

}  // namespace corescope::memory
