/** Token inspection and verification with jose, for tokens whose `sub` is an object. */
export {
  claimsFollowLayout,
  type FaciliooClaims,
  type FaciliooSubject,
  isoFromNumericDate,
  type Validity,
  type ValidityReason,
  validityAt,
} from './claims.ts';
export { type DecodedToken, decodeToken } from './decode.ts';
export { isTokenCheckError, type TokenCheckCode, TokenCheckError } from './errors.ts';
export { type InspectOptions, inspectToken, type TokenInspection } from './inspect.ts';
export { type KeySource, type LabelledKey, type LoadKeysOptions, loadKeys, parsePemKeys } from './keys.ts';
export { checkSignature, RSA_ALGORITHMS, type SignatureCheck, verifySignature } from './signature.ts';
export { type VerifyOptions, verifyAccessToken } from './verify.ts';
