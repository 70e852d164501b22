// %% [markdown]
// # 8 · Which explanation can we trust?
//
// Notebooks 5–7 produced many different maps for the same prediction. They cannot all be right,
// and looking at them does not tell which ones are: a map can look convincing, outlining the
// garment neatly, and still say nothing about the network. This notebook **measures** the
// explanations instead of looking at them, with three families of tests from the literature:
//
// 1. **Sanity checks** (Adebayo et al., 2018): does the map change when the network's learned
//    weights are destroyed, or when another class is explained? If not, it does not explain the
//    network.
// 2. **Faithfulness**: do the pixels the map ranks highest really drive the prediction? Remove
//    them and the score should fall; put them back and it should recover.
// 3. **Complexity**: how concentrated is the map? (Simpler maps are easier to read; this says
//    nothing about correctness.)
//
// Every number comes from `compareExplainers` in the library; this notebook only chooses the
// methods and shows the results. It loads the pretrained checkpoint, like notebooks 4–7.

// %%
import {
  compareExplainers,
  loadCheckpoint,
  loadFashionMnist,
  PRETRAINED_CLASSIFIER_DIR,
  tf,
  toTensors,
  tutorialExplainers,
} from "../../lib/mod.ts";

const QUICK = Deno.env.get("TUTORIAL_QUICK") === "1";
const IMAGES = QUICK ? 24 : 100;
const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
const test = await loadFashionMnist({ split: "test", limit: IMAGES });
const { xs, ys } = toTensors(test);
console.log(
  `model loaded from ${PRETRAINED_CLASSIFIER_DIR}; evaluating on ${IMAGES} test images${
    QUICK ? " (QUICK mode: fewer images, samples and steps)" : ""
  }`,
);

// %% [markdown]
// ## The contenders
//
// Every primary method of notebook 5, with its settings (IG + SmoothGrad with 20 steps and 8
// noisy copies instead of 25 and 10, to keep the run short; fewer samples in quick mode),
// plus Grad-CAM from notebook 6 (upsampled from `conv2`'s 28 × 28 grid to the image). Each is
// written as an *explainer function* of the model, because the sanity checks rerun it on
// randomized copies of the network. The library keeps this set as `tutorialExplainers()`, so the
// evaluation bench measures exactly what this notebook runs.
//
// The last one is a **control**: a Sobel edge detector applied to the image. It ignores the
// network entirely, yet its map outlines the garment and looks like an explanation. Adebayo et
// al. put it next to the real methods for exactly that reason: whatever it scores is what an
// explanation can score without explaining anything.

// %%
const explainers = tutorialExplainers({ quick: QUICK });
console.log(`${Object.keys(explainers).length} explainers: ${Object.keys(explainers).join(", ")}`);

// %% [markdown]
// ## Running the comparison
//
// One call. For every method it computes the attributions of the predicted class on every image,
// then the metrics below; the sanity checks, which rerun the method once per randomized layer,
// use the first images only. A progress bar shows how far it is.

// %%
const started = performance.now();
const comparison = await compareExplainers(model, explainers, xs, {
  sanityImages: QUICK ? 8 : 16,
  faithfulnessSamples: QUICK ? 20 : 50,
  seed: 0,
});
console.log(
  `compared ${comparison.methods.length} methods on ${IMAGES} images in ${
    ((performance.now() - started) / 1000).toFixed(1)
  } s`,
);

// %% [markdown]
// ## Sanity check 1: randomize the network, layer by layer
//
// **Model parameter randomization** (Adebayo et al., 2018). We make a copy of the network and
// re-initialize its layers with random weights, starting at the top (`dense`, the classifier),
// then `conv2` as well, then `conv1`: a *cascade* that ends with a network that has learned
// nothing. After each step we explain the same images again and compare the new maps with the
// original ones. (The trained network itself is never modified.)
//
// **How to read it:** each row is a method, each column a step of the cascade, for the first
// test image (maps in grey, brighter = larger attribution). A method that explains the network
// must change as the network is destroyed. A row that stays the same across the columns, like
// the edge detector's, shows a map that would look the same for any network.

