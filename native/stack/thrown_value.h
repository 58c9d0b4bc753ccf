// The value being thrown when the process died, and what it says. Under
// --abort-on-uncaught-exception V8 aborts inside Isolate::Throw (in
// CreateMessageOrAbort) before the exception reaches the isolate's pending
// slot, so the value is taken from the stack: the argument of Runtime_Throw /
// Runtime_ReThrow (the word above the CEntry exit frame, V8 passes runtime
// arguments on the stack), cross-checked with the JSMessageObject V8 created
// for the uncaught exception (its `argument` field), which a scan of the
// native frames below the exit frame finds directly or through a handle.
// Also describes thrown values: constructor, name, message, stack, code and
// the cause chain, or a preview for non-Error values. Knows V8 objects and
// frames; knows nothing of JSON (see api/stack_methods.cc).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stack/stack_walker.h"
#include "v8/objects.h"

namespace corescope::stack {

struct ThrownValue {
  bool found = false;
  uint64_t value = 0;          // tagged word (a Smi for a thrown small integer)
  std::string found_by;        // "Runtime_Throw argument", "JSMessageObject argument"...
  bool confirmed = false;      // two independent sources agree
  uint64_t message_object = 0; // the JSMessageObject, when found
  // Where V8 says the exception was thrown (JSMessageObject start position).
  std::string script_name;
  int32_t line = 0, column = 0;
  // When not found: how the core was made, in words.
  std::string why_none;
  std::string crash_kind;      // "uncaught-exception", "abort", "segfault", "signal", "live-dump"
};

// FindThrownValue looks for the thrown value on the crashing thread.
ThrownValue FindThrownValue(const target::Target& t, const v8::Heap* heap, const SourceMapper* mapper,
                            const ThreadStack& crashed);

// CapturedFrame: one frame V8 captured when an Error was created (its
// CallSiteInfo), with V8's own position for it: V8 summarizes baseline and
// optimized frames to bytecode offsets, so these positions are exact.
struct CapturedFrame {
  std::string function, script;
  int32_t line = 0, column = 0;
  bool exact = false;  // from the captured offset (false: where the function starts)
};

// ErrorDescription: what a thrown value says about itself.
struct ErrorDescription {
  uint64_t value = 0;
  std::string type;            // "error", "object", "string", "number", "boolean", "undefined", "null", "symbol", "bigint", "function", "unknown"
  std::string constructor;     // "Error", "RangeError", "MyError", "Object"...
  std::string name;            // error.name (own or inherited), else the constructor
  std::optional<std::string> message;
  std::optional<std::string> stack;
  std::string stack_source;    // "formatted" (V8 had formatted it), "call-sites" (rebuilt from V8's captured frames), ""
  std::optional<std::string> code;
  std::string preview;         // a short rendering of any value
  std::unique_ptr<ErrorDescription> cause;
  bool cause_cycle = false;    // the cause chain loops back
  bool cause_truncated = false;
  std::vector<CapturedFrame> captured;  // the frames V8 captured (stack_source "call-sites")
};

// DescribeThrown describes a value and follows `cause` up to max_depth.
std::unique_ptr<ErrorDescription> DescribeThrown(const v8::Heap& heap, const SourceMapper* mapper, uint64_t value,
                                                 int max_depth = 8);

// RefineFromCapturedStack gives frames that only have a function-start
// position (baseline, optimized) the exact position from the thrown
// Error's captured frames, when the Error was created in the crashing
// thread's top JS frame: then its captured frames are the stack's own JS
// frames, matched in order by function and script until they differ.
// Refined frames get position_kind "error-stack" (the top frame too, when
// it is not interpreted: where the Error was created in it, the position
// node prints in the error's stack). Returns how many.
int RefineFromCapturedStack(ThreadStack& ts, const ErrorDescription& d);

// PreviewValue renders a short, one-line preview of any tagged value
// ("42", "'text'", "undefined", "Foo {} @0x..", "[Function: f]", "Array(3)").
std::string PreviewValue(const v8::Heap& heap, uint64_t value, size_t max_chars = 60);

}  // namespace corescope::stack
