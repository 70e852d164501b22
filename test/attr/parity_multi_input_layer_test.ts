/**
 * Layer and neuron methods on a model with two inputs: parity with Captum on the two-input
 * network (`fixtures/captum/multi_input_layer.json`, written by
 * `scripts/captum_multi_input_layer_fixtures.py`): tuples of inputs with per-input baselines, the
 * merge layer's output and (with `attributeToLayerInput`) its two inputs, neuron attributions per
 * model input, and `additionalForwardArgs`. Relative max error ≤ 1e-4 per tensor; LayerGradientShap
 * (a Monte Carlo estimate, Captum's from torch's and numpy's generators) statistically.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type Inputs,
  InternalInfluence,
  LayerActivation,
  type LayerAttributions,
  LayerConductance,
  LayerDeepLift,
  LayerDeepLiftShap,
  LayerFeatureAblation,
  LayerGradCam,
  LayerGradientShap,
  LayerGradientXActivation,
  LayerIntegratedGradients,
  type LayerPathOptions,
  NeuronConductance,
  NeuronDeepLift,
  NeuronFeatureAblation,
  NeuronGradient,
  NeuronIntegratedGradients,
  type NeuronSelector,
  tf,
} from "../../lib/mod.ts";
import { loadMultiInputFixture, type MultiInputCase } from "../../fixtures/multi_input_networks.ts";
import { assertNoLeak, relativeMaxError } from "../_helpers/tensor_asserts.ts";

const fx = loadMultiInputFixture();
const TOLERANCE = 1e-4;
/**
 * LayerGradientShap: Captum's 2,000-sample estimate against another 2,000-sample draw of the same
 * expectation (seed 0). Measured relative max errors: 5.3e-6 (merge input 0, img_fc's output,
 * and img_fc with the vector as additionalForwardArgs: the gradient after it is constant along
 * these paths) and 4.5e-2 (merge input 1, the tanh's output: the Monte Carlo error).
 */
const GRADIENT_SHAP_TOLERANCE = 0.1;

/** What a case's call gets: the attributed inputs and the options shared by every method. */
interface CallData {
  inputs: tf.Tensor | tf.Tensor[];
  baselines: tf.Tensor | tf.Tensor[];
  additionalForwardArgs?: tf.Tensor[];
}

/**
 * The inputs of a case: both, or the image alone with the vector passed along; the baselines, or
 * the distributions for a case that ran on them.
 */
function callData(c: MultiInputCase, inputs: tf.Tensor[], given: tf.Tensor[]): CallData {
  const baselines = c.distribution ? given.slice(2) : given.slice(0, 2);
  return c.additionalForwardArgs
    ? { inputs: inputs[0], baselines: baselines[0], additionalForwardArgs: [inputs[1]] }
    : { inputs, baselines };
}

/** The neuron selector Captum ran: an index, or the function of the merge layer's inputs. */
function selectorOf(c: MultiInputCase): NeuronSelector {
  if (Array.isArray(c.neuronSelector)) return c.neuronSelector;
  assert.equal(c.neuronSelector, "a[:, 1] * b[:, 2]");
  return (a: tf.Tensor, b: tf.Tensor) =>
    a.slice([0, 1], [-1, 1]).mul(b.slice([0, 2], [-1, 1])).reshape([-1]);
}

type Runner = (c: MultiInputCase, data: CallData) => Promise<tf.Tensor | tf.Tensor[]>;

/** A layer method that integrates along the input path (its options are `LayerPathOptions`). */
type PathMethod = new (model: tf.LayersModel, layer: string) => {
  attribute<R extends LayerAttributions>(inputs: Inputs, options?: LayerPathOptions): Promise<R>;
};

/** The options of a path method's case: the call's data, the targets and the steps. */
function pathOptions(c: MultiInputCase, data: CallData): LayerPathOptions {
  return {
    ...data,
    target: fx.targets,
    nSteps: fx.nSteps,
    attributeToLayerInput: c.attributeToLayerInput,
  };
}

