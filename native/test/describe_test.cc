// Tests of v8/describe.h helpers that need no core: IsoDate against
// Date.prototype.toISOString() of the same time values (printed by node).
#include <cmath>
#include <string>

#include "test/harness.h"
#include "v8/describe.h"

namespace corescope::test {
namespace {

TEST(IsoDateMatchesToISOString) {
  // Expected strings: new Date(t).toISOString() in Node 20.
  CHECK_EQ(v8::IsoDate(0), std::string("1970-01-01T00:00:00.000Z"));
  CHECK_EQ(v8::IsoDate(-1), std::string("1969-12-31T23:59:59.999Z"));
  CHECK_EQ(v8::IsoDate(1620284889123), std::string("2021-05-06T07:08:09.123Z"));
  CHECK_EQ(v8::IsoDate(951782400000), std::string("2000-02-29T00:00:00.000Z"));
  CHECK_EQ(v8::IsoDate(8.64e15), std::string("+275760-09-13T00:00:00.000Z"));
  CHECK_EQ(v8::IsoDate(-8.64e15), std::string("-271821-04-20T00:00:00.000Z"));
  CHECK_EQ(v8::IsoDate(-62198755200001), std::string("-000002-12-31T23:59:59.999Z"));
  CHECK_EQ(v8::IsoDate(253402300800000), std::string("+010000-01-01T00:00:00.000Z"));
  CHECK_EQ(v8::IsoDate(-2208988800000.5), std::string("1900-01-01T00:00:00.000Z"));
}

TEST(IsoDateRejectsInvalidTimeValues) {
  CHECK_EQ(v8::IsoDate(NAN), std::string());
  CHECK_EQ(v8::IsoDate(INFINITY), std::string());
  CHECK_EQ(v8::IsoDate(8.64e15 + 1), std::string());
}

}  // namespace
}  // namespace corescope::test
