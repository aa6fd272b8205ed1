// accesstokens-server: serves AccessTokenService over gRPC on a SQLite file.
// SIGTERM and SIGINT drain calls in flight and close the database cleanly.

#include <signal.h>

#include <cstdlib>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "glog/logging.h"
#include "service/clock.h"
#include "service/flags_help.h"
#include "service/server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to listen on, as host:port. Port 0 picks a free port. "
          "Addresses other than loopback need --callers_file.");
ABSL_FLAG(std::string, callers_file, "",
          "File listing the callers allowed to call, by the SHA-256 of a "
          "bearer credential or by client certificate subject, each with the "
          "role admin or authenticate (AuthenticateAccessToken only). "
          "Reloaded on SIGHUP. Empty lets any caller call, which is allowed "
          "only on a loopback address.");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM file with the server's TLS certificate chain. Empty serves "
          "plaintext.");
ABSL_FLAG(std::string, tls_key_file, "",
          "PEM file with the private key of --tls_cert_file.");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM file with the CA that signs client certificates. When set, "
          "every client must present a certificate it signed (mutual TLS).");
ABSL_FLAG(int, auth_failure_limit, 20,
          "Failed authentications from one client address per "
          "--auth_failure_window_seconds after which its authentications are "
          "refused with RESOURCE_EXHAUSTED until the window ends. 0 turns "
          "the limit off.");
ABSL_FLAG(int, auth_cache_entries, 20000,
          "Maximum number of tokens kept in memory so that authenticating "
          "them again needs no database read; each takes roughly 1.5 KB (an "
          "estimate from the record and response sizes). A token enters on "
          "its second database read, so that tokens used once do not push "
          "out the others. 0 turns the cache off. "
          "Revocations drop their tokens from it before they are answered.");
ABSL_FLAG(bool, benchmark_unsafe_no_sync, false,
          "For benchmarks only: commit without waiting for the disk "
          "(SQLite synchronous=OFF), so a power loss can undo acknowledged "
          "writes, revocations included.");
ABSL_FLAG(int, auth_failure_window_seconds, 60,
          "Length in seconds of the window of --auth_failure_limit.");
ABSL_FLAG(int, max_request_bytes, accesstokens::kDefaultMaxRequestBytes,
          "Largest request message accepted, in bytes (65536 to 67108864). "
          "A larger one fails with RESOURCE_EXHAUSTED before the service "
          "reads it. The largest valid request has about 6 KiB.");
ABSL_FLAG(std::string, db, "data/accesstokens.db",
          "Path of the SQLite database file. It is created, with its folder "
          "and schema, if missing; the -wal and -shm files sit beside it.");
ABSL_FLAG(bool, keep_database_in_memory, false,
          "Keep every page of the database file mapped, so that the kernel "
          "treats the file as in use and authentications of rarely used "
          "tokens read memory, not the disk. The pages count as page cache "
          "(RssFile), not anonymous memory. Only for a database that fits "
          "in memory with room to spare: the server reads the whole file in "
          "the background after it starts, and every 60 s maps the pages "
          "added since. Reads then take pages from that mapping without "
          "copying them, so a disk error while a reclaimed page is read back "
          "stops the server with SIGBUS instead of failing one call.");
ABSL_FLAG(int, busy_timeout_ms, 5000,
          "Milliseconds that a database statement waits for a lock held by "
          "another process, such as a sqlite3 shell, before the call fails "
          "with UNAVAILABLE. 0 fails at once.");
ABSL_FLAG(std::string, secret_key_file, "data/secret.key",
          "File holding at least 32 bytes of key material for the keyed "
          "digests of token secrets. Created with a fresh random key if "
          "missing. Keep it apart from database backups: without it, a copy "
          "of the database cannot confirm guessed secrets.");
ABSL_FLAG(std::string, email_domain, "example.com",
          "Domain of bot user emails, as in project123_bot@DOMAIN.");
ABSL_FLAG(std::string, token_prefix, "glpat-",
          "Prefix of every new token secret: up to 32 letters, digits, '-' or "
          "'_'. May be empty.");
ABSL_FLAG(int, max_token_lifetime_days, 365,
          "Longest token lifetime in days (1 to 3650), counted from today "
          "(UTC). Tokens created without an expiry date get this lifetime.");
ABSL_FLAG(int, bot_retention_days, 30,
          "Days that the blocked bot user of a revoked token is kept before "
          "a background task purges it. Its username and email stay "
          "reserved, and the token records stay for audit.");
ABSL_FLAG(int, maintenance_interval_seconds, 3600,
          "Seconds between runs of the background purge of bot users and "
          "expired idempotency keys.");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "Seconds that calls in flight get to finish after SIGTERM or "
          "SIGINT before they are cancelled.");
