// %% [markdown]
// # 6 · Layer attribution: which parts of a hidden layer explain a prediction?
//
// Primary attribution (notebook 5) scores input pixels. **Layer attribution** scores the
// *activations of a hidden layer* instead: for each unit of the layer (here, each position and
// channel of a convolution's feature maps), how much did it contribute to the class score?
// That tells us what the network's intermediate representations respond to, and where.
//
// Our network has two convolutions, `conv1` (32 channels) and `conv2` (16 channels), both
// producing 28 × 28 feature maps (the "same" padding keeps the size and there is no pooling).
// Layer attributions therefore have the layer's shape, `[1, 28, 28, channels]`; to draw one
// map per image we sum over the channels (what the figures do by default) or, for Grad-CAM,
// the method itself combines the channels.
//
// This notebook loads the pretrained checkpoint in `data/classifier/`, so it runs on its own.
//
// > **A fix to the original tutorial.** Its "Layer DeepLIFT" section actually ran Grad-CAM
// > again (and, like all its plots, was titled "Integrated Gradients"). Below, Layer DeepLIFT
// > is computed with `LayerDeepLift`, and each figure is titled with the method that made it.

// %%
import {
  classProbabilitiesFigure,
  FASHION_MNIST_CLASSES,
  LayerAttribution,
  LayerDeepLift,
  LayerGradCam,
  LayerIntegratedGradients,
  loadCheckpoint,
  loadFashionMnist,
  PRETRAINED_CLASSIFIER_DIR,
  rankChannels,
  tf,
  toTensors,
  visualizeImageAttrMultiple,
} from "../../lib/mod.ts";

const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
const test = await loadFashionMnist({ split: "test", limit: 100 });
const { xs, ys } = toTensors(test);
console.log(
  `model loaded from ${PRETRAINED_CLASSIFIER_DIR}; layers: ${
    model.layers.map((l) => l.name).join(", ")
  }`,
);

// %% [markdown]
// ## The image we explain
//
// As in notebook 5: a test image, the network's prediction and its class probabilities. We
// explain the predicted class.

// %%
const INDEX = 0;
const image = xs.slice(INDEX, 1);
const label = test.labels[INDEX];
const probabilities = tf.tidy(() => tf.softmax(model.predict(image) as tf.Tensor2D));
const target = tf.tidy(() => probabilities.argMax(1).dataSync()[0]);
console.log(
  `true class: ${FASHION_MNIST_CLASSES[label]}; predicted: ${FASHION_MNIST_CLASSES[target]} (p = ${
    probabilities.dataSync()[target].toFixed(3)
  })`,
);

// %% tags=["figure"]
classProbabilitiesFigure(probabilities, FASHION_MNIST_CLASSES, {
  trueLabel: label,
  title: `Prediction for test image ${INDEX}: class probabilities (true class: ${
    FASHION_MNIST_CLASSES[label]
  })`,
});

// %% [markdown]
// ## Grad-CAM on both convolutions
//
// **Grad-CAM** weighs each channel of a layer by the average gradient of the class score over
// that channel's feature map (how much the class "wants" more of that channel), and sums the
// channels' activations with those weights. The result is one coarse map per image, here
// `[1, 28, 28, 1]`, of where the layer's class-relevant features are. With larger strides or
// pooling, the map would be smaller than the image; `LayerAttribution.interpolate` resizes it to
// the input's 28 × 28 (here the sizes already match, so it is a no-op, shown for completeness).
//
// **How to read it:** green regions carry features that raise the class score, red regions
// features that lower it. `conv2`, closer to the output, is usually the more class-specific of
// the two; `conv1` responds to low-level edges and so follows the garment's outline.

// %%
const camConv1 = await new LayerGradCam(model, "conv1").attribute(image, { target });
const camConv2 = await new LayerGradCam(model, "conv2").attribute(image, { target });
const camConv1Up = LayerAttribution.interpolate(camConv1, [28, 28]);
const camConv2Up = LayerAttribution.interpolate(camConv2, [28, 28]);
console.log(
  `Grad-CAM map shapes: conv1 [${camConv1.shape}], conv2 [${camConv2.shape}]; resized to [${camConv2Up.shape}]`,
);

// %% tags=["figure"]
visualizeImageAttrMultiple(camConv1Up, image, ["original_image", "heat_map", "blended_heat_map"], [
  "all",
  "all",
  "positive",
], {
  titles: ["Original image", "Grad-CAM conv1 (signed)", "Grad-CAM conv1 (positive, over image)"],
  title: `Grad-CAM on conv1 for class "${FASHION_MNIST_CLASSES[target]}" (test image ${INDEX})`,
});

// %% tags=["figure"]
visualizeImageAttrMultiple(camConv2Up, image, ["original_image", "heat_map", "blended_heat_map"], [
  "all",
  "all",
  "positive",
], {
  titles: ["Original image", "Grad-CAM conv2 (signed)", "Grad-CAM conv2 (positive, over image)"],
  title: `Grad-CAM on conv2 for class "${FASHION_MNIST_CLASSES[target]}" (test image ${INDEX})`,
});

