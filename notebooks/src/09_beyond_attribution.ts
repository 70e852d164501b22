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
  crossEntropyLoss,
  FASHION_MNIST_CLASSES,
  FGSM,
  imageGridFigure,
  IntegratedGradients,
  loadCheckpoint,
  loadFashionMnist,
  MinParamPerturbation,
  PGD,
  predictClasses,
  PRETRAINED_CLASSIFIER_DIR,
  robustnessCurvesFigure,
  tf,
  toTensors,
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
