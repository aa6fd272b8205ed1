// End-to-end tests of the TypeScript client against the real server.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";

import {
  AccessLevel,
  AccessToken_State,
  AuditEvent_Action,
  createAccessTokensClient,
  RevokeAccessTokenRequestSchema,
  Scope,
  userActor,
} from "../src/index.js";
import type { AccessToken, AccessTokensClient, AuditEvent } from "../src/index.js";
import { ServerProcess } from "./server.js";

const project = "projects/123";

describe("AccessTokensClient", () => {
  let server: ServerProcess;
  let client: AccessTokensClient;
  const secrets: string[] = [];

  before(async () => {
    server = await ServerProcess.start();
    client = createAccessTokensClient({
      address: server.address,
      actor: userActor(1, AccessLevel.OWNER),
    });
    await client.createGroup({ groupId: 109n, group: { displayName: "Platform" } });
    await client.createProject({
      projectId: 123n,
      project: { parent: "groups/109", displayName: "Billing API" },
    });
  });

  after(async () => {
    client?.close();
    const log = server?.log() ?? "";
    await server?.stop();
    for (const secret of secrets) {
      assert.ok(!log.includes(secret), "a token secret appears in the server log");
    }
  });

  async function createToken(displayName: string): Promise<AccessToken> {
    const created = await client.createAccessToken({
      parent: project,
      accessToken: { displayName, scopes: [Scope.READ_API, Scope.READ_REPOSITORY] },
    });
    assert.ok(created.accessToken);
    secrets.push(created.accessToken.token);
    return created.accessToken;
  }

  async function expectUnauthenticated(secret: string): Promise<void> {
    await assert.rejects(client.authenticateAccessToken({ token: secret }), (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.code, Code.Unauthenticated);
      return true;
    });
  }

  it("creates, authenticates and lists a token", async () => {
    const token = await createToken("ci");
    assert.ok(token.name.startsWith(`${project}/accessTokens/`), token.name);
    assert.ok(token.token.startsWith("glpat-"));
    assert.equal(token.state, AccessToken_State.ACTIVE);

    const authenticated = await client.authenticateAccessToken({ token: token.token });
    assert.equal(authenticated.accessToken?.name, token.name);
    assert.equal(authenticated.resource.case, "project");
    assert.equal(authenticated.resource.value?.name, project);
    assert.deepEqual(authenticated.accessToken?.scopes, [Scope.READ_API, Scope.READ_REPOSITORY]);

    const listed: AccessToken[] = [];
    for await (const listedToken of client.listAllAccessTokens({ parent: project, pageSize: 1 })) {
      listed.push(listedToken);
    }
    assert.ok(listed.some((t) => t.name === token.name), `${token.name} is not listed`);
    assert.ok(listed.every((t) => t.token === ""), "a listed token carries its secret");
  });

  it("rotates a token", async () => {
    const old = await createToken("deploy");

    const rotated = await client.rotateAccessToken({ name: old.name });

    assert.ok(rotated.accessToken);
    secrets.push(rotated.accessToken.token);
    assert.notEqual(rotated.accessToken.token, old.token);
    assert.equal(rotated.accessToken.botUser, old.botUser);
    assert.equal(rotated.previousAccessToken?.name, old.name);
    assert.equal(rotated.previousAccessToken?.state, AccessToken_State.REVOKED);
    const authenticated = await client.authenticateAccessToken({ token: rotated.accessToken.token });
    assert.equal(authenticated.accessToken?.name, rotated.accessToken.name);
    await expectUnauthenticated(old.token);
  });

  it("revokes a token", async () => {
    const token = await createToken("nightly");

    const request = create(RevokeAccessTokenRequestSchema, { name: token.name });

    const revoked = await client.revokeAccessToken(request);

    assert.equal(revoked.accessToken?.state, AccessToken_State.REVOKED);
    assert.equal(request.actor, undefined, "the client set the actor on the caller's request");
    await expectUnauthenticated(token.token);
  });

  it("records the actor in the audit log", async () => {
    const token = await createToken("audited");
    await client.revokeAccessToken({ name: token.name });

    const events: AuditEvent[] = [];
    for await (const event of client.listAllAuditEvents({
      filter: `target = "${token.name}"`,
      pageSize: 1,
    })) {
      events.push(event);
    }

    assert.deepEqual(
      events.map((event) => event.action),
      [AuditEvent_Action.REVOKE_ACCESS_TOKEN, AuditEvent_Action.CREATE_ACCESS_TOKEN],
    );
    for (const event of events) {
      assert.deepEqual(event.actor?.identity, { case: "userId", value: 1n });
      assert.equal(event.actor?.accessLevel, AccessLevel.OWNER);
    }
  });

  it("rejects a request without an actor", async () => {
    const withoutActor = createAccessTokensClient({ address: server.address });
    try {
      const call = withoutActor.createAccessToken({
        parent: project,
        accessToken: { displayName: "ci", scopes: [Scope.API] },
      });

      await assert.rejects(call, (error: unknown) => {
        assert.ok(error instanceof ConnectError);
        assert.equal(error.code, Code.InvalidArgument);
        assert.match(error.rawMessage, /actor is required/);
        return true;
      });
    } finally {
      withoutActor.close();
    }
  });

  it("rejects an invalid expiry date with INVALID_ARGUMENT", async () => {
    const call = client.createAccessToken({
      parent: project,
      accessToken: { displayName: "ci", scopes: [Scope.API], expiresOn: "2027-02-30" },
    });

    await assert.rejects(call, (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.code, Code.InvalidArgument);
      assert.match(error.rawMessage, /expires_on "2027-02-30" is not a valid date/);
      return true;
    });
  });

  it("sends a bearer credential", async () => {
    // The server does not check bearer credentials yet, so this checks
    // only that a call with the header succeeds.
    const withCredential = createAccessTokensClient({
      address: server.address,
      bearerCredential: "s3cret-credential",
    });
    try {
      const response = await withCredential.listScopes({});
      assert.ok(response.scopes.some((scope) => scope.name === "api"));
    } finally {
      withCredential.close();
    }
  });
});
