/**
 * Parity with Captum beyond the tutorial CNN: four networks (`fixtures/networks.ts`) whose
 * PyTorch twins Captum ran in `scripts/captum_fixtures.py` —
 * - functional: batch norm, max pooling, a residual Add, a strided convolution with a fused relu,
 *   global average pooling, dropout, logits;
 * - mobilenet: ReLU6 (as `reLU({maxValue: 6})` and `Activation("relu6")`), depthwise convolutions
 *   (multiplier 2 and 1), a separable convolution with a fused relu, an inverted-residual Add,
 *   average pooling, a softmax output;
 * - inception: LeakyReLU, ELU (layer and fused), parallel branches with a stride-1 max pool, a
 *   Concatenate, batch norm without scale, logits;
 * - dense: a flat input, a fused sigmoid, tanh, logits.
 *
 * For each network, each recorded method (every deterministic primary, layer and neuron method,
 * with the options Captum ran with) and each backend the library ships, the attributions must
 * match Captum's: max |ours − Captum| ≤ 1e-4 · max |Captum|. The DeepLift family must also sum to
 * F(x) − F(x′) on the logit networks.
 *
 * Set `PARITY_TABLE=1` to print one line per case: network, case, backend, max abs error, max abs
 * reference.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  BACKEND_NAMES,
  type BackendName,
  Deconvolution,
  DeepLift,
  DeepLiftShap,
  FeatureAblation,
  GuidedBackprop,
  GuidedGradCam,
  InputXGradient,
  IntegratedGradients,
  InternalInfluence,
  LayerActivation,
  LayerConductance,
  LayerDeepLift,
  LayerDeepLiftShap,
  LayerFeatureAblation,
  LayerGradCam,
  LayerGradientXActivation,
  LayerIntegratedGradients,
  NeuronConductance,
  NeuronDeconvolution,
  NeuronDeepLift,
  NeuronDeepLiftShap,
  NeuronFeatureAblation,
  NeuronGradient,
  NeuronGuidedBackprop,
  NeuronIntegratedGradients,
  Occlusion,
  Saliency,
  setBackend,
  tf,
} from "../../lib/mod.ts";
import {
  loadParityFixture,
  type ParityCase,
  type ParityCaseInfo,
  parityCases,
  type ParityFixture,
} from "../../fixtures/load_fixture.ts";
import { PARITY_NETWORKS, type ParityNetwork } from "../../fixtures/networks.ts";
import { SEVERAL_TENSOR_METHODS } from "../../lib/attr/layer/layer_taps.ts";

/** Max abs error allowed, relative to the reference's max abs value. */
const TOLERANCE = 1e-4;
/**
 * Cases where float rounding, not a rule, decides a tie, with the measured cause and the bound.
 * Inception's IntegratedGradients on wasm: at the first Gauss–Legendre point (α ≈ 0.0053 from a
 * zero baseline) the image is nearly flat, and in one 2×2 window of pool0 (image 1, window
 * (9, 5), channel 7) two LeakyReLU outputs are 0.06853674 and 0.06853673 on cpu (and PyTorch) but
 * equal on wasm, whose convolution rounds 1 ulp differently; max pooling then routes that step's
 * gradient to another pixel, moving one attribution by 4.7e-5 (4e-4 of the maximum). Every other
 * step agrees to 3e-8, and the same method matches to 1e-7 on cpu.
 */
const ROUNDING_TIES: Record<string, number> = {
  "inception IntegratedGradients wasm": 5e-4,
};
/** Forward outputs: max abs error allowed, relative to max(1, max abs output). */
const FORWARD_TOLERANCE = 1e-5;
/** Completeness of the DeepLift family: |Σ attr − (F(x) − F(x′))| relative to |F(x) − F(x′)|. */
const SUMMATION_TOLERANCE = 1e-4;

/** An explainer, seen through what every method shares. */
interface Explainer {
  attribute(inputs: tf.Tensor, options: Record<string, unknown>): Promise<unknown>;
}
type Factory = (model: tf.LayersModel, layer: string) => Explainer;

