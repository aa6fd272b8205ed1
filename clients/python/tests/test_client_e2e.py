"""End-to-end tests of accesstokens.Client against the real server."""

from __future__ import annotations

import unittest

import grpc

from accesstokens import AccessTokensError, Client, user_actor
from accesstokens.v1 import resources_pb2

from server_process import ServerProcess

PROJECT = "projects/123"


class ClientEndToEndTest(unittest.TestCase):
    server: ServerProcess
    client: Client
    secrets: list

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = ServerProcess()
        cls.client = Client(
            cls.server.address, actor=user_actor(1, resources_pb2.ACCESS_LEVEL_OWNER)
        )
        cls.secrets = []
        cls.client.create_group(109, "Platform")
        cls.client.create_project(123, "Billing API", parent="groups/109")

    @classmethod
    def tearDownClass(cls) -> None:
        cls.client.close()
        log = cls.server.log()
        cls.server.stop()
        for secret in cls.secrets:
            if secret in log:
                raise AssertionError("a token secret appears in the server log")

    def create_token(self, display_name: str) -> resources_pb2.AccessToken:
        created = self.client.create_access_token(
            PROJECT,
            display_name,
            [resources_pb2.SCOPE_READ_API, resources_pb2.SCOPE_READ_REPOSITORY],
        )
        self.secrets.append(created.access_token.token)
        return created.access_token

    def assert_unauthenticated(self, secret: str) -> None:
        with self.assertRaises(AccessTokensError) as raised:
            self.client.authenticate_access_token(secret)
        self.assertEqual(raised.exception.code, grpc.StatusCode.UNAUTHENTICATED)

    def test_create_authenticate_list(self) -> None:
        token = self.create_token("ci")
        self.assertTrue(token.name.startswith(PROJECT + "/accessTokens/"), token.name)
        self.assertTrue(token.token.startswith("glpat-"))
        self.assertEqual(token.state, resources_pb2.AccessToken.STATE_ACTIVE)

        authenticated = self.client.authenticate_access_token(token.token)
        self.assertEqual(authenticated.access_token.name, token.name)
        self.assertEqual(authenticated.project.name, PROJECT)
        self.assertEqual(authenticated.bot_user.name, token.bot_user)
        self.assertEqual(
            list(authenticated.access_token.scopes),
            [resources_pb2.SCOPE_READ_API, resources_pb2.SCOPE_READ_REPOSITORY],
        )

        listed = list(self.client.list_access_tokens(PROJECT, page_size=1))
        self.assertIn(token.name, [t.name for t in listed])
        self.assertTrue(all(t.token == "" for t in listed), "a listed token carries its secret")

    def test_rotate(self) -> None:
        old = self.create_token("deploy")

        rotated = self.client.rotate_access_token(old.name)

        self.assertNotEqual(rotated.access_token.token, old.token)
        self.assertEqual(rotated.access_token.bot_user, old.bot_user)
        self.assertEqual(rotated.previous_access_token.name, old.name)
        self.assertEqual(rotated.previous_access_token.state, resources_pb2.AccessToken.STATE_REVOKED)
        self.secrets.append(rotated.access_token.token)
        authenticated = self.client.authenticate_access_token(rotated.access_token.token)
        self.assertEqual(authenticated.access_token.name, rotated.access_token.name)
        self.assert_unauthenticated(old.token)

    def test_revoke(self) -> None:
        token = self.create_token("nightly")

        revoked = self.client.revoke_access_token(token.name)

        self.assertEqual(revoked.state, resources_pb2.AccessToken.STATE_REVOKED)
        self.assertEqual(
            self.client.get_access_token(token.name).state, resources_pb2.AccessToken.STATE_REVOKED
        )
        self.assert_unauthenticated(token.token)

    def test_audit_log_records_actor(self) -> None:
        token = self.create_token("audited")
        self.client.revoke_access_token(token.name)

        events = list(
            self.client.list_audit_events(filter=f'target = "{token.name}"', page_size=1)
        )

        actions = [event.action for event in events]
        self.assertEqual(
            actions,
            [
                resources_pb2.AuditEvent.ACTION_REVOKE_ACCESS_TOKEN,
                resources_pb2.AuditEvent.ACTION_CREATE_ACCESS_TOKEN,
            ],
        )
        for event in events:
            self.assertEqual(event.actor.user_id, 1)
            self.assertEqual(event.actor.access_level, resources_pb2.ACCESS_LEVEL_OWNER)

    def test_missing_actor(self) -> None:
        with Client(self.server.address) as client:
            with self.assertRaises(AccessTokensError) as raised:
                client.create_access_token(PROJECT, "ci", [resources_pb2.SCOPE_API])

        self.assertEqual(raised.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("actor is required", raised.exception.message)

    def test_invalid_expiry_date(self) -> None:
        with self.assertRaises(AccessTokensError) as raised:
            self.client.create_access_token(
                PROJECT, "ci", [resources_pb2.SCOPE_API], expires_on="2027-02-30"
            )

        self.assertEqual(raised.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn('expires_on "2027-02-30" is not a valid date', raised.exception.message)
        self.assertEqual(raised.exception.method, "CreateAccessToken")

    def test_bearer_credential(self) -> None:
        # The server does not check bearer credentials yet, so this checks
        # that the header is accepted and that the secret stays out of repr.
        with Client(self.server.address, bearer_credential="s3cret-credential") as client:
            self.assertTrue(client.list_scopes())
            self.assertNotIn("s3cret-credential", repr(client))

    def test_list_scopes(self) -> None:
        names = [scope.name for scope in self.client.list_scopes()]

        self.assertIn("api", names)
        self.assertIn("read_repository", names)


if __name__ == "__main__":
    unittest.main()
