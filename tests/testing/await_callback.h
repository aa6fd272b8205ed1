// Waits for an asynchronous call that reports its result to a callback,
// such as the Store's writes.
#ifndef ACCESSTOKENS_TESTS_TESTING_AWAIT_CALLBACK_H_
#define ACCESSTOKENS_TESTS_TESTING_AWAIT_CALLBACK_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"

namespace accesstokens::testing {

// Calls `submit` with a callback that takes an absl::StatusOr<T>, and
// returns the value the callback receives, once it has received it.
template <typename T, typename Submit>
absl::StatusOr<T> AwaitCallback(Submit submit) {
  absl::Notification done;
  absl::StatusOr<T> result = absl::UnknownError("the callback did not run");
  submit([&](absl::StatusOr<T> value) {
    result = std::move(value);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

}  // namespace accesstokens::testing

#endif  // ACCESSTOKENS_TESTS_TESTING_AWAIT_CALLBACK_H_
