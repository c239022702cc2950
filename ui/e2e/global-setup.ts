/**
 * A real cd4mm-server for the browser tests: a fresh data directory with the
 * demo accounts and workspace, plus an empty workspace for the field
 * officer's journey and an empty one in Senegal for the regional pages, serving the built UI on a port the OS picks.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const UI = resolve(fileURLToPath(import.meta.url), '..', '..');
export const JOURNEY = 'journey-ws';
export const STATE_FILE = join(UI, 'test-results', 'server.json');

export default async function globalSetup() {
  const server = resolve(UI, process.env.CD4MM_SERVER ?? '../target/debug/cd4mm-server');
  if (!existsSync(server)) throw new Error(`no cd4mm-server at ${server}: build it (cargo build -p cd4mm-server) or set CD4MM_SERVER`);
  const dist = join(UI, 'dist');
  if (!existsSync(join(dist, 'index.html'))) execFileSync('npx', ['vite', 'build'], { cwd: UI, stdio: 'inherit' });

  const data = mkdtempSync(join(tmpdir(), 'cd4mm-e2e-'));
  const admin = (...args: string[]) => execFileSync(server, [...args, '--data', data], { stdio: 'pipe' });
  admin('demo');
  admin('workspace', 'add', JOURNEY, '--name', 'Southern labour corridor', '--country', 'Ghana');
  admin('member', 'add', JOURNEY, 'officer', 'editor');
  admin('member', 'add', JOURNEY, 'counterpart', 'counterpart');
  // A second country for the regional dashboard's filter (e2e/regional.spec.ts).
  admin('workspace', 'add', 'dakar-ws', '--name', 'Dakar port', '--country', 'Senegal');
  admin('member', 'add', 'dakar-ws', 'officer', 'editor');

  const child = spawn(server, ['--data', data, '--listen', '127.0.0.1:0', '--ui', dist], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const base = await new Promise<string>((done, fail) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`cd4mm-server did not start:\n${log}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      // The line reads `... cd4mm-server listening addr=127.0.0.1:PORT epoch=...`.
      const line = log.split('\n').find((l) => l.includes('cd4mm-server listening'));
      const addr = line && /addr=(\S+)/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
      if (addr) {
        clearTimeout(timer);
        done(`http://${addr[1]}`);
      }
    });
    child.on('exit', (code) => fail(new Error(`cd4mm-server exited (${code}):\n${log}`)));
  });
  // Keep reading the log so the server never blocks on a full pipe.
  child.stderr!.resume();

  process.env.CD4MM_BASE_URL = base;
  mkdirFor(STATE_FILE);
  writeFileSync(STATE_FILE, JSON.stringify({ base, data }));

  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(data, { recursive: true, force: true });
  };
}

function mkdirFor(file: string) {
  execFileSync('mkdir', ['-p', resolve(file, '..')]);
}
