"""A typed client of the accesstokens.v1.AccessTokenService gRPC API.

`Client` wraps the generated stub. It sends the configured actor with every
mutating call and the bearer credential with every call, and applies a
deadline. Its list methods follow page tokens. A failed call raises
`AccessTokensError` with the gRPC status code and message.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, List, Optional, Tuple

import grpc
from google.protobuf import field_mask_pb2
from google.protobuf.message import Message

from accesstokens.v1 import access_token_service_pb2 as service_pb2
from accesstokens.v1 import access_token_service_pb2_grpc as service_pb2_grpc
from accesstokens.v1 import resources_pb2

Actor = resources_pb2.Actor


class AccessTokensError(Exception):
    """A failed call: the gRPC status code and the server's message.

    The message names the offending value and what is allowed; the server
    never puts a secret in it.
    """

    def __init__(self, method: str, code: grpc.StatusCode, message: str):
        super().__init__(f"{method} failed with {code.name}: {message}")
        self.method = method
        self.code = code
        self.message = message


def user_actor(user_id: int, access_level: resources_pb2.AccessLevel) -> resources_pb2.Actor:
    """Return the actor of a human user of the platform.

    `access_level` is that user's level on the project or group acted on,
    such as `resources_pb2.ACCESS_LEVEL_MAINTAINER`.
    """
    return resources_pb2.Actor(user_id=user_id, access_level=access_level)


def bot_actor(bot_user: str) -> resources_pb2.Actor:
    """Return the actor of a bot user, `users/{user_id}`, acting through its token."""
    return resources_pb2.Actor(bot_user=bot_user)


class Client:
    """A connection to one accesstokens server.

    Safe to share between threads, as the underlying gRPC channel is. Use it
    as a context manager, or call `close()`, to close the channel.

    `target` is a gRPC target such as `127.0.0.1:50051`. `actor` is sent
    with every mutating call that names no actor of its own. The server
    rejects a mutating call without an actor with INVALID_ARGUMENT, unless
    it rotates a token by its secret.
    `bearer_credential` is sent as `authorization: Bearer ...` metadata with
    every call. `channel_credentials` switches on TLS, for example
    `grpc.ssl_channel_credentials()` for the system's root certificates, or
    with a client certificate chain and key for mutual TLS; without it the
    connection is plaintext. `timeout` is the deadline of each call in
    seconds, or None for no deadline.
    """

    def __init__(
        self,
        target: str,
        *,
        actor: Optional[resources_pb2.Actor] = None,
        bearer_credential: Optional[str] = None,
        channel_credentials: Optional[grpc.ChannelCredentials] = None,
        timeout: Optional[float] = 30.0,
    ):
        if channel_credentials is None:
            self._channel = grpc.insecure_channel(target)
        else:
            self._channel = grpc.secure_channel(target, channel_credentials)
        self.stub = service_pb2_grpc.AccessTokenServiceStub(self._channel)
        self._target = target
        self._actor = actor
        self._metadata: Tuple[Tuple[str, str], ...] = ()
        if bearer_credential:
            self._metadata = (("authorization", f"Bearer {bearer_credential}"),)
        self._timeout = timeout

    def __repr__(self) -> str:
        # The bearer credential is a secret and stays out of the output.
        return f"Client(target={self._target!r})"

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the channel. Calls in flight fail with CANCELLED."""
        self._channel.close()

    # Groups.

    def create_group(
        self,
        group_id: int,
        display_name: str,
        *,
        parent: str = "",
        allow_project_access_token_creation: Optional[bool] = None,
        actor: Optional[resources_pb2.Actor] = None,
    ) -> resources_pb2.Group:
        """Create a group with the platform's id; `parent` is `groups/{id}` or empty."""
        group = resources_pb2.Group(parent=parent, display_name=display_name)
        if allow_project_access_token_creation is not None:
            group.allow_project_access_token_creation = allow_project_access_token_creation
        request = service_pb2.CreateGroupRequest(
            group_id=group_id, group=group, actor=self._pick_actor(actor)
        )
        return self._call("CreateGroup", request).group

    def get_group(self, name: str) -> resources_pb2.Group:
        """Return the group `groups/{group_id}`."""
        return self._call("GetGroup", service_pb2.GetGroupRequest(name=name)).group

    def update_group(
        self,
        name: str,
        *,
        display_name: Optional[str] = None,
        allow_project_access_token_creation: Optional[bool] = None,
        state: Optional[resources_pb2.ResourceState] = None,
        actor: Optional[resources_pb2.Actor] = None,
    ) -> resources_pb2.Group:
        """Change the given fields of a group and return it; fields left None stay."""
        group = resources_pb2.Group(name=name)
        paths = []
        if display_name is not None:
            group.display_name = display_name
            paths.append("display_name")
        if allow_project_access_token_creation is not None:
            group.allow_project_access_token_creation = allow_project_access_token_creation
            paths.append("allow_project_access_token_creation")
        if state is not None:
            group.state = state
            paths.append("state")
        request = service_pb2.UpdateGroupRequest(
            group=group,
            update_mask=field_mask_pb2.FieldMask(paths=paths),
            actor=self._pick_actor(actor),
        )
        return self._call("UpdateGroup", request).group

    def delete_group(
        self, name: str, *, force: bool = False, actor: Optional[resources_pb2.Actor] = None
    ) -> service_pb2.DeleteGroupResponse:
        """Delete a group and revoke its tokens; `force` also deletes what is beneath it."""
        request = service_pb2.DeleteGroupRequest(
            name=name, force=force, actor=self._pick_actor(actor)
        )
        return self._call("DeleteGroup", request)

    # Projects.

    def create_project(
        self,
        project_id: int,
        display_name: str,
        *,
        parent: str = "",
        actor: Optional[resources_pb2.Actor] = None,
    ) -> resources_pb2.Project:
        """Create a project with the platform's id; `parent` is `groups/{id}` or empty."""
        request = service_pb2.CreateProjectRequest(
            project_id=project_id,
            project=resources_pb2.Project(parent=parent, display_name=display_name),
            actor=self._pick_actor(actor),
        )
        return self._call("CreateProject", request).project

    def get_project(self, name: str) -> resources_pb2.Project:
        """Return the project `projects/{project_id}`."""
        return self._call("GetProject", service_pb2.GetProjectRequest(name=name)).project

    def update_project(
        self,
        name: str,
        *,
        display_name: Optional[str] = None,
        state: Optional[resources_pb2.ResourceState] = None,
        actor: Optional[resources_pb2.Actor] = None,
    ) -> resources_pb2.Project:
        """Change the given fields of a project and return it; fields left None stay."""
        project = resources_pb2.Project(name=name)
        paths = []
        if display_name is not None:
            project.display_name = display_name
            paths.append("display_name")
        if state is not None:
            project.state = state
            paths.append("state")
        request = service_pb2.UpdateProjectRequest(
            project=project,
            update_mask=field_mask_pb2.FieldMask(paths=paths),
            actor=self._pick_actor(actor),
        )
        return self._call("UpdateProject", request).project

    def delete_project(
        self, name: str, *, actor: Optional[resources_pb2.Actor] = None
    ) -> service_pb2.DeleteProjectResponse:
        """Delete a project and revoke its tokens."""
        request = service_pb2.DeleteProjectRequest(name=name, actor=self._pick_actor(actor))
        return self._call("DeleteProject", request)

    # Access tokens.

    def create_access_token(
        self,
        parent: str,
        display_name: str,
        scopes: Iterable[resources_pb2.Scope],
        *,
        description: str = "",
        access_level: resources_pb2.AccessLevel = resources_pb2.ACCESS_LEVEL_UNSPECIFIED,
        expires_on: str = "",
        request_id: str = "",
        actor: Optional[resources_pb2.Actor] = None,
    ) -> service_pb2.CreateAccessTokenResponse:
        """Create a token and its bot user under `projects/{id}` or `groups/{id}`.

        The response's `access_token.token` contains the secret, which no other
        call returns. An empty `expires_on` means the maximum lifetime, an
        unspecified `access_level` means maintainer, and a `request_id` (a
        UUID) makes a retry return the first response.
        """
        token = resources_pb2.AccessToken(
            display_name=display_name,
            description=description,
            scopes=list(scopes),
            access_level=access_level,
            expires_on=expires_on,
        )
        request = service_pb2.CreateAccessTokenRequest(
            parent=parent,
            access_token=token,
            actor=self._pick_actor(actor),
            request_id=request_id,
        )
        return self._call("CreateAccessToken", request)

    def get_access_token(self, name: str) -> resources_pb2.AccessToken:
        """Return a token, without its secret."""
        request = service_pb2.GetAccessTokenRequest(name=name)
        return self._call("GetAccessToken", request).access_token

    def list_access_tokens(
        self,
        parent: str,
        *,
        filter: str = "",
        order_by: str = "",
        page_size: int = 0,
    ) -> Iterator[resources_pb2.AccessToken]:
        """Yield the tokens of a project or group, fetching page after page.

        `filter` and `order_by` take the syntax documented on
        ListAccessTokensRequest, such as `state = active`. A failure raises
        AccessTokensError from the iteration.
        """
        request = service_pb2.ListAccessTokensRequest(
            parent=parent, filter=filter, order_by=order_by, page_size=page_size
        )
        for page in self._pages("ListAccessTokens", request):
            yield from page.access_tokens

    def revoke_access_token(
        self, name: str, *, actor: Optional[resources_pb2.Actor] = None
    ) -> resources_pb2.AccessToken:
        """Revoke a token at once and return it; revoking it again changes nothing."""
        request = service_pb2.RevokeAccessTokenRequest(name=name, actor=self._pick_actor(actor))
        return self._call("RevokeAccessToken", request).access_token

    def rotate_access_token(
        self,
        name: str = "",
        *,
        token: str = "",
        expires_on: str = "",
        request_id: str = "",
        actor: Optional[resources_pb2.Actor] = None,
    ) -> service_pb2.RotateAccessTokenResponse:
        """Revoke a token and issue its bot user a new one, in one step.

        Give the token by `name` or by its secret in `token`. The response's
        `access_token.token` contains the new secret. An empty `expires_on`
        means one week from today.
        """
        request = service_pb2.RotateAccessTokenRequest(
            name=name,
            token=token,
            expires_on=expires_on,
            request_id=request_id,
            actor=self._pick_actor(actor),
        )
        return self._call("RotateAccessToken", request)

    def authenticate_access_token(
        self, token: str, *, client_address: str = ""
    ) -> service_pb2.AuthenticateAccessTokenResponse:
        """Check a presented secret and return its token, bot user and resource.

        An unknown, revoked or expired secret raises AccessTokensError with
        UNAUTHENTICATED. `client_address` is the address the platform saw
        the secret come from.
        """
        request = service_pb2.AuthenticateAccessTokenRequest(
            token=token, client_address=client_address
        )
        return self._call("AuthenticateAccessToken", request)

    # Bot users, scopes and audit events.

    def get_bot_user(self, name: str) -> resources_pb2.BotUser:
        """Return the bot user `users/{user_id}`."""
        return self._call("GetBotUser", service_pb2.GetBotUserRequest(name=name)).bot_user

    def list_bot_users(self, parent: str, *, page_size: int = 0) -> Iterator[resources_pb2.BotUser]:
        """Yield the bot users of a project or group, blocked ones included."""
        request = service_pb2.ListBotUsersRequest(parent=parent, page_size=page_size)
        for page in self._pages("ListBotUsers", request):
            yield from page.bot_users

    def list_scopes(self) -> List[resources_pb2.ScopeDescription]:
        """Return every scope with its plain name and description."""
        return list(self._call("ListScopes", service_pb2.ListScopesRequest()).scopes)

    def list_audit_events(
        self, *, filter: str = "", page_size: int = 0
    ) -> Iterator[resources_pb2.AuditEvent]:
        """Yield audit events, newest first; `filter` as on ListAuditEventsRequest."""
        request = service_pb2.ListAuditEventsRequest(filter=filter, page_size=page_size)
        for page in self._pages("ListAuditEvents", request):
            yield from page.audit_events

    # Helpers.

    def _pick_actor(self, actor: Optional[resources_pb2.Actor]) -> Optional[resources_pb2.Actor]:
        return actor if actor is not None else self._actor

    def _call(self, method: str, request: Message) -> Any:
        stub_method = getattr(self.stub, method)
        try:
            return stub_method(request, timeout=self._timeout, metadata=self._metadata)
        except grpc.RpcError as error:
            # Every error a unary stub call raises is also a grpc.Call.
            raise AccessTokensError(method, error.code(), error.details() or "") from None

    def _pages(self, method: str, request: Any) -> Iterator[Any]:
        while True:
            response = self._call(method, request)
            yield response
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token


__all__ = [
    "AccessTokensError",
    "Actor",
    "Client",
    "bot_actor",
    "user_actor",
]
