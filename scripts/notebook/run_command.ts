/**
 * Run an external program and collect its output: the one way the notebook toolkit starts
 * `python3`, `jupyter`, `deno jupyter` and Chromium.
 *
 * @example
 * ```ts
 * import { runCommand } from "./run_command.ts";
 * const result = await runCommand("jupyter", ["--version"]);
 * if (result.code !== 0) console.error(result.stderr);
 * ```
 *
 * @module
 */

/** Result of {@linkcode runCommand}. */
export interface RunResult {
  /** Exit status; 127 when the program does not exist. */
  code: number;
  /** Everything written to stdout, decoded as UTF-8. */
  stdout: string;
  /** Everything written to stderr, decoded as UTF-8. */
  stderr: string;
}

/** Options of {@linkcode runCommand}. */
export interface RunCommandOptions {
  /**
   * Extra environment variables, added to the current environment.
   * @default {}
   */
  env?: Record<string, string>;
  /**
   * Working directory.
   * @default the current directory
   */
  cwd?: string;
  /**
   * Kill the program after this many milliseconds.
   * @default no limit
   */
  timeoutMs?: number;
}

/**
 * Environment that keeps Debian's Python quiet about its debugger (`pydevd` warns on every start
 * of `python3` and `jupyter` otherwise).
 */
export const QUIET_PYTHON_ENV: Readonly<Record<string, string>> = {
  PYDEVD_DISABLE_FILE_VALIDATION: "1",
  PYTHONWARNINGS: "ignore",
};

/**
 * Run `cmd args…` with stdin closed and collect its output. Never throws for a non-zero exit
 * (check `code`); a program that does not exist gives code 127 and says so in `stderr`.
 *
 * @throws {Error} when the program cannot be started for another reason (e.g. permission).
 */
export async function runCommand(
  cmd: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<RunResult> {
  const controller = new AbortController();
  const timer = options.timeoutMs === undefined
    ? undefined
    : setTimeout(() => controller.abort(), options.timeoutMs);
  try {
    const out = await new Deno.Command(cmd, {
      args: [...args],
      env: options.env,
      cwd: options.cwd,
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
      signal: controller.signal,
    }).output();
    const decoder = new TextDecoder();
    return {
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { code: 127, stdout: "", stderr: `${cmd}: not found` };
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
