#include "bench/seeder.h"

#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "service/token_secrets.h"
#include "storage/bot_names.h"
#include "storage/schema.h"
#include "storage/sqlite_connection.h"
#include "storage/sqlite_operations.h"
#include "storage/status_macros.h"

namespace accesstokens::bench {
namespace {

using internal::ToDayNumber;
using internal::ToMicros;

constexpr int kMaintainer = 40;
constexpr int kDeveloper = 30;
constexpr int64_t kRevokedReason = 1;  // RevocationReason::kRevoked.

// Display names of seeded tokens, chosen by index.
constexpr const char* kDisplayNames[] = {
    "ci",         "deploy",   "release",  "backup",
    "monitoring", "renovate", "registry", "terraform",
};

// Scope bit sets of seeded tokens, chosen by index: read_api with
// read_repository, api, read_registry, and write_repository.
constexpr int64_t kScopeSets[] = {
    (1 << 2) | (1 << 5),
    1 << 1,
    1 << 3,
    (1 << 5) | (1 << 6),
};

// The digests of one transaction's tokens, computed on another thread
// while the previous transaction is written.
std::vector<std::string> DigestBatch(const TokenSecrets& secrets,
                                     const SeedLayout& layout, int64_t begin,
                                     int64_t end) {
  std::vector<std::string> digests;
  digests.reserve(end - begin);
  for (int64_t index = begin; index < end; ++index) {
    digests.push_back(secrets.Digest(layout.Secret(index)));
  }
  return digests;
}

// Switches the connection to bulk loading: the caller has the file to
// itself, and a crash may leave a broken file, which the caller deletes.
absl::Status StartBulkLoad(SqliteConnection& db, int64_t cache_mib) {
  ACCESSTOKENS_RETURN_IF_ERROR(db.Execute(
      "PRAGMA foreign_keys=OFF;"
      "PRAGMA journal_mode=OFF;"
      "PRAGMA synchronous=OFF;"
      "PRAGMA temp_store=MEMORY;"));
  const std::string cache =
      absl::StrCat("PRAGMA cache_size=-", cache_mib * 1024);
  return db.Execute(cache.c_str());
}

absl::Status InsertGroupsAndProjects(SqliteConnection& db,
                                     const SeedLayout& layout,
                                     absl::Time now) {
  SqliteTransaction transaction(&db, SqliteTransaction::Mode::kImmediate);
  ACCESSTOKENS_RETURN_IF_ERROR(transaction.status());
  const int64_t created = ToMicros(now - absl::Hours(24 * 400));

  for (int64_t group = 1; group <= layout.group_count; ++group) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        SqliteStatement insert,
        db.Prepare("INSERT INTO groups (id, parent_id, top_level_id, "
                   "display_name, allow_project_token_creation, create_time, "
                   "update_time) VALUES (?1, NULL, ?1, ?2, 1, ?3, ?3)"));
    insert.Bind(1, group)
        .Bind(2, absl::StrCat("bench group ", group))
        .Bind(3, created);
    ACCESSTOKENS_RETURN_IF_ERROR(insert.Run());
  }

  for (int64_t project = 1; project <= layout.project_count; ++project) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        SqliteStatement insert,
        db.Prepare("INSERT INTO projects (id, group_id, display_name, "
                   "create_time, update_time) VALUES (?1, ?2, ?3, ?4, ?4)"));
    insert.Bind(1, project)
        .Bind(2, layout.GroupOf(project))
        .Bind(3, absl::StrCat("bench project ", project))
        .Bind(4, created);
    ACCESSTOKENS_RETURN_IF_ERROR(insert.Run());

    // The next bot number of each project follows its seeded bots.
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        SqliteStatement counter,
        db.Prepare("INSERT INTO bot_name_counters (resource_kind, "
                   "resource_id, next_number) VALUES (0, ?, ?)"));
    counter.Bind(1, project).Bind(2, layout.TokensOfProject(project));
    ACCESSTOKENS_RETURN_IF_ERROR(counter.Run());
  }
  return transaction.Commit();
}

