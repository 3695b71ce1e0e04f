/**
 * `facilioo-auth broker publish|can-i-deploy`: the Pact Broker side of the pipeline, on when
 * PACT_BROKER_BASE_URL is set. `publish` uploads reports/pacts as this git SHA and branch;
 * `can-i-deploy` asks whether a version may go to an environment. Verification results are
 * published by `verify --from-broker` (from CI only). See contracts/README.md.
 */

import { ConfigError } from '../errors.ts';
import { PACT_DIR } from '../pact/pact-files.ts';
import {
  type BrokerConfig,
  brokerConfig,
  buildInfo,
  canIDeployArgs,
  listPactFiles,
  PACTICIPANTS,
  pactBroker,
  publishArgs,
} from '../verify/index.ts';
import type { RegisterCommand } from './main.ts';

function requireBroker(): BrokerConfig {
  const broker = brokerConfig(process.env);
  if (!broker) {
    throw new ConfigError('no Pact Broker configured', {
      where: 'PACT_BROKER_BASE_URL',
      hint: 'set PACT_BROKER_BASE_URL (and PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PASSWORD)',
    });
  }
  return broker;
}

export const register: RegisterCommand = (program, setExitCode) => {
  const broker = program
    .command('broker')
    .description('Publish pacts to a Pact Broker and ask it can-i-deploy');
  const write = (text: string) => process.stderr.write(text);

  broker
    .command('publish')
    .description('publish the pacts in reports/pacts as the current git SHA and branch')
    .option('--pacts <dir>', 'folder of pact files', PACT_DIR)
    .action(async (flags: { pacts: string }) => {
      const config = requireBroker();
      if ((await listPactFiles(flags.pacts)).length === 0) {
        throw new ConfigError('no pact files to publish', {
          where: flags.pacts,
          hint: 'write them first: npx vitest run --project contracts',
        });
      }
      const build = await buildInfo(process.env, process.cwd());
      setExitCode((await pactBroker(publishArgs(flags.pacts, build), config, write)) === 0 ? 0 : 1);
    });

  broker
    .command('can-i-deploy')
    .description('ask whether this version may be deployed (exit 0 yes, 1 no)')
    .option(
      '--pacticipant <name>',
      `${PACTICIPANTS.consumer} or ${PACTICIPANTS.provider}`,
      PACTICIPANTS.consumer,
    )
    .option('--to-environment <name>', 'environment recorded in the broker', 'production')
    .option('--retry-while-unknown <times>', 'wait for pending verification results', '0')
    .action(async (flags: { pacticipant: string; toEnvironment: string; retryWhileUnknown: string }) => {
      const config = requireBroker();
      const retries = Number(flags.retryWhileUnknown);
      if (!Number.isInteger(retries) || retries < 0) {
        throw new ConfigError(`"${flags.retryWhileUnknown}" is not a whole number`, {
          where: '--retry-while-unknown',
        });
      }
      const build = await buildInfo(process.env, process.cwd());
      const args = canIDeployArgs(build, {
        pacticipant: flags.pacticipant,
        environment: flags.toEnvironment,
        retryWhileUnknown: retries,
      });
      setExitCode((await pactBroker(args, config, write)) === 0 ? 0 : 1);
    });
};
