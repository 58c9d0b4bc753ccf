// Heap methods: objects, instances, inspect. Placeholder registration until
// the heap index lands (issue 3); registers nothing yet.
#include "api/methods.h"

namespace corescope::api {
void RegisterHeapMethods(Registry&) {}
}  // namespace corescope::api
