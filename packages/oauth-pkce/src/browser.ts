/** Opens a URL in a browser; resolves `false` when it could not be launched. */
export type BrowserOpener = (url: string) => Promise<boolean> | boolean;

/** How long a launcher may take to fail before we assume the browser is opening. */
const LAUNCH_GRACE_MS = 2_000;

/**
 * The system opener: `$BROWSER` if set, else `open` (macOS), `xdg-open`
 * (Linux) or `cmd /c start` (Windows). Spawned without a shell, the URL as
 * its only argument, detached; only a spawn error or a non-zero exit within
 * 2 s counts as failure.
 */
export function systemBrowserOpener(env: NodeJS.ProcessEnv = process.env): BrowserOpener {
  return async (url) => {
    const { spawn } = await import('node:child_process');
    const [command, args] = env.BROWSER
      ? [env.BROWSER, [url]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : process.platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', url]]
          : ['xdg-open', [url]];
    return new Promise<boolean>((resolve) => {
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(command, args, { detached: true, stdio: 'ignore', shell: false, env });
      } catch {
        resolve(false);
        return;
      }
      const timer = setTimeout(() => resolve(true), LAUNCH_GRACE_MS);
      timer.unref();
      child.once('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code === 0);
      });
      child.unref();
    });
  };
}
