#include "service/list_queries.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "accesstokens/v1/resources.pb.h"
#include "service/filter_parser.h"
#include "service/policy.h"
#include "storage/status_macros.h"

namespace accesstokens {
namespace {

constexpr char kTokenFields[] =
    "state, display_name, create_time, expires_on or last_use_time";
constexpr char kAuditFields[] = "target, action or time";

absl::Status UnsupportedField(const FilterTerm& term,
                              absl::string_view supported) {
  return absl::InvalidArgumentError(
      absl::StrCat("filter field \"", term.field,
                   "\" is not supported; use ", supported));
}

absl::Status UnsupportedOperator(const FilterTerm& term,
                                 absl::string_view allowed) {
  return absl::InvalidArgumentError(
      absl::StrCat("filter operator \"", term.op, "\" is not supported for ",
                   term.field, "; use ", allowed));
}

absl::Status InvalidValue(const FilterTerm& term, absl::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("filter value \"", term.value.substr(0, 100), "\" of ",
                   term.field, " is invalid; expected ", expected));
}

// Returns the comparison of a range operator; unset for others.
std::optional<Comparison> RangeComparison(absl::string_view op) {
  if (op == "<") return Comparison::kLess;
  if (op == "<=") return Comparison::kLessOrEqual;
  if (op == ">") return Comparison::kGreater;
  if (op == ">=") return Comparison::kGreaterOrEqual;
  return std::nullopt;
}

// Appends the bounds of `term`, a range comparison of timestamps.
absl::Status AddTimeBounds(const FilterTerm& term,
                           std::vector<Bound<absl::Time>>& bounds) {
  const std::optional<Comparison> comparison = RangeComparison(term.op);
  if (!comparison.has_value()) {
    return UnsupportedOperator(term, "<, <=, > or >=");
  }
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, term.value, &time, &error)) {
    return InvalidValue(term, "an RFC 3339 time such as "
                              "\"2026-01-01T00:00:00Z\"");
  }
  bounds.push_back({*comparison, time});
  return absl::OkStatus();
}

absl::Status ApplyTokenTerm(const FilterTerm& term, TokenListQuery& query,
                            bool& has_state) {
  if (term.field == "state") {
    if (term.op != "=") return UnsupportedOperator(term, "=");
    if (has_state) {
      return absl::InvalidArgumentError(
          "filter names state twice; give one state");
    }
    has_state = true;
    const std::string value = absl::AsciiStrToLower(term.value);
    if (value == "all") {
      query.state = TokenStateFilter::kAll;
    } else if (value == "active") {
      query.state = TokenStateFilter::kActive;
    } else if (value == "inactive") {
      query.state = TokenStateFilter::kInactive;
    } else if (value == "revoked") {
      query.state = TokenStateFilter::kRevoked;
    } else if (value == "expired") {
      query.state = TokenStateFilter::kExpired;
    } else {
      return InvalidValue(term, "active, inactive, revoked, expired or all");
    }
    return absl::OkStatus();
  }

  if (term.field == "display_name") {
    if (term.op != ":") return UnsupportedOperator(term, ": (contains)");
    query.display_name_contains = term.value;
    return absl::OkStatus();
  }

  if (term.field == "create_time") {
    return AddTimeBounds(term, query.create_time);
  }

  if (term.field == "expires_on") {
    const std::optional<absl::CivilDay> day = ParseDate(term.value);
    if (!day.has_value()) return InvalidValue(term, "a date YYYY-MM-DD");
    if (term.op == "=") {
      query.expires_on.push_back({Comparison::kGreaterOrEqual, *day});
      query.expires_on.push_back({Comparison::kLessOrEqual, *day});
      return absl::OkStatus();
    }
    const std::optional<Comparison> comparison = RangeComparison(term.op);
    if (!comparison.has_value()) {
      return UnsupportedOperator(term, "=, <, <=, > or >=");
    }
    query.expires_on.push_back({*comparison, *day});
    return absl::OkStatus();
  }

  if (term.field == "last_use_time") {
    if (term.op == "=") {
      if (term.value != "null") {
        return InvalidValue(term, "null with =, or a time with <, <=, >, >=");
      }
      query.never_used = true;
      return absl::OkStatus();
    }
    return AddTimeBounds(term, query.last_use_time);
  }

  return UnsupportedField(term, kTokenFields);
}

}  // namespace

