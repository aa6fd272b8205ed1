// Conversion of stored records to their API messages.
#ifndef ACCESSTOKENS_SERVICE_PROTO_CONVERSION_H_
#define ACCESSTOKENS_SERVICE_PROTO_CONVERSION_H_

#include <string>

#include "absl/time/time.h"
#include "accesstokens/v1/access_token_service.pb.h"
#include "accesstokens/v1/resources.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "storage/store.h"

namespace accesstokens {

void ToProto(absl::Time time, google::protobuf::Timestamp* out);
void ToProto(const GroupRecord& group, v1::Group* out);
void ToProto(const ProjectRecord& project, v1::Project* out);
// The token's state is computed at `now`. The secret is never set here.
void ToProto(const TokenRecord& token, absl::Time now, v1::AccessToken* out);
void ToProto(const BotUserRecord& user, v1::BotUser* out);
void ToProto(const ActorRecord& actor, v1::Actor* out);
void ToProto(const AuditEventRecord& event, v1::AuditEvent* out);

// Returns the serialized AuthenticateAccessTokenResponse of `owner` with
// the token's state ACTIVE, the response of a successful authentication.
// The caller checks that the token is active before sending it.
std::string EncodeAuthentication(const TokenOwnership& owner);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_PROTO_CONVERSION_H_
