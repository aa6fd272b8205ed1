from accesstokens.v1 import resources_pb2 as _resources_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AuthenticateAccessTokenRequest(_message.Message):
    __slots__ = ["client_address", "token"]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    client_address: str
    token: str
    def __init__(self, token: _Optional[str] = ..., client_address: _Optional[str] = ...) -> None: ...

class AuthenticateAccessTokenResponse(_message.Message):
    __slots__ = ["access_token", "bot_user", "group", "project"]
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    BOT_USER_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    access_token: _resources_pb2.AccessToken
    bot_user: _resources_pb2.BotUser
    group: _resources_pb2.Group
    project: _resources_pb2.Project
    def __init__(self, access_token: _Optional[_Union[_resources_pb2.AccessToken, _Mapping]] = ..., bot_user: _Optional[_Union[_resources_pb2.BotUser, _Mapping]] = ..., project: _Optional[_Union[_resources_pb2.Project, _Mapping]] = ..., group: _Optional[_Union[_resources_pb2.Group, _Mapping]] = ...) -> None: ...

class CreateAccessTokenRequest(_message.Message):
    __slots__ = ["access_token", "actor", "parent", "request_id"]
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    access_token: _resources_pb2.AccessToken
    actor: _resources_pb2.Actor
    parent: str
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., access_token: _Optional[_Union[_resources_pb2.AccessToken, _Mapping]] = ..., actor: _Optional[_Union[_resources_pb2.Actor, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateAccessTokenResponse(_message.Message):
    __slots__ = ["access_token", "bot_user"]
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    BOT_USER_FIELD_NUMBER: _ClassVar[int]
    access_token: _resources_pb2.AccessToken
    bot_user: _resources_pb2.BotUser
    def __init__(self, access_token: _Optional[_Union[_resources_pb2.AccessToken, _Mapping]] = ..., bot_user: _Optional[_Union[_resources_pb2.BotUser, _Mapping]] = ...) -> None: ...

class CreateGroupRequest(_message.Message):
    __slots__ = ["actor", "group", "group_id"]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    actor: _resources_pb2.Actor
    group: _resources_pb2.Group
    group_id: int
    def __init__(self, group_id: _Optional[int] = ..., group: _Optional[_Union[_resources_pb2.Group, _Mapping]] = ..., actor: _Optional[_Union[_resources_pb2.Actor, _Mapping]] = ...) -> None: ...

class CreateGroupResponse(_message.Message):
    __slots__ = ["group"]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    group: _resources_pb2.Group
    def __init__(self, group: _Optional[_Union[_resources_pb2.Group, _Mapping]] = ...) -> None: ...

class CreateProjectRequest(_message.Message):
    __slots__ = ["actor", "project", "project_id"]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    actor: _resources_pb2.Actor
    project: _resources_pb2.Project
    project_id: int
    def __init__(self, project_id: _Optional[int] = ..., project: _Optional[_Union[_resources_pb2.Project, _Mapping]] = ..., actor: _Optional[_Union[_resources_pb2.Actor, _Mapping]] = ...) -> None: ...

class CreateProjectResponse(_message.Message):
    __slots__ = ["project"]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    project: _resources_pb2.Project
    def __init__(self, project: _Optional[_Union[_resources_pb2.Project, _Mapping]] = ...) -> None: ...

class DeleteGroupRequest(_message.Message):
    __slots__ = ["actor", "force", "name"]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    actor: _resources_pb2.Actor
    force: bool
    name: str
    def __init__(self, name: _Optional[str] = ..., force: bool = ..., actor: _Optional[_Union[_resources_pb2.Actor, _Mapping]] = ...) -> None: ...

class DeleteGroupResponse(_message.Message):
    __slots__ = ["deleted_resources", "group", "revoked_access_token_count"]
    DELETED_RESOURCES_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    REVOKED_ACCESS_TOKEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    deleted_resources: _containers.RepeatedScalarFieldContainer[str]
    group: _resources_pb2.Group
    revoked_access_token_count: int
    def __init__(self, group: _Optional[_Union[_resources_pb2.Group, _Mapping]] = ..., deleted_resources: _Optional[_Iterable[str]] = ..., revoked_access_token_count: _Optional[int] = ...) -> None: ...

class DeleteProjectRequest(_message.Message):
    __slots__ = ["actor", "name"]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    actor: _resources_pb2.Actor
    name: str
    def __init__(self, name: _Optional[str] = ..., actor: _Optional[_Union[_resources_pb2.Actor, _Mapping]] = ...) -> None: ...

class DeleteProjectResponse(_message.Message):
    __slots__ = ["project", "revoked_access_token_count"]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_ACCESS_TOKEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    project: _resources_pb2.Project
    revoked_access_token_count: int
    def __init__(self, project: _Optional[_Union[_resources_pb2.Project, _Mapping]] = ..., revoked_access_token_count: _Optional[int] = ...) -> None: ...

class GetAccessTokenRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetAccessTokenResponse(_message.Message):
    __slots__ = ["access_token"]
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    access_token: _resources_pb2.AccessToken
    def __init__(self, access_token: _Optional[_Union[_resources_pb2.AccessToken, _Mapping]] = ...) -> None: ...

class GetBotUserRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetBotUserResponse(_message.Message):
    __slots__ = ["bot_user"]
    BOT_USER_FIELD_NUMBER: _ClassVar[int]
    bot_user: _resources_pb2.BotUser
    def __init__(self, bot_user: _Optional[_Union[_resources_pb2.BotUser, _Mapping]] = ...) -> None: ...

class GetGroupRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetGroupResponse(_message.Message):
    __slots__ = ["group"]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    group: _resources_pb2.Group
    def __init__(self, group: _Optional[_Union[_resources_pb2.Group, _Mapping]] = ...) -> None: ...

class GetProjectRequest(_message.Message):
    __slots__ = ["name"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetProjectResponse(_message.Message):
    __slots__ = ["project"]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    project: _resources_pb2.Project
    def __init__(self, project: _Optional[_Union[_resources_pb2.Project, _Mapping]] = ...) -> None: ...

class ListAccessTokensRequest(_message.Message):
    __slots__ = ["filter", "order_by", "page_size", "page_token", "parent"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    filter: str
    order_by: str
    page_size: int
    page_token: str
    parent: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListAccessTokensResponse(_message.Message):
    __slots__ = ["access_tokens", "next_page_token"]
    ACCESS_TOKENS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    access_tokens: _containers.RepeatedCompositeFieldContainer[_resources_pb2.AccessToken]
    next_page_token: str
    def __init__(self, access_tokens: _Optional[_Iterable[_Union[_resources_pb2.AccessToken, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListAuditEventsRequest(_message.Message):
    __slots__ = ["filter", "page_size", "page_token"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    filter: str
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListAuditEventsResponse(_message.Message):
    __slots__ = ["audit_events", "next_page_token"]
    AUDIT_EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    audit_events: _containers.RepeatedCompositeFieldContainer[_resources_pb2.AuditEvent]
    next_page_token: str
    def __init__(self, audit_events: _Optional[_Iterable[_Union[_resources_pb2.AuditEvent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListBotUsersRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "parent"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    parent: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListBotUsersResponse(_message.Message):
    __slots__ = ["bot_users", "next_page_token"]
    BOT_USERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    bot_users: _containers.RepeatedCompositeFieldContainer[_resources_pb2.BotUser]
    next_page_token: str
    def __init__(self, bot_users: _Optional[_Iterable[_Union[_resources_pb2.BotUser, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListScopesRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListScopesResponse(_message.Message):
    __slots__ = ["scopes"]
    SCOPES_FIELD_NUMBER: _ClassVar[int]
    scopes: _containers.RepeatedCompositeFieldContainer[_resources_pb2.ScopeDescription]
    def __init__(self, scopes: _Optional[_Iterable[_Union[_resources_pb2.ScopeDescription, _Mapping]]] = ...) -> None: ...

class RevokeAccessTokenRequest(_message.Message):
    __slots__ = ["actor", "name"]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    actor: _resources_pb2.Actor
    name: str
    def __init__(self, name: _Optional[str] = ..., actor: _Optional[_Union[_resources_pb2.Actor, _Mapping]] = ...) -> None: ...

class RevokeAccessTokenResponse(_message.Message):
    __slots__ = ["access_token"]
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    access_token: _resources_pb2.AccessToken
    def __init__(self, access_token: _Optional[_Union[_resources_pb2.AccessToken, _Mapping]] = ...) -> None: ...

class RotateAccessTokenRequest(_message.Message):
    __slots__ = ["actor", "expires_on", "name", "request_id", "token"]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_ON_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    actor: _resources_pb2.Actor
    expires_on: str
    name: str
    request_id: str
    token: str
    def __init__(self, name: _Optional[str] = ..., token: _Optional[str] = ..., expires_on: _Optional[str] = ..., request_id: _Optional[str] = ..., actor: _Optional[_Union[_resources_pb2.Actor, _Mapping]] = ...) -> None: ...

class RotateAccessTokenResponse(_message.Message):
    __slots__ = ["access_token", "bot_user", "previous_access_token"]
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    BOT_USER_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    access_token: _resources_pb2.AccessToken
    bot_user: _resources_pb2.BotUser
    previous_access_token: _resources_pb2.AccessToken
    def __init__(self, access_token: _Optional[_Union[_resources_pb2.AccessToken, _Mapping]] = ..., bot_user: _Optional[_Union[_resources_pb2.BotUser, _Mapping]] = ..., previous_access_token: _Optional[_Union[_resources_pb2.AccessToken, _Mapping]] = ...) -> None: ...

class UpdateGroupRequest(_message.Message):
    __slots__ = ["actor", "group", "update_mask"]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    actor: _resources_pb2.Actor
    group: _resources_pb2.Group
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, group: _Optional[_Union[_resources_pb2.Group, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., actor: _Optional[_Union[_resources_pb2.Actor, _Mapping]] = ...) -> None: ...

class UpdateGroupResponse(_message.Message):
    __slots__ = ["group"]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    group: _resources_pb2.Group
    def __init__(self, group: _Optional[_Union[_resources_pb2.Group, _Mapping]] = ...) -> None: ...

class UpdateProjectRequest(_message.Message):
    __slots__ = ["actor", "project", "update_mask"]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    actor: _resources_pb2.Actor
    project: _resources_pb2.Project
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, project: _Optional[_Union[_resources_pb2.Project, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., actor: _Optional[_Union[_resources_pb2.Actor, _Mapping]] = ...) -> None: ...

class UpdateProjectResponse(_message.Message):
    __slots__ = ["project"]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    project: _resources_pb2.Project
    def __init__(self, project: _Optional[_Union[_resources_pb2.Project, _Mapping]] = ...) -> None: ...
