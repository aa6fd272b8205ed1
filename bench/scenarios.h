// The benchmark scenarios: which calls the load generator makes, built on
// the layout of a seeded database (see seed_layout.h).
//
//   empty                  EmptyService.Call of the baseline server
//   authenticate_valid     valid secrets: from a working set of
//                          `working_set` tokens, or uniform over the range
//   authenticate_unknown   well-formed secrets that no token has
//   authenticate_revoked   secrets of revoked tokens
//   create                 a token in a random project (not project 1)
//   rotate, revoke         each call uses up one active token of the
//                          consumed range, in index order
//   list_first_page        the first page of project 1
//   list_deep_page         the page at `list_depth` of project 1
//   mix                    authenticate_valid, with a `write_fraction` of
//                          calls that create, rotate or revoke in turn
//
// Mutating calls act as user 1 with the owner level.
#ifndef ACCESSTOKENS_BENCH_SCENARIOS_H_
#define ACCESSTOKENS_BENCH_SCENARIOS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bench/load_runner.h"
#include "bench/seed_layout.h"

namespace accesstokens::bench {

struct ScenarioOptions {
  SeedLayout layout;
  // Token indexes that authentication picks from: [token_begin,
  // token_end). A negative end means the layout's token count.
  int64_t token_begin = 0;
  int64_t token_end = -1;
  // Token indexes that rotate and revoke use up, in order.
  int64_t consume_begin = 0;
  int64_t consume_end = -1;
  // Tokens of the working set of authenticate_valid and mix, spread evenly
  // over the range; 0 picks uniformly from the whole range.
  int64_t working_set = 0;
  // page_size of the listings.
  int page_size = 20;
  // Where list_deep_page starts, as a fraction of project 1's tokens.
  double list_depth = 0.9;
  // Share of mix calls that write.
  double write_fraction = 0.05;
  // Number of distinct client_address values that authentication sends,
  // from 198.18.0.0/15 (the range reserved for benchmarks), so that the
  // server's per-address limit of failed authentications does not refuse
  // the calls of authenticate_unknown and authenticate_revoked. 0 leaves
  // client_address empty: the server then uses the caller's address.
  int64_t client_addresses = 0;
};

// Returns the names of every scenario, in the order above.
std::vector<std::string> ScenarioNames();

// Returns scenario `name` for a database of `options.layout`.
// INVALID_ARGUMENT for an unknown name or ranges that hold no usable token.
absl::StatusOr<std::unique_ptr<Scenario>> MakeScenario(
    absl::string_view name, const ScenarioOptions& options);

}  // namespace accesstokens::bench

#endif  // ACCESSTOKENS_BENCH_SCENARIOS_H_
