// Runs a program to completion as a child process, with given standard
// input and environment, and captures its standard output and standard
// error apart, for tests of command-line tools.
#ifndef ACCESSTOKENS_TESTS_TESTING_RUN_PROCESS_H_
#define ACCESSTOKENS_TESTS_TESTING_RUN_PROCESS_H_

#include <map>
#include <string>
#include <vector>

namespace accesstokens::testing {

struct ProcessOutput {
  // The exit code, or 128 plus the signal number if a signal ended it.
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `binary` with `args`, `input` on standard input and exactly the
// variables in `environment` plus PATH, HOME and the sanitizer options
// (ASAN_OPTIONS and the like) from the test's own environment. Exit code
// 127 means the binary could not be run.
ProcessOutput RunProcess(const std::string& binary,
                         const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& environment,
                         const std::string& input = "");

}  // namespace accesstokens::testing

#endif  // ACCESSTOKENS_TESTS_TESTING_RUN_PROCESS_H_
