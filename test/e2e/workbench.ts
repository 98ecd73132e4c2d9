// Drives a real VS Code (code-server) in headless Chromium the way a user does: keyboard,
// quick open, the command palette, the light bulb, hovers, the Problems panel, webviews.
// Every step waits for a condition on the page, never for a fixed time.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium, type Frame, type Page } from 'playwright-core';
import { until } from './until';
import { tempDir } from '../support/temp';

const REPO = join(__dirname, '..', '..');
export const CHROMIUM = process.env.VALE_FFI_CHROMIUM ?? '/usr/bin/chromium';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Session {
  readonly workspace: string;
  readonly shots: string;
  readonly page: Page;
  readonly wb: Workbench;
  stop(): Promise<void>;
}

/** The test fixture's debug type lldb-dap (test/e2e/fixture-debugger, on lldb-dap-19) as a .vsix. */
export function fixtureDebuggerVsix(): string {
  const out = join(tempDir('vale-ffi-e2e-debugger-'), 'lldb-dap-fixture.vsix');
  execFileSync(
    join(REPO, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out],
    { cwd: join(REPO, 'test', 'e2e', 'fixture-debugger'), stdio: 'pipe' },
  );
  return out;
}

/**
 * Installs (or reuses) code-server, installs the packaged extension into a fresh extensions
 * folder, copies examples/ to a scratch workspace (the quick fix edits it), starts code-server
 * on a free port and opens the workspace in Chromium.
 * `payload` adds workbench options to the URL (as extensionTestsPath, for a test runner);
 * `onConsole` receives the page's console, where the extension host's console also lands.
 */
