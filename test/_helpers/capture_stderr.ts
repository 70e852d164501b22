/**
 * What a call writes to stderr (where progress bars go outside Jupyter; `deno test`'s stderr is not
 * a terminal, so a bar prints a line every 10 %), and its result.
 */
export async function captureStderr<T>(
  run: () => Promise<T>,
): Promise<{ text: string; result: T }> {
  const original = Deno.stderr.writeSync;
  const decoder = new TextDecoder();
  let text = "";
  Deno.stderr.writeSync = (bytes: Uint8Array) => {
    text += decoder.decode(bytes);
    return bytes.length;
  };
  try {
    const result = await run();
    return { text, result };
  } finally {
    Deno.stderr.writeSync = original;
  }
}
