// The command-line tool's subcommands, one per RPC of AccessTokenService,
// grouped by the resource they act on.
#ifndef ACCESSTOKENS_CLIENTS_CPP_CLI_COMMANDS_H_
#define ACCESSTOKENS_CLIENTS_CPP_CLI_COMMANDS_H_

#include <vector>

#include "clients/cpp/cli/command.h"

namespace accesstokens::cli {

// tokens create|get|list|revoke|rotate, and authenticate.
std::vector<Command> TokenCommands();
// groups create|get|update|delete and projects create|get|update|delete.
std::vector<Command> GroupAndProjectCommands();
// bots get|list, scopes and audit list.
std::vector<Command> BotScopeAndAuditCommands();

// Every command, in the order of the top-level help.
const std::vector<Command>& AllCommands();

}  // namespace accesstokens::cli

#endif  // ACCESSTOKENS_CLIENTS_CPP_CLI_COMMANDS_H_
