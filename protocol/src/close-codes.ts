/**
 * WebSocket close codes the device port uses. 1xxx are RFC 6455 codes; 44xx mirror the HTTP
 * status a lamp's developer would look for, the way graphql-ws numbers its own.
 */
export const LampCloseCode = {
  /** The server is shutting down; the lamp should reconnect later. */
  GoingAway: 1001,
  /** A binary frame: the protocol is text only. */
  UnsupportedData: 1003,
  /** A frame larger than the device port accepts. */
  MessageTooBig: 1009,
  /** The lamp was forgotten: reconnecting, it comes back as a new lamp. */
  Forgotten: 1012,
  /** The server cannot check the secret right now (API link down); reconnect later. */
  TryAgainLater: 1013,
  /** The first frame was not a valid secret. */
  Unauthorized: 4401,
  /** The lamp's own secret was revoked while it was connected. */
  Revoked: 4403,
  /** No secret arrived within the handshake timeout. */
  HandshakeTimeout: 4408,
  /** Another connection of the same lamp (same own secret or MAC) took its place. */
  Replaced: 4409,
  /** No sign of life within the heartbeat timeout. */
  HeartbeatTimeout: 4410,
  /** More data waiting for the lamp than the device port holds for one: it is not reading what it is sent. */
  Backlogged: 4429,
} as const;
export type LampCloseCode = (typeof LampCloseCode)[keyof typeof LampCloseCode];