ABSL_FLAG(int, log_verbosity, 0,
          "Verbose logging level: 0 logs starts, stops, errors and every "
          "change; 1 adds failed authentications.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Serves the accesstokens gRPC API on a SQLite database.\n"
      "Usage: accesstokens-server [--listen=127.0.0.1:50051] "
      "[--db=data/accesstokens.db] [flags]");
  accesstokens::HandleHelpFlag(argc, argv, "service/server_main.cc");
  absl::ParseCommandLine(argc, argv);
  FLAGS_logtostderr = true;
  FLAGS_v = absl::GetFlag(FLAGS_log_verbosity);
  google::InitGoogleLogging(argv[0]);
  // Debian 12 builds Abseil without NDEBUG, so every absl::Mutex lock,
  // gRPC's internal ones included, also updates a global graph of lock
  // orders to detect deadlocks. That debugging aid costs more than the
  // locking itself on every call; release builds of Abseil leave it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // Block the handled signals in every thread; the main thread waits for
  // them with sigwait() below. Threads started later inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  accesstokens::ServerOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.database_path = absl::GetFlag(FLAGS_db);
  options.busy_timeout =
      absl::Milliseconds(absl::GetFlag(FLAGS_busy_timeout_ms));
  options.secret_key_path = absl::GetFlag(FLAGS_secret_key_file);
  options.email_domain = absl::GetFlag(FLAGS_email_domain);
  options.token_prefix = absl::GetFlag(FLAGS_token_prefix);
  options.max_token_lifetime_days = absl::GetFlag(FLAGS_max_token_lifetime_days);
  options.bot_retention_days = absl::GetFlag(FLAGS_bot_retention_days);
  options.callers_path = absl::GetFlag(FLAGS_callers_file);
  options.tls_cert_path = absl::GetFlag(FLAGS_tls_cert_file);
  options.tls_key_path = absl::GetFlag(FLAGS_tls_key_file);
  options.tls_client_ca_path = absl::GetFlag(FLAGS_tls_client_ca_file);
  options.auth_failure_limit = absl::GetFlag(FLAGS_auth_failure_limit);
  if (absl::GetFlag(FLAGS_auth_cache_entries) < 0) {
    LOG(ERROR) << "cannot start: --auth_cache_entries "
               << absl::GetFlag(FLAGS_auth_cache_entries)
               << " is negative; give 0 to turn the cache off";
    return EXIT_FAILURE;
  }
  options.auth_cache_entries =
      static_cast<size_t>(absl::GetFlag(FLAGS_auth_cache_entries));
  options.benchmark_unsafe_no_sync =
      absl::GetFlag(FLAGS_benchmark_unsafe_no_sync);
  options.keep_database_in_memory =
      absl::GetFlag(FLAGS_keep_database_in_memory);
  options.max_request_bytes = absl::GetFlag(FLAGS_max_request_bytes);
  options.auth_failure_window =
      absl::Seconds(absl::GetFlag(FLAGS_auth_failure_window_seconds));
  options.maintenance_interval =
      absl::Seconds(absl::GetFlag(FLAGS_maintenance_interval_seconds));

  accesstokens::SystemClock clock;
  absl::StatusOr<std::unique_ptr<accesstokens::Server>> server =
      accesstokens::Server::Start(options, &clock);
  if (!server.ok()) {
    LOG(ERROR) << "cannot start: " << server.status();
    return EXIT_FAILURE;
  }
  LOG(INFO) << "accesstokens-server listening on " << (*server)->address()
            << " (database " << options.database_path << ", schema version "
            << (*server)->schema_version() << ", email domain "
            << options.email_domain << ", max token lifetime "
            << options.max_token_lifetime_days << " days, "
            << (options.tls_cert_path.empty() ? "plaintext"
                : options.tls_client_ca_path.empty() ? "TLS"
                                                     : "mutual TLS")
            << ", "
            << (options.callers_path.empty()
                    ? "no caller authentication"
                    : "callers from " + options.callers_path)
            << ")";

  int signal_number = 0;
  while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
    absl::Status reloaded = (*server)->ReloadCallers();
    LOG_IF(ERROR, !reloaded.ok())
        << "reloading the callers file failed; the previous list stays: "
        << reloaded;
  }
  const int grace = absl::GetFlag(FLAGS_shutdown_grace_seconds);
  LOG(INFO) << "received " << strsignal(signal_number)
            << "; draining calls in flight for up to " << grace << " s";
  (*server)->Shutdown(absl::Seconds(grace));
  LOG(INFO) << "stopped; database closed";
  return EXIT_SUCCESS;
}
