/**
 * RSA signing keys. facilioo publishes several public keys as PKCS#1 PEM and its tokens carry no
 * `kid`, so the reference API holds a list of keys, signs with one of them and verifies against
 * all of them, which is what a key rotation looks like from outside.
 */
import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { type CryptoKey, importPKCS8, importSPKI } from 'jose';

/** A key pair as plain strings, so it can be cached, written to disk or passed to a worker. */
export interface ReferenceKeyPair {
  /** PKCS#8 PEM (`BEGIN PRIVATE KEY`). */
  privateKeyPem: string;
  /** PKCS#1 PEM (`BEGIN RSA PUBLIC KEY`), the form facilioo publishes. */
  publicKeyPem: string;
}

const generate = promisify(generateKeyPair);

/** Generates `count` RSA-2048 key pairs (tens of milliseconds each; cache them in tests). */
export async function generateKeys(count = 1): Promise<ReferenceKeyPair[]> {
  const pairs = await Promise.all(
    Array.from({ length: count }, () =>
      generate('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      }),
    ),
  );
  return pairs.map(({ privateKey, publicKey }) => ({ privateKeyPem: privateKey, publicKeyPem: publicKey }));
}

/** The keys imported once, ready for jose; importing per request would halve the throughput. */
export interface KeyRing {
  signingKey: CryptoKey;
  verificationKeys: CryptoKey[];
  /** The published PEMs (PKCS#1, SPKI or alternating), in the order of `verificationKeys`. */
  publicKeyPems: string[];
}

/**
 * `mixed` alternates PKCS#1 and SPKI starting with PKCS#1, so a key list of two or more holds
 * both forms, as a deployment that rotated from one tool to another would publish them.
 */
export type PublishedKeyFormat = 'pkcs1' | 'spki' | 'mixed';

export async function importKeyRing(
  pairs: readonly ReferenceKeyPair[],
  signingKeyIndex: number,
  format: PublishedKeyFormat = 'pkcs1',
): Promise<KeyRing> {
  const signing = pairs[signingKeyIndex];
  if (!signing)
    throw new RangeError(`signingKeyIndex ${signingKeyIndex} is outside the ${pairs.length} keys`);
  const pkcs8 = createPrivateKey(signing.privateKeyPem).export({ type: 'pkcs8', format: 'pem' }).toString();
  const signingKey = await importPKCS8(pkcs8, 'RS256');
  const publicKeyPems = pairs.map((pair, i) =>
    format === 'spki' || (format === 'mixed' && i % 2 === 1)
      ? toSpkiPem(pair.publicKeyPem)
      : toPkcs1Pem(pair.publicKeyPem),
  );
  const verificationKeys = await Promise.all(
    publicKeyPems.map((pem) => importSPKI(toSpkiPem(pem), 'RS256', { extractable: true })),
  );
  return { signingKey, verificationKeys, publicKeyPems };
}

export function toPkcs1Pem(pem: string): string {
  return createPublicKey(pem).export({ type: 'pkcs1', format: 'pem' }).toString();
}

export function toSpkiPem(pem: string): string {
  return createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
}
