// The naming scheme of bot users. For project 123 the bots are
// project_123_bot, project_123_bot1, project_123_bot2, ... with the emails
// project123_bot@domain, project123_bot1@domain, ...; for group 109 they are
// group_109_bot, group_109_bot1, ... with the emails group_109_bot@domain,
// group_109_bot1@domain, .... Number 0 is the first bot and has no suffix.
#ifndef ACCESSTOKENS_STORAGE_BOT_NAMES_H_
#define ACCESSTOKENS_STORAGE_BOT_NAMES_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "storage/resource.h"

namespace accesstokens {

// Returns the username of bot number `number` (0, 1, 2, ...) of `resource`.
std::string BotUsername(const ResourceRef& resource, int64_t number);

// Returns the email of bot number `number` of `resource` at `domain`.
std::string BotEmail(const ResourceRef& resource, int64_t number,
                     absl::string_view domain);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_BOT_NAMES_H_