// %% tags=["figure"]
comparison.figures.cascade;

// %% [markdown]
// The same comparison in numbers, averaged over the sanity images, with the four similarity
// measures of the paper:
//
// - **Spearman rank correlation, signed and of absolute values**: do the two maps rank the
//   pixels in the same order? 1 = identical ranking, 0 = unrelated.
// - **SSIM** (structural similarity): do the maps look alike to the eye (local brightness,
//   contrast and structure)?
// - **HOG correlation**: do the maps have the same edges and orientations (histograms of
//   oriented gradients)?
//
// **How to read it:** lines that fall towards 0 belong to methods that depend on the learned
// weights; lines that stay near 1 do not. Note the absolute-value Spearman panel: methods that
// multiply by the input (Integrated Gradients, DeepLIFT, Gradient SHAP) keep a high score there
// even for a random network, because the black background gets zero attribution whatever the
// weights — the input, not the network, sets which pixels are zero. The signed ranking shows
// that the network-dependent part has changed completely. This is why the verdict below reads
// the signed Spearman correlation.

// %% tags=["figure"]
comparison.figures.similarity;

// %% [markdown]
// ## Sanity check 2: explain another class
//
// **Random logit** (Sixt et al., 2020): explain the same image for a randomly chosen *other*
// class and compare with the map of the predicted class. A map that hardly changes is not about
// the class: it describes the image, or the network in general, but cannot say why *this* class
// was predicted.
//
// The verdicts: a method **passes** a check when the mean signed rank correlation between the
// original map and the randomized one is below 0.5.

// %%
console.log(
  "method".padEnd(26) + "randomized network".padStart(20) + "other class".padStart(14) +
    "   verdict",
);
for (const [method, v] of Object.entries(comparison.sanity)) {
  const verdict = v.passesRandomization && v.passesRandomLogit
    ? "passes both"
    : v.passesRandomization
    ? "depends on the network, but hardly on the class"
    : "FAILS: does not depend on the network";
  console.log(
    method.padEnd(26) + v.randomizationSimilarity.toFixed(3).padStart(20) +
      v.randomLogitSimilarity.toFixed(3).padStart(14) + `   ${verdict}`,
  );
}

// %% [markdown]
// ## Faithfulness: remove the most important pixels first
//
// If a map is faithful, the pixels it ranks highest are the ones the network relies on.
//
// - **Deletion** (Samek et al., 2017; Petsiuk et al., 2018): black out the pixels in the order
//   the map ranks them, most relevant first, 5 % at a time, and follow the probability of the
//   predicted class. A faithful map makes it **fall fast**: a small area under the curve (AUC).
//   **AOPC** (area over the perturbation curve) is the mean drop from the original probability:
//   higher is better.
// - **Insertion** (Petsiuk et al., 2018): start from a blurred image and put the original pixels
//   back in the same order. A faithful map makes the probability **rise fast**: a large AUC.
//
// **How to read it:** one line per method, the mean over all images. Lower and earlier is
// better on the left, higher and earlier on the right. The edge detector is a useful yardstick:
// a method that does no better than it on these curves ranks pixels no better than "where the
// edges are".

// %% tags=["figure"]
comparison.figures.curves;

// %% [markdown]
// Deletion has a known flaw: an image with black holes in it is unlike anything the network was
// trained on, so the probability may fall because the image is strange rather than because the
// important pixels are gone, and the *shape* of the holes can itself give the removed pixels away.
// Two further measures address that:
//
// - **ROAD** (Rong et al., 2022, *RemOve And Debias*): remove 10 %, 30 %, …, 90 % of the pixels,
//   most relevant first, but fill each removed pixel with the average of its neighbours plus a
//   little noise (noisy linear imputation), so that the image stays natural and the holes leak
//   nothing. Lower area under the curve is better.
// - **Faithfulness correlation** (Bhatt et al., 2020): black out random sets of pixels (224 at a
//   time, 50 sets per image) and correlate the total attribution of each set with the drop of
//   the probability it causes. 1 = the map predicts the effect of removing pixels perfectly;
//   0 = not at all.
//
// ## Complexity
//
// - **Sparseness** (Gini index of the absolute attributions; Chalasani et al., 2020): 0 when
//   every pixel gets the same attribution, close to 1 when a few pixels get all of it. Higher =
//   more concentrated.
// - **Complexity** (entropy of the normalized absolute attributions; Bhatt et al., 2020): how
//   many pixels effectively share the attribution (e^entropy of them). Lower = simpler.
//
// Both describe the map only: a concentrated map is easier to read, not more correct.

