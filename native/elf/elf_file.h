// ElfFile: a read-only, bounds-checked view of an ELF64 little-endian file
// (the node executable, a shared library, or a core's header part).
// Knows ELF structures only; nothing about cores' notes semantics or V8.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/big_array.h"
#include "util/byte_reader.h"
#include "util/result.h"

namespace corescope::elf {

// Arch is the one place the machine architecture is kept (x86_64 now; aarch64 follows).
enum class Arch { kX86_64, kAarch64 };
const char* ArchName(Arch a);

// MappedFile is an mmap of a whole file, read-only. Truncation-safe: reads
// never go past size().
class MappedFile {
 public:
  static Result<std::shared_ptr<MappedFile>> Open(const std::string& path);
  ~MappedFile();
  Bytes bytes() const { return {data_, size_}; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // CopyOut copies n bytes at p (a pointer into bytes()) to out with pread:
  // a scan of a whole page runs faster from a reused buffer that stays in
  // cache than through the mapping (no page-table entries to set up, no TLB
  // misses, hardware prefetch not stopped at 4 KiB). False if p..p+n is not
  // inside the mapping or the read fails; out is then unspecified.
  bool CopyOut(const uint8_t* p, uint64_t n, void* out) const;

 private:
  MappedFile() = default;
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
  int fd_ = -1;  // kept open for CopyOut
  std::string path_;
};

struct Segment {             // one program header
  uint32_t type = 0;         // PT_LOAD, PT_NOTE, ...
  uint32_t flags = 0;        // PF_R|PF_W|PF_X
  uint64_t offset = 0;
  uint64_t vaddr = 0;
  uint64_t filesz = 0;
  uint64_t memsz = 0;
};

struct Section {
  std::string name;
  uint32_t type = 0;         // SHT_*
  uint64_t flags = 0;
  uint64_t addr = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t link = 0;
  uint64_t entsize = 0;
};

// Symbol names point into the mapped file's string table (no copies: node
// has ~150k symbols); they live as long as the ElfFile's MappedFile.
struct Symbol {
  std::string_view name;
  uint64_t value = 0;        // st_value (virtual address in the file's own layout)
  uint64_t size = 0;
  uint8_t type = 0;          // STT_*
  uint16_t shndx = 0;
};

// SymbolList: node's ~110k symbols take ~5 MiB; a big array maps them on
// huge pages instead of faulting ~1,200 fresh 4 KiB pages in at every open.
using SymbolList = BigArray<Symbol>;

struct Note {
  uint32_t type = 0;
  std::string_view name;     // e.g. "CORE", "GNU", "LINUX"
  Bytes desc;
};

// ElfFile parses headers lazily from a MappedFile. Every accessor is
// bounds-checked; a malformed file yields an Error naming the field.
class ElfFile {
 public:
  static Result<ElfFile> Parse(std::shared_ptr<MappedFile> file);

  uint16_t type() const { return type_; }      // ET_EXEC, ET_DYN, ET_CORE
  Arch arch() const { return arch_; }
  uint16_t machine() const { return machine_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<Section>& sections() const { return sections_; }
  const MappedFile& file() const { return *file_; }
  std::shared_ptr<MappedFile> shared_file() const { return file_; }

  // Notes returns the notes of every PT_NOTE segment (stops at the first
  // malformed note of a segment, with a warning).
  std::vector<Note> Notes(std::vector<std::string>* warnings = nullptr) const;
  // BuildId returns the NT_GNU_BUILD_ID as lowercase hex, if present.
  std::optional<std::string> BuildId() const;
  // Symbols returns .symtab, or .dynsym when there is no .symtab.
  Result<SymbolList> Symbols() const;
  // ReadAtVaddr reads n bytes at a virtual address of this file's own
  // layout, through sections (NOBITS reads as zeros). False when unmapped.
  bool ReadAtVaddr(uint64_t vaddr, void* out, uint64_t n) const;
  const Section* FindSection(std::string_view name) const;

 private:
  std::shared_ptr<MappedFile> file_;
  uint16_t type_ = 0;
  uint16_t machine_ = 0;
  Arch arch_ = Arch::kX86_64;
  std::vector<Segment> segments_;
  std::vector<Section> sections_;
};

// ParseNotes walks an ELF note area (4-byte aligned name/desc).
std::vector<Note> ParseNotes(Bytes area, std::vector<std::string>* warnings);

// BuildIdFromElfHeaderPage reads the build-id from an ELF image's first page(s)
// as dumped in a core (program headers → PT_NOTE → NT_GNU_BUILD_ID).
std::optional<std::string> BuildIdFromImage(Bytes image);

}  // namespace corescope::elf