absl::Status ApplyTokenFilter(absl::string_view filter,
                              TokenListQuery& query) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(std::vector<FilterTerm> terms,
                                ParseFilter(filter));
  bool has_state = false;
  for (const FilterTerm& term : terms) {
    ACCESSTOKENS_RETURN_IF_ERROR(ApplyTokenTerm(term, query, has_state));
  }
  return absl::OkStatus();
}

absl::Status ApplyTokenOrder(absl::string_view order_by,
                             TokenListQuery& query) {
  if (order_by.size() > kMaxOrderByLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("order_by has ", order_by.size(), " bytes; at most ",
                     kMaxOrderByLength, " are allowed"));
  }
  std::vector<absl::string_view> words =
      absl::StrSplit(order_by, ' ', absl::SkipWhitespace());
  const auto unsupported = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "order_by \"", order_by.substr(0, 100),
        "\" is not supported; use create_time, expires_on, last_use_time or "
        "display_name, optionally followed by \" desc\""));
  };
  if (words.empty()) return absl::OkStatus();
  if (words.size() > 2) return unsupported();
  if (words.size() == 2) {
    if (words[1] == "desc") {
      query.descending = true;
    } else if (words[1] != "asc") {
      return unsupported();
    }
  }

  if (words[0] == "create_time") {
    query.order = TokenOrder::kCreateTime;
  } else if (words[0] == "expires_on") {
    query.order = TokenOrder::kExpiresOn;
  } else if (words[0] == "last_use_time") {
    query.order = TokenOrder::kLastUseTime;
  } else if (words[0] == "display_name") {
    query.order = TokenOrder::kDisplayName;
  } else {
    return unsupported();
  }
  return absl::OkStatus();
}

PageCursor TokenCursorOf(const TokenRecord& token, TokenOrder order) {
  PageCursor cursor;
  cursor.id = token.id;
  switch (order) {
    case TokenOrder::kCreateTime:
      cursor.sort_key = token.id;
      break;
    case TokenOrder::kExpiresOn:
      cursor.sort_key = token.expires_on - absl::CivilDay(1970, 1, 1);
      break;
    case TokenOrder::kLastUseTime:
      cursor.sort_key = token.last_use_time.has_value()
                            ? absl::ToUnixMicros(*token.last_use_time)
                            : int64_t{0};
      break;
    case TokenOrder::kDisplayName:
      cursor.sort_key = token.display_name;
      break;
  }
  return cursor;
}

absl::Status ApplyAuditFilter(absl::string_view filter,
                              AuditListQuery& query) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(std::vector<FilterTerm> terms,
                                ParseFilter(filter));
  for (const FilterTerm& term : terms) {
    if (term.field == "target") {
      if (term.op == "=") {
        query.target = term.value;
      } else if (term.op == ":") {
        query.target_prefix = term.value;
      } else {
        return UnsupportedOperator(term, "= (exactly) or : (and beneath)");
      }
    } else if (term.field == "action") {
      if (term.op != "=") return UnsupportedOperator(term, "=");
      std::string name = absl::AsciiStrToUpper(term.value);
      if (!absl::StartsWith(name, "ACTION_")) name = "ACTION_" + name;
      v1::AuditEvent::Action action;
      if (!v1::AuditEvent::Action_Parse(name, &action) ||
          action == v1::AuditEvent::ACTION_UNSPECIFIED) {
        return InvalidValue(term, "an AuditEvent.Action name such as "
                                  "ACTION_ROTATE_ACCESS_TOKEN");
      }
      query.action = static_cast<AuditAction>(action);
    } else if (term.field == "time") {
      ACCESSTOKENS_RETURN_IF_ERROR(AddTimeBounds(term, query.time));
    } else {
      return UnsupportedField(term, kAuditFields);
    }
  }
  return absl::OkStatus();
}

}  // namespace accesstokens
