// Progress and cancellation for long native work. The binding layer supplies
// an implementation that forwards to JS (coalesced); tests use the null one.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

namespace corescope {

class Progress {
 public:
  virtual ~Progress() = default;
  // Report says that `done` of `total` units of `phase` are complete. Cheap;
  // may be called often (implementations rate-limit).
  virtual void Report(std::string_view phase, uint64_t done, uint64_t total) {
    (void)phase; (void)done; (void)total;
  }
  // Cancelled is polled by long loops (every ~64 Ki objects).
  bool Cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
};

// NullProgress ignores reports and is never cancelled.
inline Progress& NullProgress() {
  static Progress p;
  return p;
}

}  // namespace corescope
