import { IntegratedGradients, Occlusion, tf } from "/work/main/lib/mod.ts";
import { mobilenetV2 } from "/work/main/fixtures/scale_networks.ts";
const model = mobilenetV2();
console.log("params", model.countParams(), "layers", model.layers.length);
const x = tf.randomUniform([1, 224, 224, 3], 0, 1, "float32", 3);
let t = performance.now();
const p = model.predict(x) as tf.Tensor;
console.log("predict ms", performance.now() - t, p.shape);
const which = Deno.args[0] ?? "ig";
t = performance.now();
try {
  if (which === "ig") {
    const a = await new IntegratedGradients(model).attribute(x, { target: 3 });
    console.log("IG ms", performance.now() - t, a.shape, a.sum().dataSync()[0]);
  } else {
    const a = await new Occlusion(model).attribute(x, { target: 3, slidingWindowShapes: [32, 32, 3], strides: [16, 16, 3] });
    console.log("Occlusion ms", performance.now() - t, a.shape);
  }
} catch (e) { console.log("ERR", String(e).slice(0, 300)); }
try { console.log("after:", (model.predict(x) as tf.Tensor).sum().dataSync()[0]); } catch (e) { console.log("after ERR", String(e).slice(0,200)); }
console.log("mem", tf.memory().numBytes / 2**20);
