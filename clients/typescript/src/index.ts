// The accesstokens TypeScript client: the convenience client, and the
// messages and service descriptor generated from proto/accesstokens/v1.

export * from "./client.js";
export * from "./gen/accesstokens/v1/resources_pb.js";
export * from "./gen/accesstokens/v1/access_token_service_pb.js";
