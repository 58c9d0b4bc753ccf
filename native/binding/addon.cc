// The N-API module (src/native.ts declares its surface): open(corePath,
// executable?, onProgress?) → Promise<handle>; call(handle, method, args,
// onProgress?) → Promise<JSON text>; cancel(handle); close(handle);
// methods() → string[]. A handle is a type-tagged External owning a
// HandleState; one call runs at a time per handle (a second rejects BUSY).
#include <napi.h>

#include <cmath>
#include <cstdio>

#include "api/methods.h"
#include "binding/workers.h"
#include "target/target.h"

namespace corescope::binding {
namespace {

// Identifies corescope handles among Externals (napi_type_tag).
const napi_type_tag kHandleTag = {0x636f726573636f70ULL, 0x652d68616e646c65ULL};

using StatePtr = std::shared_ptr<HandleState>;

Napi::Value Rejected(Napi::Env env, ErrorCode code, const std::string& message, const std::string& hint = {}) {
  auto d = Napi::Promise::Deferred::New(env);
  d.Reject(MakeJsError(env, MakeError(code, message, hint)));
  return d.Promise();
}

// StateOf returns the handle's state, or nullptr when `v` is not a handle.
StatePtr* StateOf(Napi::Value v) {
  if (!v.IsExternal()) return nullptr;
  auto ext = v.As<Napi::External<StatePtr>>();
  if (!ext.CheckTypeTag(&kHandleTag)) return nullptr;
  return ext.Data();
}

std::string NumberToString(double d) {
  if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.2e18) {
    return std::to_string(static_cast<long long>(d));
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    return Rejected(env, ErrorCode::kUsage, "open(corePath, executable?, onProgress?): corePath must be a string");
  }
  target::OpenOptions opts;
  opts.core_path = info[0].As<Napi::String>().Utf8Value();
  if (info.Length() > 1 && info[1].IsString()) {
    opts.executable = info[1].As<Napi::String>().Utf8Value();
  } else if (info.Length() > 1 && !info[1].IsUndefined() && !info[1].IsNull()) {
    return Rejected(env, ErrorCode::kUsage, "open: executable must be a string or undefined");
  }
  Napi::Value on_progress = info.Length() > 2 ? info[2] : env.Undefined();
  auto progress = std::make_shared<WorkerProgress>();
  auto opened = std::make_shared<std::unique_ptr<target::Target>>();
  auto* worker = new Worker(
      env, on_progress, progress,
      [opts, opened](Progress& p) -> Status {
        auto t = target::Target::Open(opts, p);
        if (!t) return t.error();
        *opened = std::move(t.value());
        return OkStatus();
      },
      [opened](Napi::Env env) -> Napi::Value {
        auto state = std::make_shared<HandleState>();
        state->session = std::make_unique<api::Session>(std::move(*opened));
        auto ext = Napi::External<StatePtr>::New(env, new StatePtr(std::move(state)),
                                                 [](Napi::Env, StatePtr* s) { delete s; });
        ext.TypeTag(&kHandleTag);
        return ext;
      },
      nullptr);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value Call(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StatePtr* sp = info.Length() > 0 ? StateOf(info[0]) : nullptr;
  if (!sp) return Rejected(env, ErrorCode::kUsage, "call: the first argument is not a corescope handle");
  StatePtr state = *sp;
  if (state->closed || !state->session) return Rejected(env, ErrorCode::kUsage, "call: the core was closed");
  if (info.Length() < 2 || !info[1].IsString()) return Rejected(env, ErrorCode::kUsage, "call: method must be a string");
  std::string name = info[1].As<Napi::String>().Utf8Value();
  const api::Method* method = api::AllMethods().Find(name);
  if (!method) {
    std::string known;
    for (const std::string& n : api::AllMethods().Names()) known += (known.empty() ? "" : ", ") + n;
    return Rejected(env, ErrorCode::kUsage, "unknown method '" + name + "' (known: " + known + ")");
  }
  api::Args args;
  if (info.Length() > 2 && info[2].IsObject()) {
    Napi::Object obj = info[2].As<Napi::Object>();
    Napi::Array keys = obj.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      Napi::Value k = keys.Get(i);
      std::string key = k.ToString().Utf8Value();
      Napi::Value v = obj.Get(k);
      if (v.IsString()) {
        args.Set(key, v.As<Napi::String>().Utf8Value());
      } else if (v.IsNumber()) {
        args.Set(key, NumberToString(v.As<Napi::Number>().DoubleValue()));
      } else if (v.IsBoolean()) {
        args.Set(key, v.As<Napi::Boolean>().Value() ? "true" : "false");
      } else if (!v.IsUndefined() && !v.IsNull()) {
        return Rejected(env, ErrorCode::kUsage, "call: argument '" + key + "' must be a string, number or boolean");
      }
    }
  } else if (info.Length() > 2 && !info[2].IsUndefined() && !info[2].IsNull()) {
    return Rejected(env, ErrorCode::kUsage, "call: args must be an object");
  }
  if (state->busy) {
    return Rejected(env, ErrorCode::kBusy, "another call is still running on this core",
                    "await the previous call (calls on one core run one at a time)");
  }
  state->busy = true;
  auto progress = std::make_shared<WorkerProgress>();
  state->running = progress;
  auto result = std::make_shared<std::string>();
  api::Method m = *method;
  api::Session* session = state->session.get();
  auto* worker = new Worker(
      env, info.Length() > 3 ? info[3] : env.Undefined(), progress,
      [m, session, args, result](Progress& p) -> Status {
        auto r = m(*session, args, p);
        if (!r) return r.error();
        *result = std::move(r.value());
        return OkStatus();
      },
      [result](Napi::Env env) -> Napi::Value { return Napi::String::New(env, *result); },
      [state]() {
        state->busy = false;
        state->running.reset();
        if (state->closed) state->session.reset();  // close() arrived while running
      });
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value Cancel(const Napi::CallbackInfo& info) {
  StatePtr* sp = info.Length() > 0 ? StateOf(info[0]) : nullptr;
  if (sp && (*sp)->running) (*sp)->running->Cancel();
  return info.Env().Undefined();
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  StatePtr* sp = info.Length() > 0 ? StateOf(info[0]) : nullptr;
  if (!sp) return info.Env().Undefined();
  StatePtr state = *sp;
  state->closed = true;
  if (state->busy) {
    if (state->running) state->running->Cancel();  // freed when the call settles
  } else {
    state->session.reset();
  }
  return info.Env().Undefined();
}

Napi::Value Methods(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<std::string> names = api::AllMethods().Names();
  Napi::Array out = Napi::Array::New(env, names.size());
  for (uint32_t i = 0; i < names.size(); ++i) out.Set(i, Napi::String::New(env, names[i]));
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("open", Napi::Function::New(env, Open, "open"));
  exports.Set("call", Napi::Function::New(env, Call, "call"));
  exports.Set("cancel", Napi::Function::New(env, Cancel, "cancel"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("methods", Napi::Function::New(env, Methods, "methods"));
  return exports;
}

}  // namespace
}  // namespace corescope::binding

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return corescope::binding::Init(env, exports);
}
NODE_API_MODULE(corescope, InitModule)
