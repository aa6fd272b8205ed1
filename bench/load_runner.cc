#include "bench/load_runner.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace accesstokens::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// How long a channel may take to connect before the run fails.
constexpr auto kConnectTimeout = std::chrono::seconds(10);

// One call slot: a call in flight, replaced by the next when it completes.
struct Slot {
  grpc::GenericStub* stub = nullptr;
  grpc::CompletionQueue* queue = nullptr;
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  grpc::ByteBuffer response;
  grpc::Status status;
  SteadyClock::time_point start;
};

// Counts and latencies of one client thread, merged after the run.
struct ThreadStats {
  std::vector<int64_t> latencies_ns;
  std::map<grpc::StatusCode, int64_t> statuses;
  int64_t warmup_calls = 0;
  bool exhausted = false;
};

// Returns the CPU time, user and system, that process `pid` has used, in
// seconds, from /proc; -1 if it cannot be read.
double ProcessCpuSeconds(int pid) {
  std::ifstream file(absl::StrCat("/proc/", pid, "/stat"));
  std::string text((std::istreambuf_iterator<char>(file)),
                   std::istreambuf_iterator<char>());
  // The command name in brackets may contain spaces; fields count from
  // after its closing bracket, where field 3 (the state) starts.
  const size_t name_end = text.rfind(')');
  if (name_end == std::string::npos) return -1;
  std::istringstream fields(text.substr(name_end + 2));
  std::string field;
  double ticks = 0;
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number == 14 || number == 15) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double OwnCpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& time) {
    return time.tv_sec + time.tv_usec / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Returns the CPU time that the whole machine has spent busy since boot,
// in seconds, from the first line of /proc/stat; -1 if it cannot be read.
double MachineBusySeconds() {
  std::ifstream file("/proc/stat");
  std::string label;
  file >> label;
  if (label != "cpu") return -1;
  // user nice system idle iowait irq softirq steal: all but idle and
  // iowait are busy.
  double ticks = 0;
  for (int field = 0; field < 8; ++field) {
    double value = 0;
    if (!(file >> value)) return -1;
    if (field != 3 && field != 4) ticks += value;
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double LoadAverage() {
  std::ifstream file("/proc/loadavg");
  double one_minute = 0;
  file >> one_minute;
  return one_minute;
}

class Runner {
 public:
  Runner(const LoadOptions& options, Scenario& scenario)
      : options_(options), scenario_(scenario) {}

  absl::StatusOr<LoadResult> Run() {
    absl::Status connected = Connect();
    if (!connected.ok()) return connected;

    const int slot_count = options_.channels * options_.calls_per_channel;
    slots_.resize(slot_count);
    queues_.resize(options_.threads);
    for (auto& queue : queues_) {
      queue = std::make_unique<grpc::CompletionQueue>();
    }
    for (int i = 0; i < slot_count; ++i) {
      slots_[i].stub = stubs_[i % options_.channels].get();
      slots_[i].queue = queues_[i % options_.threads].get();
    }

    const auto now = SteadyClock::now();
    measure_start_ = now + absl::ToChronoNanoseconds(options_.warmup);
    end_ = measure_start_ + absl::ToChronoNanoseconds(options_.duration);
    std::vector<ThreadStats> stats(options_.threads);
    std::vector<std::thread> threads;
    for (int t = 0; t < options_.threads; ++t) {
      threads.emplace_back([this, t, &stats] { Drive(t, stats[t]); });
    }

    // CPU time and load are read at the window's edges.
    LoadResult result;
    std::this_thread::sleep_until(measure_start_);
    const double client_cpu_start = OwnCpuSeconds();
    const double machine_cpu_start = MachineBusySeconds();
    const double server_cpu_start =
        options_.server_pid > 0 ? ProcessCpuSeconds(options_.server_pid) : -1;
    result.load_average_start = LoadAverage();
    std::this_thread::sleep_until(end_);
    result.client_cpu_seconds = OwnCpuSeconds() - client_cpu_start;
    const double machine_cpu_end = MachineBusySeconds();
    if (machine_cpu_start >= 0 && machine_cpu_end >= 0) {
      result.machine_cpu_seconds = machine_cpu_end - machine_cpu_start;
    }
    if (server_cpu_start >= 0) {
      const double server_cpu_end = ProcessCpuSeconds(options_.server_pid);
      if (server_cpu_end >= 0) {
        result.server_cpu_seconds = server_cpu_end - server_cpu_start;
      }
    }
    result.load_average_end = LoadAverage();

    for (std::thread& thread : threads) thread.join();
    for (auto& queue : queues_) {
      queue->Shutdown();
      void* tag = nullptr;
      bool ok = false;
      while (queue->Next(&tag, &ok)) {
      }
    }
    Merge(stats, result);
    return result;
  }

 private:
  absl::Status Connect() {
    grpc::ChannelArguments arguments;
    // Separate connections: without these, channels with equal arguments
    // share one subchannel and so one TCP connection.
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    if (!options_.tls_server_name.empty()) {
      arguments.SetSslTargetNameOverride(options_.tls_server_name);
    }
    std::shared_ptr<grpc::ChannelCredentials> credentials =
        options_.credentials != nullptr ? options_.credentials
                                        : grpc::InsecureChannelCredentials();
    for (int i = 0; i < options_.channels; ++i) {
      arguments.SetInt("accesstokens.bench.channel", i);
      std::shared_ptr<grpc::Channel> channel =
          grpc::CreateCustomChannel(options_.target, credentials, arguments);
      if (!channel->WaitForConnected(std::chrono::system_clock::now() +
                                     kConnectTimeout)) {
        return absl::UnavailableError(absl::StrCat(
            "cannot connect to ", options_.target, " within 10 s"));
      }
      stubs_.push_back(std::make_unique<grpc::GenericStub>(channel));
      channels_.push_back(std::move(channel));
    }
    return absl::OkStatus();
  }

  // Starts the next call of `slot`. Returns false when the scenario has no
  // more calls.
  bool Start(Slot& slot, absl::InsecureBitGen& random, ThreadStats& stats) {
    std::optional<Call> call = scenario_.Next(random);
    if (!call.has_value()) {
      stats.exhausted = true;
      return false;
    }
    slot.context = std::make_unique<grpc::ClientContext>();
    slot.start = SteadyClock::now();
    // gRPC takes deadlines on the system clock only.
    slot.context->set_deadline(std::chrono::system_clock::now() +
                               absl::ToChronoNanoseconds(options_.call_timeout));
    if (!options_.bearer_credential.empty()) {
      slot.context->AddMetadata(
          "authorization", absl::StrCat("Bearer ", options_.bearer_credential));
    }
    slot.reader = slot.stub->PrepareUnaryCall(
        slot.context.get(), *call->method, call->request, slot.queue);
    slot.reader->StartCall();
    slot.reader->Finish(&slot.response, &slot.status, &slot);
    return true;
  }

  // Keeps the slots of client thread `t` busy until the window ends.
  void Drive(int t, ThreadStats& stats) {
    absl::InsecureBitGen random;
    grpc::CompletionQueue& queue = *queues_[t];
    int active = 0;
    for (size_t i = t; i < slots_.size(); i += options_.threads) {
      if (Start(slots_[i], random, stats)) ++active;
    }

    while (active > 0) {
      void* tag = nullptr;
      bool ok = false;
      if (!queue.Next(&tag, &ok)) break;
      Slot& slot = *static_cast<Slot*>(tag);
      const auto done = SteadyClock::now();
      if (done >= measure_start_ && done < end_) {
        stats.latencies_ns.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(done -
                                                                 slot.start)
                .count());
        ++stats.statuses[slot.status.error_code()];
      } else if (done < measure_start_) {
        ++stats.warmup_calls;
      }
      if (done >= end_ || !Start(slot, random, stats)) --active;
    }
  }

  void Merge(std::vector<ThreadStats>& stats, LoadResult& result) {
    result.window_seconds = absl::ToDoubleSeconds(options_.duration);
    for (ThreadStats& thread : stats) {
      result.latencies_ns.insert(result.latencies_ns.end(),
                                 thread.latencies_ns.begin(),
                                 thread.latencies_ns.end());
      for (const auto& [code, count] : thread.statuses) {
        result.statuses[code] += count;
      }
      result.warmup_calls += thread.warmup_calls;
      result.exhausted = result.exhausted || thread.exhausted;
    }
    std::sort(result.latencies_ns.begin(), result.latencies_ns.end());
    result.calls = static_cast<int64_t>(result.latencies_ns.size());
    for (const auto& [code, count] : result.statuses) {
      if (code != scenario_.expected_status()) result.unexpected += count;
    }
  }

  const LoadOptions& options_;
  Scenario& scenario_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::vector<std::unique_ptr<grpc::CompletionQueue>> queues_;
  std::vector<Slot> slots_;
  SteadyClock::time_point measure_start_;
  SteadyClock::time_point end_;
};

}  // namespace

double LoadResult::LatencyMicros(double q) const {
  if (latencies_ns.empty()) return 0;
  const double rank = std::ceil(q * static_cast<double>(latencies_ns.size()));
  const size_t index = static_cast<size_t>(std::max(rank, 1.0)) - 1;
  return latencies_ns[std::min(index, latencies_ns.size() - 1)] / 1000.0;
}

absl::StatusOr<LoadResult> RunLoad(const LoadOptions& options,
                                   Scenario& scenario) {
  if (options.channels < 1 || options.calls_per_channel < 1 ||
      options.threads < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "channels (", options.channels, "), calls per channel (",
        options.calls_per_channel, ") and threads (", options.threads,
        ") must each be 1 or more"));
  }
  if (options.duration <= absl::ZeroDuration() ||
      options.warmup < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "duration ", absl::FormatDuration(options.duration), " and warm-up ",
        absl::FormatDuration(options.warmup),
        " are invalid; the duration must be positive and the warm-up 0 or "
        "more"));
  }
  Runner runner(options, scenario);
  return runner.Run();
}

std::string StatusCodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED",
  };
  const int number = static_cast<int>(code);
  if (number >= 0 && number < static_cast<int>(std::size(kNames))) {
    return kNames[number];
  }
  return absl::StrCat("CODE_", number);
}

}  // namespace accesstokens::bench
