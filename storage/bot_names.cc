#include "storage/bot_names.h"

#include "absl/strings/str_cat.h"

namespace accesstokens {
namespace {

std::string NumberSuffix(int64_t number) {
  return number == 0 ? std::string() : absl::StrCat(number);
}

}  // namespace

std::string BotUsername(const ResourceRef& resource, int64_t number) {
  const char* kind =
      resource.kind == ResourceKind::kProject ? "project_" : "group_";
  return absl::StrCat(kind, resource.id, "_bot", NumberSuffix(number));
}

std::string BotEmail(const ResourceRef& resource, int64_t number,
                     absl::string_view domain) {
  // Project emails drop the underscore between the kind and the id; group
  // emails keep it. Both follow GitLab's bot emails.
  const char* kind =
      resource.kind == ResourceKind::kProject ? "project" : "group_";
  return absl::StrCat(kind, resource.id, "_bot", NumberSuffix(number), "@",
                      domain);
}

}  // namespace accesstokens
