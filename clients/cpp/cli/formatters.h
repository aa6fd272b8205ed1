// Human-readable and JSON renderings of the API's resources for the
// command-line tool. Tables and field lists are for people and may change;
// JSON is the protobuf JSON mapping, stable for scripts. Stateless
// functions, so thread-safe.
#ifndef ACCESSTOKENS_CLIENTS_CPP_CLI_FORMATTERS_H_
#define ACCESSTOKENS_CLIENTS_CPP_CLI_FORMATTERS_H_

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "accesstokens/v1/access_token_service.pb.h"
#include "accesstokens/v1/resources.pb.h"
#include "clients/cpp/cli/table.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"

namespace accesstokens::cli {

template <typename T>
using Repeated = google::protobuf::RepeatedPtrField<T>;

// Returns `message` in the protobuf JSON mapping, indented, with lowerCamel
// field names and enum value names, ending in a newline. Fails with the
// converter's status, for example on a string field that is not UTF-8.
absl::StatusOr<std::string> FormatJson(
    const google::protobuf::Message& message);

// Returns RFC 3339 UTC time such as "2026-06-15T12:00:00Z", or `unset` if
// the timestamp is absent (all fields zero).
std::string FormatTimestamp(const google::protobuf::Timestamp& time,
                            const std::string& unset = "-");

// Returns "user 1 (owner)", "users/5", or "-" for no actor.
std::string FormatActor(const v1::Actor& actor);

// Field lists of one resource, for commands that add their own fields.
FieldList GroupFields(const v1::Group& group);
FieldList ProjectFields(const v1::Project& project);

// Field lists of one resource. An access token's secret appears only when
// the message carries it, which only creation and rotation do.
void PrintGroup(const v1::Group& group, std::ostream& out);
void PrintProject(const v1::Project& project, std::ostream& out);
void PrintAccessToken(const v1::AccessToken& token, std::ostream& out);
void PrintBotUser(const v1::BotUser& bot, std::ostream& out);
void PrintAuthentication(const v1::AuthenticateAccessTokenResponse& response,
                         std::ostream& out);

// Tables of many resources, one row each.
void PrintAccessTokenTable(const Repeated<v1::AccessToken>& tokens,
                           std::ostream& out);
void PrintBotUserTable(const Repeated<v1::BotUser>& bots, std::ostream& out);
void PrintScopeTable(const Repeated<v1::ScopeDescription>& scopes,
                     std::ostream& out);
void PrintAuditEventTable(const Repeated<v1::AuditEvent>& events,
                          std::ostream& out);

}  // namespace accesstokens::cli

#endif  // ACCESSTOKENS_CLIENTS_CPP_CLI_FORMATTERS_H_
