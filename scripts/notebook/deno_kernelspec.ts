/**
 * Make sure Jupyter knows the Deno kernel, so notebooks whose kernelspec is `deno` can run.
 *
 * @example
 * ```ts
 * import { findJupyter } from "./find_tools.ts";
 * import { ensureDenoKernelspec } from "./deno_kernelspec.ts";
 * if (await ensureDenoKernelspec(await findJupyter())) console.log("installed the Deno kernel");
 * ```
 *
 * @module
 */
import type { JupyterTools } from "./find_tools.ts";
import { QUIET_PYTHON_ENV, runCommand } from "./run_command.ts";

/** Options of {@linkcode ensureDenoKernelspec}. */
export interface EnsureDenoKernelspecOptions {
  /**
   * The `deno` executable whose `deno jupyter --install` registers the kernel.
   * @default Deno.execPath()
   */
  deno?: string;
}

/**
 * The kernelspec names `jupyter kernelspec list --json` reports, or `undefined` when the listing
 * fails or cannot be parsed.
 */
export async function listKernelspecs(
  tools: Pick<JupyterTools, "jupyter">,
): Promise<string[] | undefined> {
  const list = await runCommand(tools.jupyter, ["kernelspec", "list", "--json"], {
    env: { ...QUIET_PYTHON_ENV },
  });
  if (list.code !== 0) return undefined;
  try {
    return Object.keys(JSON.parse(list.stdout).kernelspecs ?? {});
  } catch {
    return undefined;
  }
}

/**
 * Register the Deno kernel with Jupyter (`deno jupyter --install`) unless
 * `jupyter kernelspec list` already lists `deno` (when the listing fails, it installs anyway).
 *
 * @returns `true` when it had to install the kernelspec.
 * @throws {Error} when `deno jupyter --install` fails, with its exit status and stderr.
 */
export async function ensureDenoKernelspec(
  tools: Pick<JupyterTools, "jupyter">,
  options: EnsureDenoKernelspecOptions = {},
): Promise<boolean> {
  if ((await listKernelspecs(tools))?.includes("deno")) return false;
  const install = await runCommand(options.deno ?? Deno.execPath(), ["jupyter", "--install"]);
  if (install.code !== 0) {
    throw new Error(
      `Cannot install the Deno Jupyter kernel: \`deno jupyter --install\` exited with ` +
        `${install.code}: ${install.stderr.trim()}`,
    );
  }
  return true;
}
