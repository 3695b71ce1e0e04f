// A wrong recovery code must be wrong for sure, or a lockout check could unlock by luck: every
// guess differs from the right code and from the other guesses, and keeps its shape.
import { describe, expect, test } from 'vitest';
import { WRONG_CODES_TO_BLOCK, wrongCode } from '../../../src/target/ops/index.ts';

describe('wrongCode', () => {
  test.each(['000000', '123456', '999999', '090909', '000001'])(
    'the %s guesses that block recovery all differ from the code and from each other, six digits each',
    (code) => {
      const guesses = Array.from({ length: WRONG_CODES_TO_BLOCK }, (_, i) => wrongCode(code, i + 1));
      for (const guess of guesses) {
        expect(guess).not.toBe(code);
        expect(guess).toMatch(/^\d{6}$/);
      }
      expect(new Set(guesses).size).toBe(WRONG_CODES_TO_BLOCK);
    },
  );

  test('a code that is not digits gets a guess of its own shape that differs from it', () => {
    expect(wrongCode('abc')).not.toBe('abc');
    expect(wrongCode('abx', 1)).not.toBe(wrongCode('abx', 2));
  });
});
