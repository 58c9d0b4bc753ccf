// Helpers shared by the fuzz targets (native/fuzz/*_fuzz.cc): expose a fuzz
// input as a file path (the readers open cores by path and mmap them), and a
// sink that keeps results observable so the optimiser cannot drop the reads.
// Knows nothing of ELF or V8; used only by fuzz targets and replay_main.cc.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace corescope::fuzz {

// MemFile is an anonymous in-memory file (memfd) reachable by path through
// /proc/self/fd, rewritten for each input. One per process: a fuzz iteration
// must drop every mapping of it before the next Write (shrinking a file under
// a live mapping would turn reads into SIGBUS, a false finding).
class MemFile {
 public:
  static MemFile& Get() {
    static MemFile f;
    return f;
  }
  // Write replaces the file's contents and returns its path.
  const std::string& Write(const uint8_t* data, size_t size) {
    if (::ftruncate(fd_, 0) != 0) std::abort();
    size_t done = 0;
    while (done < size) {
      ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<size_t>(n);
    }
    return path_;
  }

 private:
  MemFile() {
    fd_ = ::memfd_create("corescope-fuzz", MFD_CLOEXEC);
    if (fd_ < 0) std::abort();
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  int fd_ = -1;
  std::string path_;
};

// Sink folds values into a volatile so the reads that produced them stay.
inline void Sink(uint64_t v) {
  static volatile uint64_t sink;
  sink = sink + v;
}
inline void Sink(std::string_view s) {
  uint64_t h = s.size();
  for (char c : s) h = h * 31 + static_cast<unsigned char>(c);
  Sink(h);
}

}  // namespace corescope::fuzz
