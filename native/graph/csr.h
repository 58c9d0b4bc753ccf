// Csr: a compact adjacency list (compressed sparse rows) over dense 32-bit
// node ids, with the edge kind packed into the top two bits of each entry.
// Used for the forward and reverse reference graphs. Knows nothing of V8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace corescope::graph {

// EdgeKind: how an edge holds its target, as far as liveness is concerned.
enum class EdgeKind : uint32_t {
  kStrong = 0,     // keeps the target alive
  kWeak = 1,       // weak reference (tag 0b11, weak handle, WeakRef target...): does not
  kEphemeron = 2,  // EphemeronHashTable value: alive only while its key is alive
};

inline constexpr uint32_t kKindShift = 30;
inline constexpr uint32_t kNodeMask = (1u << kKindShift) - 1;
inline constexpr uint32_t kMaxNodes = kNodeMask;  // ids must stay below this

inline uint32_t PackEdge(uint32_t node, EdgeKind k) {
  return node | (static_cast<uint32_t>(k) << kKindShift);
}
inline uint32_t EdgeNode(uint32_t e) { return e & kNodeMask; }
inline EdgeKind EdgeKindOf(uint32_t e) { return static_cast<EdgeKind>(e >> kKindShift); }

// NoInitAllocator leaves new elements of resize() uninitialised: the big
// arrays here are always written in full, and zero-filling hundreds of MiB
// first costs as much as filling them. Blocks of 4 MiB and more are mapped
// directly and marked for transparent huge pages: a 25 M-object graph
// touches ~1 GiB of fresh memory, and one fault per 4 KiB page (each one a
// VM exit under virtualisation) cost a third of the build.
void* AllocateBig(size_t bytes);           // nullptr when out of memory
void FreeBig(void* p, size_t bytes);
inline constexpr size_t kBigBlock = size_t{4} << 20;

// BigArrayPool: while one is alive, freed big blocks are kept for reuse by
// the next big allocations (first-touch zeroing of fresh pages was a third of
// the graph build's time); the last one to go returns them to the system.
class BigArrayPool {
 public:
  BigArrayPool();
  ~BigArrayPool();
  BigArrayPool(const BigArrayPool&) = delete;
  BigArrayPool& operator=(const BigArrayPool&) = delete;
};

template <typename T>
struct NoInitAllocator : std::allocator<T> {
  using value_type = T;
  template <typename U>
  struct rebind {
    using other = NoInitAllocator<U>;
  };
  NoInitAllocator() = default;
  template <typename U>
  NoInitAllocator(const NoInitAllocator<U>&) noexcept {}  // NOLINT(runtime/explicit)
  T* allocate(size_t n) {
    if (n * sizeof(T) < kBigBlock) return std::allocator<T>::allocate(n);
    void* p = AllocateBig(n * sizeof(T));
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) noexcept {
    if (n * sizeof(T) < kBigBlock) {
      std::allocator<T>::deallocate(p, n);
    } else {
      FreeBig(p, n * sizeof(T));
    }
  }
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <typename U>
  bool operator==(const NoInitAllocator<U>&) const noexcept { return true; }
  template <typename U>
  bool operator!=(const NoInitAllocator<U>&) const noexcept { return false; }
};
// BigArray: a vector for the graph's large per-node and per-edge arrays.
template <typename T>
using BigArray = std::vector<T, NoInitAllocator<T>>;
using U32Array = std::vector<uint32_t, NoInitAllocator<uint32_t>>;

// Csr: edges of node v are entries[offsets[v] .. offsets[v+1]).
struct Csr {
  U32Array offsets;  // nodes + 1 entries
  U32Array entries;  // packed edges

  uint32_t nodes() const { return offsets.empty() ? 0 : static_cast<uint32_t>(offsets.size() - 1); }
  uint64_t edges() const { return entries.size(); }
  const uint32_t* begin(uint32_t v) const { return entries.data() + offsets[v]; }
  const uint32_t* end(uint32_t v) const { return entries.data() + offsets[v + 1]; }
  uint64_t bytes() const { return (offsets.capacity() + entries.capacity()) * sizeof(uint32_t); }
  void Clear() {
    U32Array().swap(offsets);
    U32Array().swap(entries);
  }
};

// Reverse builds the reverse graph of `fwd` (same kinds; each edge u->v
// becomes v->u). Within a node, sources come in increasing id order.
Csr Reverse(const Csr& fwd);

}  // namespace corescope::graph
