// AddressSpace: sorted regions over the core's mmap and the backing files'
// mmaps, with binary-search lookup and a per-thread last-hit cache. Knows ELF
// cores and NT_FILE; knows nothing of V8.
#include "memory/address_space.h"
#include "util/limits.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>

namespace corescope::memory {
namespace {

// The last region a thread hit, keyed by the address space's unique id so a
// rebuilt or destroyed space never serves a stale pointer.
struct LastHit {
  uint64_t id = 0;
  uint64_t start = 0;
  uint64_t end = 0;
  const Region* region = nullptr;
};
thread_local LastHit tl_last_hit;

std::atomic<uint64_t> g_next_id{1};

bool IsRegularFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

struct Interval {
  uint64_t start, end;
};

// SortedLoads returns the core's PT_LOADs ordered by vaddr, so the one
// holding an address is found by binary search: a core may list a million
// segments and as many NT_FILE entries, and a linear scan per entry is
// quadratic (minutes for a crafted core).
std::vector<const elf::LoadSegment*> SortedLoads(const elf::CoreFile& core) {
  std::vector<const elf::LoadSegment*> out;
  out.reserve(core.loads().size());
  for (const elf::LoadSegment& l : core.loads()) out.push_back(&l);
  std::stable_sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->vaddr < b->vaddr; });
  return out;
}

// LoadAt returns the load with the highest vaddr <= addr if it holds addr
// within `size_of(load)` bytes (real cores never overlap segments; for a
// corrupt one that overlaps, the nearest start wins).
template <typename SizeOf>
const elf::LoadSegment* LoadAt(const std::vector<const elf::LoadSegment*>& sorted, uint64_t addr,
                               SizeOf size_of) {
  auto it = std::upper_bound(sorted.begin(), sorted.end(), addr,
                             [](uint64_t a, const elf::LoadSegment* l) { return a < l->vaddr; });
  if (it == sorted.begin()) return nullptr;
  const elf::LoadSegment* l = *(it - 1);
  return addr - l->vaddr < size_of(*l) ? l : nullptr;
}

// BuildIdIn reads the build-id of the ELF image mapped at m.start from the
// core's dump of load l.
std::optional<std::string> BuildIdIn(const elf::CoreFile& core, const elf::LoadSegment& l,
                                     const elf::FileMapping& m) {
  Bytes all = core.elf().file().bytes();
  uint64_t avail = std::min<uint64_t>(l.vaddr + l.filesz - m.start, m.end - m.start);
  Bytes image = all.Sub(l.offset + (m.start - l.vaddr), std::min<uint64_t>(avail, 64 * 1024));
  if (!image.data) return std::nullopt;
  return elf::BuildIdFromImage(image);
}

constexpr size_t kMaxBackingFiles = limits::kMaxBackingFiles;

// CongruentMod8: bytes for address addr at p keep 8-byte words aligned.
bool CongruentMod8(const uint8_t* p, uint64_t addr) {
  return ((reinterpret_cast<uintptr_t>(p) ^ addr) & 7) == 0;
}

const auto kDumpedSize = [](const elf::LoadSegment& l) { return l.filesz; };
const auto kMemSize = [](const elf::LoadSegment& l) { return l.memsz; };

}  // namespace

std::unique_ptr<AddressSpace> AddressSpace::Build(std::shared_ptr<elf::CoreFile> core) {
  std::unique_ptr<AddressSpace> as(new AddressSpace());
  as->core_ = std::move(core);
  // Open the backing files whose build-id the core confirms (libraries); a
  // file that differs from the one the process mapped would give wrong bytes.
  std::vector<std::string> mismatched;
  std::map<std::string, bool> seen;
  const auto sorted = SortedLoads(*as->core_);
  for (const elf::FileMapping& m : as->core_->files()) {
    // Each backing file is an mmap: bound how many a crafted core can open.
    if (m.file_offset != 0 || seen.size() >= kMaxBackingFiles || seen[m.path]) continue;
    seen[m.path] = true;
    const elf::LoadSegment* l = LoadAt(sorted, m.start, kDumpedSize);
    auto want = l ? BuildIdIn(*as->core_, *l, m) : std::nullopt;
    if (!want || !IsRegularFile(m.path)) continue;
    auto file = elf::MappedFile::Open(m.path);
    if (!file) continue;
    auto elf = elf::ElfFile::Parse(file.value());
    if (!elf) continue;
    auto have = elf->BuildId();
    if (have && *have == *want) {
      as->backing_[m.path] = file.value();
    } else {
      mismatched.push_back(m.path);
    }
  }
  if (!mismatched.empty()) {
    std::string list;
    for (size_t i = 0; i < mismatched.size() && i < 3; ++i) list += (i ? ", " : "") + mismatched[i];
    if (mismatched.size() > 3) list += ", ...";
    as->warnings_.push_back("BACKING_FILE_MISMATCH: " + std::to_string(mismatched.size()) +
                            " mapped file(s) on this machine differ from the ones the process used (" +
                            list + "); their pages that are not in the core cannot be read");
  }
  as->Rebuild();
  return as;
}

