// A fresh folder under the test's temporary directory, removed with its
// contents on destruction.
#ifndef ACCESSTOKENS_TESTS_TESTING_TEMP_DIR_H_
#define ACCESSTOKENS_TESTS_TESTING_TEMP_DIR_H_

#include <string>

#include "absl/strings/string_view.h"

namespace accesstokens::testing {

// Not thread-safe.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Returns path()/name.
  std::string File(absl::string_view name) const;

 private:
  std::string path_;
};

// Returns the whole contents of a file, or an empty string if it does not
// exist.
std::string ReadFileOrEmpty(const std::string& path);

}  // namespace accesstokens::testing

#endif  // ACCESSTOKENS_TESTS_TESTING_TEMP_DIR_H_
