// Async workers behind the N-API surface: each open/call runs its native
// work off the JS thread (Execute makes no N-API calls), reports coalesced
// progress, and settles a Promise. The only code besides addon.cc that
// includes napi.h.
#pragma once

#include <napi.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/methods.h"
#include "util/progress.h"
#include "util/result.h"

namespace corescope::binding {

// ProgressItem is one progress report as it crosses to the JS thread.
struct ProgressItem {
  std::string phase;
  uint64_t done = 0;
  uint64_t total = 0;
};

// WorkerProgress rate-limits reports (at most ~10/s, plus each phase's
// completion) and forwards them to a sink set while Execute runs. Report is
// safe to call from several threads.
class WorkerProgress : public Progress {
 public:
  void Report(std::string_view phase, uint64_t done, uint64_t total) override;
  void SetSink(std::function<void(const ProgressItem&)> sink);

 private:
  std::atomic<int64_t> last_ns_{0};
  std::mutex mu_;
  std::function<void(const ProgressItem&)> sink_;
};

// HandleState is what a JS handle owns: the Session plus the one-call-at-a-
// time guard. Touched only on the JS thread, except `session` while busy.
struct HandleState {
  std::unique_ptr<api::Session> session;
  bool busy = false;
  bool closed = false;
  std::shared_ptr<WorkerProgress> running;  // the running call's progress (for cancel)
};

// MakeJsError builds the rejection value: an Error with .code and .hint.
Napi::Value MakeJsError(Napi::Env env, const Error& e);

// Worker runs `work` off-thread and settles a Promise with `settle` (on the
// JS thread) or rejects with the Error.
class Worker : public Napi::AsyncProgressWorker<ProgressItem> {
 public:
  using Work = std::function<Status(Progress&)>;
  using Settle = std::function<Napi::Value(Napi::Env)>;
  Worker(Napi::Env env, Napi::Value on_progress, std::shared_ptr<WorkerProgress> progress, Work work,
         Settle settle, std::function<void()> done);
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute(const ExecutionProgress& progress) override;
  void OnProgress(const ProgressItem* data, size_t count) override;
  void OnOK() override;
  void OnError(const Napi::Error& e) override;

 private:
  Napi::Promise::Deferred deferred_;
  Napi::FunctionReference on_progress_;
  std::shared_ptr<WorkerProgress> progress_;
  Work work_;
  Settle settle_;
  std::function<void()> done_;
  std::optional<Error> error_;
};

}  // namespace corescope::binding
