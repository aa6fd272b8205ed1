from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ACCESS_LEVEL_DEVELOPER: AccessLevel
ACCESS_LEVEL_GUEST: AccessLevel
ACCESS_LEVEL_MAINTAINER: AccessLevel
ACCESS_LEVEL_OWNER: AccessLevel
ACCESS_LEVEL_PLANNER: AccessLevel
ACCESS_LEVEL_REPORTER: AccessLevel
ACCESS_LEVEL_UNSPECIFIED: AccessLevel
DESCRIPTOR: _descriptor.FileDescriptor
RESOURCE_STATE_ACTIVE: ResourceState
RESOURCE_STATE_DELETED: ResourceState
RESOURCE_STATE_PENDING_DELETION: ResourceState
RESOURCE_STATE_UNSPECIFIED: ResourceState
SCOPE_API: Scope
SCOPE_READ_API: Scope
SCOPE_READ_REGISTRY: Scope
SCOPE_READ_REPOSITORY: Scope
SCOPE_SELF_ROTATE: Scope
SCOPE_UNSPECIFIED: Scope
SCOPE_WRITE_REGISTRY: Scope
SCOPE_WRITE_REPOSITORY: Scope
USER_TYPE_GROUP_BOT: UserType
USER_TYPE_PROJECT_BOT: UserType
USER_TYPE_UNSPECIFIED: UserType

class AccessToken(_message.Message):
    __slots__ = ["access_level", "bot_user", "create_time", "description", "display_name", "expires_on", "last_use_addresses", "last_use_time", "name", "next_access_token", "previous_access_token", "revocation_reason", "revoke_time", "scopes", "state", "token"]
    class RevocationReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    ACCESS_LEVEL_FIELD_NUMBER: _ClassVar[int]
    BOT_USER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_ON_FIELD_NUMBER: _ClassVar[int]
    LAST_USE_ADDRESSES_FIELD_NUMBER: _ClassVar[int]
    LAST_USE_TIME_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NEXT_ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_REASON_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_REASON_RESOURCE_DELETED: AccessToken.RevocationReason
    REVOCATION_REASON_REUSE_DETECTED: AccessToken.RevocationReason
    REVOCATION_REASON_REVOKED: AccessToken.RevocationReason
    REVOCATION_REASON_ROTATED: AccessToken.RevocationReason
    REVOCATION_REASON_UNSPECIFIED: AccessToken.RevocationReason
    REVOKE_TIME_FIELD_NUMBER: _ClassVar[int]
    SCOPES_FIELD_NUMBER: _ClassVar[int]
    STATE_ACTIVE: AccessToken.State
    STATE_EXPIRED: AccessToken.State
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATE_REVOKED: AccessToken.State
    STATE_UNSPECIFIED: AccessToken.State
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    access_level: AccessLevel
    bot_user: str
    create_time: _timestamp_pb2.Timestamp
    description: str
    display_name: str
    expires_on: str
    last_use_addresses: _containers.RepeatedScalarFieldContainer[str]
    last_use_time: _timestamp_pb2.Timestamp
    name: str
    next_access_token: str
    previous_access_token: str
    revocation_reason: AccessToken.RevocationReason
    revoke_time: _timestamp_pb2.Timestamp
    scopes: _containers.RepeatedScalarFieldContainer[Scope]
    state: AccessToken.State
    token: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., scopes: _Optional[_Iterable[_Union[Scope, str]]] = ..., access_level: _Optional[_Union[AccessLevel, str]] = ..., expires_on: _Optional[str] = ..., state: _Optional[_Union[AccessToken.State, str]] = ..., token: _Optional[str] = ..., bot_user: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., revoke_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., revocation_reason: _Optional[_Union[AccessToken.RevocationReason, str]] = ..., last_use_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., last_use_addresses: _Optional[_Iterable[str]] = ..., previous_access_token: _Optional[str] = ..., next_access_token: _Optional[str] = ...) -> None: ...

class Actor(_message.Message):
    __slots__ = ["access_level", "bot_user", "user_id"]
    ACCESS_LEVEL_FIELD_NUMBER: _ClassVar[int]
    BOT_USER_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    access_level: AccessLevel
    bot_user: str
    user_id: int
    def __init__(self, user_id: _Optional[int] = ..., bot_user: _Optional[str] = ..., access_level: _Optional[_Union[AccessLevel, str]] = ...) -> None: ...

