// accesstokens-bench-load: a load generator for accesstokens-server and
// the empty baseline server. It keeps channels x calls_per_channel unary
// calls in flight for a warm-up and a measured window, then prints a
// summary and one JSON line with calls per second, latency percentiles,
// statuses, CPU time per call and the machine's load average.

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "bench/load_runner.h"
#include "bench/scenarios.h"
#include "glog/logging.h"
#include "grpcpp/security/credentials.h"

ABSL_FLAG(std::string, target, "",
          "Server address, host:port. Required; use loopback addresses only.");
ABSL_FLAG(std::string, scenario, "",
          "Scenario to run: empty, authenticate_valid, authenticate_unknown, "
          "authenticate_revoked, create, rotate, revoke, list_first_page, "
          "list_deep_page or mix. Required.");
ABSL_FLAG(std::string, layout, "",
          "Layout file that accesstokens-bench-seed wrote beside the "
          "database. Required for every scenario but empty.");
ABSL_FLAG(int, channels, 4, "Channels, each with its own TCP connection.");
ABSL_FLAG(int, calls_per_channel, 16, "Calls kept in flight per channel.");
ABSL_FLAG(int, threads, 2,
          "Client threads, each with its own completion queue. One thread "
          "saturates before a server on two cores does.");
ABSL_FLAG(double, warmup_seconds, 2, "Seconds of load before measuring.");
ABSL_FLAG(double, duration_seconds, 10, "Seconds of the measured window.");
ABSL_FLAG(double, call_timeout_seconds, 10, "Deadline of each call.");
ABSL_FLAG(std::string, token_range, "",
          "Token indexes that authentication picks from, as BEGIN:END "
          "(END excluded). Empty means every token.");
ABSL_FLAG(std::string, consume_range, "",
          "Token indexes that rotate, revoke and the writes of mix use up, "
          "as BEGIN:END. Empty means every token.");
ABSL_FLAG(int64_t, working_set, 0,
          "Tokens that authenticate_valid and mix spread their calls over, "
          "evenly placed in --token_range; 0 picks uniformly from it.");
ABSL_FLAG(int, page_size, 20, "page_size of the listing scenarios.");
ABSL_FLAG(double, list_depth, 0.9,
          "Where list_deep_page starts, as a fraction of project 1's tokens.");
ABSL_FLAG(double, write_fraction, 0.05, "Share of mix calls that write.");
ABSL_FLAG(int64_t, client_addresses, 0,
          "Distinct client_address values of authentication calls, from "
          "198.18.0.0/15, so that the server's limit of failed "
          "authentications per address does not refuse them; 0 sends none.");
ABSL_FLAG(int, server_pid, 0,
          "Process id of the server, to measure its CPU time per call; 0 "
          "skips it.");
ABSL_FLAG(std::string, label, "",
          "Free text copied into the output, such as the database size.");
ABSL_FLAG(std::string, json_file, "",
          "File to append the JSON line to, besides standard output.");
ABSL_FLAG(bool, fail_on_unexpected, false,
          "Exit with status 1 if a call ended with an unexpected status or "
          "no call completed.");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM file of the CA that signed the server's certificate; empty "
          "connects in plaintext.");
ABSL_FLAG(std::string, tls_server_name, "",
          "Name the server's certificate must match, if not the target host.");
ABSL_FLAG(std::string, bearer_credential_env, "",
          "Environment variable holding a bearer credential to send as "
          "\"authorization: Bearer ...\"; empty sends none.");

namespace {

namespace bench = accesstokens::bench;

// Parses "BEGIN:END" into `begin` and `end`; empty leaves them unchanged.
absl::Status ParseRange(absl::string_view flag, absl::string_view text,
                        int64_t& begin, int64_t& end) {
  if (text.empty()) return absl::OkStatus();
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits(':', 1));
  if (!absl::SimpleAtoi(parts.first, &begin) ||
      !absl::SimpleAtoi(parts.second, &end) || begin < 0 || end <= begin) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " \"", text,
                     "\" is invalid; give BEGIN:END with 0 <= BEGIN < END"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::NotFoundError(absl::StrCat("cannot read \"", path, "\""));
  }
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