void AddressSpace::AddBackingFile(const std::string& core_path, std::shared_ptr<elf::MappedFile> file) {
  backing_[core_path] = std::move(file);
  Rebuild();
}

void AddressSpace::AddSyntheticMappings(const std::string& path, std::shared_ptr<elf::MappedFile> file,
                                        std::vector<elf::FileMapping> maps) {
  backing_[path] = std::move(file);
  for (elf::FileMapping& m : maps) {
    m.path = path;
    synthetic_.push_back(std::move(m));
  }
  Rebuild();
}

std::optional<std::string> AddressSpace::CoreBuildId(const std::string& path) const {
  const auto sorted = SortedLoads(*core_);
  for (const elf::FileMapping& m : core_->files()) {
    if (m.path != path || m.file_offset != 0) continue;
    const elf::LoadSegment* l = LoadAt(sorted, m.start, kDumpedSize);
    if (!l) continue;
    if (auto id = BuildIdIn(*core_, *l, m)) return id;
  }
  return std::nullopt;
}

void AddressSpace::Rebuild() {
  id_ = g_next_id.fetch_add(1, std::memory_order_relaxed);
  std::vector<Region> regions;
  Bytes core_bytes = core_->elf().file().bytes();

  // 1. Bytes dumped in the core. Later overlapping segments lose the overlap.
  // A segment whose bytes sit at a file offset that is not 8-byte aligned
  // (never written by the kernel or gcore: a corrupt core) is not readable,
  // so every region's data is aligned wherever its address is and the heap
  // walkers may read aligned words through Span().
  uint64_t misaligned = 0;
  std::vector<Interval> declared;  // what the core claims to hold (incl. truncated parts)
  for (const elf::LoadSegment& l : core_->loads()) {
    if (l.declared_filesz > 0) {
      declared.push_back({l.vaddr, l.vaddr + std::min(l.declared_filesz, l.memsz)});
    }
    if (l.filesz == 0) continue;
    Bytes b = core_bytes.Sub(l.offset, l.filesz);
    if (!b.data) continue;
    if (!CongruentMod8(b.data, l.vaddr)) {
      ++misaligned;
      continue;
    }
    Region r;
    r.start = l.vaddr;
    r.end = l.vaddr + l.filesz;
    r.data = b.data;
    r.flags = l.flags;
    r.source = Region::Source::kCore;
    regions.push_back(r);
  }
  std::sort(declared.begin(), declared.end(),
            [](const Interval& a, const Interval& b) { return a.start < b.start; });

  // 2. File-backed ranges the core did not dump: served from the backing file.
  const auto sorted = SortedLoads(*core_);
  auto load_flags = [&](uint64_t addr) -> uint32_t {
    const elf::LoadSegment* l = LoadAt(sorted, addr, kMemSize);
    return l ? l->flags : 4;  // PF_R
  };
  // Backed mappings in address order, each clipped to start after the
  // previous one: the kernel never writes overlapping NT_FILE entries, and
  // overlapping ones would make the walk below quadratic.
  std::vector<const elf::FileMapping*> backed;
  for (const elf::FileMapping& m : core_->files()) {
    if (backing_.count(m.path)) backed.push_back(&m);
  }
  for (const elf::FileMapping& m : synthetic_) backed.push_back(&m);
  std::stable_sort(backed.begin(), backed.end(), [](auto* a, auto* b) { return a->start < b->start; });
  uint64_t covered = 0;
  for (const elf::FileMapping* mp : backed) {
    const elf::FileMapping& m = *mp;
    const elf::MappedFile& f = *backing_.find(m.path)->second;
    if (m.end <= covered) continue;
    // Walk [m.start, m.end) and emit the pieces not covered by `declared`.
    uint64_t pos = std::max(m.start, covered);
    covered = m.end;
    auto d = std::upper_bound(declared.begin(), declared.end(), pos,
                              [](uint64_t a, const Interval& i) { return a < i.start; });
    if (d != declared.begin()) --d;
    while (pos < m.end) {
      while (d != declared.end() && d->end <= pos) ++d;
      uint64_t piece_end = m.end;
      if (d != declared.end()) {
        if (d->start <= pos) {
          pos = std::min(d->end, m.end);
          continue;
        }
        piece_end = std::min(piece_end, d->start);
      }
      uint64_t fo = m.file_offset + (pos - m.start);
      if (fo < f.size() && !CongruentMod8(f.bytes().data + fo, pos)) {
        ++misaligned;
      } else if (fo < f.size()) {
        uint64_t n = std::min(piece_end - pos, f.size() - fo);
        Region r;
        r.start = pos;
        r.end = pos + n;
        r.data = f.bytes().data + fo;
        r.flags = load_flags(pos);
        r.source = Region::Source::kFile;
        regions.push_back(r);
      }
      pos = piece_end;
    }
  }

  if (misaligned > 0) {
    static const char kWarning[] = "MISALIGNED_SEGMENT: ";
    bool warned = std::any_of(warnings_.begin(), warnings_.end(),
                              [](const std::string& w) { return w.rfind(kWarning, 0) == 0; });
    if (!warned) {
      warnings_.push_back(kWarning + std::to_string(misaligned) +
                          " segment(s) start at a file offset that is not 8-byte aligned (the core is corrupt); "
                          "their memory is treated as not dumped");
    }
  }

  // 3. Sort, drop overlaps, merge neighbours that continue each other.
  std::sort(regions.begin(), regions.end(),
            [](const Region& a, const Region& b) { return a.start < b.start; });
  regions_.clear();
  regions_.reserve(regions.size());
  for (Region r : regions) {
    if (!regions_.empty()) {
      Region& last = regions_.back();
      if (r.start < last.end) {  // overlap: trim the later region
        if (r.end <= last.end) continue;
        if (r.data) r.data += last.end - r.start;
        r.start = last.end;
      }
      if (r.start == last.end && r.flags == last.flags && r.source == last.source && r.data &&
          last.data && r.data == last.data + (last.end - last.start)) {
        last.end = r.end;
        continue;
      }
    }
    regions_.push_back(r);
  }
}

