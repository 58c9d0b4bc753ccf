// DWARF CFI unwinding from .eh_frame. See cfi.h.
#include "stack/cfi.h"
#include "util/limits.h"

#include <vector>

namespace corescope::stack {
namespace {

// DW_EH_PE_* pointer encodings.
constexpr uint8_t kPeOmit = 0xff;
constexpr uint8_t kPeAbsptr = 0x00, kPeUleb = 0x01, kPeUdata2 = 0x02, kPeUdata4 = 0x03, kPeUdata8 = 0x04;
constexpr uint8_t kPeSleb = 0x09, kPeSdata2 = 0x0a, kPeSdata4 = 0x0b, kPeSdata8 = 0x0c;
constexpr uint8_t kPePcrel = 0x10, kPeDatarel = 0x30;

constexpr int kMaxRememberDepth = static_cast<int>(limits::kMaxCfiRememberDepth);
constexpr uint64_t kMaxInstructions = limits::kMaxCfiInstructions;

bool ReadUleb(Bytes b, uint64_t* off, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    auto byte = b.Read<uint8_t>(*off);
    if (!byte) return false;
    ++*off;
    v |= static_cast<uint64_t>(*byte & 0x7f) << shift;
    if (!(*byte & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

bool ReadSleb(Bytes b, uint64_t* off, int64_t* out) {
  uint64_t v = 0;
  int shift = 0;
  uint8_t byte = 0x80;
  while (byte & 0x80) {
    if (shift >= 64) return false;
    auto r = b.Read<uint8_t>(*off);
    if (!r) return false;
    byte = *r;
    ++*off;
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    shift += 7;
  }
  if (shift < 64 && (byte & 0x40)) v |= ~uint64_t{0} << shift;
  *out = static_cast<int64_t>(v);
  return true;
}

// User-regs (NT_PRSTATUS) index of each DWARF register 0..16.
constexpr int kUserRegIndex[DwarfRegs::kCount] = {10, 12, 11, 5, 13, 14, 4, 19, 9, 8, 7, 6, 3, 2, 1, 0, 16};

enum class RuleKind : uint8_t { kSame, kUndefined, kOffset, kValOffset, kRegister, kUnsupported };
struct Rule {
  RuleKind kind = RuleKind::kSame;
  int64_t value = 0;
};
struct Row {
  uint64_t cfa_reg = DwarfRegs::kRsp;
  int64_t cfa_off = 8;
  bool cfa_unsupported = false;
  Rule rules[DwarfRegs::kCount];
};

}  // namespace

DwarfRegs DwarfRegs::FromUserRegs(const std::vector<uint64_t>& raw, uint64_t pc, uint64_t sp, uint64_t fp) {
  DwarfRegs r;
  if (raw.size() >= 20) {
    for (int i = 0; i < kCount; ++i) r.Set(i, raw[kUserRegIndex[i]]);
  }
  r.Set(kRip, pc);
  r.Set(kRsp, sp);
  r.Set(kRbp, fp);
  return r;
}

std::optional<Cfi> Cfi::Create(const elf::ElfFile& elf) {
  const elf::Section* eh = elf.FindSection(".eh_frame");
  if (!eh || eh->type == 8 /* SHT_NOBITS */) return std::nullopt;
  Cfi c;
  c.eh_frame_ = elf.file().bytes().Sub(eh->offset, eh->size);
  if (!c.eh_frame_.data) return std::nullopt;
  c.eh_frame_vaddr_ = eh->addr;
  if (const elf::Section* hdr = elf.FindSection(".eh_frame_hdr")) {
    c.hdr_ = elf.file().bytes().Sub(hdr->offset, hdr->size);
    c.hdr_vaddr_ = hdr->addr;
  }
  return c;
}

std::optional<uint64_t> Cfi::ReadEncoded(Bytes b, uint64_t base_vaddr, uint64_t* off, uint8_t enc,
                                         uint64_t datarel_base) {
  if (enc == kPeOmit) return std::nullopt;
  uint64_t field_vaddr = base_vaddr + *off;
  uint64_t v = 0;
  switch (enc & 0x0f) {
    case kPeAbsptr:
    case kPeUdata8:
    case kPeSdata8: {
      auto r = b.Read<uint64_t>(*off);
      if (!r) return std::nullopt;
      v = *r;
      *off += 8;
      break;
    }
    case kPeUdata4: {
      auto r = b.Read<uint32_t>(*off);
      if (!r) return std::nullopt;
      v = *r;
      *off += 4;
      break;
    }
    case kPeSdata4: {
      auto r = b.Read<int32_t>(*off);
      if (!r) return std::nullopt;
      v = static_cast<uint64_t>(static_cast<int64_t>(*r));
      *off += 4;
      break;
    }
    case kPeUdata2: {
      auto r = b.Read<uint16_t>(*off);
      if (!r) return std::nullopt;
      v = *r;
      *off += 2;
      break;
    }
    case kPeSdata2: {
      auto r = b.Read<int16_t>(*off);
      if (!r) return std::nullopt;
      v = static_cast<uint64_t>(static_cast<int64_t>(*r));
      *off += 2;
      break;
    }
    case kPeUleb:
      if (!ReadUleb(b, off, &v)) return std::nullopt;
      break;
    case kPeSleb: {
      int64_t s;
      if (!ReadSleb(b, off, &s)) return std::nullopt;
      v = static_cast<uint64_t>(s);
      break;
    }
    default:
      return std::nullopt;
  }
  switch (enc & 0x70) {
    case 0:
      break;
    case kPePcrel:
      v += field_vaddr;
      break;
    case kPeDatarel:
      v += datarel_base;
      break;
    default:
      return std::nullopt;  // textrel/funcrel/aligned: not used by x86_64 toolchains
  }
  return v;  // DW_EH_PE_indirect is never used for FDE pc ranges
}

std::optional<Cfi::Cie> Cfi::ParseCie(uint64_t off) const {
  Bytes b = eh_frame_;
  auto len32 = b.Read<uint32_t>(off);
  if (!len32 || *len32 == 0) return std::nullopt;
  uint64_t len = *len32, p = off + 4;
  if (*len32 == 0xffffffff) {
    auto l64 = b.Read<uint64_t>(p);
    if (!l64) return std::nullopt;
    len = *l64;
    p += 8;
  }
  auto end = CheckedAdd(p, len);
  if (!end || *end > b.size) return std::nullopt;
  auto id = b.Read<uint32_t>(p);
  if (!id || *id != 0) return std::nullopt;
  p += 4;
  auto version = b.Read<uint8_t>(p++);
  if (!version || (*version != 1 && *version != 3)) return std::nullopt;
  auto aug = b.CString(p, 16);
  if (!aug) return std::nullopt;
  p += aug->size() + 1;
  Cie cie;
  if (aug->find("eh") != std::string_view::npos) p += 8;
  if (!ReadUleb(b, &p, &cie.code_align) || !ReadSleb(b, &p, &cie.data_align)) return std::nullopt;
  if (*version == 1) {
    auto ra = b.Read<uint8_t>(p++);
    if (!ra) return std::nullopt;
    cie.ra_reg = *ra;
  } else if (!ReadUleb(b, &p, &cie.ra_reg)) {
    return std::nullopt;
  }
  if (!aug->empty() && (*aug)[0] == 'z') {
    cie.has_z = true;
    uint64_t aug_len;
    if (!ReadUleb(b, &p, &aug_len)) return std::nullopt;
    uint64_t aug_end = p + aug_len;
    for (size_t i = 1; i < aug->size(); ++i) {
      char c = (*aug)[i];
      if (c == 'R') {
        auto e = b.Read<uint8_t>(p++);
        if (!e) return std::nullopt;
        cie.fde_enc = *e;
      } else if (c == 'L') {
        ++p;
      } else if (c == 'P') {
        auto e = b.Read<uint8_t>(p++);
        if (!e) return std::nullopt;
        if (!ReadEncoded(b, eh_frame_vaddr_, &p, *e & 0x7f, hdr_vaddr_)) return std::nullopt;
      } else if (c == 'S') {
        cie.signal_frame = true;
      }
    }
    p = aug_end;
  }
  if (p > *end) return std::nullopt;
  cie.instr_off = p;
  cie.instr_end = *end;
  return cie;
}

std::optional<Cfi::Fde> Cfi::ParseFde(uint64_t off) const {
  Bytes b = eh_frame_;
  auto len32 = b.Read<uint32_t>(off);
  if (!len32 || *len32 == 0 || *len32 == 0xffffffff) return std::nullopt;
  uint64_t p = off + 4;
  auto end = CheckedAdd(p, *len32);
  if (!end || *end > b.size) return std::nullopt;
  auto cie_ptr = b.Read<uint32_t>(p);
  if (!cie_ptr || *cie_ptr == 0 || *cie_ptr > p) return std::nullopt;  // 0 = a CIE, not an FDE
  Fde fde;
  fde.cie_off = p - *cie_ptr;
  p += 4;
  auto cie = ParseCie(fde.cie_off);
  if (!cie) return std::nullopt;
  auto begin = ReadEncoded(b, eh_frame_vaddr_, &p, cie->fde_enc, hdr_vaddr_);
  auto range = ReadEncoded(b, eh_frame_vaddr_, &p, cie->fde_enc & 0x0f, hdr_vaddr_);
  if (!begin || !range) return std::nullopt;
  fde.pc_begin = *begin;
  fde.pc_end = *begin + *range;
  if (cie->has_z) {
    uint64_t aug_len;
    if (!ReadUleb(b, &p, &aug_len)) return std::nullopt;
    p += aug_len;
  }
  if (p > *end) return std::nullopt;
  fde.instr_off = p;
  fde.instr_end = *end;
  return fde;
}

std::optional<Cfi::Fde> Cfi::FindFde(uint64_t vpc) const {
  // Binary search the .eh_frame_hdr table when it has the usual encoding
  // (datarel|sdata4 pairs); otherwise scan .eh_frame linearly.
  if (hdr_.size >= 12 && hdr_.Read<uint8_t>(0) == 1 && hdr_.Read<uint8_t>(3) == (kPeDatarel | kPeSdata4)) {
    uint64_t p = 4;
    uint8_t ptr_enc = *hdr_.Read<uint8_t>(1), count_enc = *hdr_.Read<uint8_t>(2);
    auto eh_ptr = ReadEncoded(hdr_, hdr_vaddr_, &p, ptr_enc, hdr_vaddr_);
    auto count = ReadEncoded(hdr_, hdr_vaddr_, &p, count_enc, hdr_vaddr_);
    if (eh_ptr && count && *count > 0 && p + *count * 8 <= hdr_.size) {
      uint64_t lo = 0, hi = *count;  // find the last entry with initial_loc <= vpc
      while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        int32_t loc = *hdr_.Read<int32_t>(p + mid * 8);
        if (hdr_vaddr_ + static_cast<int64_t>(loc) <= vpc) lo = mid; else hi = mid;
      }
      int32_t loc = *hdr_.Read<int32_t>(p + lo * 8);
      int32_t fde_rel = *hdr_.Read<int32_t>(p + lo * 8 + 4);
      if (hdr_vaddr_ + static_cast<int64_t>(loc) > vpc) return std::nullopt;
      uint64_t fde_vaddr = hdr_vaddr_ + static_cast<int64_t>(fde_rel);
      if (fde_vaddr < eh_frame_vaddr_) return std::nullopt;
      auto fde = ParseFde(fde_vaddr - eh_frame_vaddr_);
      if (fde && vpc >= fde->pc_begin && vpc < fde->pc_end) return fde;
      return std::nullopt;
    }
  }
  uint64_t off = 0;
  while (off + 8 <= eh_frame_.size) {
    auto len = eh_frame_.Read<uint32_t>(off);
    if (!len || *len == 0 || *len == 0xffffffff) break;
    auto id = eh_frame_.Read<uint32_t>(off + 4);
    if (id && *id != 0) {
      auto fde = ParseFde(off);
      if (fde && vpc >= fde->pc_begin && vpc < fde->pc_end) return fde;
    }
    auto next = CheckedAdd(off, uint64_t{*len} + 4);
    if (!next) break;
    off = *next;
  }
  return std::nullopt;
}

bool Cfi::HasFde(uint64_t vpc) const { return FindFde(vpc).has_value(); }

namespace {

// RunProgram executes CFA instructions in [off, end) of b until the
// location passes vpc. Returns false on a malformed or unsupported program.
bool RunProgram(Bytes b, uint64_t off, uint64_t end, uint64_t loc, uint64_t vpc, uint64_t code_align,
                int64_t data_align, const Row& initial, Row& row) {
  std::vector<Row> stack;
  uint64_t steps = 0;
  auto reg_ok = [](uint64_t r) { return r < static_cast<uint64_t>(DwarfRegs::kCount); };
  while (off < end) {
    if (++steps > kMaxInstructions) return false;
    uint8_t op = *b.Read<uint8_t>(off++);
    uint8_t high = op & 0xc0, low = op & 0x3f;
    uint64_t reg = 0, u = 0;
    int64_t s = 0;
    if (high == 0x40) {  // DW_CFA_advance_loc
      loc += low * code_align;
      if (loc > vpc) return true;
      continue;
    }
    if (high == 0x80) {  // DW_CFA_offset
      if (!ReadUleb(b, &off, &u)) return false;
      if (reg_ok(low)) row.rules[low] = {RuleKind::kOffset, static_cast<int64_t>(u) * data_align};
      continue;
    }
    if (high == 0xc0) {  // DW_CFA_restore
      if (reg_ok(low)) row.rules[low] = initial.rules[low];
      continue;
    }
    switch (op) {
      case 0x00:  // nop
        break;
      case 0x01:  // set_loc: encoded address; absolute in practice
        return false;
      case 0x02: case 0x03: case 0x04: {  // advance_loc1/2/4
        uint64_t delta = 0;
        if (op == 0x02) { auto v = b.Read<uint8_t>(off); if (!v) return false; delta = *v; off += 1; }
        if (op == 0x03) { auto v = b.Read<uint16_t>(off); if (!v) return false; delta = *v; off += 2; }
        if (op == 0x04) { auto v = b.Read<uint32_t>(off); if (!v) return false; delta = *v; off += 4; }
        loc += delta * code_align;
        if (loc > vpc) return true;
        break;
      }
      case 0x05:  // offset_extended
        if (!ReadUleb(b, &off, &reg) || !ReadUleb(b, &off, &u)) return false;
        if (reg_ok(reg)) row.rules[reg] = {RuleKind::kOffset, static_cast<int64_t>(u) * data_align};
        break;
      case 0x06:  // restore_extended
        if (!ReadUleb(b, &off, &reg)) return false;
        if (reg_ok(reg)) row.rules[reg] = initial.rules[reg];
        break;
      case 0x07:  // undefined
        if (!ReadUleb(b, &off, &reg)) return false;
        if (reg_ok(reg)) row.rules[reg] = {RuleKind::kUndefined, 0};
        break;
      case 0x08:  // same_value
        if (!ReadUleb(b, &off, &reg)) return false;
        if (reg_ok(reg)) row.rules[reg] = {RuleKind::kSame, 0};
        break;
      case 0x09:  // register
        if (!ReadUleb(b, &off, &reg) || !ReadUleb(b, &off, &u)) return false;
        if (reg_ok(reg)) row.rules[reg] = {RuleKind::kRegister, static_cast<int64_t>(u)};
        break;
      case 0x0a:  // remember_state
        if (stack.size() >= kMaxRememberDepth) return false;
        stack.push_back(row);
        break;
      case 0x0b:  // restore_state
        if (stack.empty()) return false;
        row = stack.back();
        stack.pop_back();
        break;
      case 0x0c:  // def_cfa
        if (!ReadUleb(b, &off, &reg) || !ReadUleb(b, &off, &u)) return false;
        row.cfa_reg = reg;
        row.cfa_off = static_cast<int64_t>(u);
        row.cfa_unsupported = false;
        break;
      case 0x0d:  // def_cfa_register
        if (!ReadUleb(b, &off, &reg)) return false;
        row.cfa_reg = reg;
        break;
      case 0x0e:  // def_cfa_offset
        if (!ReadUleb(b, &off, &u)) return false;
        row.cfa_off = static_cast<int64_t>(u);
        break;
      case 0x0f:  // def_cfa_expression
        if (!ReadUleb(b, &off, &u)) return false;
        off += u;
        row.cfa_unsupported = true;
        break;
      case 0x10:  // expression
      case 0x16:  // val_expression
        if (!ReadUleb(b, &off, &reg) || !ReadUleb(b, &off, &u)) return false;
        off += u;
        if (reg_ok(reg)) row.rules[reg] = {RuleKind::kUnsupported, 0};
        break;
      case 0x11:  // offset_extended_sf
        if (!ReadUleb(b, &off, &reg) || !ReadSleb(b, &off, &s)) return false;
        if (reg_ok(reg)) row.rules[reg] = {RuleKind::kOffset, s * data_align};
        break;
      case 0x12:  // def_cfa_sf
        if (!ReadUleb(b, &off, &reg) || !ReadSleb(b, &off, &s)) return false;
        row.cfa_reg = reg;
        row.cfa_off = s * data_align;
        row.cfa_unsupported = false;
        break;
      case 0x13:  // def_cfa_offset_sf
        if (!ReadSleb(b, &off, &s)) return false;
        row.cfa_off = s * data_align;
        break;
      case 0x14:  // val_offset
        if (!ReadUleb(b, &off, &reg) || !ReadUleb(b, &off, &u)) return false;
        if (reg_ok(reg)) row.rules[reg] = {RuleKind::kValOffset, static_cast<int64_t>(u) * data_align};
        break;
      case 0x15:  // val_offset_sf
        if (!ReadUleb(b, &off, &reg) || !ReadSleb(b, &off, &s)) return false;
        if (reg_ok(reg)) row.rules[reg] = {RuleKind::kValOffset, s * data_align};
        break;
      case 0x2e:  // GNU_args_size
        if (!ReadUleb(b, &off, &u)) return false;
        break;
      case 0x2f:  // GNU_negative_offset_extended
        if (!ReadUleb(b, &off, &reg) || !ReadUleb(b, &off, &u)) return false;
        if (reg_ok(reg)) row.rules[reg] = {RuleKind::kOffset, -static_cast<int64_t>(u) * data_align};
        break;
      default:
        return false;
    }
  }
  return true;
}

}  // namespace

bool Cfi::Step(uint64_t vpc, uint64_t bias, const memory::AddressSpace& mem, DwarfRegs& regs) const {
  (void)bias;
  auto fde = FindFde(vpc);
  if (!fde) return false;
  auto cie = ParseCie(fde->cie_off);
  if (!cie || cie->ra_reg >= DwarfRegs::kCount) return false;
  Row initial;
  // The CIE's initial instructions define the rules every row starts from.
  if (!RunProgram(eh_frame_, cie->instr_off, cie->instr_end, 0, ~uint64_t{0}, cie->code_align, cie->data_align,
                  initial, initial)) {
    return false;
  }
  Row row = initial;
  if (!RunProgram(eh_frame_, fde->instr_off, fde->instr_end, fde->pc_begin, vpc, cie->code_align,
                  cie->data_align, initial, row)) {
    return false;
  }
  if (row.cfa_unsupported || row.cfa_reg >= DwarfRegs::kCount || !regs.valid[row.cfa_reg]) return false;
  uint64_t cfa = regs.value[row.cfa_reg] + static_cast<uint64_t>(row.cfa_off);
  DwarfRegs out = regs;
  for (int r = 0; r < DwarfRegs::kCount; ++r) {
    const Rule& rule = row.rules[r];
    switch (rule.kind) {
      case RuleKind::kSame:
        break;
      case RuleKind::kUndefined:
      case RuleKind::kUnsupported:
        out.valid[r] = false;
        break;
      case RuleKind::kOffset: {
        auto v = mem.ReadU64(cfa + static_cast<uint64_t>(rule.value));
        if (!v) {
          if (static_cast<uint64_t>(r) == cie->ra_reg) return false;
          out.valid[r] = false;
        } else {
          out.Set(r, *v);
        }
        break;
      }
      case RuleKind::kValOffset:
        out.Set(r, cfa + static_cast<uint64_t>(rule.value));
        break;
      case RuleKind::kRegister:
        if (rule.value >= 0 && rule.value < DwarfRegs::kCount && regs.valid[rule.value]) {
          out.Set(r, regs.value[rule.value]);
        } else {
          out.valid[r] = false;
        }
        break;
    }
  }
  if (row.rules[cie->ra_reg].kind != RuleKind::kOffset) {
    // An undefined return address marks the outermost frame (_start, clone).
    return false;
  }
  out.Set(DwarfRegs::kRip, out.value[cie->ra_reg]);
  out.Set(DwarfRegs::kRsp, cfa);
  regs = out;
  return true;
}

}  // namespace corescope::stack
