// A client of the accesstokens.v1.AccessTokenService gRPC API over
// Connect's gRPC transport for Node.js.
//
// The client has every RPC of the generated service descriptor as a method,
// plus close() and list helpers that follow page tokens. An interceptor
// sets the default actor on mutating requests that name none and sends the
// bearer credential. A failed call rejects with a ConnectError whose `code`
// is the gRPC status code and whose `rawMessage` is the server's message.

import type * as http2 from "node:http2";

import { clone, create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import type { Client, Interceptor } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";

import {
  AccessTokenService,
  ListAccessTokensRequestSchema,
  ListAuditEventsRequestSchema,
  ListBotUsersRequestSchema,
} from "./gen/accesstokens/v1/access_token_service_pb.js";
import { ActorSchema } from "./gen/accesstokens/v1/resources_pb.js";
import type {
  AccessLevel,
  AccessToken,
  Actor,
  AuditEvent,
  BotUser,
} from "./gen/accesstokens/v1/resources_pb.js";

/** Settings of createAccessTokensClient. */
export interface AccessTokensClientOptions {
  /** The server's address, `host:port`, such as `127.0.0.1:50051`. */
  address: string;
  /**
   * The actor sent with every mutating request whose `actor` is unset.
   * The server rejects a mutating request without an actor with
   * INVALID_ARGUMENT, unless it rotates a token by its secret.
   */
  actor?: Actor;
  /** Sent as `authorization: Bearer <credential>` metadata on every call. */
  bearerCredential?: string;
  /**
   * TLS: `true` for the system's root certificates, or Node.js TLS options
   * such as `ca`, and `cert` with `key` for mutual TLS. Absent or `false`
   * means plaintext HTTP/2.
   */
  tls?: boolean | http2.SecureClientSessionOptions;
  /** Deadline of each call in milliseconds; 30000 unless set. */
  timeoutMs?: number;
}

/** The generated service client, plus the helpers of this package. */
export type AccessTokensClient = Client<typeof AccessTokenService> & {
  /** Closes the HTTP/2 connection; calls in flight fail. */
  close(): void;
  /** Yields every token of ListAccessTokens, page after page. */
  listAllAccessTokens(
    request: MessageInitShape<typeof ListAccessTokensRequestSchema>,
  ): AsyncGenerator<AccessToken>;
  /** Yields every bot user of ListBotUsers, page after page. */
  listAllBotUsers(
    request: MessageInitShape<typeof ListBotUsersRequestSchema>,
  ): AsyncGenerator<BotUser>;
  /** Yields every event of ListAuditEvents, newest first, page after page. */
  listAllAuditEvents(
    request: MessageInitShape<typeof ListAuditEventsRequestSchema>,
  ): AsyncGenerator<AuditEvent>;
};

/** Returns the actor of a human user with that user's access level. */
export function userActor(userId: bigint | number, accessLevel: AccessLevel): Actor {
  return create(ActorSchema, {
    identity: { case: "userId", value: BigInt(userId) },
    accessLevel,
  });
}

/** Returns the actor of a bot user, `users/{user_id}`, acting through its token. */
export function botActor(botUser: string): Actor {
  return create(ActorSchema, { identity: { case: "botUser", value: botUser } });
}

/** Creates a client of one accesstokens server. */
export function createAccessTokensClient(options: AccessTokensClientOptions): AccessTokensClient {
  const secure = options.tls !== undefined && options.tls !== false;
  const baseUrl = `${secure ? "https" : "http"}://${options.address}`;
  const nodeOptions = typeof options.tls === "object" ? options.tls : {};
  const sessionManager = new Http2SessionManager(baseUrl, {}, nodeOptions);
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager,
    interceptors: [requestInterceptor(options.actor, options.bearerCredential)],
    defaultTimeoutMs: options.timeoutMs ?? 30000,
  });
  const service = createClient(AccessTokenService, transport);

  const helpers = {
    close(): void {
      sessionManager.abort();
    },
    async *listAllAccessTokens(request: MessageInitShape<typeof ListAccessTokensRequestSchema>) {
      const pageRequest = create(ListAccessTokensRequestSchema, request);
      do {
        const page = await service.listAccessTokens(pageRequest);
        yield* page.accessTokens;
        pageRequest.pageToken = page.nextPageToken;
      } while (pageRequest.pageToken !== "");
    },
    async *listAllBotUsers(request: MessageInitShape<typeof ListBotUsersRequestSchema>) {
      const pageRequest = create(ListBotUsersRequestSchema, request);
      do {
        const page = await service.listBotUsers(pageRequest);
        yield* page.botUsers;
        pageRequest.pageToken = page.nextPageToken;
      } while (pageRequest.pageToken !== "");
    },
    async *listAllAuditEvents(request: MessageInitShape<typeof ListAuditEventsRequestSchema>) {
      const pageRequest = create(ListAuditEventsRequestSchema, request);
      do {
        const page = await service.listAuditEvents(pageRequest);
        yield* page.auditEvents;
        pageRequest.pageToken = page.nextPageToken;
      } while (pageRequest.pageToken !== "");
    },
  };
  return Object.assign(service, helpers);
}

// Sets the default actor on requests that have an unset `actor` field of
// type Actor, which every mutating request has, and adds the bearer
// credential. The request message is cloned before it is changed, because
// it may be the caller's own message object.
function requestInterceptor(actor: Actor | undefined, bearerCredential: string | undefined): Interceptor {
  return (next) => async (request) => {
    if (bearerCredential) {
      request.header.set("authorization", `Bearer ${bearerCredential}`);
    }
    if (actor === undefined || request.stream) {
      return next(request);
    }
    const field = request.method.input.fields.find((f) => f.name === "actor");
    const message: Record<string, unknown> = request.message;
    if (field?.message?.typeName !== ActorSchema.typeName || message[field.localName] !== undefined) {
      return next(request);
    }
    const withActor: Record<string, unknown> = clone(request.method.input, request.message);
    withActor[field.localName] = actor;
    return next({ ...request, message: withActor as typeof request.message });
  };
}
