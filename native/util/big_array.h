// Big arrays: large per-object and per-edge arrays mapped directly, on
// transparent huge pages, and left uninitialised (see NoInitAllocator).
// Used by the heap index and the reference graph. Knows nothing of V8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace corescope {

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

}  // namespace corescope
