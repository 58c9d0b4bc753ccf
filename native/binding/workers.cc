// Async workers: run native work off the JS thread, forward coalesced
// progress, settle Promises. Execute makes no N-API calls and turns every
// C++ exception (bad_alloc included) into an INTERNAL error.
#include "binding/workers.h"

#include <chrono>
#include <new>

namespace corescope::binding {
namespace {

constexpr int64_t kProgressIntervalNs = 100'000'000;  // at most ~10 reports per second

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void WorkerProgress::Report(std::string_view phase, uint64_t done, uint64_t total) {
  int64_t now = NowNs();
  int64_t last = last_ns_.load(std::memory_order_relaxed);
  bool final = total != 0 && done >= total;
  if (!final && now - last < kProgressIntervalNs) return;
  if (!final && !last_ns_.compare_exchange_strong(last, now, std::memory_order_relaxed)) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (sink_) sink_(ProgressItem{std::string(phase), done, total});
}

void WorkerProgress::SetSink(std::function<void(const ProgressItem&)> sink) {
  std::lock_guard<std::mutex> lock(mu_);
  sink_ = std::move(sink);
}

Napi::Value MakeJsError(Napi::Env env, const Error& e) {
  Napi::Error err = Napi::Error::New(env, e.message);
  err.Value().Set("code", Napi::String::New(env, ErrorCodeName(e.code)));
  if (!e.hint.empty()) err.Value().Set("hint", Napi::String::New(env, e.hint));
  return err.Value();
}

Worker::Worker(Napi::Env env, Napi::Value on_progress, std::shared_ptr<WorkerProgress> progress, Work work,
               Settle settle, std::function<void()> done)
    : Napi::AsyncProgressWorker<ProgressItem>(env, "corescope"),
      deferred_(Napi::Promise::Deferred::New(env)),
      progress_(std::move(progress)),
      work_(std::move(work)),
      settle_(std::move(settle)),
      done_(std::move(done)) {
  if (on_progress.IsFunction()) on_progress_ = Napi::Persistent(on_progress.As<Napi::Function>());
}

void Worker::Execute(const ExecutionProgress& ep) {
  progress_->SetSink([&ep](const ProgressItem& item) { ep.Send(&item, 1); });
  try {
    Status s = work_(*progress_);
    if (!s) error_ = s.error();
  } catch (const std::bad_alloc&) {
    error_ = MakeError(ErrorCode::kInternal, "out of memory", "the core may be damaged; please report it");
  } catch (const std::exception& e) {
    error_ = MakeError(ErrorCode::kInternal, std::string("internal error: ") + e.what(), "please report it");
  } catch (...) {
    error_ = MakeError(ErrorCode::kInternal, "internal error (unknown exception)", "please report it");
  }
  progress_->SetSink(nullptr);
  // cancel() promises a CANCELLED rejection, even if the work got to finish.
  if (progress_->Cancelled() && (!error_ || error_->code != ErrorCode::kInternal)) {
    error_ = MakeError(ErrorCode::kCancelled, "the call was cancelled");
  }
}

void Worker::OnProgress(const ProgressItem* data, size_t count) {
  if (on_progress_.IsEmpty() || count == 0) return;
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  const ProgressItem& p = data[count - 1];  // coalesced: the latest wins
  on_progress_.Call({Napi::String::New(env, p.phase), Napi::Number::New(env, static_cast<double>(p.done)),
                     Napi::Number::New(env, static_cast<double>(p.total))});
  // A throwing progress callback must not break the call it observes.
  if (env.IsExceptionPending()) env.GetAndClearPendingException();
}

void Worker::OnOK() {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  if (done_) done_();
  if (error_) {
    deferred_.Reject(MakeJsError(env, *error_));
    return;
  }
  Napi::Value v = settle_(env);
  if (env.IsExceptionPending()) {
    deferred_.Reject(env.GetAndClearPendingException().Value());
    return;
  }
  deferred_.Resolve(v);
}

void Worker::OnError(const Napi::Error& e) {
  Napi::HandleScope scope(Env());
  if (done_) done_();
  deferred_.Reject(e.Value());
}

}  // namespace corescope::binding
