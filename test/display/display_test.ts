import assert from "node:assert/strict";
import { display, trainingCurvesFigure } from "../../lib/mod.ts";
import { publishBundle, settleMs } from "../../lib/display/_jupyter_api.ts";

Deno.test("`display()` outside Jupyter prints a one-line description instead of failing", async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    await display(trainingCurvesFigure({ trainLoss: [1, 0.5] }));
  } finally {
    console.log = log;
  }
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    /^Plotly figure: Training curves: loss per epoch \(train loss\) \(not in Jupyter: save it with writeFigureHtml\(fig, path\)\)$/,
  );
});

Deno.test("`settleMs()` waits only for outputs the Deno kernel can drop the next message after", () => {
  assert.equal(settleMs(0), 0);
  assert.equal(settleMs(100_000), 0); // under the kernel's 128 KiB send queue limit
  assert.equal(settleMs(200_000), 120);
  assert.equal(settleMs(5_000_000), 600); // the first figure, which carries plotly.js
});

Deno.test("`publishBundle()` sends the raw bundle, then waits in proportion to its size", async () => {
  const sent: unknown[] = [];
  const api = {
    display(obj: unknown, options?: { raw?: boolean }) {
      sent.push([obj, options]);
      return Promise.resolve();
    },
  };
  const small = { "text/plain": "x" };
  let t0 = performance.now();
  await publishBundle(api, small);
  assert.ok(performance.now() - t0 < 50);
  const big = { "text/html": "x".repeat(1_000_000) };
  t0 = performance.now();
  await publishBundle(api, big);
  assert.ok(performance.now() - t0 >= 195, `waited ${performance.now() - t0} ms, expected 200`);
  assert.deepEqual(sent, [[small, { raw: true }], [big, { raw: true }]]);
});