const primary = (C: new (model: tf.LayersModel) => unknown): Factory => (model) =>
  new C(model) as Explainer;
const atLayer = (C: new (model: tf.LayersModel, layer: string) => unknown): Factory =>
(
  model,
  layer,
) => new C(model, layer) as Explainer;

/** Captum's class name → this library's explainer. */
const EXPLAINERS: Record<string, Factory> = {
  IntegratedGradients: primary(IntegratedGradients),
  Saliency: primary(Saliency),
  InputXGradient: primary(InputXGradient),
  DeepLift: primary(DeepLift),
  DeepLiftShap: primary(DeepLiftShap),
  GuidedBackprop: primary(GuidedBackprop),
  Deconvolution: primary(Deconvolution),
  Occlusion: primary(Occlusion),
  FeatureAblation: primary(FeatureAblation),
  GuidedGradCam: atLayer(GuidedGradCam),
  LayerActivation: atLayer(LayerActivation),
  LayerGradientXActivation: atLayer(LayerGradientXActivation),
  LayerGradCam: atLayer(LayerGradCam),
  LayerIntegratedGradients: atLayer(LayerIntegratedGradients),
  LayerConductance: atLayer(LayerConductance),
  InternalInfluence: atLayer(InternalInfluence),
  LayerDeepLift: atLayer(LayerDeepLift),
  LayerDeepLiftShap: atLayer(LayerDeepLiftShap),
  LayerFeatureAblation: atLayer(LayerFeatureAblation),
  NeuronGradient: atLayer(NeuronGradient),
  NeuronIntegratedGradients: atLayer(NeuronIntegratedGradients),
  NeuronConductance: atLayer(NeuronConductance),
  NeuronDeepLift: atLayer(NeuronDeepLift),
  NeuronDeepLiftShap: atLayer(NeuronDeepLiftShap),
  NeuronGuidedBackprop: atLayer(NeuronGuidedBackprop),
  NeuronDeconvolution: atLayer(NeuronDeconvolution),
  NeuronFeatureAblation: atLayer(NeuronFeatureAblation),
};

/** Options that only change speed (results do not depend on them; Captum ran with 1). */
const SPEED: Record<string, Record<string, unknown>> = {
  LayerFeatureAblation: { perturbationsPerEval: 32 },
  NeuronFeatureAblation: { perturbationsPerEval: 32 },
};

/**
 * Where Captum's DeepLift is unprincipled, the fixture also records Captum with the principled
 * rule patched in (`scripts/captum_fixtures.py` says how), under the stock case's name plus one
 * suffix per fix. This library implements the principled rules, so it is compared with that
 * variant, and Captum's stock output must differ from ours:
 */
const PRINCIPLED_FIXES: Record<string, string> = {
  // nn.ReLU6 is not in Captum's SUPPORTED_NON_LINEAR, so it passes its raw gradient; the DeepLift
  // paper (and this library) applies the Rescale rule to every nonlinearity, ReLU6 included.
  _rescaleRelu6: "the Rescale rule at ReLU6",
  // Captum hooks a nonlinearity's input tensor. When it is also the output of another hooked
  // nonlinearity (ReLU → MaxPool), the upstream rule reads the gradient before the downstream
  // rule replaced it; when it also feeds other layers (an inception stem), the replacement drops
  // their gradients. Captum's stock attributions then miss F(x) − F(x′) (its own delta ≠ 0).
  _chainRule: "the chain rule across consecutive nonlinearities",
  // Captum routes each max-pool window's contribution to its argmax with max_unpool2d, which
  // keeps one value where overlapping windows (3×3, stride 1) share an argmax; adding them (as
  // the max-pool gradient does) keeps the sum F(x) − F(x′).
  _sumMaxPoolOverlaps: "overlapping max-pool windows summed",
};

/** The fixes a variant's suffix names, in words. */
function fixesOf(variant: string, stock: string): string {
  const suffix = variant.slice(stock.length);
  const found = Object.keys(PRINCIPLED_FIXES).filter((k) => suffix.includes(k));
  assert.equal(found.join(""), suffix, `unknown principled fix in ${variant}`);
  return found.map((k) => PRINCIPLED_FIXES[k]).join(" and ");
}

