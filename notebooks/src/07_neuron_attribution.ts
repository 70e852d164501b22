// %% [markdown]
// # 7 · Neuron attribution: which pixels drive one hidden neuron?
//
// Layer attribution (notebook 6) asked which hidden units matter for the *prediction*. **Neuron
// attribution** turns the question around: pick **one neuron** inside the network, here one
// position of one channel of a convolution's feature maps, and ask which *input pixels* explain
// its activation. That shows what the neuron responds to.
//
// A neuron is chosen with a `neuronSelector`: its index in the layer's output without the batch
// axis, in TensorFlow.js's NHWC layout `[row, column, channel]`. We use the same neurons as the
// original tutorial: in `conv1`, channel 0 at row 15, column 15 (`[15, 15, 0]`, Captum's
// `(0, 15, 15)` in PyTorch's channels-first layout), and in `conv2`, channel 15 at the same
// position (`[15, 15, 15]`).
//
// A convolution neuron only sees part of the image, its **receptive field**: a 3 × 3 patch of
// the input for a `conv1` neuron, and 5 × 5 for a `conv2` neuron (3 × 3 of `conv1` outputs, each
// seeing 3 × 3 pixels). All attributions outside that patch are exactly zero, so the maps below
// are zoomed-in dots: that is expected, not a bug.
//
// This notebook loads the pretrained checkpoint in `data/classifier/`, so it runs on its own.

// %%
import {
  classProbabilitiesFigure,
  FASHION_MNIST_CLASSES,
  LayerActivation,
  loadCheckpoint,
  loadFashionMnist,
  NeuronGradient,
  NeuronGradientShap,
  NeuronIntegratedGradients,
  noiseBaselines,
  PRETRAINED_CLASSIFIER_DIR,
  tf,
  toTensors,
  visualizeImageAttr,
  visualizeImageAttrMultiple,
} from "../../lib/mod.ts";

const QUICK = Deno.env.get("TUTORIAL_QUICK") === "1";
const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
const test = await loadFashionMnist({ split: "test", limit: 100 });
const { xs, ys } = toTensors(test);
console.log(`model loaded from ${PRETRAINED_CLASSIFIER_DIR}`);

// %% [markdown]
// ## The image
//
// The same test image as in notebooks 5 and 6, with the network's prediction. (Neuron
// attribution does not depend on a target class: it explains a hidden neuron, not an output.)

// %% tags=["figure"]
const INDEX = 0;
const image = xs.slice(INDEX, 1);
const label = test.labels[INDEX];
const probabilities = tf.tidy(() => tf.softmax(model.predict(image) as tf.Tensor2D));
classProbabilitiesFigure(probabilities, FASHION_MNIST_CLASSES, {
  trueLabel: label,
  title: `Prediction for test image ${INDEX}: class probabilities (true class: ${
    FASHION_MNIST_CLASSES[label]
  })`,
});

// %% [markdown]
// ## Where is the neuron, and how active is it?
//
// `LayerActivation` returns a layer's output. Below is channel 0 of `conv1` over the whole
// image (before its ReLU): our first neuron is the value at row 15, column 15 of this map. A
// channel is one filter slid over the image, so the map shows where that filter's pattern
// (here, some kind of edge or brightness change) occurs.

// %%
const NEURON_CONV1 = [15, 15, 0] as const;
const NEURON_CONV2 = [15, 15, 15] as const;
const conv1Act = await new LayerActivation(model, "conv1").attribute(image);
const channel0 = conv1Act.slice([0, 0, 0, 0], [1, 28, 28, 1]);
console.log(
  `conv1 output shape [${conv1Act.shape}]; neuron [${NEURON_CONV1}] activation: ${
    channel0.bufferSync().get(0, 15, 15, 0).toFixed(4)
  }`,
);

// %% tags=["figure"]
visualizeImageAttrMultiple(channel0, image, ["original_image", "heat_map"], ["all", "all"], {
  titles: ["Original image", "conv1 channel 0 activation"],
  title:
    `Activation of conv1 channel 0 on test image ${INDEX}<br>(the first neuron sits at row 15, column 15)`,
});

// %% [markdown]
// ## Neuron Gradient
//
// The gradient of the neuron's activation with respect to each input pixel: how much the neuron
// would change if the pixel changed a little. For a `conv1` neuron this is just the 3 × 3
// filter's weights, placed at the neuron's receptive field (the convolution is linear in the
// input), so it does not depend on the image at all.

// %% tags=["figure"]
const neuronGrad = await new NeuronGradient(model, "conv1").attribute(image, {
  neuronSelector: [...NEURON_CONV1],
});
visualizeImageAttrMultiple(neuronGrad, image, ["original_image", "heat_map", "blended_heat_map"], [
  "all",
  "all",
  "absolute_value",
], {
  titles: ["Original image", "Neuron Gradient (signed)", "Neuron Gradient (magnitude over image)"],
  title:
    `Neuron Gradient: input pixels driving conv1 neuron [${NEURON_CONV1}] (test image ${INDEX})`,
});