/** The options of a neuron path method's case: the neuron, the call's data and the steps. */
function neuronPathOptions(c: MultiInputCase, data: CallData) {
  const { baselines, additionalForwardArgs } = data;
  return { neuronSelector: selectorOf(c), baselines, additionalForwardArgs, nSteps: fx.nSteps };
}

/** The runner of a path method's cases. */
function pathRunner(Method: PathMethod): Runner {
  return (c, data) => new Method(fx.model, c.layer).attribute(data.inputs, pathOptions(c, data));
}

const RUNNERS: Record<string, Runner> = {
  LayerActivation: (c, { inputs, additionalForwardArgs }) =>
    new LayerActivation(fx.model, c.layer).attribute<tf.Tensor | tf.Tensor[]>(inputs, {
      attributeToLayerInput: c.attributeToLayerInput,
      additionalForwardArgs,
    }),
  InternalInfluence: pathRunner(InternalInfluence),
  LayerIntegratedGradients: pathRunner(LayerIntegratedGradients),
  LayerConductance: pathRunner(LayerConductance),
  LayerGradientXActivation: (c, { inputs }) =>
    new LayerGradientXActivation(fx.model, c.layer).attribute<tf.Tensor | tf.Tensor[]>(inputs, {
      target: fx.targets,
      attributeToLayerInput: c.attributeToLayerInput,
    }),
  LayerGradCam: (c, { inputs }) =>
    new LayerGradCam(fx.model, c.layer).attribute<tf.Tensor | tf.Tensor[]>(inputs, {
      target: fx.targets,
      attributeToLayerInput: c.attributeToLayerInput,
    }),
  LayerFeatureAblation: async (c, { inputs }) => {
    // Captum's tuple of masks and baselines: one per tensor of the merge layer's input.
    const layerMask = c.layerMask?.map((ids) => tf.tensor(ids, undefined, "int32"));
    try {
      return await new LayerFeatureAblation(fx.model, c.layer).attribute<tf.Tensor | tf.Tensor[]>(
        inputs,
        {
          target: fx.targets,
          attributeToLayerInput: c.attributeToLayerInput,
          layerMask,
          layerBaselines: c.layerBaselines,
        },
      );
    } finally {
      tf.dispose(layerMask);
    }
  },
  LayerDeepLiftShap: (c, data) =>
    new LayerDeepLiftShap(fx.model, c.layer).attribute<tf.Tensor | tf.Tensor[]>(
      data.inputs,
      shapOptions(c, data),
    ),
  LayerGradientShap: (c, { inputs, baselines, additionalForwardArgs }) =>
    new LayerGradientShap(fx.model, c.layer).attribute<tf.Tensor | tf.Tensor[]>(inputs, {
      baselines,
      target: fx.targets,
      nSamples: c.nSamples,
      attributeToLayerInput: c.attributeToLayerInput,
      additionalForwardArgs,
    }),
  NeuronFeatureAblation: (c, { inputs, baselines }) =>
    new NeuronFeatureAblation(fx.model, c.layer).attribute(inputs, {
      neuronSelector: selectorOf(c),
      baselines,
    }),
  LayerDeepLift: (c, { inputs, baselines }) =>
    new LayerDeepLift(fx.model, c.layer).attribute<tf.Tensor | tf.Tensor[]>(inputs, {
      baselines,
      target: fx.targets,
      attributeToLayerInput: c.attributeToLayerInput,
    }),
  NeuronConductance: (c, data) =>
    new NeuronConductance(fx.model, c.layer).attribute(data.inputs, {
      ...neuronPathOptions(c, data),
      target: fx.targets,
    }),
  NeuronIntegratedGradients: (c, data) =>
    new NeuronIntegratedGradients(fx.model, c.layer).attribute(
      data.inputs,
      neuronPathOptions(c, data),
    ),
  NeuronDeepLift: (c, { inputs, baselines }) =>
    new NeuronDeepLift(fx.model, c.layer).attribute(inputs, {
      neuronSelector: selectorOf(c),
      baselines,
    }),
  NeuronGradient: (c, { inputs, additionalForwardArgs }) =>
    new NeuronGradient(fx.model, c.layer).attribute(inputs, {
      neuronSelector: selectorOf(c),
      attributeToNeuronInput: c.attributeToNeuronInput,
      additionalForwardArgs,
    }),
};

