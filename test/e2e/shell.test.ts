// `corescope shell` driven through a real pseudo-terminal (python3's pty
// module: node-pty would need a native build): the prompt, `help` listing
// exactly the registered commands, a command's output equal to the one-shot
// command's, `--json` per command, Tab completion, an error that does not end
// the session, history written to $CORESCOPE_HISTORY and recalled with the
// up arrow in the next session, and Ctrl-D.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { tokenize } from '../../src/cli/commands/shell.js';
import { hasAddon, NO_ADDON, spawnCli } from '../support/cli.js';
import { makeCore, type MadeCore } from '../support/make-core.js';
import { primaryVersion } from '../support/node-versions.js';
import { REPO } from '../support/repo.js';

const python = ['python3', 'python'].find((p) => spawnSync(p, ['-c', 'import pty'], { stdio: 'ignore' }).status === 0);
const NO_PTY = 'SKIPPED: python3 with the pty module is needed to drive a pseudo-terminal';

/** DRIVER runs argv in a pty, plays steps (send text, wait for a regex), prints the transcript of each step as JSON. */
const DRIVER = String.raw`
import json, os, pty, re, select, sys, time
argv, steps, env = json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3])
pid, fd = pty.fork()
if pid == 0:
    os.environ.update(env)
    os.execvp(argv[0], argv)
buf = b''
out = []
def read_until(pat, timeout):
    global buf
    end = time.time() + timeout
    rx = re.compile(pat.encode(), re.S)
    while time.time() < end:
        m = rx.search(buf)
        if m:
            got, buf = buf[:m.end()], buf[m.end():]
            return got.decode('utf-8', 'replace'), True
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
    got, buf = buf, b''
    return got.decode('utf-8', 'replace'), False
def read_eof(timeout):
    # Until the child closes the pty (it exited), or the timeout.
    global buf
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return True
            if not chunk:
                return True
            buf += chunk
    return False
exited = False
for s in steps:
    if s.get('send') is not None:
        os.write(fd, s['send'].encode())
    if s.get('eof'):
        ok = read_eof(s.get('timeout', 30))
        text, buf = buf.decode('utf-8', 'replace'), b''
        exited = ok
    else:
        text, ok = read_until(s['expect'], s.get('timeout', 90))
    out.append({'text': text, 'ok': ok})
    if not ok:
        break
code = None
if exited:
    # The child left on its own: its exit code (waited for, never killed).
    for _ in range(100):
        wpid, status = os.waitpid(pid, os.WNOHANG)
        if wpid:
            code = os.waitstatus_to_exitcode(status)
            break
        time.sleep(0.1)
if code is None:
    try:
        os.kill(pid, 9)
    except OSError:
        pass
    os.waitpid(pid, 0)
print(json.dumps({'steps': out, 'code': code}))
`;

interface Step {
  send?: string;
  /** expect: a regex to wait for; eof: wait for the shell to exit (its code is returned). */
  expect?: string;
  eof?: boolean;
  timeout?: number;
}

