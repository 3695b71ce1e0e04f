import { register as broker } from './broker.ts';
import { register as checkTarget } from './check-target.ts';
import { register as defects } from './defects.ts';
import { register as gate } from './gate.ts';
import { register as inspectToken } from './inspect-token.ts';
import { register as load } from './load.ts';
import type { RegisterCommand } from './main.ts';
import { register as probe } from './probe.ts';
import { register as scenarios } from './scenarios.ts';
import { register as serve } from './serve.ts';
import { register as verify } from './verify.ts';

/** Every subcommand, in the order `--help` lists them. One line per command module. */
// biome-ignore format: one line per command module, so additions never touch each other's lines
export const COMMANDS: RegisterCommand[] = [
  gate,
  serve,
  defects,
  checkTarget,
  inspectToken,
  scenarios,
  verify,
  load,
  probe,
  broker,
];
