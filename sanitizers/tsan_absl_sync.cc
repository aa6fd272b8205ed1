// Makes the locking of Debian's Abseil visible to ThreadSanitizer.
//
// Debian's libabsl_synchronization is not built with ThreadSanitizer, so
// absl::Mutex, absl::CondVar and absl::Notification synchronize through
// atomics and futexes that TSan cannot see. Without help, TSan reports every
// access guarded by such a mutex as a race, in this project's code and in
// gRPC's. This library, linked into every binary of a ThreadSanitizer build
// (see cmake/sanitizers.cmake), defines the out-of-line absl::Mutex and
// absl::CondVar methods itself. Each forwards to the library's own version,
// which it looks up with dlsym(RTLD_NEXT), and annotates the acquire or
// release of the mutex for TSan. The binary's definitions take precedence
// over the library's for every caller, Abseil's and gRPC's included,
// because those call the methods through the dynamic linker.
//
// Reader locks are annotated like writer locks, so TSan misses a race
// between two threads that both hold a reader lock and write; the code has
// ABSL_GUARDED_BY annotations that the compiler checks for that.
//
// Thread-safe: the forwarding pointers are set once, at first use.

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/base/options.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

#define ACCESSTOKENS_STRINGIFY_INNER(x) #x
#define ACCESSTOKENS_STRINGIFY(x) ACCESSTOKENS_STRINGIFY_INNER(x)

namespace {

// Returns Abseil's own definition of the method whose mangled name, after
// the `absl::<inline namespace>::` prefix, is `suffix`.
template <typename Function>
Function Original(const char* suffix) {
  const char* inline_namespace =
      ACCESSTOKENS_STRINGIFY(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string symbol = "_ZN4absl" +
                             std::to_string(strlen(inline_namespace)) +
                             inline_namespace + suffix;
  void* address = dlsym(RTLD_NEXT, symbol.c_str());
  if (address == nullptr) {
    fprintf(stderr,
            "tsan_absl_sync: %s is not in the loaded Abseil libraries; this "
            "wrapper no longer matches Abseil's version\n",
            symbol.c_str());
    abort();
  }
  return reinterpret_cast<Function>(address);
}

// A Condition that Abseil evaluates with the mutex held, in the waiting
// thread or in the thread that unlocks. Each evaluation is annotated as a
// short critical section, so that TSan orders the reads of the condition
// with the writes made under the mutex before and after it.
class GuardedCondition {
 public:
  GuardedCondition(const absl::Condition& condition, absl::Mutex* mu)
      : condition_(condition), mu_(mu) {}

  absl::Condition Get() { return absl::Condition(&Evaluate, this); }

 private:
  static bool Evaluate(GuardedCondition* guarded) {
    __tsan_acquire(guarded->mu_);
    const bool result = guarded->condition_.Eval();
    __tsan_release(guarded->mu_);
    return result;
  }

  const absl::Condition& condition_;
  absl::Mutex* const mu_;
};

}  // namespace

// Declares the function pointer `original` to Abseil's method `suffix`.
#define ACCESSTOKENS_ORIGINAL(type, suffix) \
  static const auto original = Original<type>(suffix)

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  ACCESSTOKENS_ORIGINAL(void (*)(Mutex*), "5Mutex4LockEv");
  original(this);
  __tsan_acquire(this);
}

void Mutex::ReaderLock() {
  ACCESSTOKENS_ORIGINAL(void (*)(Mutex*), "5Mutex10ReaderLockEv");
  original(this);
  __tsan_acquire(this);
}

