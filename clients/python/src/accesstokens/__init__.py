"""Python client of the accesstokens gRPC service.

`Client` is the convenience client; `accesstokens.v1` contains the messages and
the gRPC stub generated from proto/accesstokens/v1.
"""

from accesstokens.client import AccessTokensError, Actor, Client, bot_actor, user_actor

__all__ = ["AccessTokensError", "Actor", "Client", "bot_actor", "user_actor"]
