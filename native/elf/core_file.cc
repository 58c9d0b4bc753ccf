// CoreFile: parses an ELF core's PT_LOAD table and its notes (threads,
// process info, signal, auxv, mapped files). Knows the Linux core note
// layouts for x86_64 and aarch64; knows nothing of V8 (see ../v8).
//
// Truncation policy: a core whose program headers or notes are cut is
// CORE_CORRUPT (nothing can be trusted). A core whose PT_LOAD data runs past
// EOF (a dump cut by ulimit or a full disk) opens with a CORE_TRUNCATED
// warning; reads of the missing bytes fail.
#include "elf/core_file.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "util/limits.h"

namespace corescope::elf {
namespace {

constexpr uint16_t kEtCore = 4;
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPtNote = 4;
constexpr uint32_t kNtPrstatus = 1;
constexpr uint32_t kNtPrpsinfo = 3;
constexpr uint32_t kNtAuxv = 6;
constexpr uint32_t kNtFile = 0x46494c45;
constexpr uint32_t kNtSiginfo = 0x53494749;
constexpr uint32_t kNtArmPacMask = 0x406;  // user_pac_mask {data_mask, insn_mask}

// elf_prstatus: the general registers start after a fixed 112-byte prefix
// (siginfo, cursig, sigpend, sighold, pid/ppid/pgrp/sid, four timevals).
constexpr uint64_t kPrstatusRegsOffset = 112;
constexpr uint64_t kPrstatusPidOffset = 32;
constexpr uint64_t kPrstatusCursigOffset = 12;

// Per-architecture register layout: the one place it is kept.
struct RegLayout {
  uint64_t count;
  int pc, sp, fp, lr, tls;  // indexes into the register array; -1 = none
};
RegLayout LayoutFor(Arch a) {
  switch (a) {
    case Arch::kX86_64:
      // user_regs_struct: r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx
      // rsi rdi orig_rax rip cs eflags rsp ss fs_base gs_base ds es fs gs.
      return {27, 16, 19, 4, -1, 21};
    case Arch::kAarch64:
      // user_pt_regs: x0..x30, sp, pc, pstate.
      return {34, 32, 31, 29, 30, -1};
  }
  return {0, -1, -1, -1, -1, -1};
}

std::string FormatBytes(uint64_t n) {
  char buf[32];
  if (n >= (1ull << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f GiB", n / double(1ull << 30));
  } else if (n >= (1ull << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", n / double(1ull << 20));
  } else if (n >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", n / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
  }
  return buf;
}

std::string FixedString(Bytes b, uint64_t off, uint64_t max) {
  Bytes s = b.Sub(off, max);
  if (!s.data) return {};
  size_t len = 0;
  while (len < max && s.data[len] != 0) ++len;
  return std::string(reinterpret_cast<const char*>(s.data), len);
}

}  // namespace

class CoreFileParser {
 public:
  static Result<std::shared_ptr<CoreFile>> Parse(const std::string& path);

 private:
  static void ParseLoads(CoreFile& c);
  static Status ParseNotes(CoreFile& c, const std::string& path);
  static void ParsePrstatus(CoreFile& c, Bytes d);
  static void ParsePrpsinfo(CoreFile& c, Bytes d);
  static void ParseFileNote(CoreFile& c, Bytes d);
};

Result<std::shared_ptr<CoreFile>> CoreFile::Open(const std::string& path) {
  return CoreFileParser::Parse(path);
}

uint64_t CoreFile::StripCodePointer(uint64_t addr) const {
  if (arch() != Arch::kAarch64) return addr;
  // Without the kernel's mask, user addresses are at most 48 bits (4-level
  // page tables with 4 KiB or 64 KiB pages), so the PAC lives above them.
  uint64_t mask = pac_insn_mask_ ? *pac_insn_mask_ : ~((uint64_t{1} << 48) - 1);
  return addr & ~mask;
}

std::optional<uint64_t> CoreFile::Auxv(uint64_t type) const {
  for (const auto& [k, v] : auxv_) {
    if (k == type) return v;
  }
  return std::nullopt;
}

Result<std::shared_ptr<CoreFile>> CoreFileParser::Parse(const std::string& path) {
  auto file = MappedFile::Open(path);
  if (!file) return file.error();
  auto elf = ElfFile::Parse(file.value());
  if (!elf) {
    Error e = elf.error();
    if (e.code == ErrorCode::kCoreCorrupt && e.hint.empty()) {
      e.hint = "the core is damaged or cut short; re-collect it with ulimit -c unlimited and enough disk space";
    }
    return e;
  }
  if (elf->type() != kEtCore) {
    static const char* kNames[] = {"ET_NONE", "ET_REL", "ET_EXEC", "ET_DYN"};
    std::string t = elf->type() < 4 ? kNames[elf->type()] : std::to_string(elf->type());
    std::string what = elf->type() == 2 || elf->type() == 3 ? "an ELF executable or library"
                                                           : "an ELF file";
    return MakeError(ErrorCode::kNotACore,
                     path + " is " + what + ", not a core file (e_type " + t + ")",
                     "pass the core dump (e.g. core.<pid>) first and the executable with --executable");
  }
  std::shared_ptr<CoreFile> c(new CoreFile());
  c->elf_ = std::move(elf.value());
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) c->on_disk_bytes_ = static_cast<uint64_t>(st.st_blocks) * 512;
  ParseLoads(*c);
  auto notes = ParseNotes(*c, path);
  if (!notes) return notes.error();
  return c;
}

void CoreFileParser::ParseLoads(CoreFile& c) {
  uint64_t size = c.file_size();
  uint64_t last_end = 0;
  for (const Segment& s : c.elf_.segments()) {
    if (s.type != kPtLoad) continue;
    LoadSegment l;
    l.vaddr = s.vaddr;
    l.memsz = s.memsz;
    l.offset = s.offset;
    l.flags = s.flags;
    l.declared_filesz = s.filesz;
    l.filesz = s.filesz;
    auto end = CheckedAdd(s.offset, s.filesz);
    if (s.filesz > 0 && (!end || *end > size)) {
      l.filesz = s.offset < size ? size - s.offset : 0;
      c.truncated_ = true;
      c.missing_bytes_ += s.filesz - l.filesz;
      if (end) last_end = std::max(last_end, *end);
    }
    // filesz may not exceed memsz (a corrupt header); keep the mapping size.
    if (l.filesz > l.memsz) l.filesz = l.memsz;
    if (!CheckedAdd(l.vaddr, l.memsz)) continue;  // wraps the address space: unusable
    c.loads_.push_back(l);
  }
  if (c.truncated_) {
    std::string msg = "CORE_TRUNCATED: " + c.elf_.file().path() + " is truncated: it ends " +
                      FormatBytes(last_end > size ? last_end - size : c.missing_bytes_) +
                      " before the end of its last segment (" + FormatBytes(c.missing_bytes_) +
                      " of memory missing); reads there fail. Re-collect with ulimit -c unlimited";
    c.warnings_.push_back(msg);
  }
}

Status CoreFileParser::ParseNotes(CoreFile& c, const std::string& path) {
  uint64_t size = c.file_size();
  bool any_note = false;
  for (const Segment& s : c.elf_.segments()) {
    if (s.type != kPtNote) continue;
    any_note = true;
    auto end = CheckedAdd(s.offset, s.filesz);
    if (!end || *end > size) {
      // The notes themselves are cut: threads and mappings cannot be trusted.
      uint64_t last_end = end ? *end : ~uint64_t{0};
      for (const LoadSegment& l : c.loads_) {
        if (auto e = CheckedAdd(l.offset, l.declared_filesz)) last_end = std::max(last_end, *e);
      }
      return MakeError(ErrorCode::kCoreCorrupt,
                       path + " ends " + FormatBytes(last_end - size) +
                           " before its last segment and its notes are cut (truncated)",
                       "re-collect the core with ulimit -c unlimited and enough disk space");
    }
  }
  if (!any_note) c.warnings_.push_back("NO_NOTES: " + path + " has no PT_NOTE segment: no threads or mapped files");
  std::vector<Note> notes = c.elf_.Notes(&c.warnings_);
  for (const Note& n : notes) {
    if (n.name != "CORE" && n.name != "LINUX") continue;
    switch (n.type) {
      case kNtPrstatus:
        if (n.name == "CORE") ParsePrstatus(c, n.desc);
        break;
      case kNtPrpsinfo:
        if (n.name == "CORE") ParsePrpsinfo(c, n.desc);
        break;
      case kNtSiginfo:
        if (n.desc.size >= 24 && !c.signal_) {
          SignalInfo si;
          si.signo = *n.desc.Read<int32_t>(0);
          si.errno_ = *n.desc.Read<int32_t>(4);
          si.code = *n.desc.Read<int32_t>(8);
          si.addr = *n.desc.Read<uint64_t>(16);
          c.signal_ = si;
        }
        break;
      case kNtAuxv:
        if (n.name == "CORE" && c.auxv_.empty()) {
          for (uint64_t o = 0; o + 16 <= n.desc.size; o += 16) {
            uint64_t k = *n.desc.Read<uint64_t>(o);
            if (k == 0) break;  // AT_NULL
            c.auxv_.emplace_back(k, *n.desc.Read<uint64_t>(o + 8));
          }
        }
        break;
      case kNtFile:
        if (n.name == "CORE" && c.files_.empty()) ParseFileNote(c, n.desc);
        break;
      case kNtArmPacMask:
        if (n.name == "LINUX" && c.arch() == Arch::kAarch64 && n.desc.size >= 16 && !c.pac_insn_mask_) {
          c.pac_insn_mask_ = *n.desc.Read<uint64_t>(8);
        }
        break;
      default:
        break;  // FPREGSET, XSTATE, XSAVE_LAYOUT, ...: not needed
    }
  }
  // Name the main thread (tid == pid) from prpsinfo; it is the thread name on
  // Node 24+ ("MainThread") and the program name before.
  if (c.process_) {
    for (Thread& t : c.threads_) {
      if (t.tid == c.process_->pid) t.name = c.process_->fname;
    }
  }
  return OkStatus();
}

void CoreFileParser::ParsePrstatus(CoreFile& c, Bytes d) {
  RegLayout layout = LayoutFor(c.arch());
  if (!d.Contains(kPrstatusRegsOffset, layout.count * 8)) {
    c.warnings_.push_back("BAD_NOTE: NT_PRSTATUS of " + std::to_string(d.size) +
                          " bytes is too small for " + ArchName(c.arch()) + " registers; thread skipped");
    return;
  }
  if (c.threads_.size() >= limits::kMaxThreads) return;
  Thread t;
  t.tid = *d.Read<int32_t>(kPrstatusPidOffset);
  t.signal = *d.Read<uint16_t>(kPrstatusCursigOffset);
  t.regs.raw.resize(layout.count);
  for (uint64_t i = 0; i < layout.count; ++i) t.regs.raw[i] = *d.Read<uint64_t>(kPrstatusRegsOffset + 8 * i);
  auto reg = [&](int i) { return i < 0 ? uint64_t{0} : t.regs.raw[i]; };
  t.regs.pc = reg(layout.pc);
  t.regs.sp = reg(layout.sp);
  t.regs.fp = reg(layout.fp);
  t.regs.lr = reg(layout.lr);
  t.regs.fs_base = reg(layout.tls);
  c.threads_.push_back(std::move(t));
}

void CoreFileParser::ParsePrpsinfo(CoreFile& c, Bytes d) {
  // elf_prpsinfo (same on x86_64 and aarch64): state@0, uid@16, pid@24,
  // ppid@28, fname[16]@40, psargs[80]@56.
  if (d.size < 136) {
    c.warnings_.push_back("BAD_NOTE: NT_PRPSINFO of " + std::to_string(d.size) + " bytes is too small");
    return;
  }
  ProcessInfo p;
  p.state = static_cast<char>(*d.Read<uint8_t>(1));  // pr_sname: 'R', 'S', ...
  p.uid = *d.Read<uint32_t>(16);
  p.pid = *d.Read<int32_t>(24);
  p.ppid = *d.Read<int32_t>(28);
  p.fname = FixedString(d, 40, 16);
  p.args = FixedString(d, 56, 80);
  while (!p.args.empty() && p.args.back() == ' ') p.args.pop_back();
  c.process_ = p;
}

void CoreFileParser::ParseFileNote(CoreFile& c, Bytes d) {
  auto count = d.Read<uint64_t>(0);
  auto page_size = d.Read<uint64_t>(8);
  if (!count || !page_size) {
    c.warnings_.push_back("BAD_NOTE: NT_FILE note of " + std::to_string(d.size) + " bytes is too small");
    return;
  }
  if (*count > limits::kMaxFileEntries) {
    c.warnings_.push_back("BAD_NOTE: NT_FILE note: count " + std::to_string(*count) +
                          " exceeds limit max_file_entries=" + std::to_string(limits::kMaxFileEntries));
    return;
  }
  uint64_t names = 16 + *count * 24;
  if (names > d.size) {
    c.warnings_.push_back("BAD_NOTE: NT_FILE note: " + std::to_string(*count) +
                          " entries do not fit in " + std::to_string(d.size) + " bytes");
    return;
  }
  uint64_t pos = names;
  for (uint64_t i = 0; i < *count; ++i) {
    FileMapping m;
    m.start = *d.Read<uint64_t>(16 + i * 24);
    m.end = *d.Read<uint64_t>(16 + i * 24 + 8);
    auto off = CheckedMul(*d.Read<uint64_t>(16 + i * 24 + 16), *page_size);
    auto path = d.CString(pos, limits::kMaxPathLength);
    if (!path || !off || m.end < m.start) {
      c.warnings_.push_back("BAD_NOTE: NT_FILE entry " + std::to_string(i) + " is malformed; later entries ignored");
      break;
    }
    m.file_offset = *off;
    m.path = std::string(*path);
    pos += path->size() + 1;
    c.files_.push_back(std::move(m));
  }
}

}  // namespace corescope::elf