let loaded: { key: string; fx: ParityFixture } | undefined;

/** The network's fixture and model on `backend` (rebuilt when the network or backend changes). */
async function fixtureOn(network: ParityNetwork, backend: BackendName): Promise<ParityFixture> {
  await setBackend(backend);
  const key = `${network}/${backend}`;
  if (loaded?.key !== key) {
    loaded?.fx.dispose();
    loaded = { key, fx: loadParityFixture(network) };
  }
  return loaded.fx;
}

/** Max abs difference and max abs reference value. */
function errors(actual: tf.Tensor, reference: tf.Tensor): { error: number; scale: number } {
  assert.deepEqual(actual.shape, reference.shape, "shape of the attributions");
  const a = actual.dataSync();
  const r = reference.dataSync();
  let error = 0;
  let scale = 0;
  for (let i = 0; i < r.length; i++) {
    const d = Math.abs(a[i] - r[i]);
    error = Number.isNaN(d) ? Infinity : Math.max(error, d);
    scale = Math.max(scale, Math.abs(r[i]));
  }
  return { error, scale };
}

function report(network: string, name: string, backend: string, error: number, scale: number) {
  if (Deno.env.get("PARITY_TABLE")) {
    console.log(
      `PARITY\t${network}\t${name}\t${backend}\t${error.toExponential(2)}\t${
        scale.toExponential(2)
      }\t${(error / (scale || 1)).toExponential(2)}`,
    );
  }
}

/** Assert `actual` matches `reference` within {@linkcode TOLERANCE} of its max magnitude. */
function assertMatches(
  label: [ParityNetwork, string, BackendName],
  actual: tf.Tensor,
  reference: tf.Tensor,
): void {
  const { error, scale } = errors(actual, reference);
  report(...label, error, scale);
  const tolerance = ROUNDING_TIES[label.join(" ")] ?? TOLERANCE;
  assert.ok(
    error <= tolerance * scale,
    `${label[1]} on ${label[0]} (${
      label[2]
    }): max abs error ${error} > ${tolerance} × max abs reference ${scale} (relative ${
      error / scale
    })`,
  );
}

/** Run this library's method with the case's options on the fixture's inputs. */
async function attribute(fx: ParityFixture, c: ParityCase): Promise<unknown> {
  const factory = EXPLAINERS[c.method];
  assert.ok(factory, `no explainer for ${c.method}`);
  const explainer = factory(fx.model, c.layer ?? "");
  return await explainer.attribute(fx.inputs, { ...c.options, ...SPEED[c.method] });
}

function title(info: ParityCaseInfo, network: string, backend: string, variant?: string): string {
  const where = info.layer === undefined
    ? ""
    : info.perInput
    ? ` at ${info.layer}'s inputs`
    : ` at ${info.layer}`;
  const rule = variant === undefined ? "" : ` with ${fixesOf(variant, info.name)}`;
  return `\`${info.method}.attribute()\` matches Captum${rule} on ${network}${where} (${backend})`;
}