// %% [markdown]
// ## Layer DeepLIFT on conv1
//
// **Layer DeepLIFT** applies DeepLIFT's Rescale rule (notebook 5) from the output back to the
// layer, and multiplies by the layer's activation *difference* between the image and the
// baseline (black image). The result has one value per unit of `conv1`: `[1, 28, 28, 32]`. The
// attributions over all units add up to the score difference between image and baseline.
//
// (This is the section where the original tutorial ran Grad-CAM by mistake.)

// %%
const layerDeepLift = await new LayerDeepLift(model, "conv1").attribute(image, {
  target,
  baselines: 0,
});
console.log(
  `Layer DeepLIFT attributions: shape [${layerDeepLift.shape}] (one per position and channel of conv1)`,
);

// %% [markdown]
// Summing over the 32 channels gives one map per position. **How to read it:** green positions
// of `conv1` carry evidence for the class, red ones against it.

// %% tags=["figure"]
visualizeImageAttrMultiple(
  layerDeepLift,
  image,
  ["original_image", "heat_map", "blended_heat_map"],
  [
    "all",
    "all",
    "absolute_value",
  ],
  {
    titles: [
      "Original image",
      "Layer DeepLIFT conv1 (signed, summed over channels)",
      "Layer DeepLIFT conv1 (magnitude)",
    ],
    title: `Layer DeepLIFT on conv1 for class "${
      FASHION_MNIST_CLASSES[target]
    }" (test image ${INDEX})`,
  },
);

// %% [markdown]
// Which of conv1's 32 channels matter most? `rankChannels` sums each channel's attributions over
// all positions and ranks the channels by the size of that total; the table shows the five with
// the largest total, positive (evidence for the class) or negative (against it).

// %%
console.table(
  rankChannels(layerDeepLift, { k: 5, by: "sum" })
    .map(({ channel, score }) => ({ channel, "total attribution": score })),
);

// %% [markdown]
// ## Layer Integrated Gradients on conv1
//
// **Layer Integrated Gradients** integrates the gradient of the class score with respect to the
// layer's activations along the straight line from the activations of the baseline (black image)
// to those of the image: the layer-level analogue of Integrated Gradients. Its attributions also
// add up (up to a small **convergence delta**) to the score difference.
//
// A check on the numbers: `conv1` is linear in the image, so the straight line between its
// activations for the black image and for the image is exactly the image of Integrated
// Gradients' input path; with the same steps, Layer IG on `conv1` therefore sums to the same
// total (and the same delta) as Integrated Gradients in notebook 5.

// %%
const layerIg = new LayerIntegratedGradients(model, "conv1");
const { attributions: layerIgAttr, delta: layerIgDelta } = await layerIg.attributeWithDelta(image, {
  target,
  baselines: 0,
  nSteps: 50,
});
console.log(
  `Layer IG attributions: shape [${layerIgAttr.shape}]; sum ${
    tf.tidy(() => layerIgAttr.sum().dataSync()[0]).toFixed(4)
  }; convergence delta ${layerIgDelta.dataSync()[0].toExponential(2)}`,
);

// %% tags=["figure"]
visualizeImageAttrMultiple(layerIgAttr, image, ["original_image", "heat_map", "blended_heat_map"], [
  "all",
  "all",
  "absolute_value",
], {
  titles: [
    "Original image",
    "Layer IG conv1 (signed, summed over channels)",
    "Layer IG conv1 (magnitude)",
  ],
  title: `Layer Integrated Gradients on conv1 for class "${
    FASHION_MNIST_CLASSES[target]
  }" (test image ${INDEX})`,
});

// %% [markdown]
// ## Side by side
//
// The four layer maps on the same image. **How to read it:** Layer DeepLIFT and Layer Integrated
// Gradients on `conv1` both explain the score *difference* from a black image and usually agree
// closely; Grad-CAM is a different quantity (gradient-weighted activations, no baseline), and
// its `conv1` and `conv2` maps show how the relevant evidence becomes more concentrated deeper in
// the network.

// %% tags=["figure"]
visualizeImageAttrMultiple(
  [
    { attr: camConv1Up, title: "Grad-CAM conv1" },
    { attr: camConv2Up, title: "Grad-CAM conv2" },
    { attr: layerDeepLift, title: "Layer DeepLIFT conv1" },
    { attr: layerIgAttr, title: "Layer IG conv1" },
  ],
  image,
  ["blended_heat_map"],
  ["all"],
  {
    title: `Layer attributions compared on test image ${INDEX} (class "${
      FASHION_MNIST_CLASSES[target]
    }", signed)`,
  },
);

// %%
tf.dispose([
  xs,
  ys,
  image,
  probabilities,
  camConv1,
  camConv2,
  camConv1Up,
  camConv2Up,
  layerDeepLift,
  layerIgAttr,
  layerIgDelta,
]);
model.dispose();
console.log(`tensors still allocated: ${tf.memory().numTensors}`);

// %% [markdown]
// Next: [7 · Neuron attribution](07_neuron_attribution.ipynb).