class AuditEvent(_message.Message):
    __slots__ = ["action", "actor", "name", "related_resources", "request_id", "status_code", "status_message", "target", "time"]
    class Action(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    ACTION_CREATE_ACCESS_TOKEN: AuditEvent.Action
    ACTION_CREATE_GROUP: AuditEvent.Action
    ACTION_CREATE_PROJECT: AuditEvent.Action
    ACTION_DELETE_GROUP: AuditEvent.Action
    ACTION_DELETE_PROJECT: AuditEvent.Action
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ACTION_PURGE_BOT_USER: AuditEvent.Action
    ACTION_REVOKE_ACCESS_TOKEN: AuditEvent.Action
    ACTION_REVOKE_TOKEN_FAMILY: AuditEvent.Action
    ACTION_ROTATE_ACCESS_TOKEN: AuditEvent.Action
    ACTION_UNSPECIFIED: AuditEvent.Action
    ACTION_UPDATE_GROUP: AuditEvent.Action
    ACTION_UPDATE_PROJECT: AuditEvent.Action
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RELATED_RESOURCES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    STATUS_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    action: AuditEvent.Action
    actor: Actor
    name: str
    related_resources: _containers.RepeatedScalarFieldContainer[str]
    request_id: str
    status_code: int
    status_message: str
    target: str
    time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., actor: _Optional[_Union[Actor, _Mapping]] = ..., action: _Optional[_Union[AuditEvent.Action, str]] = ..., target: _Optional[str] = ..., request_id: _Optional[str] = ..., status_code: _Optional[int] = ..., status_message: _Optional[str] = ..., related_resources: _Optional[_Iterable[str]] = ...) -> None: ...

class BotUser(_message.Message):
    __slots__ = ["access_token", "billable", "create_time", "display_name", "email", "membership", "name", "resource", "state", "user_type", "username"]
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    class Membership(_message.Message):
        __slots__ = ["access_level", "resource"]
        ACCESS_LEVEL_FIELD_NUMBER: _ClassVar[int]
        RESOURCE_FIELD_NUMBER: _ClassVar[int]
        access_level: AccessLevel
        resource: str
        def __init__(self, resource: _Optional[str] = ..., access_level: _Optional[_Union[AccessLevel, str]] = ...) -> None: ...
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    MEMBERSHIP_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    STATE_ACTIVE: BotUser.State
    STATE_BLOCKED: BotUser.State
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATE_PURGED: BotUser.State
    STATE_UNSPECIFIED: BotUser.State
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    USER_TYPE_FIELD_NUMBER: _ClassVar[int]
    access_token: str
    billable: bool
    create_time: _timestamp_pb2.Timestamp
    display_name: str
    email: str
    membership: BotUser.Membership
    name: str
    resource: str
    state: BotUser.State
    user_type: UserType
    username: str
    def __init__(self, name: _Optional[str] = ..., username: _Optional[str] = ..., email: _Optional[str] = ..., display_name: _Optional[str] = ..., user_type: _Optional[_Union[UserType, str]] = ..., billable: bool = ..., state: _Optional[_Union[BotUser.State, str]] = ..., resource: _Optional[str] = ..., membership: _Optional[_Union[BotUser.Membership, _Mapping]] = ..., access_token: _Optional[str] = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Group(_message.Message):
    __slots__ = ["allow_project_access_token_creation", "create_time", "display_name", "name", "parent", "state", "update_time"]
    ALLOW_PROJECT_ACCESS_TOKEN_CREATION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    allow_project_access_token_creation: bool
    create_time: _timestamp_pb2.Timestamp
    display_name: str
    name: str
    parent: str
    state: ResourceState
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., parent: _Optional[str] = ..., display_name: _Optional[str] = ..., allow_project_access_token_creation: bool = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[_Union[ResourceState, str]] = ...) -> None: ...

class Project(_message.Message):
    __slots__ = ["access_token_creation_allowed", "create_time", "display_name", "name", "parent", "state", "update_time"]
    ACCESS_TOKEN_CREATION_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    access_token_creation_allowed: bool
    create_time: _timestamp_pb2.Timestamp
    display_name: str
    name: str
    parent: str
    state: ResourceState
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., parent: _Optional[str] = ..., display_name: _Optional[str] = ..., access_token_creation_allowed: bool = ..., create_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[_Union[ResourceState, str]] = ..., update_time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ScopeDescription(_message.Message):
    __slots__ = ["description", "name", "scope"]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    description: str
    name: str
    scope: Scope
    def __init__(self, scope: _Optional[_Union[Scope, str]] = ..., name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class Scope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class AccessLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ResourceState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class UserType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
