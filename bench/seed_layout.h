// The layout of a benchmark database: how many tokens, projects and groups
// it contains, which project each token belongs to, which tokens are revoked,
// and the secret of each token. The seeder writes the layout to a file
// beside the database, and the load generator reads it, so that both agree
// on names and secrets without a list of either.
//
// TEST-ONLY: a token's secret is a public function of the seed and the
// token's index (see Secret()), so anyone with the seed can compute every
// secret. Only benchmark databases may hold tokens made this way.
//
// Immutable after construction, so thread-safe.
#ifndef ACCESSTOKENS_BENCH_SEED_LAYOUT_H_
#define ACCESSTOKENS_BENCH_SEED_LAYOUT_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace accesstokens::bench {

// Tokens are numbered by index 0, 1, ..., token_count - 1 in insertion
// order, and token index i has token id i + 1 and bot user id i + 1.
// Project 1, the big project, contains the tokens with indexes below
// big_project_tokens; the other tokens go round-robin to projects 2 to
// project_count, so that each project's tokens are spread over the id
// space as tokens created over time are. Project p belongs to group
// 1 + (p - 1) % group_count; every group is a top-level group.
struct SeedLayout {
  // Input of the secret derivation.
  std::string seed = "accesstokens-bench";
  int64_t token_count = 0;
  int64_t big_project_tokens = 0;
  int64_t project_count = 1;
  int64_t group_count = 1;
  // Token i is revoked when i % revoked_every == revoked_every - 1; 0
  // revokes none.
  int64_t revoked_every = 100;
  // Prefix of every secret, as the server's --token_prefix.
  std::string token_prefix = "glpat-";
  // Schema version (PRAGMA user_version) that the seeder wrote, or 0 if the
  // layout file has no such line. bench/run seeds an older database again.
  int64_t schema_version = 0;

  // Checks that the counts fit together. INVALID_ARGUMENT names the field.
  absl::Status Validate() const;

  // The project of token `index`, 1 to project_count.
  int64_t ProjectOf(int64_t index) const;
  // The group of project `project`.
  int64_t GroupOf(int64_t project) const;
  // The bot number of token `index` within its project: 0 for the first
  // bot of the project, 1 for the next, and so on.
  int64_t BotNumberOf(int64_t index) const;
  // Number of tokens of project `project`.
  int64_t TokensOfProject(int64_t project) const;
  bool IsRevoked(int64_t index) const;

  static int64_t TokenId(int64_t index) { return index + 1; }
  // Returns "projects/{project}/accessTokens/{id}" of token `index`.
  std::string TokenName(int64_t index) const;

  // Returns the secret of token `index`: the prefix and 32 base64url
  // characters of SHA-256 over the seed and the index, the same shape as
  // the server's random secrets.
  std::string Secret(int64_t index) const;
  // Returns a well-formed secret that no seeded token has, number `n`.
  std::string UnknownSecret(uint64_t n) const;

  // Serializes the layout as "key=value" lines, and parses that form.
  // Parse() returns INVALID_ARGUMENT naming the bad line.
  std::string ToText() const;
  static absl::StatusOr<SeedLayout> Parse(absl::string_view text);
};

// Returns the path of the layout file of the database at `database_path`.
std::string LayoutPath(absl::string_view database_path);

// Writes `layout` to `path`, replacing it, or reads it back. Errors name
// the file.
absl::Status WriteLayoutFile(const std::string& path,
                             const SeedLayout& layout);
absl::StatusOr<SeedLayout> ReadLayoutFile(const std::string& path);

}  // namespace accesstokens::bench

#endif  // ACCESSTOKENS_BENCH_SEED_LAYOUT_H_
