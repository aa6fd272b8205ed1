#include "tests/testing/run_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens::testing {
namespace {

// Opens `path` as `target_fd` in the child, or exits the child with 127.
void RedirectInChild(const std::string& path, int flags, int target_fd) {
  const int fd = open(path.c_str(), flags, 0600);
  if (fd < 0 || dup2(fd, target_fd) < 0) _exit(127);
  close(fd);
}

std::vector<std::string> ChildEnvironment(
    const std::map<std::string, std::string>& environment) {
  std::map<std::string, std::string> variables = environment;
  // The sanitizer options, so that a sanitizer build checks the child as
  // it checks the test.
  for (const char* inherited :
       {"PATH", "HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS",
        "ASAN_SYMBOLIZER_PATH", "TSAN_SYMBOLIZER_PATH"}) {
    const char* value = std::getenv(inherited);
    if (value != nullptr && variables.count(inherited) == 0) {
      variables[inherited] = value;
    }
  }
  std::vector<std::string> entries;
  for (const auto& [name, value] : variables) {
    entries.push_back(absl::StrCat(name, "=", value));
  }
  return entries;
}

}  // namespace

ProcessOutput RunProcess(const std::string& binary,
                         const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& environment,
                         const std::string& input) {
  // Files instead of pipes, so the child cannot block on a full pipe.
  TempDir folder;
  const std::string input_path = folder.File("stdin");
  const std::string out_path = folder.File("stdout");
  const std::string err_path = folder.File("stderr");
  std::ofstream(input_path, std::ios::binary) << input;

  std::vector<std::string> argv_strings = {binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = ChildEnvironment(environment);
  std::vector<char*> envp;
  for (std::string& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);

  const pid_t pid = fork();
  CHECK_GE(pid, 0) << "fork failed";
  if (pid == 0) {
    RedirectInChild(input_path, O_RDONLY, STDIN_FILENO);
    RedirectInChild(out_path, O_WRONLY | O_CREAT | O_TRUNC, STDOUT_FILENO);
    RedirectInChild(err_path, O_WRONLY | O_CREAT | O_TRUNC, STDERR_FILENO);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }

  int status = 0;
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  ProcessOutput output;
  output.exit_code =
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  output.out = ReadFileOrEmpty(out_path);
  output.err = ReadFileOrEmpty(err_path);
  return output;
}

}  // namespace accesstokens::testing
