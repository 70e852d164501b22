/*
 * Weighted sum over the steps of a path integral (float32) on a shared WebAssembly heap (the
 * TensorFlow.js wasm backend's memory): out[j] = Σ_k weights[k] · g[k·m + j] for j < m, over the
 * step-major gradients g of IntegratedGradients. TensorFlow.js computes it in two passes, a
 * Multiply writing every product and a Sum reading them back; this is one pass. Each product is
 * rounded to float32 and added to the running sum in increasing k, starting from +0 (a Sum's
 * order), never fused (contraction is off, and wasm SIMD128 has no fused multiply-add).
 *
 * Build: `deno task build:wasm-kernels` (scripts/build_wasm_kernels.ts) compiles this file with
 * clang for wasm32 + simd128, no libc, importing the memory, and writes
 * ../_generated/weighted_step_sum_wasm.ts.
 * The code must need no stack and no static data: the memory belongs to the host backend.
 *
 * The steps run in groups of at most MAX_GROUP (sizes balanced): each group is one pass that
 * keeps sixteen running sums in registers while it reads the group's rows, then stores them (the
 * next group starts from them), so out is written once per group and at most MAX_GROUP + 1
 * streams are live (small blocks or many streams defeat the prefetchers: measured slower).
 * Sixteen values a step, then four, then one.
 *
 * masked_weighted_step_sum multiplies each gradient by ReLU's derivative at the step's point
 * first, out[j] = Σ_k weights[k] · (g[k·m + j] · step(start[j] + alphas[k]·diff[j])), with the
 * points recomputed as step_points computes them and step as the wasm backend's ReluGrad (1 above
 * 0, 0 at or below it, NaN for NaN): one pass instead of a ReluGrad pass and this sum, the same
 * roundings.
 */
#include <wasm_simd128.h>

#pragma clang fp contract(off)

typedef unsigned int u32;

/* Most steps summed per pass over out. */
#define MAX_GROUP 6u

/* ReluGrad's step: 1 where x > 0, x where x is NaN, else 0. */
static inline v128_t step4(v128_t x) {
  const v128_t positive = wasm_f32x4_gt(x, wasm_f32x4_splat(0.0f));
  const v128_t nan = wasm_f32x4_ne(x, x);
  return wasm_v128_or(wasm_v128_and(positive, wasm_f32x4_splat(1.0f)), wasm_v128_and(nan, x));
}
static inline float step1(float x) { return x > 0.0f ? 1.0f : (x != x ? x : 0.0f); }

/*
 * out[j] (+0 when k0 is 0) += weights[k]·g[k·m + j] for k0 ≤ k < k1 in order, j < m; with `mask`,
 * g[k·m + j] is first multiplied by step(start[j] + alphas[k]·diff[j]).
 */
static inline __attribute__((always_inline)) void group(const float *g, const float *weights,
                                                        const float *start, const float *diff,
                                                        const float *alphas, float *out, u32 k0,
                                                        u32 k1, u32 m, int mask) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  u32 j = 0;
  for (; j + 16 <= m; j += 16) {
    v128_t a0 = k0 == 0 ? zero : wasm_v128_load(out + j);
    v128_t a1 = k0 == 0 ? zero : wasm_v128_load(out + j + 4);
    v128_t a2 = k0 == 0 ? zero : wasm_v128_load(out + j + 8);
    v128_t a3 = k0 == 0 ? zero : wasm_v128_load(out + j + 12);
    const float *r = g + k0 * m + j;
    for (u32 k = k0; k < k1; k++, r += m) {
      const v128_t w = wasm_f32x4_splat(weights[k]);
      v128_t r0 = wasm_v128_load(r), r1 = wasm_v128_load(r + 4);
      v128_t r2 = wasm_v128_load(r + 8), r3 = wasm_v128_load(r + 12);
      if (mask) {
        const v128_t al = wasm_f32x4_splat(alphas[k]);
#define POINT(o) wasm_f32x4_add(wasm_v128_load(start + j + o), \
                                wasm_f32x4_mul(al, wasm_v128_load(diff + j + o)))
        r0 = wasm_f32x4_mul(r0, step4(POINT(0)));
        r1 = wasm_f32x4_mul(r1, step4(POINT(4)));
        r2 = wasm_f32x4_mul(r2, step4(POINT(8)));
        r3 = wasm_f32x4_mul(r3, step4(POINT(12)));
#undef POINT
      }
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(w, r0));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(w, r1));
      a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(w, r2));
      a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(w, r3));
    }
    wasm_v128_store(out + j, a0);
    wasm_v128_store(out + j + 4, a1);
    wasm_v128_store(out + j + 8, a2);
    wasm_v128_store(out + j + 12, a3);
  }
  for (; j + 4 <= m; j += 4) {
    v128_t a = k0 == 0 ? zero : wasm_v128_load(out + j);
    for (u32 k = k0; k < k1; k++) {
      const v128_t w = wasm_f32x4_splat(weights[k]);
      v128_t r = wasm_v128_load(g + k * m + j);
      if (mask) {
        const v128_t al = wasm_f32x4_splat(alphas[k]);
        const v128_t h =
            wasm_f32x4_add(wasm_v128_load(start + j), wasm_f32x4_mul(al, wasm_v128_load(diff + j)));
        r = wasm_f32x4_mul(r, step4(h));
      }
      a = wasm_f32x4_add(a, wasm_f32x4_mul(w, r));
    }
    wasm_v128_store(out + j, a);
  }
  for (; j < m; j++) {
    float a = k0 == 0 ? 0.0f : out[j];
    for (u32 k = k0; k < k1; k++) {
      float r = g[k * m + j];
      if (mask) {
        const float p = alphas[k] * diff[j];
        const float h = start[j] + p;
        r = r * step1(h);
      }
      const float t = weights[k] * r;
      a = a + t;
    }
    out[j] = a;
  }
}

/* out[j] = Σ_{k < steps} weights[k]·g[k·m + j] for j < m, k increasing from +0 (no aliasing). */
__attribute__((export_name("weighted_step_sum"))) void weighted_step_sum(const float *g,
                                                                         const float *weights,
                                                                         float *out, u32 steps,
                                                                         u32 m) {
  const u32 groups = (steps + MAX_GROUP - 1) / MAX_GROUP;
  for (u32 i = 0; i < groups; i++) {
    group(g, weights, 0, 0, 0, out, i * steps / groups, (i + 1) * steps / groups, m, 0);
  }
}

/*
 * out[j] = Σ_{k < steps} weights[k]·(g[k·m + j]·step(start[j] + alphas[k]·diff[j])) for j < m,
 * k increasing from +0 (no aliasing).
 */
__attribute__((export_name("masked_weighted_step_sum"))) void masked_weighted_step_sum(
    const float *g, const float *weights, const float *start, const float *diff,
    const float *alphas, float *out, u32 steps, u32 m) {
  const u32 groups = (steps + MAX_GROUP - 1) / MAX_GROUP;
  for (u32 i = 0; i < groups; i++) {
    group(g, weights, start, diff, alphas, out, i * steps / groups, (i + 1) * steps / groups, m,
          1);
  }
}
