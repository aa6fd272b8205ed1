package accesstokens

import (
	"testing"

	"google.golang.org/protobuf/proto"

	v1 "github.com/accesstokens/accesstokens/clients/go/accesstokensv1"
)

func TestWithDefaultActorFillsUnsetActor(t *testing.T) {
	owner := UserActor(1, v1.AccessLevel_ACCESS_LEVEL_OWNER)
	request := &v1.RevokeAccessTokenRequest{Name: "projects/1/accessTokens/1"}

	sent := withDefaultActor(request, owner).(*v1.RevokeAccessTokenRequest)

	if !proto.Equal(sent.GetActor(), owner) {
		t.Errorf("sent actor = %v, want %v", sent.GetActor(), owner)
	}
	if request.GetActor() != nil {
		t.Errorf("the caller's request was changed: actor = %v", request.GetActor())
	}
}

func TestWithDefaultActorKeepsGivenActor(t *testing.T) {
	bot := BotActor("users/7")
	request := &v1.RotateAccessTokenRequest{Name: "projects/1/accessTokens/1", Actor: bot}

	sent := withDefaultActor(request, UserActor(1, v1.AccessLevel_ACCESS_LEVEL_OWNER))

	if !proto.Equal(sent, request) {
		t.Errorf("sent %v, want the request unchanged: %v", sent, request)
	}
}

func TestWithDefaultActorSkipsRequestWithoutActor(t *testing.T) {
	request := &v1.GetAccessTokenRequest{Name: "projects/1/accessTokens/1"}

	sent := withDefaultActor(request, UserActor(1, v1.AccessLevel_ACCESS_LEVEL_OWNER))

	if sent != proto.Message(request) {
		t.Errorf("sent %v, want the same request", sent)
	}
}
