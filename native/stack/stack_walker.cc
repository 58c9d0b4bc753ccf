// StackWalker: unwinding, classification and JS frame description. See stack_walker.h.
#include "stack/stack_walker.h"

#include <algorithm>

#include "util/limits.h"
#include "v8/closures.h"

namespace corescope::stack {
namespace {

// StandardFrameConstants (V8 10-14, x64 and arm64): the slots below fp of
// every JS frame not in v8dbg (context, function and bytecode slots are read
// from v8dbg_off_fp_* in the constructor).
constexpr int64_t kFpArgc = -24;              // kArgCOffset: actual argc incl. receiver (V8 >= 10)
constexpr int64_t kFpReceiver = 16;           // caller SP: receiver, then arguments upward
constexpr uint32_t kMaxArgsShown = 16;
constexpr uint32_t kMaxArgc = limits::kMaxArgc;
constexpr uint64_t kScanWindow = 16 * 1024;   // bytes of stack a scan may look at
constexpr int64_t kMaxFrameMarker = 2 * 128;  // markers are type << 1, types < 128

bool StartsWith(const std::string& s, std::string_view p) { return s.size() >= p.size() && s.compare(0, p.size(), p) == 0; }

FrameKind KindForFrameType(const std::string& name) {
  if (name == "EntryFrame" || name == "ConstructEntryFrame") return FrameKind::kEntry;
  if (name.find("ExitFrame") != std::string::npos) return FrameKind::kExit;
  if (name == "BuiltinFrame") return FrameKind::kBuiltin;
  if (name == "InterpretedFrame") return FrameKind::kJsInterpreted;
  if (name == "BaselineFrame") return FrameKind::kJsBaseline;
  if (name == "OptimizedFrame" || name == "TurbofanFrame" || name == "TurbofanJSFrame" || name == "MaglevFrame") {
    return FrameKind::kJsOptimized;
  }
  return FrameKind::kStub;
}

bool IsInterpreterTrampoline(const std::string& symbol) {
  return StartsWith(symbol, "Builtins_InterpreterEntryTrampoline") ||
         StartsWith(symbol, "Builtins_InterpreterEnterAtBytecode") ||
         StartsWith(symbol, "Builtins_InterpreterEnterAtNextBytecode") ||
         StartsWith(symbol, "Builtins_InterpreterEnterBytecode");
}

}  // namespace

const char* FrameKindName(FrameKind k) {
  switch (k) {
    case FrameKind::kJsInterpreted: return "js-interpreted";
    case FrameKind::kJsBaseline: return "js-baseline";
    case FrameKind::kJsOptimized: return "js-optimized";
    case FrameKind::kBuiltin: return "builtin";
    case FrameKind::kExit: return "exit";
    case FrameKind::kEntry: return "entry";
    case FrameKind::kNative: return "native";
    case FrameKind::kStub: return "stub";
  }
  return "native";
}

StackWalker::StackWalker(const target::Target& t, const v8::Heap* heap)
    : t_(t), heap_(heap), symbolizer_(t) {
  if (heap_) mapper_ = std::make_unique<SourceMapper>(*heap_);
  for (const auto& [name, value] : t.metadata().all()) {
    if (StartsWith(name, "frametype_")) frame_type_names_[value] = name.substr(10);
  }
  auto slot = [&](const char* name, int64_t& out) {
    if (auto v = t.metadata().Get(name); v && *v < 0 && *v >= -256 && *v % 8 == 0) out = *v;
  };
  slot("off_fp_context_or_frame_type", fp_context_or_marker_);
  slot("off_fp_function", fp_function_);
  slot("off_fp_bytecode_array", fp_bytecode_array_);
  slot("off_fp_bytecode_offset", fp_bytecode_offset_);
}

StackWalker::StackBounds StackWalker::BoundsFor(uint64_t sp) const {
  StackBounds b;
  const auto& regions = t_.memory().regions();
  auto it = std::upper_bound(regions.begin(), regions.end(), sp,
                             [](uint64_t a, const memory::Region& r) { return a < r.start; });
  if (it == regions.begin()) return b;
  --it;
  if (sp >= it->end) return b;
  b.lo = it->start;
  b.hi = it->end;
  // A thread stack can span several contiguous segments.
  for (auto next = it + 1; next != regions.end() && next->start == b.hi; ++next) b.hi = next->end;
  return b;
}

const Cfi* StackWalker::CfiFor(const Module* m) {
  if (!m) return nullptr;
  auto it = cfi_.find(m);
  if (it == cfi_.end()) {
    const elf::ElfFile* elf = symbolizer_.ModuleElf(m);
    it = cfi_.emplace(m, elf ? Cfi::Create(*elf) : std::nullopt).first;
  }
  return it->second ? &*it->second : nullptr;
}

bool StackWalker::StepCfi(DwarfRegs& regs, bool first) {
  if (IsAarch64()) return false;  // Cfi knows x86_64 DWARF registers; arm64 follows x29/x30
  uint64_t pc = regs.value[DwarfRegs::kRip];
  // A caller's pc is a return address: look up the call instruction before it.
  uint64_t lookup = first ? pc : pc - 1;
  uint64_t vaddr = 0;
  const Module* m = symbolizer_.FileVaddr(lookup, &vaddr);
  if (!m || !m->usable) return false;
  if (m->is_executable && !first) return false;  // node keeps frame pointers: follow rbp
  const Cfi* cfi = CfiFor(m);
  if (!cfi) return false;
  DwarfRegs next = regs;
  if (!cfi->Step(vaddr, lookup - vaddr, t_.memory(), next)) return false;
  regs = next;
  return true;
}

bool StackWalker::LooksLikeReturnAddress(uint64_t addr) {
  if (addr < 8 || !symbolizer_.IsCodeAddress(addr)) return false;
  if (IsAarch64()) {
    // The instruction before a return address is a call: BL imm26, BLR Xn,
    // or BLRAA/BLRAB(Z) (pointer-authenticated).
    auto insn = t_.memory().ReadU32(addr - 4);
    if (!insn || (addr & 3)) return false;
    return (*insn & 0xfc000000u) == 0x94000000u || (*insn & 0xfffffc1fu) == 0xd63f0000u ||
           (*insn & 0xfefff800u) == 0xd63f0800u;
  }
  uint8_t b[8];
  if (!t_.memory().Read(addr - 8, b, 8)) return false;
  // call rel32 (e8 xx xx xx xx), or call r/m64 (ff /2) with a 2-, 3-, 6- or 7-byte encoding.
  if (b[3] == 0xe8) return true;
  auto is_ff2 = [&](int i) { return b[i] == 0xff && ((b[i + 1] >> 3) & 7) == 2; };
  return is_ff2(6) || is_ff2(5) || is_ff2(2) || is_ff2(1);
}

bool StackWalker::StepScan(DwarfRegs& regs, const StackBounds& b) {
  uint64_t sp = regs.value[DwarfRegs::kRsp];
  uint64_t rbp = regs.valid[DwarfRegs::kRbp] ? regs.value[DwarfRegs::kRbp] : 0;
  uint64_t end = std::min(b.hi, sp + kScanWindow);
  for (uint64_t a = sp; a + 8 <= end; a += 8) {
    auto w = t_.memory().ReadU64(a);
    if (w) *w = t_.core().StripCodePointer(*w);
    if (!w || !LooksLikeReturnAddress(*w)) continue;
    // The caller's frame pointer: the untouched rbp (a leaf without a frame),
    // or the word just below the return address (a pushed rbp).
    uint64_t fp = 0;
    if (rbp > a && b.Contains(rbp, 16)) {
      fp = rbp;
    } else if (auto saved = t_.memory().ReadU64(a - 8); saved && *saved > a && b.Contains(*saved, 16)) {
      fp = *saved;
    }
    DwarfRegs next;
    next.Set(DwarfRegs::kRip, *w);
    next.Set(DwarfRegs::kRsp, a + 8);
    if (fp) next.Set(DwarfRegs::kRbp, fp);
    regs = next;
    return true;
  }
  return false;
}

bool StackWalker::IsV8Code(const Frame& f) {
  if (StartsWith(f.location.symbol, "Builtins_")) return true;
  if (f.location.module) return false;
  // JIT code lives in anonymous V8 code pages.
  return t_.memory().FindRegion(f.pc) != nullptr;
}

void StackWalker::Classify(Frame& f) {
  f.kind = FrameKind::kNative;
  if (!f.fp || !IsV8Code(f)) return;
  const memory::AddressSpace& mem = t_.memory();
  auto marker = mem.ReadU64(f.fp + fp_context_or_marker_);
  if (!marker) return;
  int64_t m = static_cast<int64_t>(*marker);
  if ((m & 1) == 0 && m >= 0 && m < kMaxFrameMarker) {
    // StackFrame::TypeToMarker: type << kSmiTagSize (not a Smi).
    auto it = frame_type_names_.find(m >> 1);
    f.v8_frame_type = it != frame_type_names_.end() ? it->second : "frame type " + std::to_string(m >> 1);
    f.kind = KindForFrameType(f.v8_frame_type);
    if (IsJsKind(f.kind)) f.kind = FrameKind::kStub;  // JS frames carry a context, not a marker
    return;
  }
  auto fn = mem.ReadU64(f.fp + fp_function_);
  const v8::MapInfo* map = heap_ && fn && v8::IsStrong(*fn) ? heap_->MapOf(*fn) : nullptr;
  if (!map || !heap_->IsJSFunction(*map)) {
    f.kind = FrameKind::kStub;
    return;
  }
  if (IsInterpreterTrampoline(f.location.symbol)) {
    f.kind = FrameKind::kJsInterpreted;
  } else if (StartsWith(f.location.symbol, "Builtins_")) {
    f.kind = FrameKind::kBuiltin;  // a builtin with JS linkage (Array.prototype.forEach...)
  } else {
    // Sparkplug keeps the BytecodeArray in the interpreter's slot; Maglev and
    // Turbofan frames have spill slots there.
    auto bc = mem.ReadU64(f.fp + fp_bytecode_array_);
    f.kind = bc && mapper_ && mapper_->IsBytecodeArray(*bc) ? FrameKind::kJsBaseline : FrameKind::kJsOptimized;
  }
  DescribeJs(f, *fn);
  if (IsJsKind(f.kind)) ReadArgs(f);
}

void StackWalker::DescribeJs(Frame& f, uint64_t function) {
  f.function = function;
  f.position_kind = "unknown";
  auto info = heap_->DescribeFunction(function);
  if (!info) return;
  f.shared = info->shared;
  f.script = info->script;
  f.function_name = info->name;
  f.script_name = info->script_name;
  const memory::AddressSpace& mem = t_.memory();
  if (f.kind == FrameKind::kJsInterpreted && mapper_) {
    auto bc = mem.ReadU64(f.fp + fp_bytecode_array_);
    auto raw = mem.ReadU64(f.fp + fp_bytecode_offset_);
    if (bc && raw && mapper_->IsBytecodeArray(*bc)) {
      f.bytecode_array = *bc;
      auto off = mapper_->BytecodeOffsetFromFrame(*raw);
      auto len = mapper_->BytecodeLength(*bc);
      if (off && len && *off < *len) {
        f.bytecode_offset = *off;
        if (f.script) {
          if (auto pos = mapper_->ScriptOffsetForBytecode(*bc, *off)) {
            if (auto lc = mapper_->LineColumnFor(f.script, *pos)) {
              f.line = lc->line;
              f.column = lc->column;
              f.position_kind = "exact";
              return;
            }
          }
        }
      }
    }
  }
  // Optimized and baseline frames, or bytecode without a collected source
  // position table: the best we have is where the function starts.
  int32_t start = info->start_position;
  if (start < 0) {
    if (auto pos = v8::SharedPositions(*heap_, info->shared)) start = pos->token >= 0 ? pos->token : pos->start;
  }
  if (f.script && start >= 0 && mapper_) {
    if (auto lc = mapper_->LineColumnFor(f.script, start)) {
      f.line = lc->line;
      f.column = lc->column;
      f.position_kind = "function-start";
    }
  }
}

void StackWalker::ReadArgs(Frame& f) {
  const memory::AddressSpace& mem = t_.memory();
  auto argc = mem.ReadU64(f.fp + kFpArgc);
  if (!argc || *argc == 0 || *argc > kMaxArgc) return;
  auto receiver = mem.ReadU64(f.fp + kFpReceiver);
  if (!receiver) return;
  f.has_args = true;
  f.receiver = *receiver;
  f.argc = static_cast<uint32_t>(*argc - 1);
  for (uint32_t i = 0; i < f.argc && i < kMaxArgsShown; ++i) {
    auto a = mem.ReadU64(f.fp + kFpReceiver + 8 * (i + 1));
    if (!a) break;
    f.args.push_back(*a);
  }
}

bool StackWalker::StepLeafLr(const elf::Thread& thread, const Frame& f0, DwarfRegs& next) {
  uint64_t lr = t_.core().StripCodePointer(thread.regs.lr);
  if (!lr || lr == f0.pc || !LooksLikeReturnAddress(lr)) return false;
  // If frame 0 stored its record, [fp+8] is its own return address, and lr
  // (if it called anything) points back into frame 0's function.
  if (f0.fp) {
    auto saved = t_.memory().ReadU64(f0.fp + 8);
    if (saved && t_.core().StripCodePointer(*saved) == lr) return false;
  }
  Location caller = symbolizer_.Locate(lr - 4);
  if (caller.symbol.empty() || f0.location.symbol.empty() || caller.symbol == f0.location.symbol) return false;
  next = DwarfRegs{};
  next.Set(DwarfRegs::kRip, lr);
  next.Set(DwarfRegs::kRsp, f0.sp);
  if (f0.fp) next.Set(DwarfRegs::kRbp, f0.fp);
  return true;
}

std::vector<ThreadStack> StackWalker::WalkAll(size_t max_frames) {
  std::vector<ThreadStack> out;
  const auto& threads = t_.core().threads();
  for (size_t i = 0; i < threads.size() && i < limits::kMaxThreads; ++i) {
    out.push_back(Walk(threads[i], i == 0, max_frames));
  }
  return out;
}

ThreadStack StackWalker::Walk(const elf::Thread& thread, bool crashed, size_t max_frames) {
  ThreadStack ts;
  ts.tid = thread.tid;
  ts.crashed = crashed;
  ts.signal = thread.signal;
  ts.name = thread.name;
  if (ts.name.empty() && t_.core().process() && thread.tid == t_.core().process()->pid) {
    ts.name = t_.core().process()->fname;
  }
  max_frames = std::min<size_t>(max_frames, limits::kMaxStackFrames);
  const elf::ThreadRegisters& r = thread.regs;
  DwarfRegs regs;
  if (IsAarch64()) {
    // Only pc, sp and fp (x29) are needed: aarch64 unwinds by frame records.
    regs.Set(DwarfRegs::kRip, t_.core().StripCodePointer(r.pc));
    regs.Set(DwarfRegs::kRsp, r.sp);
    regs.Set(DwarfRegs::kRbp, r.fp);
  } else {
    regs = DwarfRegs::FromUserRegs(r.raw, r.pc, r.sp, r.fp);
  }
  StackBounds bounds = BoundsFor(r.sp);
  if (!bounds.hi) {
    ts.stop_reason = "the stack pointer is not in dumped memory";
  }
  std::string how = "registers";
  for (size_t i = 0; i < max_frames; ++i) {
    Frame f;
    f.pc = regs.value[DwarfRegs::kRip];
    f.sp = regs.value[DwarfRegs::kRsp];
    f.fp = regs.valid[DwarfRegs::kRbp] ? regs.value[DwarfRegs::kRbp] : 0;
    if (f.fp && !bounds.Contains(f.fp, 16)) f.fp = 0;
    f.unwound_by = how;
    // Symbolize a return address by the call instruction before it.
    f.location = symbolizer_.Locate(i == 0 ? f.pc : f.pc - 1);
    if (i > 0) {
      f.location.pc = f.pc;
      f.location.file_vaddr += 1;
      if (!f.location.symbol.empty()) f.location.symbol_offset += 1;
      // V8 points the return address of frames it rebuilt (deoptimization,
      // OSR exits) at a builtin's first instruction, e.g.
      // InterpreterEnterAtNextBytecode: look that address up itself.
      if (f.location.symbol.empty()) {
        Location exact = symbolizer_.Locate(f.pc);
        if (!exact.symbol.empty() && exact.symbol_offset == 0) f.location = exact;
      }
    }
    Classify(f);
    ts.frames.push_back(f);
    if (!bounds.hi) break;

    // Unwind one frame: CFI where the code has it (libraries; the first
    // frame anywhere), else the frame-pointer chain, else a validated scan.
    DwarfRegs next = regs;
    uint64_t sp = regs.value[DwarfRegs::kRsp];
    bool stepped = false;
    bool same_sp_ok = false;  // a leaf's caller (lr) shares the leaf's sp
    if (i == 0 && IsAarch64() && StepLeafLr(thread, f, next)) {
      how = "lr";
      stepped = true;
      same_sp_ok = true;
    } else if (StepCfi(next, i == 0)) {
      how = "cfi";
      stepped = true;
    } else if (f.fp && f.fp >= sp) {
      auto caller_fp = t_.memory().ReadU64(f.fp);
      auto ret = t_.memory().ReadU64(f.fp + 8);
      if (ret) *ret = t_.core().StripCodePointer(*ret);  // PAC-signed on arm64
      if (caller_fp && ret && *ret) {
        next = DwarfRegs{};
        next.Set(DwarfRegs::kRip, *ret);
        next.Set(DwarfRegs::kRsp, f.fp + 16);
        if (*caller_fp > f.fp) next.Set(DwarfRegs::kRbp, *caller_fp);
        how = "fp";
        stepped = true;
      }
    }
    if (!stepped && i < 2) {
      next = regs;
      if (StepScan(next, bounds)) {
        how = "scan";
        stepped = true;
      }
    }
    if (!stepped) {
      ts.stop_reason = kEndOfFrameChain;
      break;
    }
    uint64_t nsp = next.value[DwarfRegs::kRsp];
    uint64_t npc = next.value[DwarfRegs::kRip];
    if (npc == 0) {
      ts.stop_reason = kEndOfFrameChain;
      break;
    }
    if ((nsp <= sp && !(same_sp_ok && nsp == sp)) || !bounds.Contains(nsp, 0)) {
      ts.stop_reason = "the frame chain left the thread's stack or went downward";
      break;
    }
    regs = next;
    if (i + 1 == max_frames) ts.stop_reason = "depth limit";
  }
  return ts;
}

}  // namespace corescope::stack