bool Mutex::TryLock() {
  ACCESSTOKENS_ORIGINAL(bool (*)(Mutex*), "5Mutex7TryLockEv");
  const bool locked = original(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  ACCESSTOKENS_ORIGINAL(bool (*)(Mutex*), "5Mutex13ReaderTryLockEv");
  const bool locked = original(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

void Mutex::Unlock() {
  ACCESSTOKENS_ORIGINAL(void (*)(Mutex*), "5Mutex6UnlockEv");
  __tsan_release(this);
  original(this);
}

void Mutex::ReaderUnlock() {
  ACCESSTOKENS_ORIGINAL(void (*)(Mutex*), "5Mutex12ReaderUnlockEv");
  __tsan_release(this);
  original(this);
}

void Mutex::LockWhen(const Condition& cond) {
  ACCESSTOKENS_ORIGINAL(void (*)(Mutex*, const Condition&),
                        "5Mutex8LockWhenERKNS0_9ConditionE");
  GuardedCondition guarded(cond, this);
  original(this, guarded.Get());
  __tsan_acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  ACCESSTOKENS_ORIGINAL(void (*)(Mutex*, const Condition&),
                        "5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  GuardedCondition guarded(cond, this);
  original(this, guarded.Get());
  __tsan_acquire(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  ACCESSTOKENS_ORIGINAL(
      bool (*)(Mutex*, const Condition&, Duration),
      "5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  GuardedCondition guarded(cond, this);
  const bool met = original(this, guarded.Get(), timeout);
  __tsan_acquire(this);  // Held on return whether or not `cond` holds.
  return met;
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond,
                                      Duration timeout) {
  ACCESSTOKENS_ORIGINAL(
      bool (*)(Mutex*, const Condition&, Duration),
      "5Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  GuardedCondition guarded(cond, this);
  const bool met = original(this, guarded.Get(), timeout);
  __tsan_acquire(this);
  return met;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  ACCESSTOKENS_ORIGINAL(
      bool (*)(Mutex*, const Condition&, Time),
      "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  GuardedCondition guarded(cond, this);
  const bool met = original(this, guarded.Get(), deadline);
  __tsan_acquire(this);
  return met;
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, Time deadline) {
  ACCESSTOKENS_ORIGINAL(
      bool (*)(Mutex*, const Condition&, Time),
      "5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  GuardedCondition guarded(cond, this);
  const bool met = original(this, guarded.Get(), deadline);
  __tsan_acquire(this);
  return met;
}

// Await releases the mutex while it waits and holds it again on return.
void Mutex::Await(const Condition& cond) {
  ACCESSTOKENS_ORIGINAL(void (*)(Mutex*, const Condition&),
                        "5Mutex5AwaitERKNS0_9ConditionE");
  GuardedCondition guarded(cond, this);
  __tsan_release(this);
  original(this, guarded.Get());
  __tsan_acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  ACCESSTOKENS_ORIGINAL(
      bool (*)(Mutex*, const Condition&, Duration),
      "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  GuardedCondition guarded(cond, this);
  __tsan_release(this);
  const bool met = original(this, guarded.Get(), timeout);
  __tsan_acquire(this);
  return met;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  ACCESSTOKENS_ORIGINAL(
      bool (*)(Mutex*, const Condition&, Time),
      "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  GuardedCondition guarded(cond, this);
  __tsan_release(this);
  const bool met = original(this, guarded.Get(), deadline);
  __tsan_acquire(this);
  return met;
}

// CondVar waits release `mu` while they wait and hold it again on return.
void CondVar::Wait(Mutex* mu) {
  ACCESSTOKENS_ORIGINAL(void (*)(CondVar*, Mutex*),
                        "7CondVar4WaitEPNS0_5MutexE");
  __tsan_release(mu);
  original(this, mu);
  __tsan_acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  ACCESSTOKENS_ORIGINAL(bool (*)(CondVar*, Mutex*, Duration),
                        "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  __tsan_release(mu);
  const bool timed_out = original(this, mu, timeout);
  __tsan_acquire(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  ACCESSTOKENS_ORIGINAL(bool (*)(CondVar*, Mutex*, Time),
                        "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  __tsan_release(mu);
  const bool timed_out = original(this, mu, deadline);
  __tsan_acquire(mu);
  return timed_out;
}

ABSL_NAMESPACE_END
}  // namespace absl
