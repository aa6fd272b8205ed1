// Creates an access token for project 123 and authenticates its secret, as
// a backend service would. Usage: first_token [HOST:PORT]
#include <iostream>

#include "clients/cpp/access_token_client.h"

int main(int argc, char** argv) {
  accesstokens::ClientOptions options;
  if (argc > 1) options.address = argv[1];
  // Every change names the acting user: here user 1, an owner of the project.
  options.default_actor =
      accesstokens::HumanActor(1, accesstokens::v1::ACCESS_LEVEL_OWNER);
  absl::StatusOr<accesstokens::AccessTokenClient> client =
      accesstokens::AccessTokenClient::Create(options);
  if (!client.ok()) {
    std::cerr << client.status() << "\n";
    return 1;
  }

  accesstokens::v1::CreateAccessTokenRequest create;
  create.set_parent("projects/123");
  create.mutable_access_token()->set_display_name("nightly export");
  create.mutable_access_token()->add_scopes(accesstokens::v1::SCOPE_READ_API);
  auto created = client->CreateAccessToken(create);
  if (!created.ok()) {
    // Prints the server's code and message, such as
    // NOT_FOUND: project "projects/123" not found
    std::cerr << created.status() << "\n";
    return 1;
  }
  std::cout << "created " << created->access_token().name() << "\n";

  accesstokens::v1::AuthenticateAccessTokenRequest authenticate;
  authenticate.set_token(created->access_token().token());
  auto identity = client->AuthenticateAccessToken(authenticate);
  if (!identity.ok()) {
    std::cerr << identity.status() << "\n";
    return 1;
  }
  std::cout << "authenticated as " << identity->bot_user().username() << " in "
            << identity->project().name() << "\n";
  return 0;
}
