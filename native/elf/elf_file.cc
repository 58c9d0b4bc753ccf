// ElfFile: ELF64 little-endian headers, sections, symbols and notes, read
// through bounds-checked views of an mmap. Knows ELF structures only; nothing
// about what a core's notes mean (core_file.cc) or about V8.
#include "elf/elf_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/limits.h"

namespace corescope::elf {
namespace {

constexpr uint16_t kEmX86_64 = 62;
constexpr uint16_t kEmAarch64 = 183;
constexpr uint32_t kPtNote = 4;
constexpr uint32_t kShtSymtab = 2;
constexpr uint32_t kShtNote = 7;
constexpr uint32_t kShtNobits = 8;
constexpr uint32_t kShtDynsym = 11;
constexpr uint64_t kShfAlloc = 2;
constexpr uint16_t kPnXnum = 0xffff;
constexpr uint16_t kShnXindex = 0xffff;
constexpr uint32_t kNtGnuBuildId = 3;
constexpr uint64_t kEhdrSize = 64;
constexpr uint64_t kPhdrSize = 56;
constexpr uint64_t kShdrSize = 64;
constexpr uint64_t kSymSize = 24;

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string HexBytes(Bytes b) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(b.size * 2);
  for (uint64_t i = 0; i < b.size; ++i) {
    s += kHex[b.data[i] >> 4];
    s += kHex[b.data[i] & 15];
  }
  return s;
}

Segment ReadPhdr(Bytes b, uint64_t off) {
  Segment s;
  s.type = *b.Read<uint32_t>(off);
  s.flags = *b.Read<uint32_t>(off + 4);
  s.offset = *b.Read<uint64_t>(off + 8);
  s.vaddr = *b.Read<uint64_t>(off + 16);
  s.filesz = *b.Read<uint64_t>(off + 32);
  s.memsz = *b.Read<uint64_t>(off + 40);
  return s;
}

bool IsElf64Le(Bytes b) {
  return b.size >= kEhdrSize && std::memcmp(b.data, "\x7f" "ELF", 4) == 0 && b.data[4] == 2 &&
         b.data[5] == 1;
}

// FindBuildIdNote returns the GNU build-id among notes, as hex.
std::optional<std::string> FindBuildIdNote(const std::vector<Note>& notes) {
  for (const Note& n : notes) {
    if (n.type == kNtGnuBuildId && n.name == "GNU" && n.desc.size > 0 && n.desc.size <= 64) {
      return HexBytes(n.desc);
    }
  }
  return std::nullopt;
}

}  // namespace

const char* ArchName(Arch a) {
  switch (a) {
    case Arch::kX86_64: return "x86_64";
    case Arch::kAarch64: return "aarch64";
  }
  return "unknown";
}

Result<std::shared_ptr<MappedFile>> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return MakeError(ErrorCode::kFileNotFound, "cannot open " + path + ": " + std::strerror(e),
                     e == ENOENT ? "check the path" : "check the file's permissions");
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return MakeError(ErrorCode::kFileNotFound, "cannot stat " + path + ": " + std::strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return MakeError(ErrorCode::kNotACore, path + " is a directory, not a file");
  }
  std::shared_ptr<MappedFile> f(new MappedFile());
  f->path_ = path;
  f->size_ = static_cast<uint64_t>(st.st_size);
  if (f->size_ > 0) {
    void* p = ::mmap(nullptr, f->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      int e = errno;
      ::close(fd);
      return MakeError(ErrorCode::kFileNotFound, "cannot map " + path + ": " + std::strerror(e));
    }
    f->data_ = static_cast<const uint8_t*>(p);
  }
  f->fd_ = fd;
  return f;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
  if (fd_ >= 0) ::close(fd_);
}

bool MappedFile::CopyOut(const uint8_t* p, uint64_t n, void* out) const {
  if (fd_ < 0 || !data_ || p < data_ || n > size_ || static_cast<uint64_t>(p - data_) > size_ - n) return false;
  uint64_t off = static_cast<uint64_t>(p - data_);
  uint8_t* dst = static_cast<uint8_t*>(out);
  while (n > 0) {
    ssize_t k = ::pread(fd_, dst, n, static_cast<off_t>(off));
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;  // an error, or the file shrank under us
    dst += k;
    off += static_cast<uint64_t>(k);
    n -= static_cast<uint64_t>(k);
  }
  return true;
}