absl::StatusOr<bench::LoadOptions> LoadOptionsFromFlags() {
  bench::LoadOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  if (options.target.empty()) {
    return absl::InvalidArgumentError(
        "--target is required, such as 127.0.0.1:50051");
  }
  options.channels = absl::GetFlag(FLAGS_channels);
  options.calls_per_channel = absl::GetFlag(FLAGS_calls_per_channel);
  options.threads = absl::GetFlag(FLAGS_threads);
  options.warmup = absl::Seconds(absl::GetFlag(FLAGS_warmup_seconds));
  options.duration = absl::Seconds(absl::GetFlag(FLAGS_duration_seconds));
  options.call_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_call_timeout_seconds));
  options.server_pid = absl::GetFlag(FLAGS_server_pid);

  const std::string ca_file = absl::GetFlag(FLAGS_tls_ca_file);
  if (!ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadFile(ca_file);
    if (!ca.ok()) return ca.status();
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = *std::move(ca);
    options.credentials = grpc::SslCredentials(ssl);
  }
  options.tls_server_name = absl::GetFlag(FLAGS_tls_server_name);
  const std::string bearer_env = absl::GetFlag(FLAGS_bearer_credential_env);
  if (!bearer_env.empty()) {
    const char* value = std::getenv(bearer_env.c_str());
    if (value == nullptr || *value == '\0') {
      return absl::InvalidArgumentError(absl::StrCat(
          "--bearer_credential_env names ", bearer_env,
          ", which is unset or empty; set it to the bearer credential"));
    }
    options.bearer_credential = value;
  }
  return options;
}

absl::StatusOr<bench::ScenarioOptions> ScenarioOptionsFromFlags(
    absl::string_view scenario) {
  bench::ScenarioOptions options;
  const std::string layout_path = absl::GetFlag(FLAGS_layout);
  if (!layout_path.empty()) {
    absl::StatusOr<bench::SeedLayout> layout =
        bench::ReadLayoutFile(layout_path);
    if (!layout.ok()) return layout.status();
    options.layout = *std::move(layout);
  } else if (scenario != "empty") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--layout is required for scenario ", scenario,
        "; give the .layout file beside the seeded database"));
  } else {
    options.layout.token_count = 2;  // The empty scenario reads no tokens.
    options.layout.big_project_tokens = 2;
  }
  absl::Status parsed =
      ParseRange("token_range", absl::GetFlag(FLAGS_token_range),
                 options.token_begin, options.token_end);
  if (parsed.ok()) {
    parsed = ParseRange("consume_range", absl::GetFlag(FLAGS_consume_range),
                        options.consume_begin, options.consume_end);
  }
  if (!parsed.ok()) return parsed;
  options.working_set = absl::GetFlag(FLAGS_working_set);
  options.page_size = absl::GetFlag(FLAGS_page_size);
  options.list_depth = absl::GetFlag(FLAGS_list_depth);
  options.write_fraction = absl::GetFlag(FLAGS_write_fraction);
  options.client_addresses = absl::GetFlag(FLAGS_client_addresses);
  return options;
}

// Returns the JSON line of a run. Strings are flag values and status names,
// so only quotes and backslashes need escaping.
std::string JsonLine(absl::string_view scenario,
                     const bench::LoadOptions& options,
                     const bench::LoadResult& result) {
  const auto quote = [](absl::string_view text) {
    std::string escaped;
    for (char c : text) {
      if (c == '"' || c == '\\') escaped.push_back('\\');
      escaped.push_back(c);
    }
    return absl::StrCat("\"", escaped, "\"");
  };
  std::vector<std::string> statuses;
  for (const auto& [code, count] : result.statuses) {
    statuses.push_back(
        absl::StrCat(quote(bench::StatusCodeName(code)), ":", count));
  }
  return absl::StrFormat(
      "{\"tool\":\"load\",\"scenario\":%s,\"label\":%s,\"target\":%s,"
      "\"channels\":%d,\"calls_per_channel\":%d,\"in_flight\":%d,"
      "\"threads\":%d,\"warmup_seconds\":%.3f,\"window_seconds\":%.3f,"
      "\"calls\":%d,\"calls_per_second\":%.1f,\"latency_us\":{\"p50\":%.1f,"
      "\"p90\":%.1f,\"p99\":%.1f,\"max\":%.1f},\"statuses\":{%s},"
      "\"unexpected\":%d,\"warmup_calls\":%d,\"exhausted\":%s,"
      "\"client_cpu_seconds\":%.3f,\"server_cpu_seconds\":%.3f,"
      "\"machine_cpu_seconds\":%.3f,"
      "\"load_average_start\":%.2f,\"load_average_end\":%.2f}",
      quote(scenario), quote(absl::GetFlag(FLAGS_label)),
      quote(options.target), options.channels, options.calls_per_channel,
      options.channels * options.calls_per_channel, options.threads,
      absl::ToDoubleSeconds(options.warmup), result.window_seconds,
      result.calls, result.CallsPerSecond(), result.LatencyMicros(0.5),
      result.LatencyMicros(0.9), result.LatencyMicros(0.99),
      result.LatencyMicros(1.0), absl::StrJoin(statuses, ","),
      result.unexpected, result.warmup_calls,
      result.exhausted ? "true" : "false", result.client_cpu_seconds,
      result.server_cpu_seconds, result.machine_cpu_seconds,
      result.load_average_start,
      result.load_average_end);
}

