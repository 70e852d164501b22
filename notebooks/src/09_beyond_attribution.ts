// %% [markdown]
// # 9 · Beyond attribution
//
// Attribution answers *which pixels* drove one prediction. Readers of this tutorial soon ask
// three other questions, and Captum has a module for each:
//
// 1. **How easily can the classifier be fooled, and do the explanations survive it?**
//    (`captum.robust`: adversarial attacks.)
// 2. **Does the network use human concepts, like stripes?** (`captum.concept`: TCAV.)
// 3. **Which training images made it predict this?** (`captum.influence`: TracIn.)
//
// Every computation lives in the library, under Captum's names; this notebook chooses the
// settings and shows the results. It loads the pretrained checkpoint, like notebooks 4–8.

// %%
import {
  accuracyUnderAttack,
  Concept,
  crossEntropyLoss,
  crossEntropyLossFn,
  FASHION_MNIST_CLASSES,
  FGSM,
  imageGridFigure,
  IntegratedGradients,
  loadCheckpoint,
  loadFashionMnist,
  MinParamPerturbation,
  misclassifiedIndices,
  PGD,
  predictClasses,
  PRETRAINED_CLASSIFIER_DIR,
  robustnessCurvesFigure,
  significanceSets,
  TCAV,
  tcavFigure,
  tcavSignificance,
  tf,
  toTensors,
  TracInCPFast,
  visualizeImageAttrMultiple,
} from "../../lib/mod.ts";

const QUICK = Deno.env.get("TUTORIAL_QUICK") === "1";
const IMAGES = QUICK ? 200 : 1000;
const model = await loadCheckpoint(PRETRAINED_CLASSIFIER_DIR);
const test = await loadFashionMnist({ split: "test", limit: IMAGES });
const { xs } = toTensors(test);
const labels = [...test.labels];
console.log(
  `model loaded from ${PRETRAINED_CLASSIFIER_DIR}; ${IMAGES} test images${
    QUICK ? " (QUICK mode: fewer images and attack steps)" : ""
  }`,
);

// %% [markdown]
// ## 1 · Adversarial examples
//
// The **Fast Gradient Sign Method** (FGSM, Goodfellow et al., 2015) takes one step of size ε in
// the direction that increases the loss of the true class fastest, pixel by pixel:
// *x′ = clip(x + ε · sign(∇ₓ loss))*. Pixels stay in [0, 1]. With ε = 0.1 each pixel moves by at
// most a tenth of the grey range: the garment is still obvious to us.

// %%
const INDEX = 0;
const image = xs.slice(INDEX, 1);
const label = labels[INDEX];
const EPSILON = 0.1;
const fgsm = new FGSM(model, { lossFunc: crossEntropyLoss, lowerBound: 0, upperBound: 1 });
const adversarial = await fgsm.perturb(image, { epsilon: EPSILON, target: label });
const [cleanClass, adversarialClass] = [
  predictClasses(model, image)[0],
  predictClasses(model, adversarial)[0],
];
console.log(
  `true class: ${FASHION_MNIST_CLASSES[label]}; predicted on the clean image: ${
    FASHION_MNIST_CLASSES[cleanClass]
  }; on the FGSM image (ε = ${EPSILON}): ${FASHION_MNIST_CLASSES[adversarialClass]}`,
);

// %% tags=["figure"]
// The perturbation is drawn with mid-grey as zero (black −ε, white +ε).
const perturbation = tf.tidy(() => adversarial.sub(image).div(2 * EPSILON).add(0.5));
imageGridFigure(tf.concat([image, adversarial, perturbation]), {
  labels: [
    `clean: ${FASHION_MNIST_CLASSES[cleanClass]}`,
    `FGSM: ${FASHION_MNIST_CLASSES[adversarialClass]}`,
    "perturbation (grey = 0)",
  ],
  cellSize: 160,
  title: `Test image ${INDEX} before and after FGSM (ε = ${EPSILON})`,
});

// %% [markdown]
// ## Do the explanations survive the attack?
//
// Integrated Gradients (notebook 5) of the **true class**, on the clean image and on the
// adversarial one. The attack changed every pixel by at most ε, yet the map changes far more:
// the evidence for the true class now sits in scattered pixels rather than on the garment's
// shape. An explanation is only as stable as the prediction it explains.

