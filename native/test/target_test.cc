// Tests of Target::Open, Metadata and the "info"/"environment" methods on a
// synthetic node-like executable and a core that maps it: build-id checks,
// each open error, metadata lookups, and argv/envp read from the stack.
#include <cstring>

#include "api/methods.h"
#include "target/target.h"
#include "test/harness.h"
#include "test/synthetic_core.h"

namespace corescope::test {
namespace {

constexpr uint64_t kStack = 0x7ffd0000;
const char kMetadataSymbol[] = "_ZN4node11per_process8metadataE";

SyntheticExe NodeLikeExe(int tagged_size = 8) {
  SyntheticExe exe;
  exe.AddDataInt("v8dbg_TaggedSize", tagged_size);
  exe.AddDataInt("v8dbg_HeapObjectTag", 1);
  exe.AddDataInt("v8dbg_class_Map__instance_type__uint16_t", 12);
  exe.AddDataInt("v8dbg_class_Map__instance_size_in_words__char", 8);
  exe.AddDataInt("v8dbg_class_JSFunction__shared__Tagged_SharedFunctionInfo_", 32);
  exe.AddDataInt("v8dbg_type_JSObject__JS_OBJECT_TYPE", 1057);
  exe.AddDataInt("v8dbg_frametype_EntryFrame", 1);
  exe.AddDataInt("_ZN2v88internal7Version6major_E", 11);
  exe.AddDataInt("_ZN2v88internal7Version6minor_E", 3);
  exe.AddDataInt("_ZN2v88internal7Version6build_E", 244);
  exe.AddDataInt("_ZN2v88internal7Version6patch_E", 8);
  exe.AddBssSymbol("v8dbg_SmiTag");
  exe.AddDataBytes(kMetadataSymbol, Buffer(64, 0));
  return exe;
}

struct CoreSpec {
  std::string exe_path;            // what NT_FILE names
  std::string fname = "node";
  std::vector<std::string> argv = {"/usr/bin/node", "--abort-on-uncaught-exception", "app.js"};
  std::vector<std::string> envp = {"A=1", "HOME=/root"};
  bool with_stack = true;
  bool with_files = true;          // false: no NT_FILE (qemu-user cores)
};

// MakeCore builds a core of `exe`: its first page dumped, the rest mapped
// but not dumped, its .data dumped with node's metadata filled in, and an
// initial process stack.
Buffer MakeCore(const SyntheticExe& exe, const CoreSpec& spec) {
  SyntheticCore c;
  c.AddThread(4242, 5, exe.base + 0x1100, kStack + 0x100, kStack + 0x140);
  c.AddThread(4243, 0, exe.base + 0x1200, kStack - 0x10000, 0);
  std::string psargs;
  for (const auto& a : spec.argv) psargs += (psargs.empty() ? "" : " ") + a;
  c.SetProcess(4242, 1, spec.fname, psargs);
  c.SetSignal(5, 128, 0);
  Buffer image = exe.Build();
  c.AddLoad(exe.base, exe.FirstPage(), 0x3000, 5);  // only the first page dumped
  // .data as the running process had it: node's metadata.versions.node set.
  Buffer data(image.begin() + 0x1000, image.begin() + 0x2000);
  Buffer page(0x1000, 0);
  std::memcpy(page.data(), data.data(), std::min<size_t>(data.size(), page.size()));
  // Find the metadata symbol's offset: the last AddDataBytes (64 bytes) sits at
  // the end of .data; locate it through the file's symbols instead of guessing.
  uint64_t md_off = 0;
  {
    TempFile tmp(image, "exe-scan");
    auto f = elf::MappedFile::Open(tmp.path());
    auto e = elf::ElfFile::Parse(f.value());
    auto symbols = e->Symbols();
    for (const auto& s : symbols.value()) {
      if (s.name == kMetadataSymbol) md_off = s.value - exe.data_vaddr;
    }
  }
  PutU64(page, md_off, exe.data_vaddr + md_off + 16);
  PutU64(page, md_off + 8, 7);
  std::memcpy(&page[md_off + 16], "20.20.2", 8);
  c.AddLoad(exe.data_vaddr, page, 0x1000, 6);

  // Initial stack: argc, argv..., NULL, envp..., NULL, auxv..., AT_NULL, strings.
  std::vector<std::pair<uint64_t, uint64_t>> auxv = {
      {33, 0x7fff1000}, {3, exe.base + 64}, {9, exe.base + 0x1000}, {31, 0}};
  Buffer stack(0x2000, 0);
  uint64_t str_pos = 0x1800;
  auto put_str = [&](const std::string& s) {
    uint64_t a = kStack + str_pos;
    std::memcpy(&stack[str_pos], s.c_str(), s.size() + 1);
    str_pos += s.size() + 1;
    return a;
  };
  uint64_t pos = 0x1000;
  PutU64(stack, pos, spec.argv.size()), pos += 8;
  for (const auto& a : spec.argv) PutU64(stack, pos, put_str(a)), pos += 8;
  pos += 8;
  for (const auto& e : spec.envp) PutU64(stack, pos, put_str(e)), pos += 8;
  pos += 8;
  auxv[3].second = put_str(spec.argv[0]);  // AT_EXECFN
  for (const auto& [k, v] : auxv) PutU64(stack, pos, k), PutU64(stack, pos + 8, v), pos += 16;
  if (spec.with_stack) c.AddLoad(kStack, stack, 0, 6);
  c.SetAuxv(auxv);
  if (spec.with_files) {
    c.SetFiles({{exe.base, exe.base + 0x3000, 0, spec.exe_path}, {exe.data_vaddr, exe.data_vaddr + 0x1000, 1, spec.exe_path}});
  }
  return c.Build();
}

Result<std::unique_ptr<target::Target>> OpenCore(const std::string& core, const std::string& exe = "") {
  target::OpenOptions o;
  o.core_path = core;
  o.executable = exe;
  return target::Target::Open(o, NullProgress());
}

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(OpenVerifiesTheExecutableAndLoadsMetadata) {
  SyntheticExe exe = NodeLikeExe();
  TempFile exe_file(exe.Build(), "node");
  TempFile core(MakeCore(exe, {exe_file.path()}));
  auto r = OpenCore(core.path());
  if (!r) std::printf("  open: %s\n", r.error().message.c_str());
  REQUIRE(r.ok());
  const target::Target& t = *r.value();
  CHECK(t.executable().verified);
  CHECK_EQ(t.executable().matched_by, "build-id");
  CHECK_EQ(t.executable().build_id, exe.build_id);
  CHECK_EQ(t.executable().core_build_id, exe.build_id);
  CHECK_EQ(t.executable().core_path, exe_file.path());
  CHECK_EQ(t.node_version(), "v20.20.2");
  CHECK_EQ(t.metadata().v8_version().ToString(), "11.3.244.8");
  CHECK_EQ(t.metadata().Get("TaggedSize").value_or(0), 8);
  CHECK_EQ(t.metadata().Get("SmiTag").value_or(-1), 0);  // .bss
  CHECK(!t.metadata().Get("NoSuchConstant").has_value());
  CHECK_EQ(t.metadata().Field("Map", "instance_type").value_or(0), 12);
  CHECK(!t.metadata().Field("Map", "instance").has_value());  // prefix must end at "__"
  CHECK_EQ(t.metadata().Field("JSFunction", {"shared_function_info", "shared"}).value_or(0), 32);
  CHECK_EQ(t.metadata().Type("JS_OBJECT_TYPE").value_or(0), 1057);
  CHECK_EQ(t.metadata().TypeName(1057).value_or(""), "JS_OBJECT_TYPE");
  CHECK_EQ(t.metadata().FrameType("EntryFrame").value_or(0), 1);
  CHECK_EQ(t.exe_load_bias(), 0u);
  CHECK(t.symbols().AddressOf(kMetadataSymbol).has_value());
  // The undumped part of the exe mapping is read from the executable file.
  Buffer image = exe.Build();
  CHECK_EQ(t.memory().ReadU32(exe.base + 0x1000).value_or(0xffffffff), Load<uint32_t>(&image[0x1000]));
}

TEST(InfoAndEnvironmentReadTheInitialStack) {
  SyntheticExe exe = NodeLikeExe();
  TempFile exe_file(exe.Build(), "node");
  TempFile core(MakeCore(exe, {exe_file.path()}));
  auto r = OpenCore(core.path());
  REQUIRE(r.ok());
  api::Session session(std::move(r.value()));
  const api::Method* info = api::AllMethods().Find("info");
  REQUIRE(info != nullptr);
  auto json = (*info)(session, api::Args(), NullProgress());
  REQUIRE(json.ok());
  const std::string& s = json.value();
  CHECK(Contains(s, R"("pid":4242,"ppid":1,"arch":"x86_64")"));
  CHECK(Contains(s, R"("number":5,"name":"SIGTRAP","code":128,"address":null)"));
  CHECK(Contains(s, R"("commandLine":["/usr/bin/node","--abort-on-uncaught-exception","app.js"])"));
  CHECK(Contains(s, R"("environmentCount":2)"));
  CHECK(Contains(s, R"("node":{"version":"v20.20.2"})"));
  CHECK(Contains(s, R"("verified":true)"));
  CHECK(Contains(s, R"({"id":4242,"name":"node","crashed":true)"));
  CHECK(Contains(s, R"({"id":4243,"name":"","crashed":false)"));
  CHECK(Contains(s, R"("heap":null)"));  // no V8 pages in a synthetic core
  CHECK(Contains(s, R"("code":"HEAP_NOT_FOUND")"));
  auto env = (*api::AllMethods().Find("environment"))(session, api::Args(), NullProgress());
  REQUIRE(env.ok());
  CHECK(Contains(env.value(), R"("environment":["A=1","HOME=/root"])"));
}

TEST(InfoFallsBackToPsargsWithoutTheStack) {
  SyntheticExe exe = NodeLikeExe();
  TempFile exe_file(exe.Build(), "node");
  CoreSpec spec{exe_file.path()};
  spec.with_stack = false;
  TempFile core(MakeCore(exe, spec));
  auto r = OpenCore(core.path());
  REQUIRE(r.ok());
  api::Session session(std::move(r.value()));
  auto json = (*api::AllMethods().Find("info"))(session, api::Args(), NullProgress());
  REQUIRE(json.ok());
  CHECK(Contains(json.value(), R"("commandLine":["/usr/bin/node","--abort-on-uncaught-exception","app.js"])"));
  CHECK(Contains(json.value(), "COMMAND_LINE_FROM_PSARGS"));
}

// A core without NT_FILE and build-id (as qemu-user writes): the executable
// is found from psargs and verified by its v8dbg values in the core's .data.
TEST(CoreWithoutNtFileIsMatchedByV8dbgValues) {
  auto with_values = [](int base) {
    SyntheticExe exe = NodeLikeExe();
    for (int i = 0; i < 60; ++i) exe.AddDataInt("v8dbg_extra_" + std::to_string(i), base + i);
    return exe;
  };
  SyntheticExe exe = with_values(1000);
  TempFile exe_file(exe.Build(), "node");
  CoreSpec spec{exe_file.path()};
  spec.argv = {exe_file.path(), "app.js"};
  spec.with_stack = false;  // no AT_EXECFN string: psargs names the binary
  spec.with_files = false;
  TempFile core(MakeCore(exe, spec));
  auto r = OpenCore(core.path());
  if (!r) std::printf("  open: %s\n", r.error().message.c_str());
  REQUIRE(r.ok());
  const target::Executable& ex = r.value()->executable();
  CHECK_EQ(ex.found_by, "PRPSINFO");
  CHECK_EQ(ex.core_build_id, "");
  CHECK(ex.verified);
  CHECK_EQ(ex.matched_by, "v8dbg");
  CHECK(ex.v8dbg_checked >= 60u);
  // Pages the core did not dump are read from the file at its own vaddrs.
  CHECK(!r.value()->exe_mappings().empty());
  uint8_t magic[4] = {};
  CHECK(r.value()->memory().Read(exe.base, magic, 4));
  CHECK(magic[0] == 0x7f && magic[1] == 'E');

  // The same layout with other values: not the binary that dumped the core.
  SyntheticExe other = with_values(2000);
  TempFile other_file(other.Build(), "node-other");
  auto bad = OpenCore(core.path(), other_file.path());
  REQUIRE(!bad.ok());
  CHECK(bad.error().code == ErrorCode::kExeMismatch);
  CHECK(Contains(bad.error().message, "v8dbg values differ"));
}

TEST(MismatchedExecutableNamesTheBinaryNeeded) {
  SyntheticExe exe = NodeLikeExe();
  TempFile exe_file(exe.Build(), "node");
  TempFile core(MakeCore(exe, {exe_file.path()}));
  SyntheticExe other = NodeLikeExe();
  other.build_id = "ffffffffffffffffffffffffffffffffffffffff";
  TempFile other_file(other.Build(), "node");
  auto r = OpenCore(core.path(), other_file.path());
  REQUIRE(!r.ok());
  CHECK(r.error().code == ErrorCode::kExeMismatch);
  CHECK(Contains(r.error().message, "node v20.20.2"));           // read from the core's .data
  CHECK(Contains(r.error().message, exe.build_id));               // the build-id needed
  CHECK(Contains(r.error().message, exe_file.path()));            // the path the core names
  CHECK(Contains(r.error().hint, "--executable"));
  // The right binary under another name is accepted.
  auto ok = OpenCore(core.path(), exe_file.path());
  CHECK(ok.ok());
}

TEST(MissingExecutableIsExeNotFoundForNodeAndNotANodeCoreOtherwise) {
  SyntheticExe exe = NodeLikeExe();
  TempFile core(MakeCore(exe, {"/nonexistent/bin/node"}));
  auto r = OpenCore(core.path());
  REQUIRE(!r.ok());
  CHECK(r.error().code == ErrorCode::kExeNotFound);
  CHECK(Contains(r.error().message, "/nonexistent/bin/node"));
  CHECK(Contains(r.error().hint, "--executable <path to the node binary that crashed>"));
  CoreSpec py{"/nonexistent/bin/python3.11"};
  py.fname = "python3";
  py.argv = {"python3", "x.py"};
  TempFile pycore(MakeCore(exe, py));
  auto p = OpenCore(pycore.path());
  REQUIRE(!p.ok());
  CHECK(p.error().code == ErrorCode::kNotANodeCore);
  CHECK(Contains(p.error().message, "/nonexistent/bin/python3.11, not node"));
}

TEST(ExecutableWithoutV8MetadataOrPointerCompressionIsRefused) {
  SyntheticExe bare;
  bare.with_symtab = false;
  TempFile bare_file(bare.Build(), "node");
  TempFile core(MakeCore(bare, {bare_file.path()}));
  auto r = OpenCore(core.path());
  REQUIRE(!r.ok());
  CHECK(r.error().code == ErrorCode::kNoV8Metadata);

  CoreSpec py{""};
  py.fname = "python3";
  py.argv = {"python3", "x.py"};
  TempFile py_exe(bare.Build(), "python3.11");
  py.exe_path = py_exe.path();
  TempFile pycore(MakeCore(bare, py));
  auto p = OpenCore(pycore.path());
  REQUIRE(!p.ok());
  CHECK(p.error().code == ErrorCode::kNotANodeCore);

  SyntheticExe compressed = NodeLikeExe(4);
  TempFile cfile(compressed.Build(), "node");
  TempFile ccore(MakeCore(compressed, {cfile.path()}));
  auto c = OpenCore(ccore.path());
  REQUIRE(!c.ok());
  CHECK(c.error().code == ErrorCode::kUnsupportedNode);
  CHECK(Contains(c.error().message, "TaggedSize 4"));
}

TEST(ExecutableThatIsNotElfIsAClearError) {
  SyntheticExe exe = NodeLikeExe();
  TempFile exe_file(exe.Build(), "node");
  TempFile core(MakeCore(exe, {exe_file.path()}));
  TempFile text(Buffer{'#', '!', '/', 'b', 'i', 'n', '/', 's', 'h', '\n'}, "node.sh");
  auto r = OpenCore(core.path(), text.path());
  REQUIRE(!r.ok());
  CHECK(r.error().code == ErrorCode::kExeMismatch);
  CHECK(Contains(r.error().message, "not an ELF file"));
  auto missing = OpenCore(core.path(), "/nonexistent/node");
  CHECK(!missing.ok() && missing.error().code == ErrorCode::kExeNotFound);
}

}  // namespace
}  // namespace corescope::test
