import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PlatformHarness } from '../../gateway/test/platform-harness.js';

const ROOT = new URL('../../../', import.meta.url);

/**
 * The console's production build, made with vite's JS API in a process of its own: vite and its
 * native bundler load there as they do under `npm run build`, not inside jest's module sandbox.
 */
export const buildConsole = async (outDir: string): Promise<void> => {
  const script = `import { build } from 'vite';
await build({ configFile: ${JSON.stringify(fileURLToPath(new URL('apps/console/vite.config.ts', ROOT)))}, logLevel: 'warn',
  build: { outDir: ${JSON.stringify(outDir)}, emptyOutDir: true } });`;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(ROOT), timeout: 180_000 });
};

/**
 * The platform a console user meets: the real governance, population, enterprise and audit
 * subgraphs behind a real gateway that serves both /graphql and the console's build at /console.
 */
export class ConsolePlatformHarness extends PlatformHarness {
  private readonly previousConsoleDir = process.env.SHUZHI_CONSOLE_DIR;

  static start(label: string): Promise<ConsolePlatformHarness> {
    return PlatformHarness.open(
      label,
      (...parts) => new ConsolePlatformHarness(...parts),
      (harness) => Promise.all([buildConsole(harness.consoleDir), harness.startPlatform()]).then(() => undefined),
    );
  }

  /** The console's build, inside the harness's data folder so that `stop` removes it. */
  get consoleDir(): string {
    return join(this.dataDir, 'console-build');
  }

  private async startPlatform(): Promise<void> {
    const governance = await this.governance();
    const [population, enterprise, audit] = await Promise.all([this.subgraph('population'), this.subgraph('enterprise'), this.subgraph('audit')]);
    // The console controller reads its folder when the gateway is built.
    process.env.SHUZHI_CONSOLE_DIR = this.consoleDir;
    await this.gateway({ governance, population, enterprise, audit });
  }

  override async stop(): Promise<void> {
    await super.stop();
    if (this.previousConsoleDir === undefined) delete process.env.SHUZHI_CONSOLE_DIR;
    else process.env.SHUZHI_CONSOLE_DIR = this.previousConsoleDir;
  }
}
