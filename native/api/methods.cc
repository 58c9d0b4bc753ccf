#include "api/methods.h"

#include <cstdlib>

namespace corescope::api {

std::string Args::GetString(const std::string& key, const std::string& def) const {
  auto it = values_.find(key);
  return it == values_.end() ? def : it->second;
}

int64_t Args::GetInt(const std::string& key, int64_t def) const {
  auto it = values_.find(key);
  if (it == values_.end() || it->second.empty()) return def;
  char* end = nullptr;
  long long v = std::strtoll(it->second.c_str(), &end, 10);
  return (end && *end == 0) ? v : def;
}

bool Args::GetBool(const std::string& key, bool def) const {
  auto it = values_.find(key);
  if (it == values_.end()) return def;
  return it->second == "true" || it->second == "1";
}

std::optional<uint64_t> Args::GetAddress(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  const std::string& s = it->second;
  int base = 10;
  size_t start = 0;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    start = 2;
  }
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str() + start, &end, base);
  if (!end || *end != 0 || end == s.c_str() + start) return std::nullopt;
  return v;
}

const Registry& AllMethods() {
  static const Registry* registry = [] {
    auto* r = new Registry();
    RegisterInfoMethods(*r);
    RegisterHeapMethods(*r);
    RegisterInspectMethods(*r);
    RegisterStackMethods(*r);
    RegisterGraphMethods(*r);
    RegisterExportMethods(*r);
    return r;
  }();
  return *registry;
}

}  // namespace corescope::api
