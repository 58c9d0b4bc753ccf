// Export methods: "exportSnapshot" writes a Chrome DevTools .heapsnapshot of
// the core's heap (live objects by default) to a file and returns its sizes
// and the time taken. Knows the JSON shape; the writing is in ../export.
#include <chrono>

#include "api/graph_session.h"
#include "export/heap_snapshot.h"
#include "util/json_writer.h"

namespace corescope::api {
namespace {

Result<std::string> ExportSnapshotMethod(Session& s, const Args& args, Progress& progress) {
  std::string path = args.GetString("path");
  if (path.empty()) return MakeError(ErrorCode::kUsage, "exportSnapshot: an output path is required");
  auto v = GetGraph(s, progress);
  if (!v) return v.error();
  exporter::SnapshotOptions opts;
  opts.live_only = !args.GetBool("all", false);
  opts.redact = args.GetBool("redact", false);
  auto t0 = std::chrono::steady_clock::now();
  auto r = exporter::WriteHeapSnapshot(*v.value()->graph, v.value()->pages, path, opts, progress);
  if (!r) return r.error();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const exporter::SnapshotStats& st = r.value();
  JsonWriter w;
  w.BeginObject();
  w.Field("path", path);
  w.FieldUint("nodes", st.nodes);
  w.FieldUint("edges", st.edges);
  w.FieldUint("strings", st.strings);
  w.FieldUint("locations", st.locations);
  w.FieldUint("bytes", st.bytes);
  w.FieldUint("garbageSkipped", st.garbage_skipped);
  w.FieldBool("liveOnly", opts.live_only);
  w.FieldBool("redacted", opts.redact);
  w.Key("writeSeconds").Double(seconds);
  w.Key("warnings").BeginArray();
  for (const auto& msg : v.value()->graph->roots().warnings) w.String(msg);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

}  // namespace

void RegisterExportMethods(Registry& r) { r.Add("exportSnapshot", ExportSnapshotMethod); }

}  // namespace corescope::api
