// Package accesstokens is a client of the accesstokens.v1.AccessTokenService
// gRPC API. Client embeds the generated stub, so every RPC is a method of
// it. Client sets the default actor on mutating requests that name none and
// sends the bearer credential as request metadata. Its ListAll methods
// follow page tokens.
//
// Errors are gRPC status errors: status.Code(err) returns the code, such as
// codes.InvalidArgument, and status.Convert(err).Message() the message.
package accesstokens

import (
	"context"
	"crypto/tls"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	v1 "github.com/accesstokens/accesstokens/clients/go/accesstokensv1"
)

// Client is a connection to one accesstokens server. It is safe for
// concurrent use, as the grpc.ClientConn beneath it is.
type Client struct {
	v1.AccessTokenServiceClient
	conn *grpc.ClientConn
}

type options struct {
	actor            *v1.Actor
	bearerCredential string
	tlsConfig        *tls.Config
	dialOptions      []grpc.DialOption
}

// Option configures Dial.
type Option func(*options)

// WithActor sets the actor sent with every mutating request whose actor
// field is unset. The server rejects a mutating request without an actor
// with codes.InvalidArgument, unless it rotates a token by its secret.
func WithActor(actor *v1.Actor) Option {
	return func(o *options) { o.actor = actor }
}

// WithBearerCredential sends `authorization: Bearer <credential>` metadata
// with every call.
func WithBearerCredential(credential string) Option {
	return func(o *options) { o.bearerCredential = credential }
}

// WithTLS connects over TLS with the given configuration. Set Certificates
// in it for mutual TLS. Without this option the connection is plaintext.
func WithTLS(config *tls.Config) Option {
	return func(o *options) { o.tlsConfig = config }
}

// WithDialOptions adds gRPC dial options, such as grpc.WithBlock().
func WithDialOptions(dialOptions ...grpc.DialOption) Option {
	return func(o *options) { o.dialOptions = append(o.dialOptions, dialOptions...) }
}

// UserActor returns the actor of a human user of the platform, with that
// user's access level on the project or group acted on.
func UserActor(userID int64, level v1.AccessLevel) *v1.Actor {
	return &v1.Actor{Identity: &v1.Actor_UserId{UserId: userID}, AccessLevel: level}
}

// BotActor returns the actor of a bot user, `users/{user_id}`, acting
// through its token.
func BotActor(botUser string) *v1.Actor {
	return &v1.Actor{Identity: &v1.Actor_BotUser{BotUser: botUser}}
}

// Dial creates a client of the server at target, such as
// "127.0.0.1:50051". Like grpc.DialContext it returns before the
// connection is up unless WithDialOptions(grpc.WithBlock()) is given.
func Dial(ctx context.Context, target string, opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}

	dialOptions := []grpc.DialOption{
		grpc.WithChainUnaryInterceptor(requestInterceptor(o.actor, o.bearerCredential)),
	}
	if o.tlsConfig != nil {
		dialOptions = append(dialOptions, grpc.WithTransportCredentials(credentials.NewTLS(o.tlsConfig)))
	} else {
		dialOptions = append(dialOptions, grpc.WithInsecure())
	}
	dialOptions = append(dialOptions, o.dialOptions...)

	conn, err := grpc.DialContext(ctx, target, dialOptions...)
	if err != nil {
		return nil, fmt.Errorf("accesstokens: dial %q: %w", target, err)
	}
	return &Client{AccessTokenServiceClient: v1.NewAccessTokenServiceClient(conn), conn: conn}, nil
}

// Close closes the connection. Calls in flight fail with codes.Canceled.
func (c *Client) Close() error {
	return c.conn.Close()
}

// requestInterceptor fills in the default actor and adds the bearer
// credential. The caller's request is cloned before it is changed, so a
// request value can be reused.
func requestInterceptor(actor *v1.Actor, bearerCredential string) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply interface{},
		cc *grpc.ClientConn, invoker grpc.UnaryInvoker, callOptions ...grpc.CallOption) error {
		if message, ok := req.(proto.Message); ok && actor != nil {
			req = withDefaultActor(message, actor)
		}
		if bearerCredential != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+bearerCredential)
		}
		return invoker(ctx, method, req, reply, cc, callOptions...)
	}
}

// withDefaultActor returns message with its `actor` field set to actor, or
// message itself when it has no such field or the field is already set.
// Every mutating request of the API has an `actor` field of type Actor.
func withDefaultActor(message proto.Message, actor *v1.Actor) proto.Message {
	reflected := message.ProtoReflect()
	field := reflected.Descriptor().Fields().ByName("actor")
	if field == nil || field.Message() == nil ||
		field.Message().FullName() != actor.ProtoReflect().Descriptor().FullName() ||
		reflected.Has(field) {
		return message
	}
	clone := proto.Clone(message)
	clone.ProtoReflect().Set(field, protoreflect.ValueOfMessage(actor.ProtoReflect()))
	return clone
}
