// CoreFile: an ELF core dump (ET_CORE): its PT_LOAD segments and the notes
// the kernel (or gcore) wrote: threads, process info, signal, auxv, mapped
// files. Knows nothing about V8; see ../v8.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "elf/elf_file.h"

namespace corescope::elf {

// Registers of one thread, architecture-neutral names for what walkers need.
struct ThreadRegisters {
  uint64_t pc = 0;   // rip / pc
  uint64_t sp = 0;   // rsp / sp
  uint64_t fp = 0;   // rbp / x29
  uint64_t lr = 0;   // aarch64 x30; 0 on x86_64
  uint64_t fs_base = 0;  // x86_64 TLS base; aarch64 tpidr when present
  std::vector<uint64_t> raw;  // all general registers in the note's order
};

struct Thread {
  int32_t tid = 0;
  int32_t signal = 0;        // pr_cursig
  ThreadRegisters regs;
  std::string name;          // from NT_PRPSINFO for the first thread, else empty (filled later if known)
};

struct ProcessInfo {          // NT_PRPSINFO
  int32_t pid = 0;
  int32_t ppid = 0;
  uint32_t uid = 0;
  std::string fname;         // pr_fname: the main thread's name on Node 24+
  std::string args;          // pr_psargs (truncated to 80 by the kernel)
  char state = 0;
};

struct SignalInfo {           // NT_SIGINFO
  int32_t signo = 0;
  int32_t code = 0;
  int32_t errno_ = 0;
  uint64_t addr = 0;         // si_addr for SIGSEGV/SIGBUS
};

struct FileMapping {          // one NT_FILE entry
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t file_offset = 0;  // in bytes (page_size already applied)
  std::string path;
};

struct LoadSegment {          // one PT_LOAD, clipped to the file
  uint64_t vaddr = 0;
  uint64_t memsz = 0;
  uint64_t offset = 0;
  uint64_t filesz = 0;       // bytes present in the file (after clipping)
  uint64_t declared_filesz = 0;
  uint32_t flags = 0;
};

class CoreFile {
 public:
  // Open maps and parses a core. Errors: kFileNotFound, kNotACore, kCoreCorrupt.
  static Result<std::shared_ptr<CoreFile>> Open(const std::string& path);

  const ElfFile& elf() const { return elf_; }
  Arch arch() const { return elf_.arch(); }
  const std::vector<LoadSegment>& loads() const { return loads_; }
  const std::vector<Thread>& threads() const { return threads_; }   // first = signalling thread
  const std::optional<ProcessInfo>& process() const { return process_; }
  const std::optional<SignalInfo>& signal() const { return signal_; }
  const std::vector<std::pair<uint64_t, uint64_t>>& auxv() const { return auxv_; }
  std::optional<uint64_t> Auxv(uint64_t type) const;
  const std::vector<FileMapping>& files() const { return files_; }
  // pac_insn_mask: NT_ARM_PAC_MASK's insn_mask (aarch64 kernels with pointer
  // authentication); nullopt when absent (qemu-user cores, no PAC).
  const std::optional<uint64_t>& pac_insn_mask() const { return pac_insn_mask_; }
  // StripCodePointer removes pointer-authentication bits from a saved return
  // address: the note's mask, else the low 48 bits on aarch64; unchanged on x86_64.
  uint64_t StripCodePointer(uint64_t addr) const;
  const std::vector<std::string>& warnings() const { return warnings_; }
  uint64_t file_size() const { return elf_.file().size(); }
  // on_disk_bytes: st_blocks*512 (sparse cores are smaller on disk).
  uint64_t on_disk_bytes() const { return on_disk_bytes_; }
  // truncated: some PT_LOAD declares more file bytes than the file holds.
  bool truncated() const { return truncated_; }
  uint64_t missing_bytes() const { return missing_bytes_; }

 private:
  CoreFile() = default;
  ElfFile elf_;
  std::vector<LoadSegment> loads_;
  std::vector<Thread> threads_;
  std::optional<ProcessInfo> process_;
  std::optional<SignalInfo> signal_;
  std::vector<std::pair<uint64_t, uint64_t>> auxv_;
  std::vector<FileMapping> files_;
  std::optional<uint64_t> pac_insn_mask_;
  std::vector<std::string> warnings_;
  uint64_t on_disk_bytes_ = 0;
  bool truncated_ = false;
  uint64_t missing_bytes_ = 0;
  friend class CoreFileParser;
};

}  // namespace corescope::elf