// %%
const ig = new IntegratedGradients(model);
const igOptions = { target: label, baselines: 0, nSteps: QUICK ? 16 : 50 };
const igClean = await ig.attribute(image, igOptions);
const igAdversarial = await ig.attribute(adversarial, igOptions);
const show = (attr: tf.Tensor, shown: tf.Tensor, what: string) =>
  visualizeImageAttrMultiple(attr, shown, ["original_image", "heat_map"], ["all", "all"], {
    titles: [what, `IG for "${FASHION_MNIST_CLASSES[label]}"`],
    title: `Integrated Gradients on the ${what.toLowerCase()}`,
  });

// %% tags=["figure"]
show(igClean, image, "Clean image");

// %% tags=["figure"]
show(igAdversarial, adversarial, "Adversarial image");

// %% [markdown]
// ## How small can the attack be?
//
// `MinParamPerturbation` searches the smallest ε at which FGSM changes this image's prediction,
// trying ε on a grid (binary search is the other mode).

// %%
const minimal = new MinParamPerturbation(model, fgsm, {
  argName: "epsilon",
  argMin: 0,
  argMax: 0.3,
  argStep: 0.005,
});
const { perturbed: minimalImage, param: minimalEpsilon } = await minimal.evaluate(image, {
  target: label,
  attackKwargs: { target: label },
});
console.log(
  minimalEpsilon === null
    ? "no ε up to 0.3 changes the prediction"
    : `the prediction changes from ε = ${minimalEpsilon.toFixed(3)} on`,
);
minimalImage?.dispose();

// %% [markdown]
// ## Accuracy under attack
//
// One image is an anecdote. `accuracyUnderAttack` attacks every test image at each ε and measures
// the accuracy on the adversarial images. **PGD** (projected gradient descent, Madry et al., 2018)
// repeats small FGSM steps and projects back into the ε-ball around the image after each: a
// stronger attack for the same ε, so its curve lies below FGSM's.

// %%
const EPSILONS = [0, 0.01, 0.02, 0.05, 0.1, 0.2];
const PGD_STEPS = QUICK ? 5 : 10;
const pgd = new PGD(model, { lossFunc: crossEntropyLoss, lowerBound: 0, upperBound: 1 });
const started = performance.now();
const curves = {
  FGSM: await accuracyUnderAttack(
    model,
    xs,
    labels,
    (x, epsilon, target) => fgsm.perturb(x, { epsilon, target }),
    EPSILONS,
  ),
  [`PGD (${PGD_STEPS} steps)`]: await accuracyUnderAttack(
    model,
    xs,
    labels,
    (x, epsilon, target) =>
      pgd.perturb(x, { radius: epsilon, stepSize: epsilon / 4, stepNum: PGD_STEPS, target }),
    EPSILONS,
    { showProgress: true },
  ),
};
for (const [name, curve] of Object.entries(curves)) {
  console.log(
    `${name.padEnd(16)} ${
      curve.epsilons.map((e, i) => `ε=${e}: ${curve.accuracy[i].toFixed(3)}`).join("  ")
    }`,
  );
}
console.log(
  `attacked ${IMAGES} images at ${EPSILONS.length} strengths in ${
    ((performance.now() - started) / 1000).toFixed(1)
  } s`,
);

// %% tags=["figure"]
robustnessCurvesFigure(curves, {
  title: `Accuracy under attack on ${IMAGES} test images`,
});

// %%
tf.dispose([image, adversarial, perturbation, igClean, igAdversarial]);

// %% [markdown]
// ## 2 · Does the network use a human concept? (TCAV)
//
// **TCAV** (Kim et al., 2018) asks whether a class's score is sensitive to a *concept* that we
// define with examples, here at the activations of `relu1` and `relu2`:
//
// 1. Run the concept's examples and a set of random images through the network and train a linear
//    classifier that separates their activations at the layer. Its normal vector is the
//    **concept activation vector** (CAV): the direction in activation space that means "more of
//    the concept".
// 2. For each test image of the class, take the gradient of the class score at the layer and
//    project it on the CAV. The **TCAV score** is the share of images whose score rises along the
//    CAV (`signCount`).
// 3. One CAV could be a fluke of the random images it was trained against, so TCAV trains CAVs
//    against several random sets and compares the concept's scores with those of a *random
//    concept* (random images posing as a concept) in a t-test. Only a concept whose p-value is
//    below 0.05 counts.
//
// We build three concepts from Fashion-MNIST's training images of tops (T-shirts, pullovers,
// coats and shirts): the garments as they are ("plain tops"), and the same garments seen through
// horizontal or vertical stripes (pixels multiplied by a 2-pixel stripe pattern). Each random
// concept is a block of 100 training images of any class. We explain the class **Sandal**, whose
// straps look like stripes.