/** plain strips terminal escapes and carriage returns from pty output. */
function plain(s: string): string {
  // eslint-disable-next-line no-control-regex
  // "\r ESC[K" erases the line drawn so far (the progress line): drop what it erased.
  return s.replace(/[^\n]*\r\x1b\[K/g, '').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

/** drive runs the DRIVER asynchronously (a blocked worker would miss vitest's heartbeats). */
async function drive(argv: string[], steps: Step[], env: Record<string, string>): Promise<{ steps: Array<{ text: string; ok: boolean }>; code: number | null }> {
  const child = spawn(python!, ['-c', DRIVER, JSON.stringify(argv), JSON.stringify(steps), JSON.stringify(env)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`pty driver failed: ${stderr}`);
  const res = JSON.parse(stdout) as { steps: Array<{ text: string; ok: boolean }>; code: number | null };
  for (const s of res.steps) s.text = plain(s.text);
  return res;
}

const PROMPT = String.raw`\n(?:\x1b\[[0-9;]*[A-Za-z]|\r)*corescope> `;

describe('tokenize', () => {
  it('splits like a shell: quotes, escapes, empty quoted words', () => {
    expect(tokenize(`instances  "My Type" --limit 3`)).toEqual(['instances', 'My Type', '--limit', '3']);
    expect(tokenize(`a 'b c' d\\ e ""`)).toEqual(['a', 'b c', 'd e', '']);
    expect(() => tokenize('a "b')).toThrow(/unterminated/);
  });
});

describe.skipIf(!hasAddon || !python)(`corescope shell in a pseudo-terminal ${!hasAddon ? NO_ADDON : !python ? NO_PTY : ''}`, () => {
  let made: MadeCore;
  let home: string;
  let env: Record<string, string>;
  let argv: string[];
  let commandNames: string[];
  /** coreCommands are the commands whose first argument is one core. */
  let coreCommands: string[];

  beforeAll(async () => {
    made = await makeCore('uncaught-error', primaryVersion());
    home = mkdtempSync(join(tmpdir(), 'corescope-shell-'));
    env = { CORESCOPE_HISTORY: join(home, 'history'), TERM: 'xterm', COLUMNS: '200', LINES: '50', NODE_OPTIONS: '' };
    argv = [process.execPath, join(REPO, 'bin', 'corescope.js'), '-e', made.exe, 'shell', made.corePath];
    // The truth for `help`: the commands `corescope --help` lists.
    const help = await spawnCli(['--help']);
    const section = help.stdout.slice(help.stdout.indexOf('Commands:'), help.stdout.indexOf('Exit codes:'));
    commandNames = [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((n) => n !== 'help');
    coreCommands = [...section.matchAll(/^ {2}([a-z][\w-]*)(?:\|\w+)? (?:\[options\] )?<core>/gm)].map((m) => m[1]!).filter((n) => n !== 'shell');
    expect(commandNames).toContain('stack');
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('runs commands on the core it loaded once, with help, --json, completion, errors and history', async () => {
    const oneShot = await spawnCli(['-e', made.exe, 'stack', '--crashed', made.corePath]);
    expect(oneShot.code, oneShot.stderr).toBe(0);
    const res = await drive(
      argv,
      [
        { expect: PROMPT },
        { send: 'help\r', expect: PROMPT },
        { send: 'stack --crashed\r', expect: PROMPT },
        { send: 'stack --crashed --json\r', expect: PROMPT },
        { send: 'bogus-command\r', expect: PROMPT },
        // Tab completes "sta" to the one command it can be.
        { send: 'sta\t', expect: 'stack' },
        { send: ' --crashed\r', expect: PROMPT },
        { send: '\x04', eof: true, timeout: 20 },
      ],
      env,
    );
    // Ctrl-D leaves with exit code 0.
    expect(res.steps.at(-1)!.ok, 'the shell did not exit on Ctrl-D').toBe(true);
    expect(res.code).toBe(0);
    const [banner, help, stack, json, bogus, tab, completed] = res.steps;
    expect(banner!.ok, banner!.text).toBe(true);
    expect(banner!.text).toContain('type help');

    // help lists every registered command that runs on one core, only registered commands, and not the shell itself.
    expect(coreCommands).toContain('stack');
    for (const name of coreCommands) expect(help!.text).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
    const listed = [...help!.text.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((n) => !['help', 'exit'].includes(n));
    for (const name of listed) expect(commandNames).toContain(name);
    expect(listed).not.toContain('shell');

    // The same collect and render as the one-shot command: identical text.
    expect(stack!.ok).toBe(true);
    expect(stack!.text).toContain(oneShot.stdout.trim().split('\n')[0]);
    expect(stack!.text.replace(/^stack --crashed\n/, '').replace(/corescope> $/, '').trim()).toBe(oneShot.stdout.trim());
    expect(stack!.text).toContain(made.truth.crash.function);

    // --json per command: the JSON the library returns.
    const body = json!.text.slice(json!.text.indexOf('{'), json!.text.lastIndexOf('}') + 1);
    const parsed = JSON.parse(body) as { schemaVersion: number; threads: Array<{ crashed: boolean; frames: Array<{ function: string | null }> }> };
    expect(parsed.schemaVersion).toBe(1);
    expect(parsed.threads).toHaveLength(1);
    expect(parsed.threads[0]!.frames.some((f) => f.function === made.truth.crash.function)).toBe(true);

    // An unknown command is an error line, and the session goes on.
    expect(bogus!.text).toMatch(/corescope: unknown command "bogus-command"/);
    expect(bogus!.ok).toBe(true);

    expect(tab!.ok, tab!.text).toBe(true);
    expect(completed!.text).toContain(made.truth.crash.function);

    // History: every line, in order.
    const history = readFileSync(env.CORESCOPE_HISTORY!, 'utf8').trim().split('\n');
    expect(history).toEqual(['help', 'stack --crashed', 'stack --crashed --json', 'bogus-command', 'stack --crashed']);
  }, 300_000);

  it('recalls the previous session\'s history with the up arrow', async () => {
    const res = await drive(
      argv,
      [
        { expect: PROMPT },
        // Up arrow: the last line of the history file, then Enter runs it.
        { send: '\x1b[A', expect: 'stack --crashed' },
        { send: '\r', expect: PROMPT },
        { send: 'exit\r', eof: true, timeout: 20 },
      ],
      env,
    );
    expect(res.steps.every((s) => s.ok), JSON.stringify(res.steps)).toBe(true);
    // `exit` leaves with exit code 0.
    expect(res.code).toBe(0);
    expect(res.steps[2]!.text).toContain(made.truth.crash.function);
  }, 300_000);

  it('completes type names from the objects result when `objects` exists', async (ctx) => {
    if (!commandNames.includes('objects')) return ctx.skip('SKIPPED: the objects command is not registered yet');
    const res = await drive(
      argv,
      [
        { expect: PROMPT },
        // Tab loads the type names (a heap walk, with progress), then the line is
        // redrawn whole with the completion in it.
        // (readline may move the cursor between the redrawn line and the inserted rest.)
        { send: 'instances LeakyTh\t', expect: String.raw`corescope> instances LeakyTh(?:\x1b\[[0-9;]*[A-Za-z])*ing`, timeout: 180 },
        // Enter runs the completed line: instances of the completed type.
        { send: ' --limit 3\r', expect: PROMPT },
        { send: '\x04', expect: '$', timeout: 20 },
      ],
      env,
    );
    expect(res.steps[1]!.ok, res.steps[1]!.text).toBe(true);
    expect(res.steps[2]!.ok, res.steps[2]!.text).toBe(true);
    const addresses = res.steps[2]!.text.match(/0x[0-9a-f]{6,}/g) ?? [];
    expect(addresses.length, res.steps[2]!.text).toBe(3);
    expect(res.steps[2]!.text).toContain('LeakyThing');
  }, 300_000);

  it('takes objects, instances, inspect, refs, path and report with the one-shot output; bad input is one line and the session goes on', async (ctx) => {
    for (const c of ['objects', 'instances', 'inspect', 'refs', 'path', 'report']) {
      if (!commandNames.includes(c)) return ctx.skip(`SKIPPED: the ${c} command is not registered`);
    }
    // The truth for each line: the one-shot command's stdout on the same core.
    const first = await spawnCli(['-e', made.exe, 'instances', made.corePath, 'LeakyThing', '--limit', '1', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const addr = (JSON.parse(first.stdout) as { instances: Array<{ address: string }> }).instances[0]!.address;
    const lines = ['objects --top 5', 'instances LeakyThing --limit 2', `inspect ${addr}`, `refs ${addr}`, `path ${addr}`, 'report'];
    const oneShot: string[] = [];
    for (const l of lines) {
      const [name, ...rest] = l.split(' ');
      // In the session the graph exists by then (objects counts live objects), and report ranks
      // types by retained size whenever it does: the one-shot equivalent is `report --retained`.
      if (name === 'report') rest.push('--retained');
      const r = await spawnCli(['-e', made.exe, name!, made.corePath, ...rest], { timeoutMs: 240_000 });
      expect(r.code, `${l}: ${r.stderr}`).toBe(0);
      oneShot.push(r.stdout.trim());
    }
    const res = await drive(
      argv,
      [
        { expect: PROMPT },
        ...lines.map((l) => ({ send: `${l}\r`, expect: PROMPT, timeout: 240 })),
        // A valid-looking address that is no object, a malformed one, an unknown command: one line each.
        { send: 'inspect 0x10\r', expect: PROMPT },
        { send: 'inspect nothex\r', expect: PROMPT },
        { send: 'frobnicate\r', expect: PROMPT },
        // Still alive: a command after the errors runs.
        { send: 'objects --top 5\r', expect: PROMPT, timeout: 240 },
        { send: 'exit\r', eof: true, timeout: 20 },
      ],
      env,
    );
    expect(res.steps.every((s) => s.ok), JSON.stringify(res.steps.map((s) => s.text.slice(-300)))).toBe(true);
    const body = (i: number, line: string) =>
      res.steps[i]!.text.replace(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`), '').replace(/corescope> $/, '').trim();
    lines.forEach((l, i) => expect(body(i + 1, l), l).toBe(oneShot[i]));
    const errorLines = (i: number, line: string) => body(i, line).split('\n').filter((x) => x.startsWith('corescope:'));
    const n = lines.length;
    for (const [i, line] of [[n + 1, 'inspect 0x10'], [n + 2, 'inspect nothex'], [n + 3, 'frobnicate']] as const) {
      expect(errorLines(i, line), `${line}: ${body(i, line)}`).toHaveLength(1);
      // No stack trace, no more than the error and its hint.
      expect(body(i, line).split('\n').filter((x) => x && !/^(corescope|hint):/.test(x)), body(i, line)).toEqual([]);
    }
    expect(body(n + 3, 'frobnicate')).toMatch(/unknown command "frobnicate"/);
    expect(body(n + 4, 'objects --top 5')).toBe(oneShot[0]);
    expect(res.code).toBe(0);
  }, 900_000);
});