export async function startSession(
  log: (line: string) => void,
  payload: (host: string) => [string, string][] = () => [],
  onConsole?: (text: string) => void,
  /** More extensions to install beside vale-ffi (.vsix files). */
  extraExtensions: readonly string[] = [],
): Promise<Session> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const shots = join(REPO, 'test-output', 'e2e', stamp);
  mkdirSync(shots, { recursive: true });
  log(`screenshots: ${shots}`);

  const install = execFileSync('bash', [join(REPO, 'test', 'e2e', 'install-code-server.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const codeServer = join(install, 'node_modules', '.bin', 'code-server');
  const scratch = tempDir('vale-ffi-e2e-');
  const workspace = join(scratch, 'examples');
  cpSync(join(REPO, 'examples'), workspace, { recursive: true });
  const userData = join(scratch, 'user-data');
  const extensions = join(scratch, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.colorTheme': 'Default Dark Modern',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'window.restoreWindows': 'none',
        'files.hotExit': 'off',
        // VS Code for the web (code-server) saves after a second by default: a scenario that types
        // and then reverts (the completion one) must find its text unsaved, however slow the machine.
        'files.autoSave': 'off',
        'editor.hover.delay': 300,
        'editor.minimap.enabled': false,
      },
      null,
      2,
    ),
  );
  const config = join(scratch, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const vsix = join(REPO, 'vale-ffi.vsix');
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];
  for (const x of [vsix, ...extraExtensions]) {
    execFileSync(codeServer, [...common, '--install-extension', x], { stdio: 'pipe' });
    log(`installed ${x} into code-server`);
  }

  const port = await freePort();
  const serverLog = join(shots, 'code-server.log');
  const out = openSync(serverLog, 'w');
  const server: ChildProcess = spawn(
    codeServer,
    [
      ...common,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    { stdio: ['ignore', out, out], detached: true },
  );
  const host = `127.0.0.1:${port}`;
  const extra = payload(host);
  const url = `http://${host}/?folder=${encodeURIComponent(workspace)}${extra.length ? `&payload=${encodeURIComponent(JSON.stringify(extra))}` : ''}`;
  await until(
    `code-server to answer on port ${port} (log: ${serverLog})`,
    async () => {
      if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}; see ${serverLog}`);
      return (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok;
    },
    60_000,
  );

  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root in a sandbox with a closed network: no sandbox, and no background connections.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  if (onConsole) page.on('console', (m) => onConsole(m.text()));
  await page.goto(url);
  const wb = new Workbench(page, shots);
  await until(
    'the workbench with the Explorer showing the workspace',
    () => page.locator('.explorer-folders-view .monaco-list-row').first().isVisible(),
    90_000,
  );
  log(`code-server ${url}`);
  return {
    workspace,
    shots,
    page,
    wb,
    async stop() {
      await browser.close().catch(() => undefined);
      // code-server and what it started (extension hosts, language servers, debug adapters) share
      // its process group: ask them to stop, then make sure none is left behind.
      const group = -server.pid!;
      const alive = (): boolean => {
        try {
          process.kill(group, 0);
          return true;
        } catch {
          return false;
        }
      };
      if (!alive()) return;
      process.kill(group, 'SIGTERM');
      const deadline = Date.now() + 5_000;
      while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (alive()) process.kill(group, 'SIGKILL');
    },
  };
}

export class Workbench {
  private step = 0;

  constructor(
    readonly page: Page,
    readonly shots: string,
  ) {}

  /** A numbered screenshot of the whole window; returns its path. */
  async shot(name: string): Promise<string> {
    const path = join(this.shots, `${String(++this.step).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  private async quickInput(
    prefix: string,
    text: string,
    pick: (label: string) => boolean,
    what: string,
    afterPick?: () => Promise<void>,
  ): Promise<void> {
    await this.page.keyboard.press(prefix);
    const input = this.page.locator('.quick-input-widget input');
    await until('the quick input box', () => input.isVisible());
    await input.fill(text);
    // Read every label in one go (the list re-renders while results stream in), then click.
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    let seen: string[] = [];
    await until(what, async () => {
      seen = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      const i = seen.findIndex(pick);
      if (i < 0) return undefined;
      await rows.nth(i).click({ timeout: 2_000 });
      await afterPick?.();
      return true;
    }).catch((e: Error) => {
      throw new Error(`${e.message}; the list showed ${seen.length ? seen.map((l) => JSON.stringify(l)).join(', ') : 'nothing'}`);
    });
    // Closed, or showing what the command opened next (a picker of its own starts empty).
    await until('the quick input to close', async () => !(await input.isVisible()) || (await input.inputValue()) !== text);
  }

  /** Runs a command from the palette (F1) by its title, as shown there. */
  async command(title: string): Promise<void> {
    await this.quickInput('F1', `>${title}`, (l) => l === title || l.startsWith(`${title}, `), `the command "${title}" in the palette`);
  }

  /**
   * Opens a workspace file with quick open (Ctrl+P) and waits for its tab to be active;
   * `atOnce` runs right after the file is picked, before anything else happens.
   */
  async open(file: string, atOnce?: () => Promise<void>): Promise<void> {
    const name = file.split('/').pop()!;
    await this.quickInput(
      'Control+P',
      file,
      (l) => l === name || l.startsWith(`${name},`) || l.startsWith(`${name} `),
      `${file} in quick open`,
      atOnce,
    );
    await until(`the active tab ${name}`, () => this.page.locator(`.tab.active[aria-label^="${name}"]`).first().isVisible());
  }

  /** Moves the cursor with Go to Line (0-based spot, as the API counts) and checks the status bar. */
  async goto(line: number, character: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await until('the Go to Line box', () => input.isVisible());
    // The box opens holding the ':' that selects Go to Line; keep it.
    await input.fill(`:${line + 1}:${character + 1}`);
    // Enter only once the box offers that spot: pressed earlier (a busy editor at start-up), it was lost.
    await until(
      `Go to line ${line + 1} offered`,
      async () => (await this.page.locator('.quick-input-list .monaco-list-row', { hasText: `line ${line + 1}` }).count()) > 0,
    );
    await this.page.keyboard.press('Enter');
    await until(
      `the cursor at Ln ${line + 1}, Col ${character + 1}`,
      async () => (await this.page.locator('.statusbar-item', { hasText: `Ln ${line + 1}, Col ${character + 1}` }).count()) > 0,
    );
  }

  /** The active editor's lines as shown, in order, spaces normalised; without `hints`, the inlay hints (injected `dyn-rule` spans) are left out. */
  async editorLines(hints = false): Promise<string[]> {
    return this.page
      .locator('.editor-group-container.active .monaco-editor .view-lines')
      .first()
      .evaluate(
        (el, withHints) =>
          [...el.querySelectorAll<HTMLElement>('.view-line')]
            .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
            .map((l) =>
              [...l.querySelectorAll<HTMLElement>('span span')]
                .filter((s) => withHints || !/\bdyn-rule-/.test(s.className))
                .map((s) => s.textContent ?? '')
                .join('')
                .replace(/\u00a0/g, ' '),
            ),
        hints,
      );
  }

  /** The text colour of each token on the active editor's line that shows `lineText`. */
  async tokenColours(lineText: string): Promise<{ text: string; colour: string }[]> {
    return this.page
      .locator('.editor-group-container.active .monaco-editor .view-lines')
      .first()
      .evaluate((el, wanted) => {
        // The source's tokens: injected inlay hints (`dyn-rule` spans) are not part of the text. (No
        // named functions in here: the test runner would wrap them in a helper the page does not have.)
        const lines = [...el.querySelectorAll<HTMLElement>('.view-line')].map((l) =>
          [...l.querySelectorAll<HTMLElement>('span > span')]
            .filter((s) => !/\bdyn-rule-/.test(s.className))
            .map((s) => ({ text: (s.textContent ?? '').replace(/\u00a0/g, ' '), colour: getComputedStyle(s).color })),
        );
        return (
          lines.find((ts) =>
            ts
              .map((t) => t.text)
              .join('')
              .startsWith(wanted),
          ) ?? []
        );
      }, lineText);
  }

  /** Shows the hover at the cursor (the keyboard way: Show or Focus Hover) and returns its text once `ok` holds. */
  async hover(ok: (text: string) => boolean, what: string): Promise<string> {
    await this.command('Show or Focus Hover');
    // A hover asked before the language server answers shows nothing and is not asked again:
    // ask again every few seconds while no hover is up (the server may still be starting).
    let asked = Date.now();
    return until(what, async () => {
      const hovers = this.page.locator('.monaco-hover:visible');
      if ((await hovers.count()) === 0 && Date.now() - asked > 3_000) {
        asked = Date.now();
        await this.command('Show or Focus Hover');
        return undefined;
      }
      for (let i = 0; i < (await hovers.count()); i++) {
        const t = await hovers.nth(i).innerText();
        // Only once it and its ancestors have faded in, so the screenshot shows it clearly.
        const opaque = await hovers.nth(i).evaluate((el) => {
          for (let e: Element | null = el; e; e = e.parentElement) if (getComputedStyle(e).opacity !== '1') return false;
          return true;
        });
        if (ok(t) && opaque) return t;
      }
      return undefined;
    });
  }

  /** The rows of the Problems panel: [file, then each problem's text]. */
  async problems(): Promise<string[]> {
    return this.page
      .locator('.markers-panel .monaco-list-row')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).innerText.replace(/\n/g, ' | ')));
  }

  /** The text of the webview whose body satisfies `ok` (webviews are nested frames). */
  async webview(ok: (text: string) => boolean, what: string): Promise<{ frame: Frame; text: string }> {
    return until(what, async () => {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (ok(text)) return { frame, text };
      }
      return undefined;
    });
  }

  /** Back to a clean window between scenarios: no widgets, no editors, no panel. */
  async reset(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Escape');
    await this.command('View: Close All Editors');
    await until('every editor closed', async () => (await this.page.locator('.tab').count()) === 0);
  }
}
