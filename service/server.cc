#include "service/server.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "glog/logging.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "storage/status_macros.h"

namespace accesstokens {
namespace {

// Maximum value of --max_token_lifetime_days: ten years.
constexpr int kMaxLifetimeLimitDays = 3650;
// How long idempotency keys are kept: twice the promised day.
constexpr absl::Duration kIdempotencyKeyLifetime = absl::Hours(48);
// Bot users purged per transaction, so that a large backlog does not hold
// the writer for long.
constexpr int kPurgeBatchSize = 1000;

absl::Status ValidateEmailDomain(absl::string_view domain) {
  const auto invalid = [&](absl::string_view reason) {
    return absl::InvalidArgumentError(
        absl::StrCat("email domain \"", domain, "\" is invalid: ", reason));
  };
  if (domain.empty() || domain.size() > 253) {
    return invalid("it must have 1 to 253 characters");
  }
  for (absl::string_view label : absl::StrSplit(domain, '.')) {
    if (label.empty() || label.size() > 63) {
      return invalid("each dot-separated label must have 1 to 63 characters");
    }
    if (label.front() == '-' || label.back() == '-') {
      return invalid("a label may not start or end with '-'");
    }
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
        return invalid("only letters, digits, '-' and '.' are allowed");
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CreateParentFolder(const std::string& path) {
  const std::filesystem::path folder =
      std::filesystem::path(path).parent_path();
  if (folder.empty()) return absl::OkStatus();
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create the folder \"", folder.string(),
                     "\" of the database: ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateServerOptions(const ServerOptions& options) {
  if (options.listen_address.empty()) {
    return absl::InvalidArgumentError(
        "listen address is empty; give host:port, such as 127.0.0.1:50051");
  }
  if (options.database_path.empty()) {
    return absl::InvalidArgumentError("database path is empty");
  }
  if (options.secret_key_path.empty()) {
    return absl::InvalidArgumentError("secret key file path is empty");
  }
  ACCESSTOKENS_RETURN_IF_ERROR(ValidateEmailDomain(options.email_domain));
  ACCESSTOKENS_RETURN_IF_ERROR(ValidateTokenPrefix(options.token_prefix));
  if (options.bot_retention_days < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("bot retention ", options.bot_retention_days,
                     " days is negative; give 0 or more days"));
  }
  if (options.maintenance_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("maintenance interval ",
                     absl::FormatDuration(options.maintenance_interval),
                     " is not positive"));
  }
  if (options.max_token_lifetime_days < 1 ||
      options.max_token_lifetime_days > kMaxLifetimeLimitDays) {
    return absl::InvalidArgumentError(absl::StrCat(
        "maximum token lifetime ", options.max_token_lifetime_days,
        " days is out of range; allowed: 1 to ", kMaxLifetimeLimitDays));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(ServerOptions options,
                                                      const Clock* clock) {
  ACCESSTOKENS_RETURN_IF_ERROR(ValidateServerOptions(options));
  std::unique_ptr<Server> server(new Server());
  server->options_ = options;
  server->clock_ = clock;

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      TokenSecrets secrets,
      TokenSecrets::Create(options.secret_key_path, options.token_prefix));
  server->secrets_ = std::make_unique<TokenSecrets>(std::move(secrets));

  ACCESSTOKENS_RETURN_IF_ERROR(CreateParentFolder(options.database_path));
  SqliteStoreOptions store_options;
  store_options.path = options.database_path;
  store_options.email_domain = options.email_domain;
  ACCESSTOKENS_ASSIGN_OR_RETURN(server->store_,
                                SqliteStore::Open(std::move(store_options)));
  ACCESSTOKENS_RETURN_IF_ERROR(
      server->store_->CheckDigestKey(server->secrets_->KeyFingerprint()));

  ServiceOptions service_options;
  service_options.max_token_lifetime_days = options.max_token_lifetime_days;
  server->service_ = std::make_unique<AccessTokenServiceImpl>(
      server->store_.get(), clock, server->secrets_.get(), service_options);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // TODO: add TLS and caller authentication; until then serve on trusted
  // networks only.
  builder.AddListeningPort(options.listen_address,
                           grpc::InsecureServerCredentials(), &server->port_);
  builder.RegisterService(server->service_.get());
  server->grpc_server_ = builder.BuildAndStart();
  if (server->grpc_server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on \"", options.listen_address,
        "\": the address is invalid or the port is in use"));
  }
  server->grpc_server_->GetHealthCheckService()->SetServingStatus(
      v1::AccessTokenService::service_full_name(), true);

  const size_t colon = options.listen_address.rfind(':');
  server->address_ = absl::StrCat(options.listen_address.substr(0, colon),
                                  ":", server->port_);
  server->maintenance_ = std::thread([raw = server.get()] {
    raw->MaintenanceLoop();
  });
  return server;
}

absl::StatusOr<int> Server::RunMaintenance() {
  const absl::Time now = clock_->Now();
  const absl::Time revoked_before =
      now - absl::Hours(24) * options_.bot_retention_days;
  int total = 0;
  while (true) {
    absl::Notification done;
    absl::StatusOr<int> purged = 0;
    store_->Purge(revoked_before, now - kIdempotencyKeyLifetime,
                  kPurgeBatchSize, now, [&](absl::StatusOr<int> result) {
                    purged = std::move(result);
                    done.Notify();
                  });
    done.WaitForNotification();
    if (!purged.ok()) return purged.status();
    total += *purged;
    if (*purged < kPurgeBatchSize) break;
  }
  if (total > 0) {
    LOG(INFO) << "purged " << total << " bot users revoked more than "
              << options_.bot_retention_days << " days ago";
  }
  return total;
}

void Server::MaintenanceLoop() {
  while (!stopping_.WaitForNotificationWithTimeout(
      options_.maintenance_interval)) {
    absl::StatusOr<int> purged = RunMaintenance();
    LOG_IF(ERROR, !purged.ok()) << "background purge failed: "
                                << purged.status();
  }
}

Server::~Server() { Shutdown(absl::Seconds(10)); }

void Server::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  stopping_.Notify();
  if (maintenance_.joinable()) maintenance_.join();
  if (grpc_server_ != nullptr) {
    grpc_server_->GetHealthCheckService()->Shutdown();
    grpc_server_->Shutdown(
        std::chrono::system_clock::now() +
        std::chrono::microseconds(absl::ToInt64Microseconds(grace)));
    grpc_server_->Wait();
  }
  // Every call has finished, so no write is pending; closing the store
  // checkpoints the WAL and closes the file.
  store_.reset();
}

}  // namespace accesstokens
