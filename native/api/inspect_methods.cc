// Inspect methods: placeholder registration (registers nothing) until the
// inspect command lands in this file.
#include "api/methods.h"

namespace corescope::api {
void RegisterInspectMethods(Registry&) {}
}  // namespace corescope::api
