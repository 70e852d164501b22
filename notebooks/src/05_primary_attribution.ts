// %% [markdown]
// # 5 · Primary attribution: which pixels explain a prediction?
//
// An **attribution** method assigns every input pixel a score: how much it contributed to the
// network's output for one class. *Primary* attribution methods explain the output in terms of
// the input itself (notebooks 6 and 7 look inside the network).
//
// The scores are signed. A **positive** attribution means the pixel pushed the score of the
// explained class up; a **negative** one means it pushed it down. Different methods define
// "contribution" differently, so we compare several on the same image.
//
// Like notebook 4, this notebook loads the **pretrained checkpoint** in `data/classifier/`, so
// it runs on its own.
//
// > **A note on titles.** The original PyTorch/Captum tutorial titled every attribution plot
// > "Integrated Gradients", whatever method produced it. Here each figure is titled with the
// > method that produced it.

// %%
import {
  classProbabilitiesFigure,
  DeepLift,
  FASHION_MNIST_CLASSES,
  GradientShap,
  gridFeatureMask,
  GuidedGradCam,
  IntegratedGradients,
  KernelShap,
  loadCheckpoint,
  loadFashionMnist,
  noiseBaselines,
  NoiseTunnel,
  Occlusion,
  PRETRAINED_CLASSIFIER_DIR,
  Saliency,
  tf,
  toTensors,
  visualizeImageAttr,
  visualizeImageAttrMultiple,
} from "../../lib/mod.ts";

const QUICK = Deno.env.get("TUTORIAL_QUICK") === "1";
const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
const test = await loadFashionMnist({ split: "test", limit: 100 });
const { xs, ys } = toTensors(test);
console.log(
  `model loaded from ${PRETRAINED_CLASSIFIER_DIR}${
    QUICK ? " (QUICK mode: fewer samples and steps)" : ""
  }`,
);

// %% [markdown]
// ## The image we explain
//
// We explain test image number `INDEX` (change it to explore others). First, what does the
// network predict, and how sure is it? The bar chart shows the softmax probability of every
// class; the predicted class is highlighted and the true class is marked.

// %%
const INDEX = 0;
const image = xs.slice(INDEX, 1); // [1, 28, 28, 1]
const label = test.labels[INDEX];
const probabilities = tf.tidy(() => tf.softmax(model.predict(image) as tf.Tensor2D));
const predicted = tf.tidy(() => probabilities.argMax(1).dataSync()[0]);
const target = predicted; // explain the predicted class
console.log(
  `true class: ${FASHION_MNIST_CLASSES[label]}; predicted: ${
    FASHION_MNIST_CLASSES[predicted]
  } (p = ${probabilities.dataSync()[predicted].toFixed(3)})`,
);

// %% tags=["figure"]
classProbabilitiesFigure(probabilities, FASHION_MNIST_CLASSES, {
  trueLabel: label,
  title: `Prediction for test image ${INDEX}: class probabilities (true class: ${
    FASHION_MNIST_CLASSES[label]
  })`,
});

// %% [markdown]
// ## How to read the attribution figures
//
// Each method gets one figure with three panels, as in Captum's `visualize_image_attr_multiple`:
//
// 1. **Original image**: the input, for reference.
// 2. **Heat map, signed**: green pixels raised the score of the explained class, red pixels
//    lowered it, white pixels did not matter. Values are scaled so that the top 2 % of the
//    attribution mass saturates the colours (Captum's outlier threshold).
// 3. **Blended heat map, absolute value**: the magnitude of the attribution (blue) laid over the
//    greyscale image, to see *where* on the garment the evidence lies, whatever its sign.

// %%
const panels = {
  methods: ["original_image", "heat_map", "blended_heat_map"] as const,
  signs: ["all", "all", "absolute_value"] as const,
};
const show = (attr: tf.Tensor, method: string) =>
  visualizeImageAttrMultiple(attr, image, [...panels.methods], [...panels.signs], {
    titles: ["Original image", `${method} (signed)`, `${method} (magnitude over image)`],
    title: `${method}: attributions for class "${
      FASHION_MNIST_CLASSES[target]
    }" on test image ${INDEX}`,
  });

// %% [markdown]
// ## Saliency
//
// The simplest method: the **gradient** of the class score with respect to each pixel, in
// absolute value. It says how sensitive the score is to a tiny change of the pixel, not how much
// the pixel's actual value contributed, so it is noisy and unsigned (only the magnitude panel is
// informative; the signed heat map shows magnitudes too).