// %% [markdown]
// ## Neuron Integrated Gradients
//
// Integrated Gradients (notebook 5) applied to the neuron instead of a class score: integrate
// the neuron's gradient along the path from a black image to the input and multiply by the
// pixel values. The attributions add up to the neuron's activation on the image minus its
// activation on the black image. **How to read it:** green pixels increase the neuron's
// activation, red ones decrease it; unlike Neuron Gradient, the map now depends on the image
// (a pixel that is black contributes nothing).

// %% tags=["figure"]
const neuronIg = await new NeuronIntegratedGradients(model, "conv1").attribute(image, {
  neuronSelector: [...NEURON_CONV1],
  baselines: 0,
  nSteps: 50,
});
visualizeImageAttrMultiple(neuronIg, image, ["original_image", "heat_map", "blended_heat_map"], [
  "all",
  "all",
  "absolute_value",
], {
  titles: ["Original image", "Neuron IG (signed)", "Neuron IG (magnitude over image)"],
  title:
    `Neuron Integrated Gradients: input pixels driving conv1 neuron [${NEURON_CONV1}] (test image ${INDEX})`,
});

// %% [markdown]
// ## Neuron Gradient SHAP on conv2
//
// Gradient SHAP (notebook 5) applied to a neuron of the second convolution, channel 15 at
// row 15, column 15. It averages *gradient × (input − baseline)* over random baselines (the
// black image and random-noise images) and random points between baseline and input. A `conv2`
// neuron sees a 5 × 5 patch of the input through `conv1` and its ReLU, so its map is larger and
// no longer a fixed filter: which pixels matter depends on which `conv1` units are active.

// %% tags=["figure"]
const baselines = noiseBaselines(image.shape, { count: 4, seed: 0 }); // black + 4 noise images
const neuronShap = await new NeuronGradientShap(model, "conv2").attribute(image, {
  neuronSelector: [...NEURON_CONV2],
  baselines,
  nSamples: QUICK ? 20 : 50,
  stdevs: 0.0001,
  seed: 0,
});
visualizeImageAttrMultiple(neuronShap, image, ["original_image", "heat_map", "blended_heat_map"], [
  "all",
  "all",
  "absolute_value",
], {
  titles: [
    "Original image",
    "Neuron Gradient SHAP (signed)",
    "Neuron Gradient SHAP (magnitude over image)",
  ],
  title:
    `Neuron Gradient SHAP: input pixels driving conv2 neuron [${NEURON_CONV2}] (test image ${INDEX})`,
});

// %% [markdown]
// ## Side by side, zoomed in
//
// The three neuron maps next to each other, each normalized on its own. Since everything
// outside a neuron's receptive field is zero, we crop the 9 × 9 window around row 15, column
// 15 (rows and columns 11–19) to see the patterns. **How to read it:** Neuron Gradient shows
// the `conv1` filter itself; Neuron Integrated Gradients weights it by the pixels actually
// present; the `conv2` neuron's Gradient SHAP map covers the larger 5 × 5 field.

// %% tags=["figure"]
const crop = (t: tf.Tensor) => t.slice([0, 11, 11, 0], [1, 9, 9, 1]);
const [gradCrop, igCrop, shapCrop, imageCrop] = [neuronGrad, neuronIg, neuronShap, image].map(crop);
visualizeImageAttrMultiple(
  [
    { attr: gradCrop, title: `Neuron Gradient conv1 [${NEURON_CONV1}]` },
    { attr: igCrop, title: `Neuron IG conv1 [${NEURON_CONV1}]` },
    { attr: shapCrop, title: `Neuron Gradient SHAP conv2 [${NEURON_CONV2}]` },
  ],
  imageCrop,
  ["heat_map"],
  ["all"],
  {
    title:
      `Neuron attributions compared: the 9 × 9 input window around row 15, column 15 (test image ${INDEX})`,
  },
);

// %% [markdown]
// And the Neuron Integrated Gradients map alone, positive attributions only, over the cropped
// image: the pixels whose presence switches the `conv1` neuron on.

// %% tags=["figure"]
visualizeImageAttr(igCrop, imageCrop, {
  method: "blended_heat_map",
  sign: "positive",
  title:
    `Neuron IG, conv1 neuron [${NEURON_CONV1}], positive only:<br>pixels that raise its activation (9 × 9 crop)`,
});

// %%
tf.dispose([
  xs,
  ys,
  image,
  probabilities,
  conv1Act,
  channel0,
  neuronGrad,
  neuronIg,
  baselines,
  neuronShap,
  gradCrop,
  igCrop,
  shapCrop,
  imageCrop,
]);
model.dispose();
console.log(`tensors still allocated: ${tf.memory().numTensors}`);

// %% [markdown]
// To explore further, change `INDEX` in notebooks 5–7 to explain other test images
// (misclassified ones from notebook 4 are the most instructive), or pick other layers and
// neurons. Next: [8 · Which explanation can we trust?](08_which_explanation_to_trust.ipynb)
// measures these explanations instead of looking at them.