// %%
const SANDAL = FASHION_MNIST_CLASSES.indexOf("Sandal");
const CONCEPT_IMAGES = 100;
const RANDOM_CONCEPTS = 10;
const train = await loadFashionMnist({
  split: "train",
  limit: CONCEPT_IMAGES * (RANDOM_CONCEPTS + 1) + 2000,
});
const trainSet = toTensors(train);
const indicesOf = (keep: (label: number) => boolean, count: number, from = 0) =>
  [...train.labels.keys()].filter((i) => i >= from && keep(train.labels[i])).slice(0, count);
const TOPS = ["T-shirt/top", "Pullover", "Coat", "Shirt"].map((c) =>
  FASHION_MNIST_CLASSES.indexOf(c as typeof FASHION_MNIST_CLASSES[number])
);
const tops = tf.gather(trainSet.xs, indicesOf((l) => TOPS.includes(l), CONCEPT_IMAGES));
const stripes = tf.tensor1d(Array.from({ length: 28 }, (_, r) => Math.floor(r / 2) % 2 ? 0.25 : 1));
const horizontal = tf.tidy(() => tops.mul(stripes.reshape([1, 28, 1, 1])));
const vertical = tf.tidy(() => tops.mul(stripes.reshape([1, 1, 28, 1])));
const concepts = [
  new Concept(0, "plain tops", [tops]),
  new Concept(1, "horizontal stripes", [horizontal]),
  new Concept(2, "vertical stripes", [vertical]),
];
const randomConcepts = Array.from(
  { length: RANDOM_CONCEPTS },
  (_, k) =>
    new Concept(10 + k, `random ${k}`, [
      trainSet.xs.slice(2000 + k * CONCEPT_IMAGES, CONCEPT_IMAGES),
    ]),
);
const sandals = tf.gather(xs, [...test.labels.keys()].filter((i) => labels[i] === SANDAL));

// %% tags=["figure"]
imageGridFigure(tf.concat([tops.slice(0, 4), horizontal.slice(0, 4), vertical.slice(0, 4)]), {
  labels: [...Array(4).fill("plain"), ...Array(4).fill("horizontal"), ...Array(4).fill("vertical")],
  columns: 4,
  title: "Concept examples: plain tops, horizontal and vertical stripes",
});

// %%
const tcav = new TCAV(model, ["relu1", "relu2"], { savePath: null });
const tcavStarted = performance.now();
const significance = [];
for (const concept of concepts) {
  const sets = significanceSets(concept, randomConcepts);
  const scores = await tcav.interpret(sandals, [...sets.conceptSets, ...sets.randomSets], {
    target: SANDAL,
  });
  significance.push(...tcavSignificance(scores, sets));
}
for (const r of significance) {
  console.log(
    `${r.concept.padEnd(18)} ${r.layer}: TCAV ${r.conceptMean.toFixed(2)} ± ${
      r.conceptStd.toFixed(2)
    } vs random ${r.randomMean.toFixed(2)} ± ${r.randomStd.toFixed(2)}, p = ${
      r.pValue.toPrecision(2)
    }${r.significant ? " (significant)" : ""}`,
  );
}
console.log(
  `${
    sandals.shape[0]
  } sandals, ${concepts.length} concepts × ${RANDOM_CONCEPTS} random sets × 2 layers in ${
    ((performance.now() - tcavStarted) / 1000).toFixed(1)
  } s`,
);

// %% [markdown]
// The bars show each concept's mean TCAV score over its CAVs (± one standard deviation), beside
// its random counterpart (grey). Faded bars did not pass the t-test: they are not evidence either
// way. A score near 1 means almost every sandal's score rises when the activations move towards
// the concept; near 0, it falls.

// %% tags=["figure"]
tcavFigure(significance, { title: 'TCAV for class "Sandal" (sign count; p-values from t-tests)' });

