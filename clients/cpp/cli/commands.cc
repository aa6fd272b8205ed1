#include "clients/cpp/cli/commands.h"

#include <utility>

namespace accesstokens::cli {

const std::vector<Command>& AllCommands() {
  static const std::vector<Command>* commands = [] {
    auto* all = new std::vector<Command>(TokenCommands());
    for (Command& command : GroupAndProjectCommands()) {
      all->push_back(std::move(command));
    }
    for (Command& command : BotScopeAndAuditCommands()) {
      all->push_back(std::move(command));
    }
    return all;
  }();
  return *commands;
}

}  // namespace accesstokens::cli