/** A method's `attributeWithDelta()` on a case. */
type DeltaRunner = (
  c: MultiInputCase,
  data: CallData,
) => Promise<{ attributions: tf.Tensor | tf.Tensor[]; delta: tf.Tensor }>;

/** The options of a LayerDeepLiftShap case: the distributions, the targets, the layer's side. */
function shapOptions(c: MultiInputCase, { baselines, additionalForwardArgs }: CallData) {
  return {
    baselines,
    target: fx.targets,
    attributeToLayerInput: c.attributeToLayerInput,
    additionalForwardArgs,
  };
}

/** The methods whose convergence delta the fixture records and this library computes. */
const WITH_DELTA: Record<string, DeltaRunner> = {
  LayerIntegratedGradients: (c, data) =>
    new LayerIntegratedGradients(fx.model, c.layer).attributeWithDelta<tf.Tensor | tf.Tensor[]>(
      data.inputs,
      pathOptions(c, data),
    ),
  LayerConductance: (c, data) =>
    new LayerConductance(fx.model, c.layer).attributeWithDelta<tf.Tensor | tf.Tensor[]>(
      data.inputs,
      pathOptions(c, data),
    ),
  // One delta per (example, baseline row) pair, example-major, as Captum's.
  LayerDeepLiftShap: (c, data) =>
    new LayerDeepLiftShap(fx.model, c.layer).attributeWithDelta<tf.Tensor | tf.Tensor[]>(
      data.inputs,
      shapOptions(c, data),
    ),
};

for (const c of fx.cases) {
  const runner = WITH_DELTA[c.method];
  if (runner !== undefined && c.delta !== undefined) {
    Deno.test(`\`${c.method}.attributeWithDelta()\` matches Captum's delta: ${c.name}`, async () => {
      const inputs = fx.inputs();
      const baselines = [...fx.baselines(), ...fx.distribution()];
      const reference = c.delta!();
      try {
        const { attributions, delta } = await runner(c, callData(c, inputs, baselines));
        assert.deepEqual(delta.shape, reference.shape);
        // Deltas are differences of nearly equal sums: compared to the outputs' scale.
        const scale = Math.max(...fx.outputs().abs().dataSync());
        const error = Math.max(...delta.sub(reference).abs().dataSync());
        assert.ok(error <= TOLERANCE * scale, `${c.name}: delta error ${error}`);
        tf.dispose([attributions, delta] as tf.TensorContainer);
      } finally {
        tf.dispose([...inputs, ...baselines, reference]);
      }
    });
  }
}

for (const c of fx.cases) {
  const runner = RUNNERS[c.method];
  if (runner === undefined) continue;
  Deno.test(`\`${c.method}.attribute()\` matches Captum on the two-input network: ${c.name}`, async () => {
    const inputs = fx.inputs();
    const baselines = [...fx.baselines(), ...fx.distribution()];
    const references = c.references();
    try {
      const result = await runner(c, callData(c, inputs, baselines));
      const actual = Array.isArray(result) ? result : [result];
      assert.equal(actual.length, references.length, "one attribution per tensor, as Captum");
      actual.forEach((a, i) => {
        assert.deepEqual(a.shape, references[i].shape, `${c.name}[${i}] shape`);
        const error = relativeMaxError(a, references[i]);
        const tolerance = c.method === "LayerGradientShap" ? GRADIENT_SHAP_TOLERANCE : TOLERANCE;
        assert.ok(error <= tolerance, `${c.name}[${i}]: relative max error ${error}`);
      });
      tf.dispose(actual);
      // The same call again leaks nothing.
      await assertNoLeak(async () =>
        tf.dispose(await runner(c, callData(c, inputs, baselines)) as tf.TensorContainer)
      );
    } finally {
      tf.dispose([...inputs, ...baselines, ...references]);
    }
  });
}
