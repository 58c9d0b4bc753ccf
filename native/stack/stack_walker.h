// StackWalker: the stacks of every thread of a core, crashing thread first.
// Unwinds from each thread's NT_PRSTATUS registers along the frame-pointer
// chain (node and V8 keep frame pointers), through DWARF CFI where code has
// none (libc's raise/abort, syscall wrappers), and as a last resort by a
// validated stack scan. Every read is bounds-checked and the chain must stay
// inside the thread's stack, strictly upward, and below a depth limit.
// Classifies V8 frames by the frame marker (v8dbg_frametype_*) or by the
// JSFunction in the frame, and names JS frames with function, script and
// line:column. Knows frames, symbols and V8 frame layouts; knows nothing of
// the JSON shape (see api/stack_methods.cc).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stack/cfi.h"
#include "stack/source_positions.h"
#include "stack/symbolizer.h"
#include "target/target.h"
#include "v8/objects.h"

namespace corescope::stack {

enum class FrameKind { kJsInterpreted, kJsBaseline, kJsOptimized, kBuiltin, kExit, kEntry, kNative, kStub };
// FrameKindName: "js-interpreted", "js-baseline", "js-optimized", "builtin",
// "exit", "entry", "native", "stub".
const char* FrameKindName(FrameKind k);
inline bool IsJsKind(FrameKind k) {
  return k == FrameKind::kJsInterpreted || k == FrameKind::kJsBaseline || k == FrameKind::kJsOptimized;
}

struct Frame {
  FrameKind kind = FrameKind::kNative;
  uint64_t pc = 0;
  uint64_t sp = 0;
  uint64_t fp = 0;
  std::string unwound_by;      // how this frame was found: "registers", "fp", "cfi", "scan"
  Location location;           // native symbol (also for builtins: Builtins_*)
  std::string v8_frame_type;   // "ExitFrame"... for marker frames
  // JS frames (and builtin frames that carry a JSFunction).
  uint64_t function = 0;       // JSFunction (tagged)
  uint64_t shared = 0;
  uint64_t script = 0;
  std::string function_name;
  std::string script_name;
  int32_t line = 0;            // 1-based; 0 = unknown
  int32_t column = 0;
  std::string position_kind;   // "exact", "function-start", "unknown"
  int32_t bytecode_offset = -1;
  uint64_t bytecode_array = 0;
  // Receiver and arguments (JS frames): [fp+16] receiver, then arguments in
  // order (V8 pushes them reversed since 8.9, so they read upward).
  bool has_args = false;
  uint64_t receiver = 0;
  std::vector<uint64_t> args;
  uint32_t argc = 0;           // actual argument count without the receiver
};

// kEndOfFrameChain: the stop_reason of a walk that reached the outermost frame.
inline constexpr const char* kEndOfFrameChain = "end of the frame chain";

struct ThreadStack {
  int32_t tid = 0;
  std::string name;
  bool crashed = false;
  int32_t signal = 0;
  std::vector<Frame> frames;
  std::string stop_reason;     // why the walk ended ("end of chain", "depth limit"...)
};

class StackWalker {
 public:
  // heap may be null (no V8 heap found): frames are still unwound and
  // symbolized, JS frames are labelled but not named.
  StackWalker(const target::Target& t, const v8::Heap* heap);

  // WalkAll returns every thread, the crashing (first NT_PRSTATUS) thread
  // first, each with at most max_frames frames.
  std::vector<ThreadStack> WalkAll(size_t max_frames);
  ThreadStack Walk(const elf::Thread& thread, bool crashed, size_t max_frames);

  Symbolizer& symbolizer() { return symbolizer_; }
  const SourceMapper* source_mapper() const { return mapper_.get(); }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct StackBounds {
    uint64_t lo = 0, hi = 0;
    bool Contains(uint64_t a, uint64_t n = 8) const { return a >= lo && a <= hi && hi - a >= n; }
  };
  StackBounds BoundsFor(uint64_t sp) const;
  const Cfi* CfiFor(const Module* m);
  bool StepCfi(DwarfRegs& regs, bool first);
  bool StepScan(DwarfRegs& regs, const StackBounds& b);
  bool LooksLikeReturnAddress(uint64_t addr);
  bool IsV8Code(const Frame& f);
  void Classify(Frame& f);
  void DescribeJs(Frame& f, uint64_t function);
  void ReadArgs(Frame& f);
  bool IsAarch64() const { return t_.core().arch() == elf::Arch::kAarch64; }
  // StepLeafLr: on aarch64, the first frame may not have stored its frame
  // record yet (a leaf, or a syscall wrapper): its caller is in lr.
  bool StepLeafLr(const elf::Thread& thread, const Frame& f0, DwarfRegs& next);

  const target::Target& t_;
  const v8::Heap* heap_;
  Symbolizer symbolizer_;
  std::unique_ptr<SourceMapper> mapper_;
  std::map<const Module*, std::optional<Cfi>> cfi_;
  std::map<int64_t, std::string> frame_type_names_;  // v8dbg frametype number -> name
  // Frame slots relative to fp, from v8dbg_off_fp_* (same on x64 and arm64
  // in V8 10-14; the binary's own values are used when present).
  int64_t fp_context_or_marker_ = -8;
  int64_t fp_function_ = -16;
  int64_t fp_bytecode_array_ = -32;
  int64_t fp_bytecode_offset_ = -40;
  std::vector<std::string> warnings_;
};

}  // namespace corescope::stack