for (const backend of BACKEND_NAMES) {
  for (const network of PARITY_NETWORKS) {
    Deno.test(`the TF.js ${network} network computes its PyTorch twin's outputs (${backend})`, async () => {
      const fx = await fixtureOn(network, backend);
      const rows: Array<[string, tf.Tensor, tf.Tensor]> = [
        ["inputs", fx.inputs, fx.outputs],
        ["baselines", fx.baselines, fx.baselineOutputs],
      ];
      for (const [what, x, expected] of rows) {
        const out = fx.model.predict(x) as tf.Tensor;
        const { error, scale } = errors(out, expected);
        out.dispose();
        report(network, `forward(${what})`, backend, error, scale);
        assert.ok(
          error <= FORWARD_TOLERANCE * Math.max(1, scale),
          `${network} forward on the ${what} (${backend}): max abs error ${error} (outputs up to ${scale})`,
        );
      }
    });

    const infos = parityCases(network);
    const variants = new Map(
      infos.filter((i) => i.variantOf !== undefined).map((i) => [i.variantOf!, i.name]),
    );
    for (const info of infos) {
      if (info.variantOf !== undefined) continue; // tested with its stock case below
      const variant = variants.get(info.name);
      Deno.test(title(info, network, backend, variant), async () => {
        const fx = await fixtureOn(network, backend);
        const c = fx.parityCase(info.name);
        if (c.references && !SEVERAL_TENSOR_METHODS.includes(info.method)) {
          // Captum attributes to each input tensor of a merge layer and returns a tuple. The
          // methods that do not (yet) must refuse, naming the layer, and never answer for one
          // input only.
          await assert.rejects(
            () => attribute(fx, c),
            new RegExp(
              `the input of layer "${info.layer}" must be a single tensor, received ${c.references.length} tensors`,
            ),
          );
          return;
        }
        const result = await attribute(fx, c);
        try {
          // With a principled variant, ours is compared with Captum under the principled rules
          // (PRINCIPLED_FIXES says why), and Captum's stock output must differ from ours.
          const expected = variant === undefined ? c : fx.parityCase(variant);
          const label = expected.name;
          // A merge layer's inputs: one attribution per input tensor, as Captum's tuple.
          const actual = c.references ? result as tf.Tensor[] : [result as tf.Tensor];
          const references = expected.references ?? [expected.reference!];
          const stock = c.references ?? [c.reference!];
          assert.equal(actual.length, references.length, `${label}: one result per tensor`);
          references.forEach((ref, i) =>
            assertMatches(
              [network, references.length > 1 ? `${label}[${i}]` : label, backend],
              actual[i],
              ref,
            )
          );
          if (variant !== undefined) {
            const differences = stock.map((ref, i) => errors(actual[i], ref));
            assert.ok(
              differences.some(({ error, scale }) => error > TOLERANCE * scale),
              `${info.name}: ${
                fixesOf(variant, info.name)
              } should differ from Captum's stock output, but max abs differences are ${
                differences.map(({ error, scale }) => `${error} (reference up to ${scale})`)
              }`,
            );
          }
        } finally {
          tf.dispose(result as tf.TensorContainer);
        }
      });

      if (info.sumsToOutputChange) {
        Deno.test(
          `\`${info.method}.attribute()\` sums to F(x) − F(x′) on ${network}${
            info.layer ? ` at ${info.layer}` : ""
          } (${backend})`,
          async () => {
            const fx = await fixtureOn(network, backend);
            const c = fx.parityCase(info.name);
            const result = await attribute(fx, c) as tf.Tensor;
            const sums = tf.tidy(() => result.reshape([result.shape[0], -1]).sum(1))
              .arraySync() as number[];
            result.dispose();
            const changes = outputChanges(fx, c.options.baselines);
            sums.forEach((sum, i) => {
              const change = changes[i];
              report(network, `${info.name} Σ (example ${i})`, backend, sum - change, change);
              assert.ok(
                Math.abs(sum - change) <= SUMMATION_TOLERANCE * Math.abs(change),
                `${info.name} on ${network} (${backend}), example ${i}: Σ attributions ${sum} vs F(x) − F(x′) = ${change}`,
              );
            });
          },
        );
      }
    }
  }
}

/**
 * F(x)[t] − F(x′)[t] per example from PyTorch's outputs: x′ = 0 for a scalar 0 baseline, or the
 * mean over the baseline rows (DeepLiftShap averages DeepLift over them).
 */
function outputChanges(fx: ParityFixture, baselines: unknown): number[] {
  const outputs = fx.outputs.arraySync() as number[][];
  const reference = baselines === 0
    ? fx.zeroOutputs.arraySync() as number[][]
    : fx.baselineOutputs.arraySync() as number[][];
  return fx.targets.map((t, i) =>
    outputs[i][t] - reference.reduce((s, row) => s + row[t], 0) / reference.length
  );
}
