// Checked arithmetic and little-endian reads over byte ranges of untrusted
// input. Values are read with memcpy (no unaligned casts); every range is
// checked with CheckedAdd before it is touched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace corescope {

// CheckedAdd returns a+b, or nullopt on unsigned overflow.
inline std::optional<uint64_t> CheckedAdd(uint64_t a, uint64_t b) {
  uint64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// CheckedMul returns a*b, or nullopt on unsigned overflow.
inline std::optional<uint64_t> CheckedMul(uint64_t a, uint64_t b) {
  uint64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Bytes is a non-owning view of a byte range (a slice of an mmap).
struct Bytes {
  const uint8_t* data = nullptr;
  uint64_t size = 0;

  // Sub returns [off, off+n) or an empty view with data == nullptr when out of range.
  Bytes Sub(uint64_t off, uint64_t n) const {
    auto end = CheckedAdd(off, n);
    if (!end || *end > size) return {};
    return {data + off, n};
  }
  bool Contains(uint64_t off, uint64_t n) const {
    auto end = CheckedAdd(off, n);
    return end && *end <= size;
  }
  template <typename T>
  std::optional<T> Read(uint64_t off) const {
    if (!Contains(off, sizeof(T))) return std::nullopt;
    T v;
    std::memcpy(&v, data + off, sizeof(T));
    return v;
  }
  // CString returns the NUL-terminated string at off (at most max bytes), or nullopt.
  std::optional<std::string_view> CString(uint64_t off, uint64_t max = 4096) const {
    if (off >= size) return std::nullopt;
    uint64_t n = size - off < max ? size - off : max;
    const void* nul = std::memchr(data + off, 0, n);
    if (!nul) return std::nullopt;
    return std::string_view(reinterpret_cast<const char*>(data + off),
                            static_cast<const uint8_t*>(nul) - (data + off));
  }
};

// Load reads a T from raw memory without alignment assumptions.
template <typename T>
inline T Load(const void* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

}  // namespace corescope
