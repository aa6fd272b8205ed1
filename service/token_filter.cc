#include "service/token_filter.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace accesstokens {

absl::StatusOr<TokenFilter> ParseTokenFilter(absl::string_view filter) {
  absl::string_view rest = absl::StripAsciiWhitespace(filter);
  TokenFilter parsed;
  parsed.canonical = "state=all";
  if (rest.empty()) return parsed;

  const auto unsupported = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "filter \"", filter.substr(0, 100),
        "\" is not supported; use state = active, state = inactive or "
        "state = all, or leave it empty for all tokens"));
  };
  if (!absl::ConsumePrefix(&rest, "state")) return unsupported();
  rest = absl::StripLeadingAsciiWhitespace(rest);
  if (!absl::ConsumePrefix(&rest, "=")) return unsupported();
  const std::string value =
      absl::AsciiStrToLower(absl::StripLeadingAsciiWhitespace(rest));
  if (value == "active") {
    parsed.state = TokenStateFilter::kActive;
  } else if (value == "inactive") {
    parsed.state = TokenStateFilter::kInactive;
  } else if (value != "all") {
    return unsupported();
  }
  parsed.canonical = absl::StrCat("state=", value);
  return parsed;
}

}  // namespace accesstokens
