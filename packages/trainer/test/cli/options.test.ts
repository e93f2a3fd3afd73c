import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logLines, runInProcess } from '../support/cli';
import { tempDir } from '../support/temp';

/** The one error line of a failed run. */
async function errorLine(args: string[], env: Record<string, string> = {}) {
  const result = await runInProcess(args, env);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return { code: result.code, error: JSON.parse(lines[0] as string) as { level: string; msg: string; code: string } };
}

describe('trainer CLI options', () => {
  it.each([
    [['--epochs', 'abc'], {}, 'invalid --epochs: expected an integer from 1 to 100000, received "abc"'],
    [['--epochs', '0'], {}, 'invalid --epochs: expected an integer from 1 to 100000, received "0"'],
    [['--learning-rate=-1'], {}, 'invalid --learning-rate: expected a number above 0 and at most 10, received "-1"'],
    [
      ['--learning-rate', '-1'],
      {},
      "Option '--learning-rate' argument is ambiguous. Did you forget to specify the option argument for '--learning-rate'? To specify an option argument starting with a dash use '--learning-rate=-XYZ'.",
    ],
    [['--model', 'forest'], {}, 'invalid --model: expected one of logistic, mlp, received "forest"'],
    [['--test-split', '1'], {}, 'invalid --test-split: expected a fraction above 0 and below 1, received "1"'],
    [
      [],
      { TRAINING_EPOCHS: '1.5' },
      'invalid TRAINING_EPOCHS (--epochs): expected an integer from 1 to 100000, received "1.5"',
    ],
    [
      [],
      { NOMAD_META_batch_size: 'big' },
      'invalid NOMAD_META_batch_size (dispatch meta): expected an integer from 1 to 1000000, received "big"',
    ],
    [[], { RESUME: 'maybe' }, 'invalid RESUME (--resume): expected true or false, received "maybe"'],
    [
      [],
      { PUSHGATEWAY_URL: 'localhost:9091' },
      'invalid PUSHGATEWAY_URL (--pushgateway-url): expected an http:// or https:// URL, received "localhost:9091"',
    ],
    [['--bogus', '1'], {}, 'unknown option --bogus: see --help for the options of this command'],
  ])('rejects %j %j with one line naming it, exit code 2', async (args, env, message) => {
    const { code, error } = await errorLine(['train', '--out', tempDir(), ...args], env);
    expect(code).toBe(2);
    expect(error).toMatchObject({ level: 'error', msg: message, code: 'invalid-option' });
  });

  it('requires --out, naming its variable', async () => {
    const { code, error } = await errorLine(['train']);
    expect(code).toBe(2);
    expect(error.msg).toBe('missing --out: give the flag or set OUTPUT_LOCATION');
  });

  it('takes a flag over dispatch meta, and dispatch meta over the environment variable', async () => {
    const out = tempDir();
    const run = async (args: string[], env: Record<string, string>) => {
      const result = await runInProcess(['train', '--out', out, ...args], env);
      expect(result.code).toBe(0);
      return logLines(result.stderr).find((line) => line.msg === 'training') as { epochs: number; model: string };
    };
    expect(await run([], { TRAINING_EPOCHS: '2', NOMAD_META_epochs: '3' })).toMatchObject({ epochs: 3 });
    expect(await run(['--epochs', '4'], { TRAINING_EPOCHS: '2', NOMAD_META_EPOCHS: '3' })).toMatchObject({ epochs: 4 });
    expect(await run([], { TRAINING_EPOCHS: '2', MODEL_NAME: 'mlp' })).toMatchObject({ epochs: 2, model: 'mlp' });
  });

  it('prints the run summary as JSON on stdout and logs as JSON lines on stderr', async () => {
    const result = await runInProcess(['train', '--out', tempDir(), '--epochs', '2', '--run-id', 'cli']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ runId: 'cli', test: { accuracy: expect.any(Number) } });
    expect(logLines(result.stderr).map((line) => line.msg)).toEqual([
      'data read',
      'training',
      'epoch',
      'epoch',
      'run complete',
    ]);
  });

  it('evaluates (report on stdout) and predicts (CSV file) with the model a train run wrote', async () => {
    const out = tempDir();
    expect((await runInProcess(['train', '--out', out, '--epochs', '30'])).code).toBe(0);
    const report = await runInProcess(['evaluate', '--model', out]);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toMatchObject({
      rows: 150,
      accuracy: expect.any(Number),
      confusionMatrix: expect.any(Array),
    });
    const predictions = `${out}/predictions.csv`;
    const predicted = await runInProcess(['predict', '--model', out], { PREDICTIONS_LOCATION: predictions });
    expect(predicted.code).toBe(0);
    expect(JSON.parse(predicted.stdout)).toMatchObject({ rows: 150, badRows: 0 });
    expect(readFileSync(predictions, 'utf8').split('\n')).toHaveLength(152);
  });

  it('shows help for the commands and for each command', async () => {
    const general = await runInProcess(['--help']);
    expect(general.code).toBe(0);
    expect(general.stdout).toContain('Usage: trainer <command> [options]');
    const train = await runInProcess(['train', '--help']);
    expect(train.stdout).toContain('--learning-rate <value>');
    expect(train.stdout).toContain('(LEARNING_RATE, meta learning_rate)');
    expect((await runInProcess([])).code).toBe(2);
    expect((await runInProcess(['fit'])).code).toBe(2);
  });
});