// %% [markdown]
// **Reading it.** On the checkpoint shipped with the tutorial, both stripe concepts pass the test
// at `relu1` with scores near 1 (p far below 0.05): moving the first layer's activations towards
// "stripes" raises the sandal score for nearly every sandal, as straps would. Plain fabric does
// not pass. At `relu2` the scores swing between 0 and 1 from one random set to the next, so
// nothing passes there: a concept can matter at one depth and not be represented linearly at
// another. Two cautions from the TCAV paper apply: a concept is only as meaningful as its
// examples (our stripes are drawn on tops, so "stripes" and "tops" are partly confounded), and
// with few random sets even random-versus-random comparisons occasionally pass, so use ten or more.

// %%
tf.dispose([tops, stripes, horizontal, vertical, sandals, trainSet.xs, trainSet.ys]);

// %% [markdown]
// ## 3 · Which training images made it predict this? (TracIn)
//
// **TracIn** (Pruthi et al., 2020) scores how much a training image *z* pushed the loss of a test
// image *z′* down during training: the sum over saved checkpoints of the learning rate times the
// dot product of the two loss gradients, lr · ∇loss(z) · ∇loss(z′). A positive score makes *z*
// a **proponent** (training on it lowered the test loss: it taught the prediction), a negative
// one an **opponent**. `TracInCPFast` restricts the gradients to the last dense layer, where
// they have a closed form, so one pass over the 55,000 training images takes seconds to tens of
// seconds. We use the pretrained checkpoint as the only checkpoint (TracIn with one checkpoint
// is the gradient similarity at the final weights); `trainClassifier({ checkpointDir })` saves
// one per epoch for the full sum.
//
// We take the first misclassified test image and explain the class the network *predicted*:
// which training images taught it that (wrong) answer?

// %%
const predictedClasses = predictClasses(model, xs);
const [wrong] = misclassifiedIndices(labels, predictedClasses, { limit: 1 });
const wrongImage = xs.slice(wrong, 1);
const wrongPredicted = predictedClasses[wrong];
console.log(
  `test image ${wrong}: a ${FASHION_MNIST_CLASSES[labels[wrong]]} predicted as ${
    FASHION_MNIST_CLASSES[wrongPredicted]
  }`,
);
const TRAIN_IMAGES = QUICK ? 10_000 : 55_000;
const influenceTrain = await loadFashionMnist({ split: "train", limit: TRAIN_IMAGES });
const tracin = new TracInCPFast(model, "dense", influenceTrain, [PRETRAINED_CLASSIFIER_DIR], {
  lossFn: crossEntropyLossFn({ reduction: "sum" }),
  batchSize: 500,
});
const explained = { xs: wrongImage, ys: tf.tensor1d([wrongPredicted], "int32") };
const K = 8;
const influenceStarted = performance.now();
const proponents = await tracin.influence(explained, {
  k: K,
  proponents: true,
  showProgress: true,
});
const opponents = await tracin.influence(explained, { k: K, proponents: false });
console.log(
  `scored ${TRAIN_IMAGES} training images twice in ${
    ((performance.now() - influenceStarted) / 1000).toFixed(1)
  } s`,
);

// %% [markdown]
// The proponents: training images whose gradients point the same way as the test image's, for
// the predicted class. When the prediction is wrong, they often are training images of the
// predicted class that look like the test image, or mislabeled-looking examples: the evidence
// the network generalized from. The opponents pull the other way.

// %% tags=["figure"]
const shownIndices = [...proponents.indices.dataSync(), ...opponents.indices.dataSync()];
const influenceImages = tf.tidy(() => {
  const train = toTensors(influenceTrain);
  return tf.gather(train.xs, shownIndices);
});
const scoreOf = [...proponents.influenceScores.dataSync(), ...opponents.influenceScores.dataSync()];
imageGridFigure(tf.concat([wrongImage, influenceImages]), {
  labels: [
    `test: ${FASHION_MNIST_CLASSES[labels[wrong]]} → ${FASHION_MNIST_CLASSES[wrongPredicted]}`,
    ...shownIndices.map((t, i) =>
      `${i < K ? "+" : "−"} ${FASHION_MNIST_CLASSES[influenceTrain.labels[t]]} (${
        scoreOf[i].toPrecision(2)
      })`
    ),
  ],
  columns: K + 1,
  cellSize: 88,
  title: `Test image ${wrong}, then its ${K} proponents (+) and ${K} opponents (−) for "${
    FASHION_MNIST_CLASSES[wrongPredicted]
  }"`,
});

// %%
tf.dispose([
  wrongImage,
  explained.ys,
  influenceImages,
  proponents.indices,
  proponents.influenceScores,
  opponents.indices,
  opponents.influenceScores,
  xs,
]);
