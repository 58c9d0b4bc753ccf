// Replays fuzz inputs through a target's LLVMFuzzerTestOneInput from a plain
// main (Bloaty's fuzz_driver pattern), so `npm test` runs the seed corpus
// under g++ without libFuzzer. Arguments are files or directories (every
// regular file inside, sorted, not recursive). Exits 0 when every input ran;
// a crash is a crash of this process (the caller reports the signal).
// Knows nothing of what the target parses.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool IsDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> ListFiles(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string p = dir + "/" + name;
    struct stat st;
    if (::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) out.push_back(p);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

// ReadFile reads a whole file in one go (byte iterators are slow under ASan).
bool ReadFile(const std::string& path, std::vector<uint8_t>* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  struct stat st;
  if (::fstat(::fileno(f), &st) != 0) {
    std::fclose(f);
    return false;
  }
  out->resize(static_cast<size_t>(st.st_size));
  size_t n = out->empty() ? 0 : std::fread(out->data(), 1, out->size(), f);
  std::fclose(f);
  return n == out->size();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!a.empty() && a[0] == '-') continue;  // libFuzzer-style flags are ignored
    if (IsDir(a)) {
      auto files = ListFiles(a);
      inputs.insert(inputs.end(), files.begin(), files.end());
    } else {
      inputs.push_back(a);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s <corpus dir or file>...\n", argv[0]);
    return 2;
  }
  double slowest = 0;
  std::string slowest_name;
  auto t0 = std::chrono::steady_clock::now();
  for (const std::string& path : inputs) {
    std::vector<uint8_t> bytes;
    if (!ReadFile(path, &bytes)) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 2;
    }
    auto s = std::chrono::steady_clock::now();
    // Name the input first, so a crash's output says which one did it.
    std::fprintf(stderr, "replay %s (%zu bytes)\n", path.c_str(), bytes.size());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count();
    if (ms > slowest) {
      slowest = ms;
      slowest_name = path;
    }
  }
  double total = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("replayed %zu inputs in %.0f ms (slowest %.1f ms: %s)\n", inputs.size(), total, slowest,
              slowest_name.c_str());
  return 0;
}
