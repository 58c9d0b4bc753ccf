// Builders of synthetic ELF files for tests: a core (ET_CORE with PT_NOTE
// and PT_LOAD segments, x86_64 or aarch64 notes) and a tiny executable with
// a build-id, sections and symbols. Written from the ELF spec, so tests need
// no binary fixtures. Knows ELF layouts; knows nothing of corescope's parsers.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace corescope::test {

using Buffer = std::vector<uint8_t>;

void PutU16(Buffer& b, uint64_t off, uint16_t v);
void PutU32(Buffer& b, uint64_t off, uint32_t v);
void PutU64(Buffer& b, uint64_t off, uint64_t v);
void AppendU64(Buffer& b, uint64_t v);

class SyntheticCore {
 public:
  struct FileEntry {
    uint64_t start, end, page_offset;
    std::string path;
  };

  uint16_t e_type = 4;      // ET_CORE
  uint16_t e_machine = 62;  // EM_X86_64 (183 = aarch64)

  // AddLoad adds a PT_LOAD at vaddr holding `data`; memsz defaults to its size
  // (memsz > data.size() means the rest was not dumped).
  void AddLoad(uint64_t vaddr, Buffer data, uint64_t memsz = 0, uint32_t flags = 6 /* R|W */);
  void AddNote(const std::string& name, uint32_t type, const Buffer& desc);
  // AddThread adds NT_PRSTATUS with pid, cursig and pc/sp/fp (arch by e_machine).
  void AddThread(int32_t tid, int32_t cursig, uint64_t pc, uint64_t sp, uint64_t fp);
  void SetProcess(int32_t pid, int32_t ppid, const std::string& fname, const std::string& psargs);
  void SetSignal(int32_t signo, int32_t code, uint64_t addr);
  void SetAuxv(const std::vector<std::pair<uint64_t, uint64_t>>& auxv);
  void SetFiles(const std::vector<FileEntry>& files, uint64_t page_size = 4096);

  // Build lays out: ELF header, PT_NOTE + PT_LOAD headers, notes, then each
  // load's data at a 4 KiB-aligned offset.
  Buffer Build() const;
  // Offsets in the last Build() result, for corruption tests.
  uint64_t phoff() const { return 64; }
  uint64_t notes_offset() const { return notes_offset_; }
  uint64_t notes_size() const { return notes_size_; }
  const std::vector<uint64_t>& load_offsets() const { return load_offsets_; }

 private:
  struct Load {
    uint64_t vaddr;
    Buffer data;
    uint64_t memsz;
    uint32_t flags;
  };
  std::vector<Load> loads_;
  Buffer notes_;
  mutable uint64_t notes_offset_ = 0, notes_size_ = 0;
  mutable std::vector<uint64_t> load_offsets_;
};

// SyntheticExe builds an ET_EXEC x86_64 file: first page with ELF header,
// program headers (PT_LOAD, PT_NOTE) and a GNU build-id note; then .data
// (PROGBITS) and .bss (NOBITS) at `data_vaddr`; then .symtab/.strtab/.shstrtab.
class SyntheticExe {
 public:
  std::string build_id = "0123456789abcdef0123456789abcdef01234567";  // hex
  uint64_t base = 0x400000;
  uint64_t data_vaddr = 0x600000;
  bool with_symtab = true;
  // symtab_type is the symbol table's section type: 2 (SHT_SYMTAB), or 11
  // (SHT_DYNSYM) for a binary stripped of .symtab that keeps .dynsym.
  uint32_t symtab_type = 2;

  // AddDataInt adds a 4-byte int symbol in .data; AddBssSymbol one in .bss (reads as 0).
  void AddDataInt(const std::string& name, int32_t value);
  void AddBssSymbol(const std::string& name, uint64_t size = 4);
  // AddDataBytes adds an object symbol in .data holding `bytes`; returns its vaddr.
  uint64_t AddDataBytes(const std::string& name, const Buffer& bytes);

  Buffer Build() const;
  // FirstPage returns the first 4 KiB of Build() (what a core dumps of it).
  Buffer FirstPage() const;

 private:
  struct Sym {
    std::string name;
    uint64_t value, size;
  };
  std::vector<Sym> syms_;
  Buffer data_;
  uint64_t bss_size_ = 0;
  std::vector<std::pair<std::string, uint64_t>> bss_syms_;  // name, offset in .bss
};

// TempFile writes bytes to a new file under /tmp and removes it on destruction.
class TempFile {
 public:
  explicit TempFile(const Buffer& bytes, const std::string& name = "core");
  ~TempFile();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace corescope::test
