// Call-frame information (DWARF CFI from .eh_frame / .eh_frame_hdr) of one
// ELF file, used to unwind through code built without frame pointers (libc's
// raise/abort/pthread_kill, syscall wrappers threads sleep in). Parses CIEs
// and FDEs lazily, runs the CFA rules up to a pc and computes the caller's
// registers. Unsupported rules (DWARF expressions) make Step fail cleanly.
// Knows ELF sections and x86_64 DWARF register numbers; nothing of V8.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "elf/elf_file.h"
#include "memory/address_space.h"

namespace corescope::stack {

// DwarfRegs: the x86_64 registers by DWARF number (0 rax .. 15 r15, 16 rip).
struct DwarfRegs {
  static constexpr int kCount = 17;
  static constexpr int kRbp = 6;
  static constexpr int kRsp = 7;
  static constexpr int kRip = 16;
  std::array<uint64_t, kCount> value{};
  std::array<bool, kCount> valid{};

  void Set(int r, uint64_t v) { value[r] = v; valid[r] = true; }
  // FromUserRegs fills from NT_PRSTATUS user_regs_struct order.
  static DwarfRegs FromUserRegs(const std::vector<uint64_t>& raw, uint64_t pc, uint64_t sp, uint64_t fp);
};

class Cfi {
 public:
  // Create finds .eh_frame_hdr/.eh_frame in `elf`; nullopt when absent.
  static std::optional<Cfi> Create(const elf::ElfFile& elf);

  // Step unwinds one frame: `vpc` is the pc in the file's own vaddr space
  // (for a caller frame, pass the return address minus one), `bias` is
  // runtime address minus file vaddr. On success `regs` holds the caller's
  // registers (rip = return address, rsp = CFA). False when no FDE covers
  // vpc, a rule is unsupported, or a saved register is unreadable.
  bool Step(uint64_t vpc, uint64_t bias, const memory::AddressSpace& mem, DwarfRegs& regs) const;

  // HasFde reports whether some FDE covers vpc.
  bool HasFde(uint64_t vpc) const;

 private:
  struct Fde {
    uint64_t pc_begin = 0, pc_end = 0;
    uint64_t instr_off = 0, instr_end = 0;   // offsets into eh_frame_
    uint64_t cie_off = 0;
  };
  struct Cie {
    uint64_t code_align = 1;
    int64_t data_align = 1;
    uint64_t ra_reg = 16;
    uint8_t fde_enc = 0;
    bool has_z = false;
    bool signal_frame = false;
    uint64_t instr_off = 0, instr_end = 0;
  };
  std::optional<Fde> FindFde(uint64_t vpc) const;
  std::optional<Fde> ParseFde(uint64_t off) const;
  std::optional<Cie> ParseCie(uint64_t off) const;
  // ReadEncoded decodes a DW_EH_PE_* pointer at *off of `b` (whose first
  // byte has vaddr base_vaddr).
  static std::optional<uint64_t> ReadEncoded(Bytes b, uint64_t base_vaddr, uint64_t* off, uint8_t enc,
                                             uint64_t datarel_base);

  Bytes eh_frame_;
  uint64_t eh_frame_vaddr_ = 0;
  Bytes hdr_;
  uint64_t hdr_vaddr_ = 0;
};

}  // namespace corescope::stack
