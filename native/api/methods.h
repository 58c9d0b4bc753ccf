// Native methods: the named operations the binding exposes to TypeScript.
// Each takes a Session (the opened Target plus lazily built indexes), string
// arguments, and a Progress, and returns JSON text (util/json_writer.h) or an
// Error. The binding layer (../binding) is the only caller; it runs methods
// off the JS thread, one at a time per Session.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "target/target.h"
#include "util/progress.h"
#include "util/result.h"

namespace corescope::api {

// Args are the method's arguments as given by TypeScript (a flat object of
// strings, numbers and booleans, all carried as strings).
class Args {
 public:
  void Set(std::string key, std::string value) { values_[std::move(key)] = std::move(value); }
  bool Has(const std::string& key) const { return values_.count(key) != 0; }
  std::string GetString(const std::string& key, const std::string& def = "") const;
  int64_t GetInt(const std::string& key, int64_t def = 0) const;
  bool GetBool(const std::string& key, bool def = false) const;
  // GetAddress parses "0x..." or decimal; nullopt if absent or malformed.
  std::optional<uint64_t> GetAddress(const std::string& key) const;

 private:
  std::map<std::string, std::string> values_;
};

// SessionCache is a lazily-built, type-erased slot that later layers (heap
// index, reference graph) hang off a Session without the Session knowing them.
struct SessionCache {
  virtual ~SessionCache() = default;
};

class Session {
 public:
  explicit Session(std::unique_ptr<target::Target> t) : target_(std::move(t)) {}
  target::Target& target() { return *target_; }

  // Cached returns the cache object stored under `key`, building it with
  // `build` the first time. Build errors are not cached.
  template <typename T>
  Result<T*> Cached(const std::string& key, const std::function<Result<std::unique_ptr<T>>()>& build) {
    auto it = caches_.find(key);
    if (it != caches_.end()) return static_cast<T*>(it->second.get());
    auto r = build();
    if (!r) return r.error();
    T* raw = r.value().get();
    caches_[key] = std::move(r.value());
    return raw;
  }
  // Has reports whether `key` was already built (e.g. the graph, so that a
  // later method can use it without paying for it).
  bool Has(const std::string& key) const { return caches_.count(key) > 0; }

 private:
  std::unique_ptr<target::Target> target_;
  std::map<std::string, std::unique_ptr<SessionCache>> caches_;
};

using Method = std::function<Result<std::string>(Session&, const Args&, Progress&)>;

// Registry maps method names ("info", "objects", ...) to implementations.
class Registry {
 public:
  void Add(const std::string& name, Method m) { methods_[name] = std::move(m); }
  const Method* Find(const std::string& name) const {
    auto it = methods_.find(name);
    return it == methods_.end() ? nullptr : &it->second;
  }
  // Names lists the registered method names, sorted.
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (const auto& [name, m] : methods_) out.push_back(name);
    return out;
  }

 private:
  std::map<std::string, Method> methods_;
};

// Each feature file registers its methods here; methods.cc calls them all.
void RegisterInfoMethods(Registry& r);      // api/info.cc       (issue: foundation)
void RegisterHeapMethods(Registry& r);      // api/heap_methods.cc  (objects, instances)
void RegisterInspectMethods(Registry& r);   // api/inspect_methods.cc (inspect)
void RegisterStackMethods(Registry& r);     // api/stack_methods.cc (stack, report)
void RegisterGraphMethods(Registry& r);     // api/graph_methods.cc (graph, refs, path, retained, leaks)
void RegisterExportMethods(Registry& r);    // api/export_methods.cc (exportSnapshot)

// AllMethods returns the registry with every feature registered.
const Registry& AllMethods();

}  // namespace corescope::api