// Returns CPU microseconds per call, or "-" when unknown.
std::string CpuPerCall(double seconds, int64_t calls) {
  if (seconds < 0 || calls == 0) return "-";
  return absl::StrFormat("%.1f us", seconds * 1e6 / calls);
}

// Returns the CPU time that other processes than the client and the server
// used during the window, in cores, such as "0.35 cores", or "-" when
// unknown.
std::string OtherCpu(const bench::LoadResult& result) {
  if (result.machine_cpu_seconds < 0 || result.server_cpu_seconds < 0) {
    return "-";
  }
  const double other = result.machine_cpu_seconds -
                       result.client_cpu_seconds - result.server_cpu_seconds;
  return absl::StrFormat("%.2f cores", std::max(other, 0.0) /
                                           result.window_seconds);
}

void PrintSummary(absl::string_view scenario, const bench::LoadOptions& options,
                  const bench::LoadResult& result) {
  std::vector<std::string> statuses;
  for (const auto& [code, count] : result.statuses) {
    statuses.push_back(
        absl::StrCat(bench::StatusCodeName(code), " ", count));
  }
  std::cout << absl::StrFormat(
      "%s against %s: %d channels x %d calls in flight, %d client threads, "
      "%.1f s after %.1f s of warm-up%s\n"
      "  %10.0f calls/s   latency p50 %.0f us  p90 %.0f us  p99 %.0f us  "
      "max %.0f us\n"
      "  statuses: %s; unexpected %d%s\n"
      "  CPU per call: client %s, server %s; other processes used %s of "
      "the CPU; load average %.2f -> %.2f\n",
      scenario, options.target, options.channels, options.calls_per_channel,
      options.threads, result.window_seconds,
      absl::ToDoubleSeconds(options.warmup),
      absl::GetFlag(FLAGS_label).empty()
          ? ""
          : absl::StrCat(" (", absl::GetFlag(FLAGS_label), ")"),
      result.CallsPerSecond(), result.LatencyMicros(0.5),
      result.LatencyMicros(0.9), result.LatencyMicros(0.99),
      result.LatencyMicros(1.0),
      statuses.empty() ? "none" : absl::StrJoin(statuses, ", "),
      result.unexpected,
      result.exhausted ? "; the scenario ran out of tokens to use up" : "",
      CpuPerCall(result.client_cpu_seconds, result.calls),
      CpuPerCall(result.server_cpu_seconds, result.calls),
      OtherCpu(result), result.load_average_start, result.load_average_end);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Drives unary calls against accesstokens-server or the empty "
      "baseline server.\n"
      "Usage: accesstokens-bench-load --target=127.0.0.1:PORT "
      "--scenario=NAME --layout=DB.layout [flags]");
  absl::ParseCommandLine(argc, argv);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  // Lock-order checks off, as in accesstokens-server (see there).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  const std::string scenario_name = absl::GetFlag(FLAGS_scenario);
  absl::StatusOr<bench::LoadOptions> options = LoadOptionsFromFlags();
  if (!options.ok()) {
    LOG(ERROR) << options.status().message();
    return EXIT_FAILURE;
  }
  absl::StatusOr<bench::ScenarioOptions> scenario_options =
      ScenarioOptionsFromFlags(scenario_name);
  if (!scenario_options.ok()) {
    LOG(ERROR) << scenario_options.status().message();
    return EXIT_FAILURE;
  }
  absl::StatusOr<std::unique_ptr<bench::Scenario>> scenario =
      bench::MakeScenario(scenario_name, *scenario_options);
  if (!scenario.ok()) {
    LOG(ERROR) << scenario.status().message();
    return EXIT_FAILURE;
  }

  absl::StatusOr<bench::LoadResult> result = bench::RunLoad(*options, **scenario);
  if (!result.ok()) {
    LOG(ERROR) << "the run failed: " << result.status().message();
    return EXIT_FAILURE;
  }
  PrintSummary(scenario_name, *options, *result);
  const std::string json = JsonLine(scenario_name, *options, *result);
  std::cout << json << std::endl;
  const std::string json_file = absl::GetFlag(FLAGS_json_file);
  if (!json_file.empty()) {
    std::ofstream out(json_file, std::ios::app);
    out << json << "\n";
    if (!out) {
      LOG(ERROR) << "cannot append to --json_file " << json_file;
      return EXIT_FAILURE;
    }
  }
  if (absl::GetFlag(FLAGS_fail_on_unexpected) &&
      (result->unexpected > 0 || result->calls == 0)) {
    LOG(ERROR) << "unexpected statuses or no completed call; see above";
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