// %% tags=["figure"]
const saliency = await new Saliency(model).attribute(image, { target });
show(saliency, "Saliency");

// %% [markdown]
// ## Integrated Gradients
//
// Integrated Gradients compares the image with a **baseline**, here an all-black image (zeros),
// and accumulates the gradient along the straight path from the baseline to the image:
// *attribution = (x − baseline) × average gradient along the path*, the average computed with
// `nSteps` points of a Gauss–Legendre rule. Its attributions add up to the difference between the
// class score of the image and of the baseline (**completeness**); the **convergence delta**
// measures how far the numerical integral is from that: it should be small next to the sum of
// the attributions (more steps make it smaller).
//
// Black pixels equal the baseline, so they always get zero attribution: Integrated Gradients can
// only credit the pixels of the garment itself.

// %%
const ig = new IntegratedGradients(model);
const { attributions: igAttr, delta: igDelta } = await ig.attributeWithDelta(image, {
  target,
  baselines: 0,
  nSteps: 50,
});
console.log(
  `sum of attributions: ${
    tf.tidy(() => igAttr.sum().dataSync()[0]).toFixed(4)
  }; convergence delta: ${igDelta.dataSync()[0].toExponential(2)}`,
);

// %% tags=["figure"]
show(igAttr, "Integrated Gradients");

// %% [markdown]
// ## Noise Tunnel (SmoothGrad over Integrated Gradients)
//
// Gradients of ReLU networks are jagged, so attribution maps are noisy. **NoiseTunnel** wraps
// another method, runs it on several copies of the image with Gaussian noise added, and averages
// the results ("smoothgrad"). Structures that survive the noise are the robust ones. Here it
// wraps Integrated Gradients, with noise of standard deviation 0.2 (pixel values are 0–1).

// %% tags=["figure"]
const smoothIg = await new NoiseTunnel(new IntegratedGradients(model)).attribute(image, {
  target,
  baselines: 0,
  nSteps: QUICK ? 10 : 25,
  ntType: "smoothgrad",
  ntSamples: QUICK ? 4 : 10,
  stdevs: 0.2,
  seed: 0,
});
show(smoothIg, "Integrated Gradients with SmoothGrad (NoiseTunnel)");

// %% [markdown]
// ## Gradient SHAP
//
// Gradient SHAP approximates SHAP values (a game-theoretic fair split of the prediction among
// the pixels). Instead of one baseline it draws from a **distribution of baselines**, here the
// black image and four images of uniform random noise, adds a little noise to the input, picks a
// random point between baseline and input, and averages *gradient × (input − baseline)* over
// many such samples. It can be seen as Integrated Gradients averaged over baselines.
//
// **How to read it:** unlike with a black baseline, the black *background* now gets attributions
// too: compared with a noise image, "this area is empty" is itself evidence for the class.

// %% tags=["figure"]
const shapBaselines = noiseBaselines(image.shape, { count: 4, seed: 0 }); // black + 4 noise images
const gradShap = await new GradientShap(model).attribute(image, {
  target,
  baselines: shapBaselines,
  nSamples: QUICK ? 20 : 50,
  stdevs: 0.0001,
  seed: 0,
});
show(gradShap, "Gradient SHAP");

// %% [markdown]
// ## DeepLIFT
//
// DeepLIFT also explains the difference between the image and a baseline (black), but instead of
// integrating gradients it propagates that difference backwards through the network, layer by
// layer, with the **Rescale rule** at each ReLU (the multiplier is Δoutput / Δinput of the ReLU
// rather than its local slope). It needs a single backward pass, and for a ReLU network its
// attributions add up *exactly* to the score difference, so its map is usually close to
// Integrated Gradients' at a fraction of the cost.

// %% tags=["figure"]
const deepLift = await new DeepLift(model).attribute(image, { target, baselines: 0 });
show(deepLift, "DeepLIFT");

// %% [markdown]
// ## Guided Grad-CAM
//
// **Grad-CAM** (see notebook 6) finds *which region* of the last convolution's feature maps
// (here `conv2`) supports the class, at the coarse resolution of that layer. **Guided
// backpropagation** gives sharp, pixel-level but class-insensitive detail (only positive
// gradients pass back through each ReLU). Guided Grad-CAM multiplies the two: fine detail,
// restricted to the region Grad-CAM found relevant.

// %% tags=["figure"]
const guidedGradCam = await new GuidedGradCam(model, "conv2").attribute(image, { target });
show(guidedGradCam, "Guided Grad-CAM (conv2)");

