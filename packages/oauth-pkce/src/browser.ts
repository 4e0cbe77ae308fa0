/** Opens a URL in a browser; resolves `false` when it could not be launched. */
export type BrowserOpener = (url: string) => Promise<boolean> | boolean;

/** How long a launcher may take to fail before we assume the browser is opening. */
const LAUNCH_GRACE_MS = 2_000;

/**
 * Splits one command the way a POSIX shell (and Python's `shlex.split`) does:
 * whitespace separates words; single quotes keep everything; double quotes
 * keep everything but `\"` and `\\`; a backslash outside quotes escapes the
 * next character. No expansion of any kind.
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "'") {
      const end = text.indexOf("'", i + 1);
      word += text.slice(i + 1, end === -1 ? text.length : end);
      i = end === -1 ? text.length : end;
      inWord = true;
    } else if (char === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) i++;
        word += text[i];
      }
      inWord = true;
    } else if (char === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * The commands `$BROWSER` names, as Python's `webbrowser` reads it: a list
 * separated by the path separator (`:`, `;` on Windows), each a command line
 * whose `%s` is replaced by the URL, or which gets the URL as a last argument.
 */
export function browserCommands(value: string, url: string, separator = ':'): string[][] {
  return value
    .split(separator)
    .map(splitCommand)
    .filter((argv) => argv.length > 0)
    .map((argv) =>
      argv.some((arg) => arg.includes('%s'))
        ? argv.map((arg) => arg.replaceAll('%s', url))
        : [...argv, url],
    );
}

/**
 * The system opener: the commands of `$BROWSER` in order, if set (see
 * `browserCommands`); else `open` (macOS), `xdg-open` (Linux) or
 * `cmd /c start` (Windows). Each is spawned without a shell, detached; only a
 * spawn error or a non-zero exit within 2 s counts as failure, and the next
 * command is tried.
 */
export function systemBrowserOpener(env: NodeJS.ProcessEnv = process.env): BrowserOpener {
  return async (url) => {
    const commands = env.BROWSER
      ? browserCommands(env.BROWSER, url, process.platform === 'win32' ? ';' : ':')
      : process.platform === 'darwin'
        ? [['open', url]]
        : process.platform === 'win32'
          ? [['cmd', '/c', 'start', '""', url]]
          : [['xdg-open', url]];
    for (const argv of commands) if (await launch(argv, env)) return true;
    return false;
  };
}

async function launch([command, ...args]: string[], env: NodeJS.ProcessEnv): Promise<boolean> {
  const { spawn } = await import('node:child_process');
  return new Promise<boolean>((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command!, args, { detached: true, stdio: 'ignore', shell: false, env });
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
}
