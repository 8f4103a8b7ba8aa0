// Plugin configurations for tests and the demo, built in one place. Keys are fixed test values
// (never use them anywhere real); the operator key pair is derived from OPERATOR_PRIVKEY so tests
// can collect earnings.
import { secp256k1 } from "@noble/curves/secp256k1.js";

export const OPERATOR_PRIVKEY = "5b".repeat(32);
export const OPERATOR_PUBKEY = Buffer.from(secp256k1.getPublicKey(Buffer.from(OPERATOR_PRIVKEY, "hex"), true)).toString("hex");
export const EARNINGS_SEED = "a1".repeat(32);
export const PASS_KEY = "c3".repeat(32);

export interface TestConfigOptions {
  mints: Array<{ url: string; cluster: string; id?: string; timeout_ms?: number }>;
  price?: number;
  routes?: unknown[];
  passTtl?: number;
  extra?: Record<string, unknown>;
}

export function pluginConfig(o: TestConfigOptions): Record<string, unknown> {
  return {
    unit: "sat",
    mints: o.mints,
    routes: o.routes ?? [
      { id: "free", prefix: "/free", price: 0 },
      { id: "paid", prefix: "/", price: o.price ?? 10 },
    ],
    pass: { ttl_seconds: o.passTtl ?? 300, keys: [{ id: "k1", secret: PASS_KEY }], cookie: true },
    earnings: { lock_pubkey: OPERATOR_PUBKEY, seed: EARNINGS_SEED, lane: 0 },
    ...o.extra,
  };
}