Result<ElfFile> ElfFile::Parse(std::shared_ptr<MappedFile> file) {
  Bytes b = file->bytes();
  const std::string& path = file->path();
  if (b.size == 0) return MakeError(ErrorCode::kNotACore, path + " is empty");
  if (b.size < 4 || std::memcmp(b.data, "\x7f" "ELF", 4) != 0) {
    return MakeError(ErrorCode::kNotACore, path + " is not an ELF file (no ELF magic)",
                     "pass a core dump: the file the kernel, gcore or `coredumpctl dump -o` wrote");
  }
  if (!IsElf64Le(b)) {
    return MakeError(ErrorCode::kNotACore,
                     path + " is not a 64-bit little-endian ELF file (only ELF64 LE is supported)",
                     "corescope reads cores of 64-bit x86_64 and aarch64 processes only");
  }
  ElfFile elf;
  elf.file_ = file;
  elf.type_ = *b.Read<uint16_t>(16);
  elf.machine_ = *b.Read<uint16_t>(18);
  if (elf.machine_ == kEmX86_64) {
    elf.arch_ = Arch::kX86_64;
  } else if (elf.machine_ == kEmAarch64) {
    elf.arch_ = Arch::kAarch64;
  } else {
    return MakeError(ErrorCode::kNotACore, path + " is for an unsupported machine (e_machine " +
                                               std::to_string(elf.machine_) +
                                               "; x86_64 and aarch64 are supported)",
                     "corescope reads cores of x86_64 and aarch64 processes only");
  }
  uint64_t phoff = *b.Read<uint64_t>(32);
  uint64_t shoff = *b.Read<uint64_t>(40);
  uint16_t phentsize = *b.Read<uint16_t>(54);
  uint64_t phnum = *b.Read<uint16_t>(56);
  uint16_t shentsize = *b.Read<uint16_t>(58);
  uint64_t shnum = *b.Read<uint16_t>(60);
  uint64_t shstrndx = *b.Read<uint16_t>(62);

  // Section 0 carries the real counts when they overflow 16 bits (PN_XNUM).
  bool have_sh0 = shoff != 0 && shentsize == kShdrSize && b.Contains(shoff, kShdrSize);
  if (phnum == kPnXnum) {
    if (!have_sh0) {
      return MakeError(ErrorCode::kCoreCorrupt,
                       path + ": e_phnum is PN_XNUM but section header 0 at e_shoff " + Hex(shoff) +
                           " is not in the file");
    }
    phnum = *b.Read<uint32_t>(shoff + 44);  // sh_info
  }
  if (have_sh0 && shnum == 0) shnum = *b.Read<uint64_t>(shoff + 32);  // sh_size
  if (have_sh0 && shstrndx == kShnXindex) shstrndx = *b.Read<uint32_t>(shoff + 40);  // sh_link

  if (phnum > 0) {
    if (phentsize != kPhdrSize) {
      return MakeError(ErrorCode::kCoreCorrupt,
                       path + ": e_phentsize " + std::to_string(phentsize) + " is not 56");
    }
    if (phnum > limits::kMaxProgramHeaders) {
      return MakeError(ErrorCode::kCoreCorrupt,
                       path + ": e_phnum " + std::to_string(phnum) +
                           " exceeds limit max_program_headers=" +
                           std::to_string(limits::kMaxProgramHeaders));
    }
    auto end = CheckedAdd(phoff, phnum * kPhdrSize);
    if (!end || *end > b.size) {
      return MakeError(ErrorCode::kCoreCorrupt,
                       path + ": program headers (e_phoff " + Hex(phoff) + ", " +
                           std::to_string(phnum) + " entries) run past the end of the file (size " +
                           std::to_string(b.size) + ")");
    }
    elf.segments_.reserve(phnum);
    for (uint64_t i = 0; i < phnum; ++i) elf.segments_.push_back(ReadPhdr(b, phoff + i * kPhdrSize));
  }

  // Section headers are optional (cores usually have none); a bad table is
  // ignored rather than fatal, since programs run from segments alone.
  if (shoff != 0 && shnum > 0 && shentsize == kShdrSize && shnum <= limits::kMaxSectionHeaders) {
    auto end = CheckedAdd(shoff, shnum * kShdrSize);
    if (end && *end <= b.size) {
      elf.sections_.reserve(shnum);
      std::vector<uint32_t> name_offs;
      name_offs.reserve(shnum);
      for (uint64_t i = 0; i < shnum; ++i) {
        uint64_t o = shoff + i * kShdrSize;
        Section s;
        uint32_t name_off = *b.Read<uint32_t>(o);
        s.type = *b.Read<uint32_t>(o + 4);
        s.flags = *b.Read<uint64_t>(o + 8);
        s.addr = *b.Read<uint64_t>(o + 16);
        s.offset = *b.Read<uint64_t>(o + 24);
        s.size = *b.Read<uint64_t>(o + 32);
        s.link = *b.Read<uint32_t>(o + 40);
        s.entsize = *b.Read<uint64_t>(o + 56);
        name_offs.push_back(name_off);  // resolved once shstrtab is known
        elf.sections_.push_back(std::move(s));
      }
      Bytes strtab;
      if (shstrndx < elf.sections_.size()) {
        const Section& ss = elf.sections_[shstrndx];
        strtab = b.Sub(ss.offset, ss.size);
      }
      for (size_t i = 0; i < elf.sections_.size(); ++i) {
        auto name = strtab.CString(name_offs[i], limits::kMaxSymbolNameLength);
        if (name) elf.sections_[i].name = std::string(*name);
      }
    }
  }
  return elf;
}

