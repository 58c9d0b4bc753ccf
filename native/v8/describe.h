// Describe: everything a person needs to understand one heap object, as one
// JSON object (util/json_writer.h): its name, type, map and size; named
// properties and elements with their values; string contents of every
// representation; Date, Map/Set entries, Error message/stack/cause, Promise
// state and result, ArrayBuffer/TypedArray/Buffer lengths and bytes, and for
// functions the definition line:column and the closed-over variables.
// Nested objects are expanded up to `depth` levels (cycles stop at an address
// already shown). Built on objects.h, properties.h, collections.h and
// closures.h; knows nothing of pages, heap indexes or sessions (the caller
// validates the address; see ../api/inspect_methods.cc).
//
// JSON shape (documented for TypeScript in src/api/types.ts, InspectResult):
//   { address, name, type, map, size, kind,
//     properties?: [{ name, value: Value, storage, attributes?, accessor?, symbol? }],
//     propertyCount?, propertiesTruncated?, dictionaryMode?,
//     elements?: { kind, length, capacity, present, truncated, items: [{ index, value }] },
//     string?: { value, length, representation, encoding, internalized, truncated },
//     number?, oddball?, symbol?, bigint?, date?: { iso, value },
//     entries?: { kind, size, truncated, items: [{ key, value? }] },
//     function?: { name, kind, script, line, column, position, start, end, context: [...] },
//     error?: { name, message, stack, stackFormatted, cause? },
//     promise?: { state, result?, hasHandler },
//     arrayBuffer?: {...}, typedArray?: {...}, primitive?, boundFunction?, regexp?, proxy?,
//     slots?: { length, truncated, items },
//     warnings: [{ code, message }] }
//   Value = { type, value?, text?, address?, name?, preview?, length?, truncated?, object? }
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "util/json_writer.h"
#include "v8/objects.h"

namespace corescope::v8 {

struct DescribeOptions {
  int depth = 0;                   // nested objects expanded under Value.object
  size_t max_properties = 200;     // per object
  size_t max_elements = 100;       // per array / typed array
  size_t max_entries = 100;        // Map/Set entries
  size_t max_string = 1000;        // UTF-8 bytes of a string value shown
  size_t max_context_vars = 100;   // per context
  size_t max_context_depth = 8;    // contexts followed up the chain
  size_t max_bytes = 64;           // ArrayBuffer/TypedArray bytes shown as hex
  size_t max_nested_objects = 1000;  // total expansions in one call (depth can explode)
  std::vector<std::string> extra_warnings;  // added to the top object's warnings (caller's notes)
};

// Describe writes the description of the heap object `obj` (tagged) as one
// JSON object. Parts that cannot be read become warnings; it never fails
// for a readable map. The caller checks that obj is an object start.
void Describe(const Heap& heap, uint64_t obj, const DescribeOptions& opts, JsonWriter& w);

// DescribeToJson is Describe into a new string.
std::string DescribeToJson(const Heap& heap, uint64_t obj, const DescribeOptions& opts);

// IsoDate formats a JS time value (ms since the epoch) as
// "YYYY-MM-DDTHH:MM:SS.mmmZ" (±YYYYYY outside years 0-9999, as
// Date.prototype.toISOString); "" when NaN or out of range.
std::string IsoDate(double ms);

}  // namespace corescope::v8
