/**
 * The committed WebAssembly modules are what their C sources compile to (checked where the
 * toolchain is installed: clang with the wasm32 target and wabt's wasm-objdump; elsewhere the test
 * is skipped, since running the library needs neither).
 */
import assert from "node:assert/strict";
import { join } from "node:path";

async function has(command: string): Promise<boolean> {
  try {
    return (await new Deno.Command(command, { args: ["--version"] }).output()).success;
  } catch {
    return false;
  }
}

const toolchain = (await has("clang")) && (await has("wasm-objdump"));

Deno.test({
  name: "the generated wasm kernel modules match their C sources",
  ignore: !toolchain,
  fn: async () => {
    const script = join(import.meta.dirname!, "..", "..", "scripts", "build_wasm_kernels.ts");
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, "--check"],
    }).output();
    assert.ok(run.success, new TextDecoder().decode(run.stderr));
  },
});
