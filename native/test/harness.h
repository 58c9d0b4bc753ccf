// A tiny test harness: TEST(name) registers a test, CHECK/CHECK_EQ record
// failures without stopping the test, and main (harness.cc) runs them all
// and ends with "N passed, M failed". Knows nothing of corescope.
#pragma once

#include <sstream>
#include <string>

namespace corescope::test {

using TestFn = void (*)();
int Register(const char* name, TestFn fn);
void Fail(const char* file, int line, const std::string& what);

template <typename A, typename B>
void CheckEq(const A& a, const B& b, const char* as, const char* bs, const char* file, int line) {
  if (a == b) return;
  std::ostringstream os;
  os << "CHECK_EQ(" << as << ", " << bs << "): " << a << " != " << b;
  Fail(file, line, os.str());
}

}  // namespace corescope::test

#define TEST(name)                                                                    \
  static void name();                                                                 \
  static const int name##_registered = ::corescope::test::Register(#name, &name);     \
  static void name()

#define CHECK(cond) \
  do { if (!(cond)) ::corescope::test::Fail(__FILE__, __LINE__, "CHECK(" #cond ")"); } while (0)

#define CHECK_EQ(a, b) ::corescope::test::CheckEq((a), (b), #a, #b, __FILE__, __LINE__)

// REQUIRE stops the current test when cond is false (later checks would crash).
#define REQUIRE(cond)                                                             \
  do {                                                                            \
    if (!(cond)) {                                                                \
      ::corescope::test::Fail(__FILE__, __LINE__, "REQUIRE(" #cond ")");          \
      return;                                                                     \
    }                                                                             \
  } while (0)
