// Runs every registered test; prints failures and "N passed, M failed" last.
// Exits non-zero when any test failed. An optional argument filters tests
// by substring.
#include "test/harness.h"

#include <cstdio>
#include <cstring>
#include <vector>

namespace corescope::test {
namespace {

struct Entry {
  const char* name;
  TestFn fn;
};
std::vector<Entry>& Tests() {
  static std::vector<Entry> tests;
  return tests;
}
int g_failures_in_test = 0;

}  // namespace

int Register(const char* name, TestFn fn) {
  Tests().push_back({name, fn});
  return 0;
}

void Fail(const char* file, int line, const std::string& what) {
  std::printf("  %s:%d: %s\n", file, line, what.c_str());
  ++g_failures_in_test;
}

}  // namespace corescope::test

int main(int argc, char** argv) {
  using namespace corescope::test;
  int passed = 0, failed = 0;
  for (const Entry& t : Tests()) {
    if (argc > 1 && !std::strstr(t.name, argv[1])) continue;
    g_failures_in_test = 0;
    t.fn();
    if (g_failures_in_test == 0) {
      ++passed;
    } else {
      ++failed;
      std::printf("FAIL %s\n", t.name);
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
