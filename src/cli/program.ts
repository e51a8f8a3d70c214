import { Command } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerKeygen } from './commands/keygen.js';
import { registerListen } from './commands/listen.js';
import { registerPlatform } from './commands/platform.js';
import { registerSend } from './commands/send.js';
import { registerServe } from './commands/serve.js';
import { registerSign } from './commands/sign.js';
import { registerVerify } from './commands/verify.js';

/** Every command of the CLI, each registered by its own module. */
const COMMANDS: Array<(program: Command) => void> = [
  registerKeygen,
  registerSign,
  registerVerify,
  registerServe,
  registerSend,
  registerListen,
  registerPlatform,
  registerDemo,
];

export function buildProgram(): Command {
  const program = new Command('logout-callback')
    .description('The LaunchKey logout callback: verify, receive, sign and deliver it.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  for (const command of program.commands) command.exitOverride().showHelpAfterError();
  return program;
}
