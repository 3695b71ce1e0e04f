/**
 * Property tests run with one fixed seed, so a CI run is reproducible and a red run means a
 * change, not a roll of the dice. Explore new cases with FAST_CHECK_SEED=<n> (or `random`);
 * a counterexample found that way becomes a named test of its own.
 */
import fc from 'fast-check';

const chosen = process.env.FAST_CHECK_SEED;
if (chosen !== 'random') fc.configureGlobal({ seed: chosen ? Number(chosen) : 20261128 });