// %% [markdown]
// ## Everything in one table
//
// Rows are methods, columns are metrics (↑ higher is better, ↓ lower is better); each cell shows
// the mean ± standard deviation over images. Colours rank the methods within each column, darker
// = better, so that columns on different scales read alike. The last two columns are the sanity
// checks (similarity after randomization: lower = the map depends more on the network or the
// class).

// %% tags=["figure"]
comparison.figures.table;

// %% [markdown]
// ## So, which explanation can we trust?
//
// The summary below is printed from the measurements above, so it stays true when you change
// the methods, the images or the settings.

// %%
const metricMean = (method: string, metric: string) =>
  comparison.table.find((r) => r.method === method && r.metric === metric)!.mean;
const failing = comparison.methods.filter((m) => !comparison.sanity[m].passesRandomization);
const classBlind = comparison.methods.filter((m) =>
  comparison.sanity[m].passesRandomization && !comparison.sanity[m].passesRandomLogit
);
const passing = comparison.methods.filter((m) =>
  comparison.sanity[m].passesRandomization && comparison.sanity[m].passesRandomLogit
);
const control = "Edge detector (control)";
const controlDeletion = metricMean(control, "deletion AUC (MoRF)");
const byDeletion = [...passing].sort((a, b) =>
  metricMean(a, "deletion AUC (MoRF)") - metricMean(b, "deletion AUC (MoRF)")
);
console.log(`Pass both sanity checks: ${passing.join(", ") || "none"}.`);
console.log(
  `Depend on the network but hardly on the class explained: ${classBlind.join(", ") || "none"}.`,
);
console.log(
  `Look plausible but do not depend on the network (fail the randomization check): ${
    failing.join(", ") || "none"
  }.`,
);
console.log(
  `Among the methods that pass, by deletion AUC (lower = more faithful): ${
    byDeletion.map((m) => `${m} ${metricMean(m, "deletion AUC (MoRF)").toFixed(3)}`).join(", ")
  }; the edge detector scores ${controlDeletion.toFixed(3)}.`,
);
const noBetter = passing.filter((m) => metricMean(m, "deletion AUC (MoRF)") >= controlDeletion);
console.log(
  `Pass the sanity checks but rank pixels no better than the edge detector on deletion: ${
    noBetter.join(", ") || "none"
  }.`,
);

// %% [markdown]
// **What to take away.**
//
// - A map that looks right proves nothing: the edge detector outlines every garment and fails
//   the most basic check. Always run the randomization check on a method before trusting it on
//   a new network.
// - The sanity checks are necessary, not sufficient: a method can depend on the network and
//   still rank pixels poorly. Faithfulness measures say how well the ranking matches what the
//   network does when pixels are removed, each with its own bias (deletion's unnatural images,
//   ROAD's imputation, the choice of the replacement value), so read them together.
// - Methods that multiply by the input inherit its structure: black pixels get nothing, whatever
//   the network. That is by design (the baseline is black), but it makes their maps look stable
//   under randomization when viewed in absolute value.
//
// All the metrics are in the library (`modelParameterRandomization`, `randomLogit`,
// `deletionCurve`, `insertionCurve`, `faithfulnessCorrelation`, `road`, `sparseness`,
// `complexity`) and can be used one by one on any model and explainer.

// %%
tf.dispose([xs, ys]);
model.dispose();
console.log(`tensors still allocated: ${tf.memory().numTensors}`);
