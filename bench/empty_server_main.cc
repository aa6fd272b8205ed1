// accesstokens-bench-empty-server: serves EmptyService, whose one method
// does nothing, with the gRPC setup of accesstokens-server: the callback
// API, ConfigureGrpcServer() and plaintext. Benchmarks state each result
// as a ratio to a call of this method measured in the same run.
// SIGTERM and SIGINT stop it.

#include <signal.h>

#include <cstdlib>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "accesstokens/bench/v1/empty_service.grpc.pb.h"
#include "glog/logging.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "service/server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0",
          "Address to listen on, as host:port. Port 0 picks a free port.");

namespace {

class EmptyServiceImpl final
    : public accesstokens::bench::v1::EmptyService::CallbackService {
  grpc::ServerUnaryReactor* Call(
      grpc::CallbackServerContext* context,
      const accesstokens::bench::v1::CallRequest* request,
      accesstokens::bench::v1::CallResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Serves a unary method that does nothing, as a benchmark baseline.\n"
      "Usage: accesstokens-bench-empty-server [--listen=127.0.0.1:0]");
  absl::ParseCommandLine(argc, argv);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  // Lock-order checks off, as in accesstokens-server (see there).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  EmptyServiceImpl service;
  grpc::ServerBuilder builder;
  accesstokens::ConfigureGrpcServer(builder);
  const std::string listen = absl::GetFlag(FLAGS_listen);
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    LOG(ERROR) << "cannot listen on \"" << listen
               << "\": the address is invalid or the port is in use";
    return EXIT_FAILURE;
  }
  LOG(INFO) << "accesstokens-bench-empty-server listening on "
            << listen.substr(0, listen.rfind(':')) << ":" << port;

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->Shutdown();
  server->Wait();
  return EXIT_SUCCESS;
}
