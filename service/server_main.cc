// accesstokens-server: serves AccessTokenService over gRPC on a SQLite file.
// SIGTERM and SIGINT drain calls in flight and close the database cleanly.

#include <signal.h>

#include <cstdlib>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "service/clock.h"
#include "service/server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "Address to listen on, as host:port. Port 0 picks a free port. "
          "Serve on loopback or a trusted network: the server does not yet "
          "authenticate its callers.");
ABSL_FLAG(std::string, db, "data/accesstokens.db",
          "Path of the SQLite database file. It is created, with its folder "
          "and schema, if missing; the -wal and -shm files sit beside it.");
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
  // --help lists the flags of this file; absl would look for a file named
  // after the binary.
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view path) {
    return absl::EndsWith(path, "server_main.cc");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(
      "Serves the accesstokens gRPC API on a SQLite database.\n"
      "Usage: accesstokens-server [--listen=127.0.0.1:50051] "
      "[--db=data/accesstokens.db] [flags]");
  absl::ParseCommandLine(argc, argv);
  FLAGS_logtostderr = true;
  FLAGS_v = absl::GetFlag(FLAGS_log_verbosity);
  google::InitGoogleLogging(argv[0]);

  // Block the stop signals in every thread; the main thread waits for them
  // with sigwait() below. Threads started later inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  accesstokens::ServerOptions options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.database_path = absl::GetFlag(FLAGS_db);
  options.secret_key_path = absl::GetFlag(FLAGS_secret_key_file);
  options.email_domain = absl::GetFlag(FLAGS_email_domain);
  options.token_prefix = absl::GetFlag(FLAGS_token_prefix);
  options.max_token_lifetime_days = absl::GetFlag(FLAGS_max_token_lifetime_days);
  options.bot_retention_days = absl::GetFlag(FLAGS_bot_retention_days);
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
            << options.max_token_lifetime_days << " days)";

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  const int grace = absl::GetFlag(FLAGS_shutdown_grace_seconds);
  LOG(INFO) << "received " << strsignal(signal_number)
            << "; draining calls in flight for up to " << grace << " s";
  (*server)->Shutdown(absl::Seconds(grace));
  LOG(INFO) << "stopped; database closed";
  return EXIT_SUCCESS;
}