// %% [markdown]
// ## Occlusion
//
// A perturbation method, no gradients involved: slide a black (0) 4 × 4 patch over the
// image with a stride of 2 pixels, and record how much the class score **drops** when each
// patch is hidden. A pixel's attribution is the average drop over the patches covering it.
// Occlusion is easy to trust (it literally asks "what if this part were missing?") but coarse,
// and it needs one forward pass per patch position (169 here).

// %% tags=["figure"]
const occlusion = await new Occlusion(model).attribute(image, {
  target,
  slidingWindowShapes: [4, 4, 1],
  strides: [2, 2, 1],
  baselines: 0,
});
show(occlusion, "Occlusion (4 × 4 patches, stride 2)");

// %% [markdown]
// ## Kernel SHAP
//
// Kernel SHAP treats groups of pixels as players: it switches random subsets ("coalitions") of
// groups off (to the baseline, black), runs the network on each perturbed image, and fits a
// weighted linear model whose coefficients are the groups' SHAP values. With every pixel its own
// feature (784 of them) far too many samples would be needed, so we group the image into 49
// **superpixels** of 4 × 4 pixels with a feature mask: each pixel's value in the mask is the id
// of its group (`gridFeatureMask` numbers the blocks 0 … 48 row by row). The result is blocky by
// construction.

// %% tags=["figure"]
const superpixels = gridFeatureMask(image.shape, 4); // [1, 28, 28, 1], ids 0 … 48
const kernelShap = await new KernelShap(model).attribute(image, {
  target,
  baselines: 0,
  featureMask: superpixels,
  nSamples: QUICK ? 100 : 300,
  seed: 0,
});
show(kernelShap, "Kernel SHAP (4 × 4 superpixels)");

// %% [markdown]
// ## All methods side by side
//
// The same image, one panel per method, each map normalized on its own (compare shapes, not
// absolute values), in two rows of four. **How to read it:** where the methods agree, the
// evidence is robust. The gradient-times-difference methods (Integrated Gradients, Gradient
// SHAP, DeepLIFT) tend to agree closely, up to Gradient SHAP's background (its baselines are
// not black); Saliency is noisier and unsigned; SmoothGrad cleans up Integrated Gradients.

// %% tags=["figure"]
visualizeImageAttrMultiple(
  [
    { attr: saliency, title: "Saliency" },
    { attr: igAttr, title: "Integrated Gradients" },
    { attr: smoothIg, title: "IG + SmoothGrad" },
    { attr: gradShap, title: "Gradient SHAP" },
  ],
  image,
  ["blended_heat_map"],
  ["all"],
  {
    title: `Gradient-based methods compared on test image ${INDEX} (class "${
      FASHION_MNIST_CLASSES[target]
    }", signed)`,
    panelSize: 200,
  },
);

// %% [markdown]
// DeepLIFT next to Guided Grad-CAM and the two perturbation methods. Occlusion and Kernel SHAP
// are coarser but show which *regions* matter when removed; Guided Grad-CAM highlights edges
// inside the region Grad-CAM selects.

// %% tags=["figure"]
visualizeImageAttrMultiple(
  [
    { attr: deepLift, title: "DeepLIFT" },
    { attr: guidedGradCam, title: "Guided Grad-CAM" },
    { attr: occlusion, title: "Occlusion" },
    { attr: kernelShap, title: "Kernel SHAP" },
  ],
  image,
  ["blended_heat_map"],
  ["all"],
  {
    title: `DeepLIFT, Guided Grad-CAM and perturbation methods on test image ${INDEX} (class "${
      FASHION_MNIST_CLASSES[target]
    }", signed)`,
    panelSize: 200,
  },
);

// %% [markdown]
// ## Positive evidence only
//
// Finally, a single map with `visualizeImageAttr`: only the **positive** Integrated Gradients
// attributions (green), i.e. the pixels that speak *for* the predicted class.

// %% tags=["figure"]
visualizeImageAttr(igAttr, image, {
  method: "blended_heat_map",
  sign: "positive",
  title: `Integrated Gradients, positive attributions only:<br>pixels supporting "${
    FASHION_MNIST_CLASSES[target]
  }"`,
});

// %%
tf.dispose([
  xs,
  ys,
  image,
  probabilities,
  saliency,
  igAttr,
  igDelta,
  smoothIg,
  shapBaselines,
  gradShap,
  deepLift,
  guidedGradCam,
  occlusion,
  superpixels,
  kernelShap,
]);
model.dispose();
console.log(`tensors still allocated: ${tf.memory().numTensors}`);

// %% [markdown]
// Next: [6 · Layer attribution](06_layer_attribution.ipynb).