// Inserts token `index` with its bot user and, unless it is revoked, its
// membership.
absl::Status InsertToken(SqliteConnection& db, const SeedOptions& options,
                         int64_t index, absl::string_view digest) {
  const SeedLayout& layout = options.layout;
  const int64_t id = SeedLayout::TokenId(index);
  const int64_t project = layout.ProjectOf(index);
  const ResourceRef parent{ResourceKind::kProject, project};
  const int64_t number = layout.BotNumberOf(index);
  const bool revoked = layout.IsRevoked(index);
  const char* display_name = kDisplayNames[index % std::size(kDisplayNames)];
  const int64_t access_level = index % 5 == 4 ? kDeveloper : kMaintainer;
  const absl::Time created =
      options.now - absl::Milliseconds(layout.token_count - index);
  const int64_t expires_on = ToDayNumber(
      absl::ToCivilDay(options.now, absl::UTCTimeZone()) + 180 + index % 180);

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement user,
      db.Prepare("INSERT INTO users (id, username, email, display_name, "
                 "project_id, group_id, blocked, create_time) "
                 "VALUES (?, ?, ?, ?, ?, NULL, ?, ?)"));
  const std::string username = BotUsername(parent, number);
  const std::string email = BotEmail(parent, number, options.email_domain);
  user.Bind(1, id)
      .Bind(2, username)
      .Bind(3, email)
      .Bind(4, display_name)
      .Bind(5, project)
      .Bind(6, int64_t{revoked})
      .Bind(7, ToMicros(created));
  ACCESSTOKENS_RETURN_IF_ERROR(user.Run());

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement token,
      db.Prepare("INSERT INTO access_tokens (id, project_id, group_id, "
                 "user_id, display_name, description, scopes, access_level, "
                 "expires_on, digest, create_time, revoke_time, "
                 "revocation_reason, family_id, bot_username, bot_email, "
                 "bot_create_time) "
                 "VALUES (?1, ?2, NULL, ?1, ?3, '', ?4, ?5, ?6, ?7, ?8, ?9, "
                 "?10, ?1, ?11, ?12, ?8)"));
  token.Bind(1, id)
      .Bind(2, project)
      .Bind(3, display_name)
      .Bind(4, kScopeSets[index % std::size(kScopeSets)])
      .Bind(5, access_level)
      .Bind(6, expires_on)
      .BindBlob(7, digest)
      .Bind(8, ToMicros(created))
      .Bind(9, revoked ? std::optional<int64_t>(ToMicros(created))
                       : std::nullopt)
      .Bind(10, revoked ? kRevokedReason : 0)
      .Bind(11, username)
      .Bind(12, email);
  ACCESSTOKENS_RETURN_IF_ERROR(token.Run());

  if (revoked) return absl::OkStatus();
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement membership,
      db.Prepare("INSERT INTO memberships (user_id, project_id, group_id, "
                 "access_level, token_id) VALUES (?1, ?2, NULL, ?3, ?1)"));
  membership.Bind(1, id).Bind(2, project).Bind(3, access_level);
  return membership.Run();
}

}  // namespace

absl::Status SeedDatabase(const SeedOptions& options) {
  const SeedLayout& layout = options.layout;
  ACCESSTOKENS_RETURN_IF_ERROR(layout.Validate());
  if (options.tokens_per_transaction < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("tokens per transaction ", options.tokens_per_transaction,
                     " is invalid; give 1 or more"));
  }
  if (std::filesystem::exists(options.database_path)) {
    return absl::FailedPreconditionError(
        absl::StrCat("database \"", options.database_path,
                     "\" exists already; seeding needs a new file"));
  }
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      TokenSecrets secrets,
      TokenSecrets::Create(options.secret_key_path, layout.token_prefix));

  // The schema comes from the server's own migrations.
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteConnection> db,
      SqliteConnection::Open(options.database_path, absl::Seconds(5)));
  ACCESSTOKENS_RETURN_IF_ERROR(MigrateSchema(*db).status());
  ACCESSTOKENS_RETURN_IF_ERROR(StartBulkLoad(*db, options.cache_mib));
  {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        SqliteStatement key,
        db->Prepare("INSERT INTO settings (key, value) "
                    "VALUES ('digest_key', ?)"));
    key.BindBlob(1, secrets.KeyFingerprint());
    ACCESSTOKENS_RETURN_IF_ERROR(key.Run());
  }
  ACCESSTOKENS_RETURN_IF_ERROR(
      InsertGroupsAndProjects(*db, layout, options.now));

  // Each transaction's digests are computed on a second thread while the
  // transaction before it is written.
  const int64_t step = options.tokens_per_transaction;
  const auto digest_batch = [&](int64_t begin) {
    const int64_t end = std::min(begin + step, layout.token_count);
    return std::async(std::launch::async, DigestBatch, std::cref(secrets),
                      std::cref(layout), begin, end);
  };
  std::future<std::vector<std::string>> next = digest_batch(0);
  for (int64_t begin = 0; begin < layout.token_count; begin += step) {
    std::vector<std::string> digests = next.get();
    if (begin + step < layout.token_count) next = digest_batch(begin + step);

    SqliteTransaction transaction(db.get(),
                                  SqliteTransaction::Mode::kImmediate);
    ACCESSTOKENS_RETURN_IF_ERROR(transaction.status());
    for (size_t i = 0; i < digests.size(); ++i) {
      ACCESSTOKENS_RETURN_IF_ERROR(
          InsertToken(*db, options, begin + static_cast<int64_t>(i),
                      digests[i]));
    }
    ACCESSTOKENS_RETURN_IF_ERROR(transaction.Commit());
    if (options.progress) {
      options.progress(begin + static_cast<int64_t>(digests.size()));
    }
  }

  ACCESSTOKENS_RETURN_IF_ERROR(db->Execute("PRAGMA journal_mode=WAL"));
  db.reset();
  return WriteLayoutFile(LayoutPath(options.database_path), layout);
}

}  // namespace accesstokens::bench
