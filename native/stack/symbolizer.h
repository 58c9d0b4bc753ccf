// Symbolizer: names native code addresses of the dead process. Maps a pc to
// the NT_FILE mapping that holds it, turns the mapping's file offset into the
// file's own virtual address (so the remapped builtins blob of Node 22+, a
// second mapping of the node binary at a high address, resolves to the same
// `Builtins_*` symbols as .text), and looks the address up in the file's
// .symtab/.dynsym. Shared libraries are read from the path NT_FILE names when
// that file is present on this machine and its build-id matches the core's.
// Knows ELF files and mappings; knows nothing of V8 frames (see stack_walker.h).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "elf/elf_file.h"
#include "target/target.h"

namespace corescope::stack {

// Module: one file mapped into the process (the executable, libc, ...).
struct Module {
  std::string path;
  bool is_executable = false;
  // Loaded lazily on first use.
  bool loaded = false;
  bool usable = false;                  // file present, parsed and build-id matches
  std::string problem;                  // why not usable ("missing", "build-id differs")
  std::shared_ptr<elf::MappedFile> file;
  std::optional<elf::ElfFile> elf;
  std::unique_ptr<target::SymbolTable> own_symbols;   // for libraries
  const target::SymbolTable* symbols = nullptr;       // own_symbols or the target's
};

// Location: what the symbolizer knows about one pc.
struct Location {
  uint64_t pc = 0;
  const Module* module = nullptr;  // nullptr: not file-backed (JIT, anonymous, unmapped)
  uint64_t file_vaddr = 0;         // pc translated to the module file's own address space
  std::string symbol;              // demangled, without the parameter list; "" if unknown
  uint64_t symbol_offset = 0;
  bool remapped_builtin = false;   // pc lies in a copy of the executable mapped elsewhere
};

class Symbolizer {
 public:
  explicit Symbolizer(const target::Target& t);

  // Locate returns the module, file vaddr and symbol for pc (never fails;
  // fields stay empty when unknown).
  Location Locate(uint64_t pc);
  // FileVaddr translates pc to its module and file vaddr, without symbols.
  const Module* FileVaddr(uint64_t pc, uint64_t* vaddr, bool* remapped = nullptr);
  // ModuleElf returns the parsed ELF of a usable module (loads it on demand).
  const elf::ElfFile* ModuleElf(const Module* m);
  // Describe renders "symbol+0x12" or "libc.so.6+0x1234" or "" for a Location.
  static std::string Describe(const Location& loc);
  // IsExecutableCode reports whether pc lies in an executable file mapping
  // (PF_X in the core, or the remapped builtins of the node binary).
  bool IsCodeAddress(uint64_t pc);

  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct Mapping {
    uint64_t start, end, file_offset;
    Module* module;
  };
  Module* Load(Module* m);
  const Mapping* FindMapping(uint64_t pc) const;

  const target::Target& t_;
  std::vector<std::unique_ptr<Module>> modules_;
  std::vector<Mapping> mappings_;  // sorted by start
  std::vector<std::string> warnings_;
};

// Demangle returns the demangled C++ name without its parameter list
// ("v8::internal::Isolate::Throw"), or the name unchanged.
std::string Demangle(const std::string& name);

}  // namespace corescope::stack
