// Stack methods: stack, report. Placeholder registration until the stack
// walker lands (issue 5); registers nothing yet.
#include "api/methods.h"

namespace corescope::api {
void RegisterStackMethods(Registry&) {}
}  // namespace corescope::api
