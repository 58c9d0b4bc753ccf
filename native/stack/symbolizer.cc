// Symbolizer: pc -> module, file vaddr, symbol. See symbolizer.h.
#include "stack/symbolizer.h"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>

namespace corescope::stack {
namespace {

constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPfX = 1;

std::string Basename(const std::string& p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

// StripParameters cuts the trailing "(...)" (and " const") of a demangled
// name, balancing parentheses so "(anonymous namespace)" inside stays.
std::string StripParameters(std::string s) {
  std::string_view v = s;
  const std::string_view kConst = " const";
  if (v.size() > kConst.size() && v.substr(v.size() - kConst.size()) == kConst) {
    v = v.substr(0, v.size() - kConst.size());
  }
  if (v.empty() || v.back() != ')') return s;
  int depth = 0;
  for (size_t i = v.size(); i-- > 0;) {
    if (v[i] == ')') ++depth;
    if (v[i] == '(' && --depth == 0) return std::string(v.substr(0, i));
  }
  return s;
}

}  // namespace

std::string Demangle(const std::string& name) {
  if (name.rfind("_Z", 0) != 0) return name;
  int status = 0;
  char* out = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status != 0 || !out) return name;
  std::string r(out);
  std::free(out);
  return StripParameters(std::move(r));
}

Symbolizer::Symbolizer(const target::Target& t) : t_(t) {
  std::map<std::string, Module*> by_path;
  // Cores without NT_FILE (qemu-user) still get the executable, mapped by
  // its own program headers (Target::exe_mappings).
  std::vector<elf::FileMapping> files = t.core().files();
  for (elf::FileMapping fm : t.exe_mappings()) {
    fm.path = t.executable().core_path.empty() ? t.executable().path : t.executable().core_path;
    files.push_back(std::move(fm));
  }
  for (const elf::FileMapping& fm : files) {
    Module*& m = by_path[fm.path];
    if (!m) {
      modules_.push_back(std::make_unique<Module>());
      m = modules_.back().get();
      m->path = fm.path;
      m->is_executable = fm.path == t.executable().core_path ||
                         (t.executable().core_path.empty() && fm.path == t.executable().path);
    }
    mappings_.push_back({fm.start, fm.end, fm.file_offset, m});
  }
  std::sort(mappings_.begin(), mappings_.end(),
            [](const Mapping& a, const Mapping& b) { return a.start < b.start; });
}

const Symbolizer::Mapping* Symbolizer::FindMapping(uint64_t pc) const {
  auto it = std::upper_bound(mappings_.begin(), mappings_.end(), pc,
                             [](uint64_t a, const Mapping& m) { return a < m.start; });
  if (it == mappings_.begin()) return nullptr;
  --it;
  return pc < it->end ? &*it : nullptr;
}

Module* Symbolizer::Load(Module* m) {
  if (m->loaded) return m;
  m->loaded = true;
  if (m->is_executable) {
    m->elf = t_.exe();
    m->symbols = &t_.symbols();
    m->usable = true;
    return m;
  }
  auto file = elf::MappedFile::Open(m->path);
  if (!file) {
    m->problem = "not present on this machine";
    return m;
  }
  auto parsed = elf::ElfFile::Parse(file.value());
  if (!parsed) {
    m->problem = "not a readable ELF file";
    return m;
  }
  auto core_id = t_.memory().CoreBuildId(m->path);
  auto file_id = parsed->BuildId();
  if (core_id && file_id && *core_id != *file_id) {
    m->problem = "build-id differs from the core's";
    warnings_.push_back(m->path + ": build-id differs from the one in the core; its frames are shown as module+offset");
    return m;
  }
  m->file = file.value();
  m->elf = std::move(parsed.value());
  auto syms = m->elf->Symbols();
  if (syms) {
    m->own_symbols = std::make_unique<target::SymbolTable>(std::move(syms.value()));
    m->symbols = m->own_symbols.get();
  }
  m->usable = true;
  return m;
}

const elf::ElfFile* Symbolizer::ModuleElf(const Module* cm) {
  Module* m = const_cast<Module*>(cm);
  Load(m);
  return m->usable && m->elf ? &*m->elf : nullptr;
}

const Module* Symbolizer::FileVaddr(uint64_t pc, uint64_t* vaddr, bool* remapped) {
  const Mapping* map = FindMapping(pc);
  if (!map) return nullptr;
  Module* m = Load(map->module);
  uint64_t file_off = map->file_offset + (pc - map->start);
  *vaddr = file_off;  // best effort when the file is not usable
  if (!m->usable || !m->elf) return m;
  for (const elf::Segment& s : m->elf->segments()) {
    if (s.type != kPtLoad) continue;
    if (file_off >= s.offset && file_off - s.offset < s.filesz) {
      *vaddr = s.vaddr + (file_off - s.offset);
      if (remapped) {
        // A mapping is "remapped" when the same file offset is normally
        // mapped at another address (Node 22+ embedded builtins).
        *remapped = m->is_executable && *vaddr + t_.exe_load_bias() != pc;
      }
      return m;
    }
  }
  return m;
}

Location Symbolizer::Locate(uint64_t pc) {
  Location loc;
  loc.pc = pc;
  uint64_t vaddr = 0;
  bool remapped = false;
  const Module* m = FileVaddr(pc, &vaddr, &remapped);
  loc.module = m;
  loc.file_vaddr = vaddr;
  if (!m || !m->usable) return loc;
  loc.remapped_builtin = remapped;
  if (m->symbols && vaddr) {
    uint64_t off = 0;
    if (const elf::Symbol* s = m->symbols->Lookup(vaddr, &off)) {
      loc.symbol = Demangle(std::string(s->name));
      loc.symbol_offset = off;
    }
  }
  return loc;
}

bool Symbolizer::IsCodeAddress(uint64_t pc) {
  const Mapping* map = FindMapping(pc);
  if (!map) return false;
  Module* m = Load(map->module);
  if (!m->usable || !m->elf) {
    const memory::Region* r = t_.memory().FindRegion(pc);
    return r && (r->flags & kPfX);
  }
  uint64_t file_off = map->file_offset + (pc - map->start);
  for (const elf::Segment& s : m->elf->segments()) {
    if (s.type == kPtLoad && (s.flags & kPfX) && file_off >= s.offset && file_off - s.offset < s.filesz) {
      return true;
    }
  }
  return false;
}

std::string Symbolizer::Describe(const Location& loc) {
  char buf[32];
  if (!loc.symbol.empty()) {
    if (loc.symbol_offset == 0) return loc.symbol;
    std::snprintf(buf, sizeof buf, "+0x%llx", static_cast<unsigned long long>(loc.symbol_offset));
    return loc.symbol + buf;
  }
  if (loc.module) {
    std::snprintf(buf, sizeof buf, "+0x%llx", static_cast<unsigned long long>(loc.file_vaddr));
    return Basename(loc.module->path) + buf;
  }
  return "";
}

}  // namespace corescope::stack
