#include "service/server.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "glog/logging.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "service/proto_conversion.h"
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
// Token rows given their bot user fields per transaction, and the pause
// after each, so that other writes go on while an upgraded database is
// filled in.
constexpr int kBotCopyBatchSize = 1000;
constexpr absl::Duration kBotCopyPause = absl::Milliseconds(10);

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

absl::StatusOr<std::string> ReadPemFile(const std::string& path,
                                        absl::string_view what) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the ", what, " file \"", path, "\""));
  }
  std::stringstream contents;
  contents << file.rdbuf();
  if (contents.str().find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the ", what, " file \"", path, "\" holds no PEM block"));
  }
  return contents.str();
}

// Returns plaintext credentials, or TLS ones from the options' files, with
// client certificates required when a client CA is given.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerOptions& options) {
  if (options.tls_cert_path.empty()) return grpc::InsecureServerCredentials();

  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      pair.cert_chain, ReadPemFile(options.tls_cert_path, "TLS certificate"));
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      pair.private_key, ReadPemFile(options.tls_key_path, "TLS key"));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!options.tls_client_ca_path.empty()) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        ssl.pem_root_certs,
        ReadPemFile(options.tls_client_ca_path, "client CA"));
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

// Checks host:port. gRPC itself takes a port above 65535 modulo 65536, so
// the server would listen somewhere else than asked.
absl::Status ValidateListenAddress(absl::string_view address) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen address \"", address,
        "\" is invalid; give host:port with a port from 0 to 65535, such as "
        "127.0.0.1:50051"));
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
  ACCESSTOKENS_RETURN_IF_ERROR(ValidateListenAddress(options.listen_address));
  if (options.database_path.empty()) {
    return absl::InvalidArgumentError("database path is empty");
  }
  if (options.secret_key_path.empty()) {
    return absl::InvalidArgumentError("secret key file path is empty");
  }
  ACCESSTOKENS_RETURN_IF_ERROR(ValidateEmailDomain(options.email_domain));
  ACCESSTOKENS_RETURN_IF_ERROR(ValidateTokenPrefix(options.token_prefix));
  if (options.tls_cert_path.empty() != options.tls_key_path.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs both the certificate file and the key file; give both or "
        "neither");
  }
  if (!options.tls_client_ca_path.empty() && options.tls_cert_path.empty()) {
    return absl::InvalidArgumentError(
        "a client CA file needs TLS: give the certificate and key files too");
  }
  if (options.callers_path.empty() &&
      !IsLoopbackAddress(options.listen_address)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to listen on \"", options.listen_address,
        "\" without caller authentication: anyone who reaches that address "
        "could create tokens. Give a callers file, or listen on a loopback "
        "address such as 127.0.0.1"));
  }
  if (options.auth_failure_limit < 0 ||
      options.auth_failure_window <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "authentication failure limit ", options.auth_failure_limit, " per ",
        absl::FormatDuration(options.auth_failure_window),
        " is invalid; give 0 or more failures per positive window"));
  }
  if (options.busy_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "busy timeout ", absl::ToInt64Milliseconds(options.busy_timeout),
        " ms is negative; give 0 or more milliseconds"));
  }
  if (options.max_request_bytes < kMinMaxRequestBytes ||
      options.max_request_bytes > kMaxMaxRequestBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "maximum request size ", options.max_request_bytes,
        " bytes is out of range; allowed: ", kMinMaxRequestBytes, " to ",
        kMaxMaxRequestBytes));
  }
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

void ConfigureGrpcServer(grpc::ServerBuilder& builder) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
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
  store_options.token_cache_entries = options.auth_cache_entries;
  store_options.encode_authentication = EncodeAuthentication;
  store_options.synchronous = !options.benchmark_unsafe_no_sync;
  store_options.keep_in_memory = options.keep_database_in_memory;
  store_options.busy_timeout = options.busy_timeout;
  ACCESSTOKENS_ASSIGN_OR_RETURN(server->store_,
                                SqliteStore::Open(std::move(store_options)));
  ACCESSTOKENS_RETURN_IF_ERROR(
      server->store_->CheckDigestKey(server->secrets_->KeyFingerprint()));

  if (!options.callers_path.empty()) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(server->callers_,
                                  CallerAuthenticator::Load(options.callers_path));
  }
  ACCESSTOKENS_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials,
                                MakeServerCredentials(options));

  ServiceOptions service_options;
  service_options.max_token_lifetime_days = options.max_token_lifetime_days;
  service_options.auth_failure_limit = options.auth_failure_limit;
  service_options.auth_failure_window = options.auth_failure_window;
  service_options.callers = server->callers_.get();
  server->service_ = std::make_unique<AccessTokenServiceImpl>(
      server->store_.get(), clock, server->secrets_.get(), service_options);

  grpc::ServerBuilder builder;
  ConfigureGrpcServer(builder);
  builder.AddListeningPort(options.listen_address, credentials,
                           &server->port_);
  builder.RegisterService(server->service_.get());
  builder.SetMaxReceiveMessageSize(options.max_request_bytes);
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

absl::Status Server::ReloadCallers() {
  if (callers_ == nullptr) return absl::OkStatus();
  ACCESSTOKENS_RETURN_IF_ERROR(callers_->Reload());
  LOG(INFO) << "reloaded the callers file " << callers_->path() << ": "
            << callers_->caller_count() << " callers";
  return absl::OkStatus();
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

void Server::CopyBotFields() {
  int64_t copied = 0;
  int64_t left = 0;
  bool announced = false;
  do {
    absl::Notification done;
    absl::StatusOr<BotCopyProgress> progress;
    store_->FillBotCopies(kBotCopyBatchSize,
                          [&](absl::StatusOr<BotCopyProgress> result) {
                            progress = std::move(result);
                            done.Notify();
                          });
    done.WaitForNotification();
    if (!progress.ok()) {
      LOG(ERROR) << "filling in the bot user fields of token rows stopped "
                 << "after " << copied << " rows: " << progress.status();
      return;
    }

    if (!announced && progress->ids_left > 0) {
      LOG(INFO) << "filling in the bot user fields of token rows written "
                << "before schema version 4; " << progress->ids_left
                << " token ids left to visit";
      announced = true;
    }
    copied += progress->rows_copied;
    left = progress->ids_left;
  } while (left > 0 &&
           !stopping_.WaitForNotificationWithTimeout(kBotCopyPause));

  if (left > 0) {
    LOG(INFO) << "stopped filling in the bot user fields of token rows "
              << "after " << copied << " rows; " << left
              << " token ids are left for the next start";
  } else if (copied > 0) {
    LOG(INFO) << "filled in the bot user fields of " << copied
              << " token rows";
  }
}

void Server::MaintenanceLoop() {
  CopyBotFields();
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
  // Every call has finished. Destroying the service waits for its last
  // write of token uses; then no write is pending, and closing the store
  // checkpoints the WAL and closes the file.
  grpc_server_.reset();
  service_.reset();
  store_.reset();
}

}  // namespace accesstokens
