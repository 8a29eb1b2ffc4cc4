import { Option, type Command } from 'commander';
import { REPLAY_PROTOCOLS, type ReplayProtocolName } from '../../llm/replay-server/protocol-names.js';
import { freePort, inputRowFiles } from '../input-checks.js';
import { portNumber, positiveInteger, runCommand } from '../run-command.js';

export interface ReplayServerFlags {
  readonly protocol: ReplayProtocolName;
  readonly port: number;
  readonly host: string;
  readonly model: string;
  readonly contextSize: number;
  readonly exitWithStdin?: boolean;
}

export function registerReplayServerCommand(program: Command): void {
  program
    .command('replay-server')
    .description('serve published MathCoder trajectories as a model server (OpenAI completions as vLLM, OpenAI chat with a python tool, or TGI), for testing pipelines offline')
    .argument('<files...>', 'JSONL files of published trajectories (messages, ground_truth, debug_result, completion) or recorded transcripts (dialect, question, answer, prompt, completion)')
    .addOption(new Option('--protocol <name>', 'the protocol to speak').choices([...REPLAY_PROTOCOLS]).makeOptionMandatory())
    .option('--port <port>', 'port to listen on (0: a free one)', portNumber('--port'), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--model <name>', 'the model name the server reports', 'mathcoder-replay')
    .option('--context-size <tokens>', 'prompt plus generated tokens the server accepts', positiveInteger('--context-size'), 16_384)
    .option('--exit-with-stdin', 'stop when standard input closes (for a program that starts the server and may die without stopping it)')
    .action((files: string[], flags: ReplayServerFlags) =>
      runCommand(async () => {
        inputRowFiles(files, 'trajectories');
        await freePort(flags.host, flags.port);
        const { runReplayServer } = await import('./replay-server-run.js');
        await runReplayServer(files, flags);
      }),
    );
}