std::vector<Note> ParseNotes(Bytes area, std::vector<std::string>* warnings) {
  std::vector<Note> notes;
  uint64_t off = 0;
  while (off + 12 <= area.size) {
    if (notes.size() >= limits::kMaxNotes) {
      if (warnings) warnings->push_back("NOTE_LIMIT: more than " + std::to_string(limits::kMaxNotes) +
                                        " notes; the rest are ignored");
      break;
    }
    uint32_t namesz = *area.Read<uint32_t>(off);
    uint32_t descsz = *area.Read<uint32_t>(off + 4);
    uint32_t type = *area.Read<uint32_t>(off + 8);
    uint64_t name_off = off + 12;
    uint64_t desc_off = name_off + ((uint64_t{namesz} + 3) & ~uint64_t{3});
    uint64_t next = desc_off + ((uint64_t{descsz} + 3) & ~uint64_t{3});
    // A bad note ends the walk: there is no reliable way to find the next one.
    if (descsz > limits::kMaxNoteSize || !area.Contains(name_off, namesz) ||
        !area.Contains(desc_off, descsz)) {
      if (warnings) {
        warnings->push_back("BAD_NOTE: note at offset " + Hex(off) + " (type " + Hex(type) +
                            ", namesz " + std::to_string(namesz) + ", descsz " +
                            std::to_string(descsz) + ") runs past its segment; later notes ignored");
      }
      break;
    }
    Note n;
    n.type = type;
    const char* name = reinterpret_cast<const char*>(area.data + name_off);
    size_t len = namesz;
    while (len > 0 && name[len - 1] == 0) --len;
    n.name = std::string_view(name, len);
    n.desc = area.Sub(desc_off, descsz);
    if (n.desc.data == nullptr) n.desc = Bytes{area.data + desc_off, 0};
    notes.push_back(n);
    off = next;
  }
  return notes;
}

std::vector<Note> ElfFile::Notes(std::vector<std::string>* warnings) const {
  std::vector<Note> out;
  Bytes b = file_->bytes();
  for (const Segment& s : segments_) {
    if (s.type != kPtNote) continue;
    Bytes area = b.Sub(s.offset, s.filesz);
    if (area.data == nullptr) {
      if (warnings) {
        warnings->push_back("BAD_NOTE: PT_NOTE at offset " + Hex(s.offset) + " size " +
                            std::to_string(s.filesz) + " runs past the end of the file");
      }
      continue;
    }
    auto notes = ParseNotes(area, warnings);
    out.insert(out.end(), notes.begin(), notes.end());
  }
  return out;
}

std::optional<std::string> ElfFile::BuildId() const {
  Bytes b = file_->bytes();
  for (const Section& s : sections_) {
    if (s.type != kShtNote) continue;
    Bytes area = b.Sub(s.offset, s.size);
    if (!area.data) continue;
    if (auto id = FindBuildIdNote(ParseNotes(area, nullptr))) return id;
  }
  return FindBuildIdNote(Notes(nullptr));
}

