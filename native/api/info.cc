// Info methods: "info" (process, signal, executable, versions, command line,
// threads, heap summary, core file, warnings) and "environment" (the
// process's environment strings). Reads the initial process stack for argv
// and envp. Knows Target and PageTable; knows nothing of N-API.
#include <algorithm>
#include <cstring>
#include <map>
#include <vector>

#include "api/methods.h"
#include "heap/page_table.h"
#include "util/json_writer.h"
#include "util/limits.h"

namespace corescope::api {
namespace {

constexpr uint64_t kAtExecfn = 31;
constexpr uint64_t kMaxArgStrlen = limits::kMaxArgStrlen;
constexpr uint64_t kMaxArgs = limits::kMaxArgs;
constexpr uint64_t kMaxArgBytes = limits::kMaxArgBytes;

const char* SignalName(int n) {
  static const char* kNames[] = {
      "",        "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",    "SIGTRAP", "SIGABRT", "SIGBUS",
      "SIGFPE",  "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",   "SIGPIPE", "SIGALRM", "SIGTERM",
      "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",   "SIGTTIN", "SIGTTOU", "SIGURG",
      "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",  "SIGIO",   "SIGPWR",  "SIGSYS"};
  if (n >= 0 && n < static_cast<int>(sizeof kNames / sizeof kNames[0])) return kNames[n];
  return "";
}

std::string SignalDescription(int n) {
  switch (n) {
    case 0: return "no signal: dumped from a live process (e.g. by gcore)";
    case 4: return "illegal instruction";
    case 5: return "trace/breakpoint trap (--abort-on-uncaught-exception)";
    case 6: return "aborted (abort(): process.abort(), a failed assertion or an uncaught C++ exception)";
    case 7: return "bus error (bad memory access)";
    case 8: return "floating-point exception (e.g. integer division by zero)";
    case 9: return "killed";
    case 11: return "segmentation fault (invalid memory access)";
    case 3: return "quit (core requested with SIGQUIT)";
    case 24: return "CPU time limit exceeded";
    case 25: return "file size limit exceeded";
    case 31: return "bad system call";
    default:
      return n > 0 && n < 32 ? std::string("killed by ") + SignalName(n) : "signal " + std::to_string(n);
  }
}

bool SignalHasAddress(int n) { return n == 4 || n == 7 || n == 8 || n == 11; }

// Warning splits "CODE: message" (the convention of Target/CoreFile
// warnings) into its parts; other text gets the code "WARNING".
void WriteWarning(JsonWriter& w, const std::string& text) {
  size_t colon = text.find(": ");
  bool coded = colon != std::string::npos && colon > 0 &&
               std::all_of(text.begin(), text.begin() + colon,
                           [](char c) { return (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9'); });
  w.BeginObject();
  w.Field("code", coded ? text.substr(0, colon) : std::string("WARNING"));
  w.Field("message", coded ? text.substr(colon + 2) : text);
  w.EndObject();
}

std::optional<std::string> ReadCString(const memory::AddressSpace& mem, uint64_t addr, uint64_t max) {
  std::string out;
  char buf[512];
  while (out.size() < max) {
    uint64_t n = std::min<uint64_t>(sizeof buf, max - out.size());
    if (!mem.Read(addr, buf, n)) {
      if (!mem.Read(addr, buf, 1)) return std::nullopt;
      n = 1;
    }
    if (const void* nul = std::memchr(buf, 0, n)) {
      out.append(buf, static_cast<const char*>(nul) - buf);
      return out;
    }
    out.append(buf, n);
    addr += n;
  }
  return std::nullopt;
}

// InitialStack is argv and envp as the kernel laid them out on the main
// thread's stack: argc, argv[], NULL, envp[], NULL, auxv[].
struct InitialStack {
  bool found = false;
  std::vector<std::string> argv;
  std::vector<std::string> envp;
};

InitialStack ReadInitialStack(const target::Target& t) {
  InitialStack out;
  const elf::CoreFile& core = t.core();
  const memory::AddressSpace& mem = t.memory();
  const auto& auxv = core.auxv();
  auto execfn = core.Auxv(kAtExecfn);
  if (auxv.size() < 2 || !execfn) return out;
  // The auxv array sits on the stack below the strings AT_EXECFN points at.
  const memory::Region* stack = mem.FindRegion(*execfn);
  if (!stack || !stack->data) return out;
  uint64_t needle[4] = {auxv[0].first, auxv[0].second, auxv[1].first, auxv[1].second};
  const uint8_t* base = stack->data;
  uint64_t size = stack->end - stack->start;
  const void* hit = nullptr;
  for (uint64_t off = 0; off + sizeof needle <= size;) {
    const void* h = memmem(base + off, size - off, needle, sizeof needle);
    if (!h) break;
    uint64_t pos = static_cast<const uint8_t*>(h) - base;
    if (pos % 8 == 0) {
      hit = h;
      break;
    }
    off = pos + 1;
  }
  if (!hit) return out;
  uint64_t auxv_addr = stack->start + (static_cast<const uint8_t*>(hit) - base);
  auto word = [&](uint64_t a) { return mem.ReadU64(a); };
  // Walk back: envp's NULL, envp pointers, argv's NULL, argv pointers, argc.
  uint64_t p = auxv_addr - 8;
  auto w = word(p);
  if (!w || *w != 0) return out;
  std::vector<uint64_t> env_ptrs;
  for (p -= 8; env_ptrs.size() < kMaxArgs; p -= 8) {
    auto v = word(p);
    if (!v || p < stack->start) return out;
    if (*v == 0) break;
    env_ptrs.push_back(*v);
  }
  std::vector<uint64_t> arg_ptrs;
  for (p -= 8; arg_ptrs.size() < kMaxArgs; p -= 8) {
    auto v = word(p);
    if (!v || p < stack->start) return out;
    if (*v == arg_ptrs.size()) break;  // argc
    if (*v < stack->start || *v >= stack->end) return out;
    arg_ptrs.push_back(*v);
  }
  if (arg_ptrs.empty()) return out;
  std::reverse(env_ptrs.begin(), env_ptrs.end());
  std::reverse(arg_ptrs.begin(), arg_ptrs.end());
  uint64_t total = 0;
  for (uint64_t a : arg_ptrs) {
    auto s = ReadCString(mem, a, kMaxArgStrlen);
    if (!s) return out;
    total += s->size();
    out.argv.push_back(std::move(*s));
  }
  for (uint64_t a : env_ptrs) {
    if (total > kMaxArgBytes) break;
    auto s = ReadCString(mem, a, kMaxArgStrlen);
    if (!s) continue;
    total += s->size();
    out.envp.push_back(std::move(*s));
  }
  out.found = true;
  return out;
}

std::vector<std::string> SplitPsargs(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

Status WriteHeap(JsonWriter& w, Session& session, Progress& progress, std::vector<std::string>& warnings) {
  auto pages = heap::PageTable::Discover(session.target(), progress);
  w.Key("heap");
  if (!pages && pages.error().code == ErrorCode::kCancelled) return pages.error();
  if (!pages) {
    warnings.push_back("HEAP_NOT_FOUND: " + pages.error().message);
    w.Null();
    return OkStatus();
  }
  struct Acc {
    uint64_t pages = 0, bytes = 0;
  };
  using BySpace = std::map<heap::Space, Acc>;
  auto write_spaces = [&w](const BySpace& by) {
    w.Key("spaces").BeginArray();
    for (const auto& [space, acc] : by) {  // enum order: read-only, new, old, ...
      w.BeginObject();
      w.Field("name", heap::SpaceName(space));
      w.FieldUint("pages", acc.pages);
      w.FieldUint("bytes", acc.bytes);
      w.EndObject();
    }
    w.EndArray();
  };
  BySpace by_space;
  // Per isolate (worker threads add heaps): read-only pages (heap 0) are
  // shared by every isolate, so they count only in the totals.
  std::vector<BySpace> by_isolate(pages->heaps().size());
  uint64_t bytes = 0;
  for (const heap::Page& p : pages->pages()) {
    by_space[p.space].pages++;
    by_space[p.space].bytes += p.size;
    bytes += p.size;
    if (p.heap != 0 && p.isolate < by_isolate.size()) {
      by_isolate[p.isolate][p.space].pages++;
      by_isolate[p.isolate][p.space].bytes += p.size;
    }
  }
  w.BeginObject();
  w.Field("layout", heap::PageLayoutName(pages->layout()));
  w.FieldUint("isolates", pages->heaps().size());
  w.FieldUint("pages", pages->pages().size());
  w.FieldUint("bytes", bytes);
  write_spaces(by_space);
  w.Key("perIsolate").BeginArray();  // largest first (PageTable::heaps order)
  for (size_t i = 0; i < by_isolate.size(); ++i) {
    w.BeginObject();
    Acc total;
    for (const auto& [space, acc] : by_isolate[i]) total.pages += acc.pages, total.bytes += acc.bytes;
    w.FieldHex("heap", pages->heaps()[i]);
    w.FieldUint("pages", total.pages);
    w.FieldUint("bytes", total.bytes);
    write_spaces(by_isolate[i]);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return OkStatus();
}

Result<std::string> Info(Session& session, const Args& args, Progress& progress) {
  const target::Target& t = session.target();
  const elf::CoreFile& core = t.core();
  std::vector<std::string> warnings = t.warnings();
  JsonWriter w;
  w.BeginObject();
  const auto& proc = core.process();
  w.FieldInt("pid", proc ? proc->pid : (core.threads().empty() ? 0 : core.threads()[0].tid));
  w.FieldInt("ppid", proc ? proc->ppid : 0);
  w.Field("arch", elf::ArchName(core.arch()));

  // Signal: NT_SIGINFO when present, else the first thread's pr_cursig.
  // The kernel never dumps on SIGSTOP: that is gdb's gcore, which stops a
  // live process; report it as no signal.
  int signo = core.signal() ? core.signal()->signo : (core.threads().empty() ? 0 : core.threads()[0].signal);
  bool live = signo == 0 || signo == 19 /* SIGSTOP */;
  if (live) signo = 0;
  w.Key("signal").BeginObject();
  w.FieldInt("number", signo);
  w.Field("name", SignalName(signo));
  int code = core.signal() && !live ? core.signal()->code : 0;
  w.FieldInt("code", code);
  // si_code > 0: the kernel raised it (a fault: si_addr is the address).
  // si_code <= 0 (SI_USER, SI_QUEUE, SI_TKILL...): a process sent it with
  // kill/tgkill (abort() does too); the union then holds si_pid, not an address.
  bool sent = core.signal() && !live && code <= 0;
  w.Key("address");
  if (core.signal() && !live && code > 0 && SignalHasAddress(signo)) {
    w.Hex(core.signal()->addr);
  } else {
    w.Null();
  }
  w.Key("senderPid");
  if (sent) {
    w.Int(static_cast<int32_t>(core.signal()->addr & 0xffffffffu));
  } else {
    w.Null();
  }
  w.Field("description", SignalDescription(signo));
  w.FieldBool("live", live);
  w.EndObject();

  const target::Executable& ex = t.executable();
  w.Key("executable").BeginObject();
  w.Field("path", ex.path);
  w.Field("corePath", ex.core_path);
  w.Field("buildId", ex.build_id);
  w.Field("coreBuildId", ex.core_build_id);
  w.FieldBool("verified", ex.verified);
  w.Field("matchedBy", ex.matched_by);
  w.Field("foundBy", ex.found_by);
  w.FieldUint("v8dbgChecked", ex.v8dbg_checked);
  w.EndObject();
  w.Key("node").BeginObject().Field("version", t.node_version()).EndObject();
  w.Key("v8").BeginObject().Field("version", t.metadata().v8_version().ToString()).EndObject();

  InitialStack stack = ReadInitialStack(t);
  std::vector<std::string> argv = stack.argv;
  if (!stack.found) {
    argv = SplitPsargs(proc ? proc->args : "");
    warnings.push_back(
        "COMMAND_LINE_FROM_PSARGS: the process stack with argv is not in the core; the command line is "
        "pr_psargs (at most 80 characters, split on spaces)");
  }
  w.Key("commandLine").BeginArray();
  for (const std::string& a : argv) w.String(a);
  w.EndArray();
  w.FieldUint("environmentCount", stack.envp.size());

  w.Key("threads").BeginArray();
  for (size_t i = 0; i < core.threads().size(); ++i) {
    const elf::Thread& th = core.threads()[i];
    w.BeginObject();
    w.FieldInt("id", th.tid);
    w.Field("name", th.name);
    w.FieldBool("crashed", i == 0 && signo != 0);
    w.FieldHex("pc", th.regs.pc);
    w.FieldHex("sp", th.regs.sp);
    w.EndObject();
  }
  w.EndArray();

  if (auto s = WriteHeap(w, session, progress, warnings); !s) return s.error();

  uint64_t mapped = 0, dumped = 0;
  for (const elf::LoadSegment& l : core.loads()) {
    mapped += l.memsz;
    dumped += l.declared_filesz;
  }
  w.Key("core").BeginObject();
  w.Field("path", core.elf().file().path());
  w.FieldUint("size", core.file_size());
  w.FieldUint("onDisk", core.on_disk_bytes());
  w.FieldUint("mapped", mapped);
  w.FieldUint("dumped", dumped);
  w.FieldUint("segments", core.loads().size());
  w.FieldBool("truncated", core.truncated());
  w.FieldUint("missingBytes", core.missing_bytes());
  w.EndObject();

  w.Key("metadata").BeginObject().FieldUint("constants", t.metadata().count()).EndObject();
  w.Key("warnings").BeginArray();
  for (const std::string& s : warnings) WriteWarning(w, s);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

Result<std::string> Environment(Session& session, const Args& args, Progress& progress) {
  InitialStack stack = ReadInitialStack(session.target());
  JsonWriter w;
  w.BeginObject();
  w.Key("environment").BeginArray();
  for (const std::string& e : stack.envp) w.String(e);
  w.EndArray();
  w.Key("warnings").BeginArray();
  if (!stack.found) {
    WriteWarning(w, "ENVIRONMENT_UNAVAILABLE: the process stack with the environment is not in the core");
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

}  // namespace

void RegisterInfoMethods(Registry& r) {
  r.Add("info", Info);
  r.Add("environment", Environment);
}

}  // namespace corescope::api
