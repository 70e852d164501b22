/**
 * The 3-D convolution gradients (`Conv3DBackpropInputV2`, `Conv3DBackpropFilterV2`) and the
 * morphological dilation with its gradients (`Dilation2D`, `Dilation2DBackpropInput`,
 * `Dilation2DBackpropFilter`) that this library registers on the `wasm` backend in place of stock
 * kernels that give wrong results (strides, "same" padding) agree with the `cpu` backend on random
 * (seeded) shapes and leak no tensor or wasm buffer.
 */
import { mulberry32 } from "../../lib/data/_prng.ts";
import { tf } from "../../lib/mod.ts";
import { assertKernelMatchesCpu, uniformTensor } from "../_helpers/conv_kernels.ts";

type Triple = [number, number, number];

Deno.test("Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 on wasm equal cpu", async () => {
  const rand = mulberry32(20251204);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const cases: { x: number[]; f: number[]; strides: Triple; pad: "same" | "valid" }[] = [
    { x: [2, 4, 4, 4, 2], f: [2, 2, 2, 2, 3], strides: [1, 1, 1], pad: "valid" },
    { x: [2, 5, 6, 4, 3], f: [3, 3, 3, 3, 4], strides: [2, 2, 2], pad: "same" },
    { x: [1, 5, 5, 6, 1], f: [1, 3, 2, 1, 3], strides: [1, 2, 3], pad: "same" },
  ];
  for (let i = 0; i < 10; i++) {
    const k: Triple = [int(1, 3), int(1, 3), int(1, 3)];
    const ci = int(1, 4);
    cases.push({
      x: [int(1, 2), int(k[0], 6), int(k[1], 6), int(k[2], 6), ci],
      f: [...k, ci, int(1, 5)],
      strides: [int(1, 2), int(1, 2), int(1, 2)],
      pad: rand() < 0.5 ? "same" : "valid",
    });
  }
  for (const [i, c] of cases.entries()) {
    const info = tf.backend_util.computeConv3DInfo(
      c.x as [number, number, number, number, number],
      c.f as [number, number, number, number, number],
      c.strides,
      1,
      c.pad,
    );
    const label = JSON.stringify(c);
    await assertKernelMatchesCpu(
      "Conv3DBackpropInputV2",
      () => {
        const r = mulberry32(100 + i);
        return { dy: uniformTensor(r, info.outShape), filter: uniformTensor(r, c.f) };
      },
      { strides: c.strides, pad: c.pad, inputShape: c.x },
      `input gradient ${label}`,
      1e-5,
    );
    await assertKernelMatchesCpu(
      "Conv3DBackpropFilterV2",
      () => {
        const r = mulberry32(200 + i);
        return { x: uniformTensor(r, c.x), dy: uniformTensor(r, info.outShape) };
      },
      { strides: c.strides, pad: c.pad, filterShape: c.f },
      `filter gradient ${label}`,
      1e-5,
    );
  }
});

Deno.test("Dilation2D and its gradients on wasm equal cpu (strides, dilations, same/valid)", async () => {
  const cases: { x: number[]; f: number[]; s: number; pad: "same" | "valid"; d: number }[] = [
    { x: [2, 6, 7, 3], f: [3, 2, 3], s: 1, pad: "same", d: 1 },
    { x: [2, 6, 7, 3], f: [3, 2, 3], s: 2, pad: "valid", d: 1 },
    { x: [1, 9, 8, 2], f: [3, 3, 2], s: 1, pad: "same", d: 2 },
    { x: [3, 5, 5, 4], f: [2, 2, 4], s: 2, pad: "same", d: 1 },
  ];
  for (const [i, c] of cases.entries()) {
    const info = tf.backend_util.computeDilation2DInfo(
      c.x as [number, number, number, number],
      c.f as [number, number, number],
      c.s,
      c.pad,
      "NHWC",
      c.d,
    );
    const attrs = { strides: [c.s, c.s], pad: c.pad, dilations: [c.d, c.d] };
    const make = () => {
      const r = mulberry32(300 + i);
      // A few tied values, so that several taps reach the window's maximum.
      const x = uniformTensor(r, c.x);
      const tied = tf.tidy(() => tf.minimum(x, 0.6));
      x.dispose();
      return { x: tied, filter: tf.zeros(c.f), dy: uniformTensor(r, info.outShape) };
    };
    const label = JSON.stringify(c);
    await assertKernelMatchesCpu(
      "Dilation2D",
      () => {
        const { x, filter, dy } = make();
        dy.dispose();
        return { x, filter };
      },
      attrs,
      `Dilation2D ${label}`,
      1e-6,
    );
    await assertKernelMatchesCpu("Dilation2DBackpropInput", make, attrs, `input ${label}`, 1e-6);
    await assertKernelMatchesCpu("Dilation2DBackpropFilter", make, attrs, `filter ${label}`, 1e-6);
  }
});
