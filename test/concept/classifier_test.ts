import assert from "node:assert/strict";
import { DefaultClassifier } from "../../lib/mod.ts";
import { fitLinearSgd } from "../../lib/concept/_sgd.ts";
import { FIXTURE } from "./_fixture.ts";

Deno.test("`fitLinearSgd()` without shuffling reproduces scikit-learn's SGDClassifier (two and three classes, capped)", () => {
  for (const [name, c] of Object.entries(FIXTURE.sgd)) {
    const numFeatures = c.x[0].length;
    const x = Float64Array.from(c.x.flat());
    const tol = c.tol === "-inf" ? -Infinity : c.tol;
    const params = { alpha: 0.01, maxIter: c.maxIter, tol, nIterNoChange: 5, shuffle: false };
    const fit = fitLinearSgd(x, numFeatures, c.y, params, 0);
    assert.deepEqual(fit.classes, c.classes, `${name} classes`);
    assert.equal(fit.nIter, c.n_iter, `${name} n_iter_`);
    assert.equal(fit.converged, c.tol !== "-inf", `${name} converged`);
    let maxErr = 0;
    let maxRef = 0;
    c.coef.forEach((row, i) =>
      row.forEach((v, f) => {
        maxErr = Math.max(maxErr, Math.abs(fit.coef[i][f] - v));
        maxRef = Math.max(maxRef, Math.abs(v));
      })
    );
    c.intercept.forEach((v, i) => {
      maxErr = Math.max(maxErr, Math.abs(fit.intercept[i] - v));
      maxRef = Math.max(maxRef, Math.abs(v));
    });
    // Measured: 0 to 3.5e-12 (float64 rounding over up to 40 epochs).
    assert.ok(maxErr / maxRef < 1e-10, `${name}: relative error ${maxErr / maxRef}`);
  }
});

/** Two separable concepts (ids 4 and 9) along feature 0, 20 examples each, 3 features. */
function separable(): { inputs: Float32Array; numFeatures: number; labels: Int32Array } {
  const rows: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 40; i++) {
    const positive = i % 2 === 0;
    rows.push((positive ? 1 : -1) * (1 + (i % 5) / 5), Math.sin(i), Math.cos(3 * i));
    labels.push(positive ? 9 : 4);
  }
  return { inputs: Float32Array.from(rows), numFeatures: 3, labels: Int32Array.from(labels) };
}

Deno.test("`DefaultClassifier` learns −w and w for two concepts, reports its held-out accuracy, and is seeded", () => {
  const data = separable();
  const a = new DefaultClassifier();
  const stats = a.trainAndEval(data);
  assert.deepEqual(a.classes(), [4, 9]);
  const [w4, w9] = a.weights();
  assert.ok(w9[0] > 0 && Math.abs(w9[0]) > Math.abs(w9[1]) && Math.abs(w9[0]) > Math.abs(w9[2]));
  assert.deepEqual(Array.from(w4), Array.from(w9, (v) => -v));
  assert.equal(stats.accs, 1); // floor(0.33 · 40) = 13 held out, all right
  assert.ok(stats.nIter >= 6 && stats.nIter < 1000);
  // Float32 rows of sklearn's float64 coef_.
  assert.deepEqual(Array.from(w9), Array.from(Float32Array.from(a.coef()[0])));
  // Same seed, same weights; another seed shuffles differently.
  const b = new DefaultClassifier();
  b.trainAndEval(data);
  assert.deepEqual(b.weights(), a.weights());
  const c = new DefaultClassifier({ seed: 7 });
  c.trainAndEval(data);
  assert.notDeepEqual(c.weights(), a.weights());
  // Each call starts from the seed: training again gives the first call's weights.
  a.trainAndEval(data);
  assert.deepEqual(a.weights(), b.weights());
});

Deno.test("`DefaultClassifier` trains one-versus-rest rows for three concepts", () => {
  const rows: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 30; i++) {
    const c = i % 3;
    rows.push(...[0, 1, 2].map((f) => (f === c ? 2 : 0) + 0.1 * Math.sin(7 * i + f)));
    labels.push([1, 5, 8][c]);
  }
  const clf = new DefaultClassifier();
  const stats = clf.trainAndEval({
    inputs: Float32Array.from(rows),
    numFeatures: 3,
    labels: Int32Array.from(labels),
  }, { testSplitRatio: 0.2 });
  assert.deepEqual(clf.classes(), [1, 5, 8]);
  const w = clf.weights();
  assert.equal(w.length, 3);
  // Row k points to feature k.
  w.forEach((row, k) => assert.equal(row.indexOf(Math.max(...row)), k));
  assert.equal(stats.accs, 1);
  assert.equal(clf.intercept().length, 3);
});

Deno.test("`DefaultClassifier` rejects wrong arguments with messages naming them", () => {
  assert.throws(
    () => new DefaultClassifier({ alpha: 0 }),
    new RangeError(
      "Cannot create DefaultClassifier: alpha must be a positive number, received 0. Pass e.g. 0.01.",
    ),
  );
  assert.throws(
    () => new DefaultClassifier({ maxIter: 1.5 }),
    /maxIter must be a positive integer/,
  );
  assert.throws(() => new DefaultClassifier({ tol: NaN }), /tol must be a number/);
  const clf = new DefaultClassifier();
  assert.throws(
    () => clf.weights(),
    /Cannot read DefaultClassifier.weights\(\): the classifier must be trained.*Call trainAndEval/,
  );
  const data = separable();
  assert.throws(
    () => clf.trainAndEval(data, { testSplitRatio: 1 }),
    /testSplitRatio must be a number in \[0, 1\), received 1/,
  );
  assert.throws(
    () => clf.trainAndEval({ ...data, labels: new Int32Array(40).fill(3) }),
    /the training examples must be examples of at least two concepts, received "the concept ids \[3\]"/,
  );
  assert.throws(
    () => clf.trainAndEval({ ...data, numFeatures: 4 }),
    /data.inputs must be labels.length × numFeatures = 40 × 4 values, received "120 values"/,
  );
});
