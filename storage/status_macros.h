// Early-return helpers for absl::Status and absl::StatusOr.
#ifndef ACCESSTOKENS_STORAGE_STATUS_MACROS_H_
#define ACCESSTOKENS_STORAGE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function if `expr`, an absl::Status, is not OK.
#define ACCESSTOKENS_RETURN_IF_ERROR(expr)      \
  do {                                          \
    ::absl::Status status_macro_value = (expr); \
    if (!status_macro_value.ok()) {             \
      return status_macro_value;                \
    }                                           \
  } while (false)

#define ACCESSTOKENS_STATUS_CONCAT_INNER(a, b) a##b
#define ACCESSTOKENS_STATUS_CONCAT(a, b) ACCESSTOKENS_STATUS_CONCAT_INNER(a, b)

// Evaluates `expr`, an absl::StatusOr<T>. Returns its status from the
// enclosing function if it is not OK, else moves its value into `lhs`, which
// may be a declaration such as `auto row`.
#define ACCESSTOKENS_ASSIGN_OR_RETURN(lhs, expr)                                \
  ACCESSTOKENS_ASSIGN_OR_RETURN_IMPL(                                          \
      ACCESSTOKENS_STATUS_CONCAT(status_or_value_, __LINE__), lhs, expr)

#define ACCESSTOKENS_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                      \
  if (!statusor.ok()) {                                        \
    return std::move(statusor).status();                       \
  }                                                            \
  lhs = std::move(statusor).value()

#endif  // ACCESSTOKENS_STORAGE_STATUS_MACROS_H_