const uint8_t* AddressSpace::SpanCopy(uint64_t addr, uint64_t n, std::vector<uint64_t>* buf) const {
  const uint8_t* direct = Span(addr, n);
  if (!direct || n == 0) return direct;
  if (buf->size() * 8 < n) buf->resize((n + 7) / 8);
  if (CopyOut(FindRegion(addr), addr, n, buf->data())) return reinterpret_cast<const uint8_t*>(buf->data());
  return direct;
}

bool AddressSpace::ReadSparse(uint64_t addr, void* out, uint64_t n) const {
  if (CopyOut(FindRegion(addr), addr, n, out)) return true;
  return Read(addr, out, n);
}

bool AddressSpace::CopyOut(const Region* r, uint64_t addr, uint64_t n, void* out) const {
  if (!r || !r->data || r->source != Region::Source::kCore || addr < r->start || n > r->end - addr) return false;
  return core_->elf().file().CopyOut(r->data + (addr - r->start), n, out);
}

const Region* AddressSpace::FindRegion(uint64_t addr) const {
  LastHit& hit = tl_last_hit;
  if (hit.id == id_ && addr - hit.start < hit.end - hit.start) return hit.region;
  auto it = std::upper_bound(regions_.begin(), regions_.end(), addr,
                             [](uint64_t a, const Region& r) { return a < r.start; });
  if (it == regions_.begin()) return nullptr;
  --it;
  if (addr >= it->end) return nullptr;
  hit = {id_, it->start, it->end, &*it};
  return &*it;
}

uint64_t AddressSpace::ContiguousEnd(const Region* r) const {
  if (!r || !r->data || regions_.empty() || r < &regions_.front() || r > &regions_.back()) return r ? r->end : 0;
  const Region* last = &regions_.back();
  uint64_t end = r->end;
  const uint8_t* next_data = r->data + (r->end - r->start);
  for (const Region* n = r + 1; n <= last && n->start == end && n->data == next_data && n->source == r->source; ++n) {
    end = n->end;
    next_data = n->data + (n->end - n->start);
  }
  return end;
}

const uint8_t* AddressSpace::Span(uint64_t addr, uint64_t n) const {
  const Region* r = FindRegion(addr);
  if (!r || !r->data) return nullptr;
  if (n > r->end - addr) return nullptr;
  return r->data + (addr - r->start);
}

bool AddressSpace::Read(uint64_t addr, void* out, uint64_t n) const {
  auto* dst = static_cast<uint8_t*>(out);
  if (!CheckedAdd(addr, n)) return false;
  while (n > 0) {
    const Region* r = FindRegion(addr);
    if (!r) return false;
    uint64_t chunk = std::min(n, r->end - addr);
    if (r->data) {
      std::memcpy(dst, r->data + (addr - r->start), chunk);
    } else {
      std::memset(dst, 0, chunk);
    }
    dst += chunk;
    addr += chunk;
    n -= chunk;
  }
  return true;
}

}  // namespace corescope::memory
