// Result<T> and Error: how every fallible step in the addon reports failure.
// Knows nothing of ELF, V8 or N-API. Error codes map 1:1 to the TypeScript
// CorescopeError codes (src/api/errors.ts), which own the exit codes.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace corescope {

enum class ErrorCode {
  kUsage,            // bad argument to a native method
  kFileNotFound,     // core or executable path does not exist / unreadable
  kNotACore,         // not ELF, or ELF but not ET_CORE, or a directory/empty file
  kNotANodeCore,     // a core of some other program
  kExeNotFound,      // could not find the executable that dumped the core
  kExeMismatch,      // executable's build-id differs from the core's
  kNoV8Metadata,     // executable has no v8dbg_* symbols
  kCoreCorrupt,      // truncated or damaged core
  kUnsupportedNode,  // Node/V8 version without a known layout
  kBadAddress,       // address is not a heap object
  kNotFound,         // a named thing (type, thread...) does not exist
  kBusy,             // a second call on a handle while one runs
  kCancelled,        // aborted by the caller
  kInternal,         // a bug in corescope
};

// ErrorCodeName returns the stable string name used across the N-API boundary,
// e.g. "NOT_A_CORE".
const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // one line naming the problem, with values
  std::string hint;     // one line naming the fix (may be empty)
};

inline Error MakeError(ErrorCode code, std::string message, std::string hint = {}) {
  return Error{code, std::move(message), std::move(hint)};
}

// Result holds either a value or an Error. Callers write
//   auto r = Foo(); if (!r) return r.error();
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(runtime/explicit)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(runtime/explicit)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status is a Result with no value.
struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace corescope
