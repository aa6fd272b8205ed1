// Plain names of the API's enum values, as users type and read them: the
// value's name without the enum's common prefix, in lower case. For example
// SCOPE_READ_API is "read_api" and ACCESS_LEVEL_OWNER is "owner". The prefix
// is taken from the enum's zero value, `{PREFIX}UNSPECIFIED`, which every
// enum of the API has. Stateless functions, so thread-safe.
#ifndef ACCESSTOKENS_CLIENTS_CPP_CLI_ENUM_NAMES_H_
#define ACCESSTOKENS_CLIENTS_CPP_CLI_ENUM_NAMES_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace accesstokens::cli {

// Returns the plain name of `number` in `type`, or the number in decimal if
// `type` has no such value.
std::string EnumPlainName(const google::protobuf::EnumDescriptor* type,
                          int number);

// Returns the number of the value named `text`, compared without case and
// given as a plain name ("read_api") or a full name ("SCOPE_READ_API").
// Returns nullopt for an unknown name and for the zero value.
std::optional<int> ParseEnumName(const google::protobuf::EnumDescriptor* type,
                                 absl::string_view text);

// Returns the plain names of every value but the zero value, in declaration
// order, joined by ", ".
std::string EnumPlainNameList(const google::protobuf::EnumDescriptor* type);

}  // namespace accesstokens::cli

#endif  // ACCESSTOKENS_CLIENTS_CPP_CLI_ENUM_NAMES_H_
