/** Parsing of --listen addresses and the loopback rule for servers without tokens. */
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../common/errors.js';

export interface ListenAddress {
  host: string;
  port: number;
  /** host:port as grpc-js binds it ([v6]:port for IPv6). */
  bindTarget: string;
}

/** `host:port`, `[v6]:port` or `:port` (all interfaces). Port 0 picks a free port. */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new InvalidArgumentError(
      `--listen must be host:port, e.g. 127.0.0.1:50051 (got ${JSON.stringify(text)})`,
    );
  }
  const named = match[2] ?? '';
  const host = match[1] ?? (named === '' ? '0.0.0.0' : named);
  return { host, port, bindTarget: isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}` };
}

/** True for addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return false;
}
