// The running accesstokens server: the store, the token secrets, the
// AccessTokenService, the health service and server reflection on one gRPC
// server.
#ifndef ACCESSTOKENS_SERVICE_SERVER_H_
#define ACCESSTOKENS_SERVICE_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "service/access_token_service.h"
#include "service/caller_auth.h"
#include "service/clock.h"
#include "service/token_secrets.h"
#include "storage/sqlite_store.h"

namespace accesstokens {

// Default and allowed range of ServerOptions::max_request_bytes.
inline constexpr int kDefaultMaxRequestBytes = 2 << 20;
inline constexpr int kMinMaxRequestBytes = 64 << 10;
inline constexpr int kMaxMaxRequestBytes = 64 << 20;

struct ServerOptions {
  // host:port to listen on; port 0 picks a free port.
  std::string listen_address = "127.0.0.1:50051";
  // SQLite database file; created with its folder if missing.
  std::string database_path = "data/accesstokens.db";
  // File with the key of the token digests; created with fresh random key
  // material if missing.
  std::string secret_key_path = "data/secret.key";
  // How long a database statement waits for a lock that another process
  // holds before the call fails with UNAVAILABLE.
  absl::Duration busy_timeout = absl::Seconds(5);
  // Domain of bot user emails.
  std::string email_domain = "example.com";
  // Prefix of every token secret.
  std::string token_prefix = "glpat-";
  // Maximum token lifetime in days, and the lifetime of tokens created
  // without an expiry date.
  int max_token_lifetime_days = 365;
  // Days a blocked bot user of revoked tokens is kept before it is purged.
  int bot_retention_days = 30;
  // Time between runs of the background purge.
  absl::Duration maintenance_interval = absl::Hours(1);
  // PEM files of the server's TLS certificate chain and private key; both
  // empty for plaintext.
  std::string tls_cert_path;
  std::string tls_key_path;
  // PEM file of the CA that signs client certificates; when set, every
  // client must present a certificate it signed (mutual TLS).
  std::string tls_client_ca_path;
  // The callers file (see caller_auth.h); empty lets any caller call, which
  // is allowed only on a loopback address.
  std::string callers_path;
  // Most usable tokens kept in memory for authentication; 0 disables it.
  size_t auth_cache_entries = 20000;
  // Only for benchmarks: commits that do not wait for the disk.
  bool benchmark_unsafe_no_sync = false;
  // Whether to keep the database file's pages mapped in memory (see
  // SqliteStoreOptions::keep_in_memory).
  bool keep_database_in_memory = false;
  // Failed authentications per client address and window before the
  // address is refused for the rest of the window; 0 turns this off.
  int auth_failure_limit = 20;
  absl::Duration auth_failure_window = absl::Minutes(1);
  // Largest serialized request message accepted, in bytes. gRPC rejects a
  // larger one with RESOURCE_EXHAUSTED before the service reads it. The
  // largest valid request, a listing with the longest filter and page
  // token, has about 6 KiB. The default leaves room for a field of 1 MiB,
  // so that an oversized field gets INVALID_ARGUMENT naming it and its
  // limit rather than a bare transport error.
  int max_request_bytes = kDefaultMaxRequestBytes;
};

// Checks the options that do not need the file system or the network.
// INVALID_ARGUMENT names the option and the allowed values.
absl::Status ValidateServerOptions(const ServerOptions& options);

// Applies the gRPC server setup of accesstokens-server that does not
// depend on its options: the health service and server reflection. The
// benchmarks' empty baseline server calls it too, so that both servers are
// set up alike.
void ConfigureGrpcServer(grpc::ServerBuilder& builder);

// Thread-safe.
class Server {
 public:
  // Opens the database and starts serving. `clock` must outlive the server.
  static absl::StatusOr<std::unique_ptr<Server>> Start(ServerOptions options,
                                                       const Clock* clock);

  // Shuts down with a grace period of 10 seconds unless Shutdown() ran.
  ~Server();

  // Stops accepting calls, lets calls in flight finish for up to `grace`,
  // cancels the rest, then closes the database. Later calls do nothing.
  void Shutdown(absl::Duration grace);

  // The port the server listens on, also when the options asked for 0.
  int port() const { return port_; }
  // The address the server listens on, with the actual port.
  const std::string& address() const { return address_; }
  int64_t schema_version() const { return store_->schema_version(); }

  // Reads the callers file again; the old list stays on failure. OK
  // without a callers file.
  absl::Status ReloadCallers();

  // Purges the bot users whose retention period has passed and the
  // idempotency keys older than two days, as the background task does
  // every maintenance interval. Returns the number of bot users purged.
  absl::StatusOr<int> RunMaintenance();

 private:
  Server() = default;

  // Fills in the bot user fields of token rows written before schema
  // version 4, in paced batches, until done or shutdown. Logs a failure.
  void CopyBotFields();

  // Runs CopyBotFields() once, then RunMaintenance() every maintenance
  // interval until shutdown.
  void MaintenanceLoop();

  ServerOptions options_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<TokenSecrets> secrets_;
  std::unique_ptr<CallerAuthenticator> callers_;
  std::unique_ptr<AccessTokenServiceImpl> service_;
  std::unique_ptr<grpc::Server> grpc_server_;
  const Clock* clock_ = nullptr;
  int port_ = 0;
  std::string address_;
  bool shut_down_ = false;

  absl::Notification stopping_;
  std::thread maintenance_;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_SERVER_H_
