// Synthetic ELF cores and executables for tests, laid out by hand from the
// ELF64 and Linux core-note layouts.
#include "test/synthetic_core.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>

namespace corescope::test {
namespace {

constexpr uint64_t kPage = 4096;

uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

void Grow(Buffer& b, uint64_t size) {
  if (b.size() < size) b.resize(size, 0);
}

void WriteEhdr(Buffer& b, uint16_t type, uint16_t machine, uint64_t phoff, uint16_t phnum, uint64_t shoff,
               uint16_t shnum, uint16_t shstrndx) {
  Grow(b, 64);
  std::memcpy(b.data(), "\x7f" "ELF", 4);
  b[4] = 2;  // ELFCLASS64
  b[5] = 1;  // little-endian
  b[6] = 1;  // EV_CURRENT
  PutU16(b, 16, type);
  PutU16(b, 18, machine);
  PutU32(b, 20, 1);
  PutU64(b, 32, phoff);
  PutU64(b, 40, shoff);
  PutU16(b, 52, 64);
  PutU16(b, 54, 56);
  PutU16(b, 56, phnum);
  PutU16(b, 58, 64);
  PutU16(b, 60, shnum);
  PutU16(b, 62, shstrndx);
}

void WritePhdr(Buffer& b, uint64_t off, uint32_t type, uint32_t flags, uint64_t offset, uint64_t vaddr,
               uint64_t filesz, uint64_t memsz) {
  Grow(b, off + 56);
  PutU32(b, off, type);
  PutU32(b, off + 4, flags);
  PutU64(b, off + 8, offset);
  PutU64(b, off + 16, vaddr);
  PutU64(b, off + 24, vaddr);
  PutU64(b, off + 32, filesz);
  PutU64(b, off + 40, memsz);
  PutU64(b, off + 48, kPage);
}

void AppendNote(Buffer& out, const std::string& name, uint32_t type, const Buffer& desc) {
  uint64_t off = out.size();
  uint64_t namesz = name.size() + 1;
  Grow(out, off + 12 + AlignUp(namesz, 4) + AlignUp(desc.size(), 4));
  PutU32(out, off, static_cast<uint32_t>(namesz));
  PutU32(out, off + 4, static_cast<uint32_t>(desc.size()));
  PutU32(out, off + 8, type);
  std::memcpy(&out[off + 12], name.c_str(), namesz);
  if (!desc.empty()) std::memcpy(&out[off + 12 + AlignUp(namesz, 4)], desc.data(), desc.size());
}

}  // namespace

void PutU16(Buffer& b, uint64_t off, uint16_t v) { Grow(b, off + 2), std::memcpy(&b[off], &v, 2); }
void PutU32(Buffer& b, uint64_t off, uint32_t v) { Grow(b, off + 4), std::memcpy(&b[off], &v, 4); }
void PutU64(Buffer& b, uint64_t off, uint64_t v) { Grow(b, off + 8), std::memcpy(&b[off], &v, 8); }
void AppendU64(Buffer& b, uint64_t v) { PutU64(b, b.size(), v); }

// ---------------------------------------------------------------------------
// SyntheticCore

void SyntheticCore::AddLoad(uint64_t vaddr, Buffer data, uint64_t memsz, uint32_t flags) {
  uint64_t m = memsz ? memsz : data.size();
  loads_.push_back({vaddr, std::move(data), m, flags});
}

void SyntheticCore::AddNote(const std::string& name, uint32_t type, const Buffer& desc) {
  AppendNote(notes_, name, type, desc);
}

void SyntheticCore::AddThread(int32_t tid, int32_t cursig, uint64_t pc, uint64_t sp, uint64_t fp) {
  bool arm = e_machine == 183;
  uint64_t nregs = arm ? 34 : 27;
  Buffer d(112 + nregs * 8 + 8, 0);
  PutU16(d, 12, static_cast<uint16_t>(cursig));
  PutU32(d, 32, static_cast<uint32_t>(tid));
  auto reg = [&](int i, uint64_t v) { PutU64(d, 112 + 8 * i, v); };
  for (uint64_t i = 0; i < nregs; ++i) reg(static_cast<int>(i), 0x1000 + i);  // recognisable filler
  if (arm) {
    reg(32, pc), reg(31, sp), reg(29, fp);
  } else {
    reg(16, pc), reg(19, sp), reg(4, fp);
  }
  AddNote("CORE", 1, d);
}

void SyntheticCore::SetProcess(int32_t pid, int32_t ppid, const std::string& fname, const std::string& psargs) {
  Buffer d(136, 0);
  d[1] = 'R';
  PutU32(d, 24, static_cast<uint32_t>(pid));
  PutU32(d, 28, static_cast<uint32_t>(ppid));
  std::memcpy(&d[40], fname.data(), std::min<size_t>(fname.size(), 16));
  std::memcpy(&d[56], psargs.data(), std::min<size_t>(psargs.size(), 80));
  AddNote("CORE", 3, d);
}

void SyntheticCore::SetSignal(int32_t signo, int32_t code, uint64_t addr) {
  Buffer d(128, 0);
  PutU32(d, 0, static_cast<uint32_t>(signo));
  PutU32(d, 8, static_cast<uint32_t>(code));
  PutU64(d, 16, addr);
  AddNote("CORE", 0x53494749, d);
}

void SyntheticCore::SetAuxv(const std::vector<std::pair<uint64_t, uint64_t>>& auxv) {
  Buffer d;
  for (const auto& [k, v] : auxv) AppendU64(d, k), AppendU64(d, v);
  AppendU64(d, 0), AppendU64(d, 0);
  AddNote("CORE", 6, d);
}

void SyntheticCore::SetFiles(const std::vector<FileEntry>& files, uint64_t page_size) {
  Buffer d;
  AppendU64(d, files.size());
  AppendU64(d, page_size);
  for (const FileEntry& f : files) AppendU64(d, f.start), AppendU64(d, f.end), AppendU64(d, f.page_offset);
  for (const FileEntry& f : files) d.insert(d.end(), f.path.c_str(), f.path.c_str() + f.path.size() + 1);
  AddNote("CORE", 0x46494c45, d);
}

Buffer SyntheticCore::Build() const {
  Buffer b;
  uint16_t phnum = static_cast<uint16_t>(loads_.size() + 1);
  WriteEhdr(b, e_type, e_machine, 64, phnum, 0, 0, 0);
  notes_offset_ = 64 + 56ull * phnum;
  notes_size_ = notes_.size();
  WritePhdr(b, 64, 4, 4, notes_offset_, 0, notes_size_, 0);
  Grow(b, notes_offset_ + notes_size_);
  if (!notes_.empty()) std::memcpy(&b[notes_offset_], notes_.data(), notes_.size());
  uint64_t off = AlignUp(b.size(), kPage);
  load_offsets_.clear();
  for (size_t i = 0; i < loads_.size(); ++i) {
    const Load& l = loads_[i];
    WritePhdr(b, 64 + 56 * (i + 1), 1, l.flags, off, l.vaddr, l.data.size(), l.memsz);
    load_offsets_.push_back(off);
    Grow(b, off + l.data.size());
    if (!l.data.empty()) std::memcpy(&b[off], l.data.data(), l.data.size());
    off = AlignUp(off + l.data.size(), kPage);
  }
  return b;
}

// ---------------------------------------------------------------------------
// SyntheticExe

void SyntheticExe::AddDataInt(const std::string& name, int32_t value) {
  uint64_t off = data_.size();
  PutU32(data_, off, static_cast<uint32_t>(value));
  syms_.push_back({name, data_vaddr + off, 4});
}

void SyntheticExe::AddBssSymbol(const std::string& name, uint64_t size) {
  bss_syms_.emplace_back(name, bss_size_);
  bss_size_ += AlignUp(size, 8);
}

uint64_t SyntheticExe::AddDataBytes(const std::string& name, const Buffer& bytes) {
  uint64_t off = AlignUp(data_.size(), 8);
  Grow(data_, off + bytes.size());
  std::memcpy(&data_[off], bytes.data(), bytes.size());
  syms_.push_back({name, data_vaddr + off, bytes.size()});
  return data_vaddr + off;
}

Buffer SyntheticExe::Build() const {
  Buffer b;
  // Build-id note in the first page.
  Buffer id;
  for (size_t i = 0; i + 1 < build_id.size(); i += 2) {
    id.push_back(static_cast<uint8_t>(std::stoi(build_id.substr(i, 2), nullptr, 16)));
  }
  Buffer note;
  AppendNote(note, "GNU", 3, id);
  const uint64_t note_off = 0x200;
  Grow(b, note_off + note.size());
  std::memcpy(&b[note_off], note.data(), note.size());

  uint64_t data_size = AlignUp(std::max<uint64_t>(data_.size(), 8), 16);
  uint64_t bss_vaddr = data_vaddr + data_size;
  Grow(b, kPage + data_size);
  if (!data_.empty()) std::memcpy(&b[kPage], data_.data(), data_.size());

  // Symbols and strings.
  std::vector<Sym> all = syms_;
  for (const auto& [name, off] : bss_syms_) all.push_back({name, bss_vaddr + off, 8});
  Buffer strtab(1, 0), symtab(24, 0);
  for (size_t i = 0; i < all.size(); ++i) {
    uint64_t name_off = strtab.size();
    strtab.insert(strtab.end(), all[i].name.begin(), all[i].name.end());
    strtab.push_back(0);
    bool in_bss = all[i].value >= bss_vaddr;
    uint64_t o = symtab.size();
    Grow(symtab, o + 24);
    PutU32(symtab, o, static_cast<uint32_t>(name_off));
    symtab[o + 4] = 0x11;  // STB_GLOBAL, STT_OBJECT
    PutU16(symtab, o + 6, in_bss ? 3 : 2);
    PutU64(symtab, o + 8, all[i].value);
    PutU64(symtab, o + 16, all[i].size);
  }
  const char kShstr[] = "\0.note.gnu.build-id\0.data\0.bss\0.symtab\0.strtab\0.shstrtab\0";
  Buffer shstr(kShstr, kShstr + sizeof kShstr);
  uint64_t symtab_off = AlignUp(b.size(), 8);
  Grow(b, symtab_off + symtab.size());
  std::memcpy(&b[symtab_off], symtab.data(), symtab.size());
  uint64_t strtab_off = b.size();
  b.insert(b.end(), strtab.begin(), strtab.end());
  uint64_t shstr_off = b.size();
  b.insert(b.end(), shstr.begin(), shstr.end());
  uint64_t shoff = AlignUp(b.size(), 8);
  uint16_t shnum = with_symtab ? 7 : 4;
  auto shdr = [&](int i, uint32_t name, uint32_t type, uint64_t flags, uint64_t addr, uint64_t off, uint64_t size,
                  uint32_t link, uint64_t entsize) {
    uint64_t o = shoff + 64 * i;
    Grow(b, o + 64);
    PutU32(b, o, name);
    PutU32(b, o + 4, type);
    PutU64(b, o + 8, flags);
    PutU64(b, o + 16, addr);
    PutU64(b, o + 24, off);
    PutU64(b, o + 32, size);
    PutU32(b, o + 40, link);
    PutU64(b, o + 56, entsize);
  };
  // Name offsets into kShstr.
  const uint32_t kNote = 1, kData = 20, kBss = 26, kSymtab = 31, kStrtab = 39, kShstrtab = 47;
  shdr(0, 0, 0, 0, 0, 0, 0, 0, 0);
  shdr(1, kNote, 7, 2, base + note_off, note_off, note.size(), 0, 0);
  shdr(2, kData, 1, 3, data_vaddr, kPage, data_size, 0, 0);
  shdr(3, kBss, 8, 3, bss_vaddr, kPage + data_size, AlignUp(std::max<uint64_t>(bss_size_, 8), 16), 0, 0);
  if (with_symtab) {
    shdr(4, kSymtab, symtab_type, 0, 0, symtab_off, symtab.size(), 5, 24);
    shdr(5, kStrtab, 3, 0, 0, strtab_off, strtab.size(), 0, 0);
    shdr(6, kShstrtab, 3, 0, 0, shstr_off, shstr.size(), 0, 0);
  } else {
    shdr(3, kShstrtab, 3, 0, 0, shstr_off, shstr.size(), 0, 0);
  }
  WriteEhdr(b, 2, 62, 64, 3, shoff, shnum, with_symtab ? 6 : 3);
  WritePhdr(b, 64, 1, 5, 0, base, kPage, kPage);
  WritePhdr(b, 64 + 56, 4, 4, note_off, base + note_off, note.size(), note.size());
  WritePhdr(b, 64 + 112, 1, 6, kPage, data_vaddr, data_size, data_size + bss_size_);
  return b;
}

Buffer SyntheticExe::FirstPage() const {
  Buffer b = Build();
  b.resize(kPage);
  return b;
}

// ---------------------------------------------------------------------------
// TempFile

TempFile::TempFile(const Buffer& bytes, const std::string& name) {
  static std::atomic<int> counter{0};
  path_ = "/tmp/corescope-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + name;
  FILE* f = std::fopen(path_.c_str(), "wb");
  if (f) {
    if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
}

TempFile::~TempFile() { ::unlink(path_.c_str()); }

}  // namespace corescope::test
