// The readings a pact is written for travel as JSON (an environment variable, pact metadata), so
// a malformed set is a configuration error naming where it came from, and a pact fits a target
// only where the wire would carry the same thing.
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import {
  CONTRACT_READINGS_ENV,
  contractReadings,
  DEFAULT_READINGS,
  parseReadings,
  readingDifferences,
} from '../../src/target/index.ts';

describe('contractReadings', () => {
  test('without the variable, the spec defaults', () => {
    expect(contractReadings({})).toEqual(DEFAULT_READINGS);
  });

  test('the variable round-trips a set of readings', () => {
    const readings = { ...DEFAULT_READINGS, refreshTokenIn: 'bearer' as const, blockedStatus: 403 };
    expect(contractReadings({ [CONTRACT_READINGS_ENV]: JSON.stringify(readings) })).toEqual(readings);
  });

  test('malformed JSON or a wrong value is a ConfigError naming the variable and the field', () => {
    expect(() => contractReadings({ [CONTRACT_READINGS_ENV]: '{' })).toThrow(ConfigError);
    const wrong = JSON.stringify({ ...DEFAULT_READINGS, recoveryCodeType: 'int32' });
    expect(() => contractReadings({ [CONTRACT_READINGS_ENV]: wrong })).toThrow(
      new RegExp(`${CONTRACT_READINGS_ENV}: not a set of readings: recoveryCodeType`),
    );
  });

  test('metadata from a pact is checked the same way', () => {
    expect(() => parseReadings({ refreshTokenIn: 'body' }, 'pact.json: metadata')).toThrow(
      /pact\.json: metadata/,
    );
  });
});

describe('readingDifferences', () => {
  test('a pact fits a target with the same readings', () => {
    expect(readingDifferences(DEFAULT_READINGS, DEFAULT_READINGS)).toEqual([]);
  });

  test('token placement, token shape, code type and paths must match', () => {
    const target = {
      ...DEFAULT_READINGS,
      refreshTokenIn: 'bearer' as const,
      refreshTokenShape: 'object' as const,
      recoveryCodeType: 'number' as const,
      paths: { ...DEFAULT_READINGS.paths, unblockRecoveryCode: '/api/accounts/unblock-recovery-code' },
    };
    expect(readingDifferences(DEFAULT_READINGS, target)).toEqual([
      'refreshTokenIn "body" (target: "bearer")',
      'refreshTokenShape "string" (target: "object")',
      'recoveryCodeType "string" (target: "number")',
      'paths.unblockRecoveryCode "/api/account/unblock-recovery-code" (target: "/api/accounts/unblock-recovery-code")',
    ]);
  });

  test('the object member is compared only where the pact was written for an object', () => {
    const object = { ...DEFAULT_READINGS, refreshTokenShape: 'object' as const };
    expect(readingDifferences(object, { ...object, refreshTokenKey: 'value' })).toEqual([
      'refreshTokenKey "token" (target: "value")',
    ]);
    expect(readingDifferences(DEFAULT_READINGS, { ...DEFAULT_READINGS, refreshTokenKey: 'value' })).toEqual(
      [],
    );
  });

  test('statuses the pact leaves open fit any target; a pinned blocked status must match', () => {
    const target = { ...DEFAULT_READINGS, wrongPasswordStatus: 400 as const, blockedStatus: 423 };
    expect(readingDifferences(DEFAULT_READINGS, target)).toEqual([]);
    expect(readingDifferences({ ...DEFAULT_READINGS, blockedStatus: 403 }, target)).toEqual([
      'blockedStatus 403 (target: 423)',
    ]);
  });
});
