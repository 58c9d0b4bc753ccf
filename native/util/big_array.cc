// The big-array allocator and its pool (see big_array.h).
#include "util/big_array.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

namespace corescope {

namespace {

constexpr size_t kHuge = size_t{2} << 20;
size_t Rounded(size_t bytes) { return (bytes + kHuge - 1) & ~(kHuge - 1); }

// The pool of freed blocks (see BigArrayPool): freshly mapped memory costs a
// zero-fill per page on first touch, so the build's later arrays reuse the
// earlier ones' memory instead of returning it and mapping new.
struct Pool {
  std::mutex mu;
  int users = 0;
  std::vector<std::pair<void*, size_t>> blocks;  // (start, length)
};
Pool& ThePool() {
  static Pool* pool = new Pool();  // never destroyed: used from destructors at exit
  return *pool;
}

void* MapBlock(size_t len) {
  // Map 2 MiB more and trim, so the block starts on a huge-page boundary.
  void* raw = mmap(nullptr, len + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  uintptr_t a = reinterpret_cast<uintptr_t>(raw);
  uintptr_t start = (a + kHuge - 1) & ~(uintptr_t{kHuge} - 1);
  if (start > a) munmap(raw, start - a);
  if (a + kHuge > start) munmap(reinterpret_cast<void*>(start + len), a + kHuge - start);
  void* p = reinterpret_cast<void*>(start);
#ifdef MADV_HUGEPAGE
  madvise(p, len, MADV_HUGEPAGE);  // a hint: without THP the pages stay 4 KiB
#endif
  return p;
}

}  // namespace

void* AllocateBig(size_t bytes) {
  const size_t len = Rounded(bytes);
  Pool& pool = ThePool();
  {
    std::lock_guard<std::mutex> lock(pool.mu);
    // The smallest pooled block that fits; its unneeded tail is returned.
    size_t best = pool.blocks.size();
    for (size_t i = 0; i < pool.blocks.size(); ++i) {
      if (pool.blocks[i].second >= len && (best == pool.blocks.size() || pool.blocks[i].second < pool.blocks[best].second)) {
        best = i;
      }
    }
    if (best < pool.blocks.size()) {
      auto [p, have] = pool.blocks[best];
      if (have > len) {
        pool.blocks[best] = {static_cast<char*>(p) + len, have - len};  // the tail stays pooled
      } else {
        pool.blocks.erase(pool.blocks.begin() + static_cast<std::ptrdiff_t>(best));
      }
      return p;
    }
  }
  void* fresh = MapBlock(len);
  if (!fresh) return nullptr;
#ifdef MREMAP_FIXED
  // No pooled block is large enough: move pooled pages into the front of the
  // new range (mremap moves page tables, no copy, no new zero-fill), so
  // memory freed in pieces still serves one larger array.
  std::lock_guard<std::mutex> lock(pool.mu);
  size_t off = 0;
  while (off < len && !pool.blocks.empty()) {
    auto [p, have] = pool.blocks.back();
    size_t take = std::min(have, len - off);
    void* moved = mremap(p, take, take, MREMAP_MAYMOVE | MREMAP_FIXED, static_cast<char*>(fresh) + off);
    if (moved == MAP_FAILED) break;  // keep the rest fresh
    if (take < have) {
      pool.blocks.back() = {static_cast<char*>(p) + take, have - take};
    } else {
      pool.blocks.pop_back();
    }
    off += take;
  }
#endif
  return fresh;
}

void FreeBig(void* p, size_t bytes) {
  const size_t len = Rounded(bytes);
  Pool& pool = ThePool();
  {
    std::lock_guard<std::mutex> lock(pool.mu);
    if (pool.users > 0) {
      // Merge with pooled neighbours, so blocks split earlier can serve a
      // larger request again.
      char* start = static_cast<char*>(p);
      size_t size = len;
      for (size_t i = 0; i < pool.blocks.size();) {
        char* b = static_cast<char*>(pool.blocks[i].first);
        size_t bl = pool.blocks[i].second;
        if (b + bl == start || start + size == b) {
          start = std::min(start, b);
          size += bl;
          pool.blocks[i] = pool.blocks.back();
          pool.blocks.pop_back();
          i = 0;
          continue;
        }
        ++i;
      }
      pool.blocks.emplace_back(start, size);
      return;
    }
  }
  munmap(p, len);
}

BigArrayPool::BigArrayPool() {
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mu);
  pool.users++;
}

BigArrayPool::~BigArrayPool() {
  Pool& pool = ThePool();
  std::vector<std::pair<void*, size_t>> release;
  {
    std::lock_guard<std::mutex> lock(pool.mu);
    if (--pool.users == 0) release.swap(pool.blocks);
  }
  for (const auto& [p, len] : release) munmap(p, len);
}

}  // namespace corescope
