/**
 * The one outbound-request guard of the service: every connection to a partner-supplied host
 * (source photos, completion webhooks) resolves the name through `guardedLookup`, which refuses
 * the connection when any resolved address is private, loopback, link-local, metadata or
 * otherwise not public. The check happens at connect time, on the addresses actually dialled,
 * so a name that passed the URL policy and later resolves elsewhere (DNS rebinding) is refused.
 * Used by worker/fetchSource.ts (node:http agents) and notifications/sendWebhook.ts (an undici
 * Agent), so both follow one rule. Below both layers; it uses only domain/urlPolicy.ts.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import type net from "node:net";
import { isForbiddenAddress, isMetadataAddress } from "../domain/forbiddenAddress.js";

/** One resolved address, as `dns.lookup(..., { all: true })` returns it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** Raised inside the guarded lookup; a distinct class so callers can name the refusal. */
export class ForbiddenAddressError extends Error {
  readonly code = "ESSRF_FORBIDDEN_ADDRESS";
  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(`${hostname} resolves to forbidden address ${address}`);
  }
}

/** True when `err` (or its cause chain, as undici wraps it) is a guard refusal. */
export function isForbiddenAddressError(err: unknown): err is ForbiddenAddressError {
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof ForbiddenAddressError) return true;
    if ((e as { code?: unknown }).code === "ESSRF_FORBIDDEN_ADDRESS") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export const systemResolve: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => {
      if (err) reject(err);
      else resolve(addresses);
    });
  });

export interface GuardOptions {
  /** DNS resolver override (tests: a name that resolves to a private IP, or rebinds). */
  resolve?: Resolver;
  /**
   * False only in the emulator and tests: private addresses are then allowed, but cloud
   * metadata servers are refused whatever this says.
   */
  checkAddresses: boolean;
  /** TESTS ONLY: this one address counts as public (a local server standing in for one). */
  trustedAddress?: string;
}

/**
 * A `net`/`tls` lookup function that resolves with `options.resolve` and refuses the connection
 * when ANY resolved address is forbidden (a mixed public/private answer is treated as hostile).
 */
export function guardedLookup(options: GuardOptions): net.LookupFunction {
  const resolve = options.resolve ?? systemResolve;
  return (hostname, lookupOptions: LookupOptions, callback) => {
    // Promise.resolve().then: a resolver that throws synchronously still reaches the callback.
    Promise.resolve()
      .then(() => resolve(hostname))
      .then(
        (all) => {
          const wanted =
            lookupOptions.family === 4 || lookupOptions.family === 6
              ? all.filter((a) => a.family === lookupOptions.family)
              : all;
          if (wanted.length === 0) {
            const err: NodeJS.ErrnoException = new Error(`no address for ${hostname}`);
            err.code = "ENOTFOUND";
            callback(err, "", 0);
            return;
          }
          const bad = wanted.find(
            (a) =>
              a.address !== options.trustedAddress &&
              (options.checkAddresses
                ? isForbiddenAddress(a.address)
                : isMetadataAddress(a.address)),
          );
          if (bad) {
            callback(new ForbiddenAddressError(hostname, bad.address), "", 0);
            return;
          }
          // net asks for all addresses when autoSelectFamily (happy eyeballs) is on.
          if (lookupOptions.all) {
            callback(null, wanted as LookupAddress[]);
          } else {
            const first = wanted[0] as ResolvedAddress;
            callback(null, first.address, first.family);
          }
        },
        (err: NodeJS.ErrnoException) => callback(err, "", 0),
      );
  };
}
