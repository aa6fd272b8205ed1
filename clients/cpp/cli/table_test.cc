#include "clients/cpp/cli/table.h"

#include <sstream>

#include "gtest/gtest.h"

namespace accesstokens::cli {
namespace {

TEST(Table, AlignsColumnsToWidestCell) {
  Table table({"NAME", "STATE"});
  table.AddRow({"projects/123/accessTokens/1", "active"});
  table.AddRow({"groups/1/accessTokens/22", "revoked"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "NAME                         STATE\n"
            "projects/123/accessTokens/1  active\n"
            "groups/1/accessTokens/22     revoked\n");
}

TEST(Table, HeadersOnlyWhenEmpty) {
  Table table({"NAME", "STATE"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(), "NAME  STATE\n");
}

TEST(Table, CountsCodePointsNotBytes) {
  Table table({"NAME", "X"});
  table.AddRow({"Zürich", "1"});  // 6 code points, 7 bytes.
  table.AddRow({"Berlin", "2"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "NAME    X\n"
            "Zürich  1\n"
            "Berlin  2\n");
}

TEST(Table, EscapesControlCharacters) {
  Table table({"NAME"});
  table.AddRow({"evil\n\x1b[2Jname\t"});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(), "NAME\nevil\\n\\x1b[2Jname\\t\n");
}

TEST(FieldList, AlignsValuesAfterLongestLabel) {
  FieldList fields;
  fields.Add("name", "groups/109");
  fields.Add("display name", "Platform\r");
  std::ostringstream out;
  fields.Print(out);
  EXPECT_EQ(out.str(),
            "name:          groups/109\n"
            "display name:  Platform\\r\n");
}

TEST(EscapeControlCharacters, KeepsPrintableText) {
  EXPECT_EQ(EscapeControlCharacters("ci bot – 1"), "ci bot – 1");
  EXPECT_EQ(EscapeControlCharacters(std::string("a\0b\x7f", 4)),
            "a\\x00b\\x7f");
}

}  // namespace
}  // namespace accesstokens::cli
