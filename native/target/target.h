// Target: one core opened together with the executable that dumped it,
// verified by build-id, with the address space and V8 metadata ready. Every
// analysis (heap, graph, stack) takes a Target. Knows files, symbols and
// versions; knows nothing of heap objects (see ../heap).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "elf/core_file.h"
#include "elf/elf_file.h"
#include "memory/address_space.h"
#include "util/progress.h"
#include "util/result.h"
#include "v8/metadata.h"

namespace corescope::target {

struct OpenOptions {
  std::string core_path;
  std::string executable;      // empty: find it from NT_FILE / AT_EXECFN
};

// Executable describes which binary was used and how it was matched.
struct Executable {
  std::string path;            // the file read
  std::string core_path;       // the path the core names (NT_FILE / AT_EXECFN)
  std::string build_id;        // of the file read
  std::string core_build_id;   // from the core's dumped ELF header page ("" if absent)
  bool verified = false;       // build-ids equal, or every v8dbg value in the core's .data equals the file's
  std::string matched_by;      // "build-id", "v8dbg", or "user"/"path" (unverified)
  std::string found_by;        // where the path came from: "NT_FILE", "AT_EXECFN", "PRPSINFO", "--executable"
  uint32_t v8dbg_checked = 0;  // v8dbg values compared (matched_by "v8dbg")
};

// SymbolTable maps executable addresses to names (sorted by address).
class SymbolTable {
 public:
  explicit SymbolTable(elf::SymbolList symbols) : symbols_(std::move(symbols)) {}
  // Lookup returns the function symbol containing addr (file vaddr) and the offset.
  const elf::Symbol* Lookup(uint64_t vaddr, uint64_t* offset) const;
  std::optional<uint64_t> AddressOf(std::string_view name) const;
  // all: every symbol in file order (unsorted, unfiltered).
  const elf::SymbolList& all() const { return symbols_; }

 private:
  // Both indexes cost a sort of ~150k entries, and opening a core for the
  // heap needs neither: each is built on first use.
  elf::SymbolList symbols_;
  mutable std::vector<uint32_t> by_addr_;  // functions and objects by value, then larger size first
  mutable std::once_flag by_addr_once_;
  mutable std::vector<uint32_t> by_name_;  // all symbols by name
  mutable std::once_flag by_name_once_;
};

class Target {
 public:
  // Open opens and validates a core and its executable. Errors, in order of
  // checking: kFileNotFound, kNotACore, kCoreCorrupt, kExeNotFound,
  // kNotANodeCore, kExeMismatch, kNoV8Metadata, kUnsupportedNode.
  static Result<std::unique_ptr<Target>> Open(const OpenOptions& opts, Progress& progress);

  const elf::CoreFile& core() const { return *core_; }
  const elf::ElfFile& exe() const { return exe_; }
  const memory::AddressSpace& memory() const { return *memory_; }
  const v8::Metadata& metadata() const { return metadata_; }
  const SymbolTable& symbols() const { return *symbols_; }
  const Executable& executable() const { return executable_; }
  // exe_mappings: the executable's mappings rebuilt from its own program
  // headers when the core has no NT_FILE entry for it (qemu-user cores).
  const std::vector<elf::FileMapping>& exe_mappings() const { return exe_mappings_; }
  // ExeLoadBias: runtime address - file vaddr of the executable (0 for non-PIE node).
  uint64_t exe_load_bias() const { return exe_load_bias_; }
  // node_version: as process.version prints it ("v20.20.2"); "" if not found.
  const std::string& node_version() const { return node_version_; }
  // Warnings collected while opening (clipped segments, missing backing files...).
  const std::vector<std::string>& warnings() const { return warnings_; }
  std::vector<std::string>& mutable_warnings() { return warnings_; }

 private:
  Target() = default;
  std::shared_ptr<elf::CoreFile> core_;
  elf::ElfFile exe_;
  std::unique_ptr<memory::AddressSpace> memory_;
  v8::Metadata metadata_;
  std::unique_ptr<SymbolTable> symbols_;
  Executable executable_;
  uint64_t exe_load_bias_ = 0;
  std::vector<elf::FileMapping> exe_mappings_;
  std::string node_version_;
  std::vector<std::string> warnings_;
  friend class TargetOpener;
};

}  // namespace corescope::target
