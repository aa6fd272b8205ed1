#include "clients/cpp/cli/enum_names.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace accesstokens::cli {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;

// Returns the prefix shared by the enum's value names, such as "SCOPE_".
absl::string_view CommonPrefix(const EnumDescriptor* type) {
  const EnumValueDescriptor* zero = type->FindValueByNumber(0);
  if (zero == nullptr) return "";
  absl::string_view name = zero->name();
  absl::ConsumeSuffix(&name, "UNSPECIFIED");
  return name;
}

std::string PlainName(const EnumValueDescriptor* value) {
  absl::string_view name = value->name();
  absl::ConsumePrefix(&name, CommonPrefix(value->type()));
  return absl::AsciiStrToLower(name);
}

}  // namespace

std::string EnumPlainName(const EnumDescriptor* type, int number) {
  const EnumValueDescriptor* value = type->FindValueByNumber(number);
  if (value == nullptr) return absl::StrCat(number);
  return PlainName(value);
}

std::optional<int> ParseEnumName(const EnumDescriptor* type,
                                 absl::string_view text) {
  for (int i = 0; i < type->value_count(); ++i) {
    const EnumValueDescriptor* value = type->value(i);
    if (value->number() == 0) continue;
    if (absl::EqualsIgnoreCase(text, PlainName(value)) ||
        absl::EqualsIgnoreCase(text, value->name())) {
      return value->number();
    }
  }
  return std::nullopt;
}

std::string EnumPlainNameList(const EnumDescriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0)
      names.push_back(PlainName(type->value(i)));
  }
  return absl::StrJoin(names, ", ");
}

}  // namespace accesstokens::cli
