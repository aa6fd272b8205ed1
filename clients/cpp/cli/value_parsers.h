// Parsers of the values that users type after options and as positional
// arguments. Each returns INVALID_ARGUMENT with a message that quotes the
// value, names the option or argument (`what`, such as "--scope" or "NAME")
// and states what is allowed. Stateless functions, so thread-safe.
#ifndef ACCESSTOKENS_CLIENTS_CPP_CLI_VALUE_PARSERS_H_
#define ACCESSTOKENS_CLIENTS_CPP_CLI_VALUE_PARSERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "accesstokens/v1/resources.pb.h"

namespace accesstokens::cli {

// A positive decimal integer without sign or leading zeros, as the API's
// ids are.
absl::StatusOr<int64_t> ParseId(absl::string_view what,
                                absl::string_view value);

// A resource name in `collection` ("groups", "projects" or "users"), given
// either in full ("projects/123") or as the bare id ("123"). Returns the
// full name.
absl::StatusOr<std::string> ParseResourceName(absl::string_view what,
                                              absl::string_view collection,
                                              absl::string_view value);

// An access token name, `projects/{id}/accessTokens/{id}` or
// `groups/{id}/accessTokens/{id}`.
absl::StatusOr<std::string> ParseAccessTokenName(absl::string_view what,
                                                 absl::string_view value);

// Scopes by plain name ("read_api") or enum name ("SCOPE_READ_API"), without
// case; each value may hold several separated by commas.
absl::StatusOr<std::vector<v1::Scope>> ParseScopes(
    absl::string_view what, const std::vector<std::string>& values);

// An access level by plain name ("developer"), enum name
// ("ACCESS_LEVEL_DEVELOPER") or GitLab number ("30").
absl::StatusOr<v1::AccessLevel> ParseAccessLevel(absl::string_view what,
                                                 absl::string_view value);

// A group or project state by plain name ("pending_deletion") or enum name.
absl::StatusOr<v1::ResourceState> ParseResourceState(absl::string_view what,
                                                     absl::string_view value);

// A calendar date, `YYYY-MM-DD`. Returns it unchanged.
absl::StatusOr<std::string> ParseDate(absl::string_view what,
                                      absl::string_view value);

// "true" or "false".
absl::StatusOr<bool> ParseBool(absl::string_view what, absl::string_view value);

// A page size, 0 to 2147483647. The server treats 0 as its default and
// lowers large values to its maximum.
absl::StatusOr<int32_t> ParsePageSize(absl::string_view what,
                                      absl::string_view value);

// A positive duration such as "10s", "1.5s" or "500ms".
absl::StatusOr<absl::Duration> ParseTimeout(absl::string_view what,
                                            absl::string_view value);

}  // namespace accesstokens::cli

#endif  // ACCESSTOKENS_CLIENTS_CPP_CLI_VALUE_PARSERS_H_
