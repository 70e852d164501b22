/**
 * The modules of `lib/` import one way: no module reaches itself through its imports (type-only
 * imports included), so each folder can be read, tested and changed from the bottom up.
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";

const LIB = resolve(dirname(new URL(import.meta.url).pathname), "../../lib");

/** Every `.ts` file under `dir`. */
function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** The relative modules `file` imports or re-exports (static specifiers, type-only included). */
function relativeImports(file: string): string[] {
  const text = Deno.readTextFileSync(file);
  const clause = String.raw`(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\}|\w+(?:\s*,\s*\{[^}]*\})?)`;
  const statement = new RegExp(
    String.raw`^(?:import|export)\s+${clause}\s+from\s+"(\.[^"]+)"`,
    "gm",
  );
  const specifiers = [...text.matchAll(statement)].map((m) => m[1]);
  return specifiers.map((s) => resolve(dirname(file), s));
}

/** One import cycle of `graph` as a path of files, or undefined when there is none. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of graph.keys()) {
    if (state.get(node) === undefined) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

Deno.test("findCycle() finds a cycle and only a cycle", () => {
  assert.deepEqual(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]])), [
    "a",
    "b",
    "c",
    "a",
  ]);
  assert.equal(findCycle(new Map([["a", ["b", "c"]], ["b", ["c"]], ["c", []]])), undefined);
});

Deno.test("lib/ has no import cycle", () => {
  const files = sourceFiles(LIB);
  const graph = new Map(files.map((f) => [f, relativeImports(f)]));
  assert.ok(graph.get(join(LIB, "mod.ts"))!.length > 20, "the import scan reads mod.ts's exports");
  const cycle = findCycle(graph);
  assert.equal(
    cycle?.map((f) => relative(LIB, f)).join(" → "),
    undefined,
    "an import cycle in lib/: make the lower module independent of the upper one",
  );
});
