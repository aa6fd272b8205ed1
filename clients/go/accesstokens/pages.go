package accesstokens

import (
	"context"

	"google.golang.org/protobuf/proto"

	v1 "github.com/accesstokens/accesstokens/clients/go/accesstokensv1"
)

// collectPages calls fetch with each page token, starting with the empty
// one, until a page returns an empty next page token, and concatenates the
// items. It stops at the first error.
func collectPages[T any](fetch func(pageToken string) ([]T, string, error)) ([]T, error) {
	var all []T
	pageToken := ""
	for {
		items, next, err := fetch(pageToken)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if next == "" {
			return all, nil
		}
		pageToken = next
	}
}

// ListAllAccessTokens returns every token that ListAccessTokens returns for
// req, page after page. req.PageToken is ignored and req is not changed.
func (c *Client) ListAllAccessTokens(ctx context.Context, req *v1.ListAccessTokensRequest) ([]*v1.AccessToken, error) {
	pageRequest := proto.Clone(req).(*v1.ListAccessTokensRequest)
	return collectPages(func(pageToken string) ([]*v1.AccessToken, string, error) {
		pageRequest.PageToken = pageToken
		response, err := c.ListAccessTokens(ctx, pageRequest)
		if err != nil {
			return nil, "", err
		}
		return response.GetAccessTokens(), response.GetNextPageToken(), nil
	})
}

// ListAllBotUsers returns every bot user that ListBotUsers returns for req,
// page after page. req.PageToken is ignored and req is not changed.
func (c *Client) ListAllBotUsers(ctx context.Context, req *v1.ListBotUsersRequest) ([]*v1.BotUser, error) {
	pageRequest := proto.Clone(req).(*v1.ListBotUsersRequest)
	return collectPages(func(pageToken string) ([]*v1.BotUser, string, error) {
		pageRequest.PageToken = pageToken
		response, err := c.ListBotUsers(ctx, pageRequest)
		if err != nil {
			return nil, "", err
		}
		return response.GetBotUsers(), response.GetNextPageToken(), nil
	})
}

// ListAllAuditEvents returns every event that ListAuditEvents returns for
// req, newest first, page after page. req.PageToken is ignored and req is
// not changed.
func (c *Client) ListAllAuditEvents(ctx context.Context, req *v1.ListAuditEventsRequest) ([]*v1.AuditEvent, error) {
	pageRequest := proto.Clone(req).(*v1.ListAuditEventsRequest)
	return collectPages(func(pageToken string) ([]*v1.AuditEvent, string, error) {
		pageRequest.PageToken = pageToken
		response, err := c.ListAuditEvents(ctx, pageRequest)
		if err != nil {
			return nil, "", err
		}
		return response.GetAuditEvents(), response.GetNextPageToken(), nil
	})
}