Result<SymbolList> ElfFile::Symbols() const {
  const Section* tab = nullptr;
  for (const Section& s : sections_) {
    if (s.type == kShtSymtab) tab = &s;
  }
  if (!tab) {
    for (const Section& s : sections_) {
      if (s.type == kShtDynsym) tab = &s;
    }
  }
  SymbolList out;
  if (!tab) return out;
  Bytes b = file_->bytes();
  if (tab->link >= sections_.size()) {
    return MakeError(ErrorCode::kCoreCorrupt, file_->path() + ": symbol table's sh_link " +
                                                  std::to_string(tab->link) + " is not a section");
  }
  const Section& strs = sections_[tab->link];
  Bytes syms = b.Sub(tab->offset, tab->size);
  Bytes names = b.Sub(strs.offset, strs.size);
  if (!syms.data || !names.data) {
    return MakeError(ErrorCode::kCoreCorrupt,
                     file_->path() + ": symbol table " + tab->name + " runs past the end of the file");
  }
  uint64_t count = syms.size / kSymSize;
  if (count > limits::kMaxSymbols) {
    return MakeError(ErrorCode::kCoreCorrupt, file_->path() + ": " + std::to_string(count) +
                                                  " symbols exceed limit max_symbols=" +
                                                  std::to_string(limits::kMaxSymbols));
  }
  out.reserve(count);
  for (uint64_t i = 1; i < count; ++i) {  // entry 0 is the null symbol
    uint64_t o = i * kSymSize;
    uint32_t name_off = *syms.Read<uint32_t>(o);
    uint8_t info = *syms.Read<uint8_t>(o + 4);
    auto name = names.CString(name_off, limits::kMaxSymbolNameLength);
    if (!name || name->empty()) continue;
    Symbol s;
    s.name = *name;
    s.type = info & 0xf;
    s.shndx = *syms.Read<uint16_t>(o + 6);
    s.value = *syms.Read<uint64_t>(o + 8);
    s.size = *syms.Read<uint64_t>(o + 16);
    out.push_back(std::move(s));
  }
  return out;
}

bool ElfFile::ReadAtVaddr(uint64_t vaddr, void* out, uint64_t n) const {
  auto end = CheckedAdd(vaddr, n);
  if (!end) return false;
  Bytes b = file_->bytes();
  for (const Section& s : sections_) {
    if (!(s.flags & kShfAlloc) || s.size == 0) continue;
    if (vaddr < s.addr || *end > s.addr + s.size) continue;
    if (s.type == kShtNobits) {
      std::memset(out, 0, n);
      return true;
    }
    Bytes src = b.Sub(s.offset + (vaddr - s.addr), n);
    if (!src.data) return false;
    std::memcpy(out, src.data, n);
    return true;
  }
  // No section headers (stripped of them): fall back to PT_LOAD file bytes.
  for (const Segment& s : segments_) {
    if (s.type != 1 || vaddr < s.vaddr || *end > s.vaddr + s.memsz) continue;
    uint64_t rel = vaddr - s.vaddr;
    if (rel >= s.filesz) {
      std::memset(out, 0, n);
      return true;
    }
    if (rel + n > s.filesz) return false;
    Bytes src = b.Sub(s.offset + rel, n);
    if (!src.data) return false;
    std::memcpy(out, src.data, n);
    return true;
  }
  return false;
}

const Section* ElfFile::FindSection(std::string_view name) const {
  for (const Section& s : sections_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::optional<std::string> BuildIdFromImage(Bytes image) {
  if (!IsElf64Le(image)) return std::nullopt;
  uint64_t phoff = *image.Read<uint64_t>(32);
  uint16_t phentsize = *image.Read<uint16_t>(54);
  uint64_t phnum = *image.Read<uint16_t>(56);
  if (phentsize != kPhdrSize || phnum == 0 || phnum == kPnXnum) return std::nullopt;
  if (!image.Contains(phoff, phnum * kPhdrSize)) return std::nullopt;
  for (uint64_t i = 0; i < phnum; ++i) {
    Segment s = ReadPhdr(image, phoff + i * kPhdrSize);
    if (s.type != kPtNote) continue;
    // The image is mapped from file offset 0, so p_offset indexes it directly.
    Bytes area = image.Sub(s.offset, s.filesz);
    if (!area.data) continue;
    if (auto id = FindBuildIdNote(ParseNotes(area, nullptr))) return id;
  }
  return std::nullopt;
}

}  // namespace corescope::elf
