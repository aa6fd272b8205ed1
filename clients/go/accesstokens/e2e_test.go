package accesstokens_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accesstokens/accesstokens/clients/go/accesstokens"
	v1 "github.com/accesstokens/accesstokens/clients/go/accesstokensv1"
)

const project = "projects/123"

// client is connected to the server that TestMain starts, with an owner as
// the default actor.
var client *accesstokens.Client

// serverAddress is the server's address, 127.0.0.1:PORT.
var serverAddress string

// serverLog is the file that the server writes its log to.
var serverLog string

func TestMain(m *testing.M) {
	code, err := runWithServer(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// runWithServer starts $ACCESSTOKENS_SERVER on a free port of 127.0.0.1
// with a new database, creates group 109 and project 123, and runs the
// tests.
func runWithServer(m *testing.M) (int, error) {
	binary := os.Getenv("ACCESSTOKENS_SERVER")
	if binary == "" {
		return 1, fmt.Errorf("ACCESSTOKENS_SERVER is not set; set it to the accesstokens-server binary, such as build/service/accesstokens-server")
	}
	folder, err := os.MkdirTemp("", "accesstokens-go-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(folder)

	serverLog = filepath.Join(folder, "server.log")
	logFile, err := os.Create(serverLog)
	if err != nil {
		return 1, err
	}
	defer logFile.Close()
	server := exec.Command(binary, "--listen=127.0.0.1:0",
		"--db="+filepath.Join(folder, "accesstokens.db"),
		"--secret_key_file="+filepath.Join(folder, "secret.key"))
	server.Stdout = logFile
	server.Stderr = logFile
	if err := server.Start(); err != nil {
		return 1, fmt.Errorf("start %s: %w", binary, err)
	}
	defer func() {
		server.Process.Signal(syscall.SIGTERM)
		server.Wait()
	}()

	serverAddress, err = waitForAddress(serverLog, 30*time.Second)
	if err != nil {
		return 1, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, err = accesstokens.Dial(ctx, serverAddress,
		accesstokens.WithActor(accesstokens.UserActor(1, v1.AccessLevel_ACCESS_LEVEL_OWNER)))
	if err != nil {
		return 1, err
	}
	defer client.Close()

	if _, err := client.CreateGroup(ctx, &v1.CreateGroupRequest{
		GroupId: 109, Group: &v1.Group{DisplayName: "Platform"}}); err != nil {
		return 1, fmt.Errorf("CreateGroup: %w", err)
	}
	if _, err := client.CreateProject(ctx, &v1.CreateProjectRequest{
		ProjectId: 123, Project: &v1.Project{Parent: "groups/109", DisplayName: "Billing API"}}); err != nil {
		return 1, fmt.Errorf("CreateProject: %w", err)
	}
	return m.Run(), nil
}

var listening = regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)

// waitForAddress returns the address from the server's start-up line.
func waitForAddress(logPath string, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		content, err := os.ReadFile(logPath)
		if err != nil {
			return "", err
		}
		if match := listening.FindSubmatch(content); match != nil {
			return string(match[1]), nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	content, _ := os.ReadFile(logPath)
	return "", fmt.Errorf("the server did not start within %v; its log:\n%s", timeout, content)
}

func callContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func createToken(t *testing.T, displayName string) *v1.AccessToken {
	t.Helper()
	response, err := client.CreateAccessToken(callContext(t), &v1.CreateAccessTokenRequest{
		Parent: project,
		AccessToken: &v1.AccessToken{
			DisplayName: displayName,
			Scopes:      []v1.Scope{v1.Scope_SCOPE_READ_API, v1.Scope_SCOPE_READ_REPOSITORY},
		},
	})
	if err != nil {
		t.Fatalf("CreateAccessToken: %v", err)
	}
	t.Cleanup(func() { checkSecretNotLogged(t, response.GetAccessToken().GetToken()) })
	return response.GetAccessToken()
}

func checkSecretNotLogged(t *testing.T, secret string) {
	content, err := os.ReadFile(serverLog)
	if err != nil {
		t.Errorf("read the server log: %v", err)
		return
	}
	if secret != "" && strings.Contains(string(content), secret) {
		t.Errorf("a token secret appears in the server log")
	}
}

func expectUnauthenticated(t *testing.T, secret string) {
	t.Helper()
	_, err := client.AuthenticateAccessToken(callContext(t), &v1.AuthenticateAccessTokenRequest{Token: secret})
	if status.Code(err) != codes.Unauthenticated {
		t.Errorf("AuthenticateAccessToken: got %v, want code Unauthenticated", err)
	}
}

func TestCreateAuthenticateList(t *testing.T) {
	token := createToken(t, "ci")
	if !strings.HasPrefix(token.GetName(), project+"/accessTokens/") {
		t.Errorf("token name = %q, want it under %s", token.GetName(), project)
	}
	if !strings.HasPrefix(token.GetToken(), "glpat-") {
		t.Errorf("the secret does not start with glpat-")
	}

	authenticated, err := client.AuthenticateAccessToken(callContext(t),
		&v1.AuthenticateAccessTokenRequest{Token: token.GetToken()})
	if err != nil {
		t.Fatalf("AuthenticateAccessToken: %v", err)
	}
	if got := authenticated.GetAccessToken().GetName(); got != token.GetName() {
		t.Errorf("authenticated token = %q, want %q", got, token.GetName())
	}
	if got := authenticated.GetProject().GetName(); got != project {
		t.Errorf("authenticated project = %q, want %q", got, project)
	}

	listed, err := client.ListAllAccessTokens(callContext(t),
		&v1.ListAccessTokensRequest{Parent: project, PageSize: 1})
	if err != nil {
		t.Fatalf("ListAllAccessTokens: %v", err)
	}
	found := false
	for _, listedToken := range listed {
		found = found || listedToken.GetName() == token.GetName()
		if listedToken.GetToken() != "" {
			t.Errorf("listed token %s carries its secret", listedToken.GetName())
		}
	}
	if !found {
		t.Errorf("%s is not among the %d listed tokens", token.GetName(), len(listed))
	}
}

func TestRotate(t *testing.T) {
	old := createToken(t, "deploy")

	rotated, err := client.RotateAccessToken(callContext(t), &v1.RotateAccessTokenRequest{Name: old.GetName()})
	if err != nil {
		t.Fatalf("RotateAccessToken: %v", err)
	}
	t.Cleanup(func() { checkSecretNotLogged(t, rotated.GetAccessToken().GetToken()) })

	if rotated.GetAccessToken().GetToken() == old.GetToken() {
		t.Errorf("the rotated token kept its secret")
	}
	if got := rotated.GetAccessToken().GetBotUser(); got != old.GetBotUser() {
		t.Errorf("rotated bot user = %q, want %q", got, old.GetBotUser())
	}
	if got := rotated.GetPreviousAccessToken().GetState(); got != v1.AccessToken_STATE_REVOKED {
		t.Errorf("previous token state = %v, want STATE_REVOKED", got)
	}
	authenticated, err := client.AuthenticateAccessToken(callContext(t),
		&v1.AuthenticateAccessTokenRequest{Token: rotated.GetAccessToken().GetToken()})
	if err != nil {
		t.Fatalf("AuthenticateAccessToken with the new secret: %v", err)
	}
	if got := authenticated.GetAccessToken().GetName(); got != rotated.GetAccessToken().GetName() {
		t.Errorf("authenticated token = %q, want %q", got, rotated.GetAccessToken().GetName())
	}
	expectUnauthenticated(t, old.GetToken())
}

func TestRevoke(t *testing.T) {
	token := createToken(t, "nightly")

	revoked, err := client.RevokeAccessToken(callContext(t), &v1.RevokeAccessTokenRequest{Name: token.GetName()})
	if err != nil {
		t.Fatalf("RevokeAccessToken: %v", err)
	}

	if got := revoked.GetAccessToken().GetState(); got != v1.AccessToken_STATE_REVOKED {
		t.Errorf("revoked token state = %v, want STATE_REVOKED", got)
	}
	expectUnauthenticated(t, token.GetToken())
}

func TestAuditLogRecordsActor(t *testing.T) {
	token := createToken(t, "audited")
	if _, err := client.RevokeAccessToken(callContext(t), &v1.RevokeAccessTokenRequest{Name: token.GetName()}); err != nil {
		t.Fatalf("RevokeAccessToken: %v", err)
	}

	events, err := client.ListAllAuditEvents(callContext(t), &v1.ListAuditEventsRequest{
		Filter: fmt.Sprintf("target = %q", token.GetName()), PageSize: 1})
	if err != nil {
		t.Fatalf("ListAllAuditEvents: %v", err)
	}

	want := []v1.AuditEvent_Action{
		v1.AuditEvent_ACTION_REVOKE_ACCESS_TOKEN,
		v1.AuditEvent_ACTION_CREATE_ACCESS_TOKEN,
	}
	if len(events) != len(want) {
		t.Fatalf("got %d audit events, want %d: %v", len(events), len(want), events)
	}
	for i, event := range events {
		if event.GetAction() != want[i] {
			t.Errorf("event %d action = %v, want %v", i, event.GetAction(), want[i])
		}
		if event.GetActor().GetUserId() != 1 {
			t.Errorf("event %d actor user id = %d, want 1", i, event.GetActor().GetUserId())
		}
		if event.GetActor().GetAccessLevel() != v1.AccessLevel_ACCESS_LEVEL_OWNER {
			t.Errorf("event %d actor access level = %v, want owner", i, event.GetActor().GetAccessLevel())
		}
	}
}

func TestMissingActor(t *testing.T) {
	withoutActor, err := accesstokens.Dial(callContext(t), serverAddress)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer withoutActor.Close()

	_, err = withoutActor.CreateAccessToken(callContext(t), &v1.CreateAccessTokenRequest{
		Parent:      project,
		AccessToken: &v1.AccessToken{DisplayName: "ci", Scopes: []v1.Scope{v1.Scope_SCOPE_API}},
	})

	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("CreateAccessToken: got %v, want code InvalidArgument", err)
	}
	if message := status.Convert(err).Message(); !strings.Contains(message, "actor is required") {
		t.Errorf("message = %q, want it to name the missing actor", message)
	}
}

func TestInvalidExpiryDate(t *testing.T) {
	_, err := client.CreateAccessToken(callContext(t), &v1.CreateAccessTokenRequest{
		Parent: project,
		AccessToken: &v1.AccessToken{
			DisplayName: "ci",
			Scopes:      []v1.Scope{v1.Scope_SCOPE_API},
			ExpiresOn:   "2027-02-30",
		},
	})

	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("CreateAccessToken: got %v, want code InvalidArgument", err)
	}
	if message := status.Convert(err).Message(); !strings.Contains(message, `expires_on "2027-02-30" is not a valid date`) {
		t.Errorf("message = %q, want it to name the date", message)
	}
}

func TestListScopes(t *testing.T) {
	response, err := client.ListScopes(callContext(t), &v1.ListScopesRequest{})
	if err != nil {
		t.Fatalf("ListScopes: %v", err)
	}

	names := map[string]bool{}
	for _, scope := range response.GetScopes() {
		names[scope.GetName()] = true
	}
	if !names["api"] || !names["read_repository"] {
		t.Errorf("scope names = %v, want api and read_repository among them", names)
	}
}
