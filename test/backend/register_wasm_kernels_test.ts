import assert from "node:assert/strict";
import { tf } from "../../lib/mod.ts";
import { registerWasmKernels, WASM_KERNELS } from "../../lib/backend/register_wasm_kernels.ts";
import { runWasmKernel, stockWasmKernels } from "../../lib/backend/backend.ts";

Deno.test("`registerWasmKernels()` returns the stock kernels it replaced, the same map every call", () => {
  const stock = registerWasmKernels();
  assert.equal(registerWasmKernels(), stock);
  assert.equal(stockWasmKernels(), stock);
  for (const { kernelName } of WASM_KERNELS) {
    const registered = tf.getKernel(kernelName, "wasm");
    assert.ok(registered, `${kernelName} is registered`);
    if (stock.has(kernelName)) assert.notEqual(registered, stock.get(kernelName), kernelName);
  }
  // Replaced stock kernels, and kernels the stock backend lacks (no entry).
  for (const name of ["FusedConv2D", "Conv2DBackpropInput", "Sum", "MaxPoolGrad"]) {
    assert.ok(stock.has(name), name);
  }
  assert.equal(stock.has("DepthwiseConv2dNativeBackpropInput"), false);
});

Deno.test("`runWasmKernel()` runs our kernel and the stock one it replaced on the same buffers", () => {
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const ours = runWasmKernel("ours", "Sum", { x }, { axis: [0], keepDims: false });
  const stock = runWasmKernel("stock", "Sum", { x }, { axis: [0], keepDims: false });
  const read = (info: tf.TensorInfo) => {
    const values = Array.from(tf.backend().readSync(info.dataId) as Float32Array);
    tf.backend().disposeData(info.dataId);
    return values;
  };
  assert.deepEqual(read(ours), [5, 7, 9]);
  assert.deepEqual(read(stock), [5, 7, 9]);
  x.dispose();
  assert.throws(
    () => runWasmKernel("ours", "NoSuchKernel", {}, {}),
    /Cannot run the ours wasm kernel "NoSuchKernel": no such kernel is registered/,
  );
});
