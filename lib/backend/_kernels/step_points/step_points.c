/*
 * Path points of an integral (float32) on a shared WebAssembly heap (the TensorFlow.js wasm
 * backend's memory): out[k·m + j] = start[j] + alphas[k] · diff[j] for k < steps, j < m, the
 * points at which IntegratedGradients takes its gradients, step-major. TensorFlow.js computes
 * them in two passes, a Multiply (alphas[k] · diff[j], rounded to float32) and an Add (start[j]
 * plus that product); this is one pass with the same two roundings, never a fused multiply-add
 * (contraction is off, and wasm SIMD128 has none), so the points match bit for bit.
 *
 * Build: `deno task build:wasm-kernels` (scripts/build_wasm_kernels.ts) compiles this file with
 * clang for wasm32 + simd128, no libc, importing the memory, and writes
 * ../_generated/step_points_wasm.ts.
 * The code must need no stack and no static data: the memory belongs to the host backend.
 *
 * The steps run in groups of at most MAX_GROUP (sizes balanced): each group is one pass over
 * start and diff that loads eight values of each and writes them to every step of the group, so
 * start and diff are read once per group, not once per step, and at most MAX_GROUP + 2 streams
 * are live (small blocks or many streams defeat the prefetchers: measured slower). Eight values
 * a step, then four, then one.
 *
 * With `relu`, each point goes through the wasm backend's own Relu as it computes it: the signed
 * integer maximum of the float's bits and 0 (negative values, -0 and NaNs with the sign bit set
 * become +0; other NaNs stay), so the result is `tf.relu` of the points bit for bit.
 */
#include <wasm_simd128.h>

#pragma clang fp contract(off)

typedef unsigned int u32;

/* Most steps written per pass over start and diff. */
#define MAX_GROUP 6u

/* The wasm backend's Relu: max of the bits as signed integers, 0. */
static inline v128_t relu4(v128_t v) { return wasm_i32x4_max(v, wasm_i32x4_splat(0)); }
static inline float relu1(float v) {
  union {
    float f;
    int i;
  } u = {v};
  return u.i < 0 ? 0.0f : v;
}

/* out[k·m + j] = start[j] + alphas[k]·diff[j] (then relu) for k0 ≤ k < k1, j < m. */
static inline __attribute__((always_inline)) void group(const float *start, const float *diff,
                                                        const float *alphas, float *out, u32 k0,
                                                        u32 k1, u32 m, int relu) {
  u32 j = 0;
  for (; j + 8 <= m; j += 8) {
    const v128_t s0 = wasm_v128_load(start + j);
    const v128_t s1 = wasm_v128_load(start + j + 4);
    const v128_t d0 = wasm_v128_load(diff + j);
    const v128_t d1 = wasm_v128_load(diff + j + 4);
    float *o = out + k0 * m + j;
    for (u32 k = k0; k < k1; k++, o += m) {
      const v128_t a = wasm_f32x4_splat(alphas[k]);
      v128_t p0 = wasm_f32x4_add(s0, wasm_f32x4_mul(a, d0));
      v128_t p1 = wasm_f32x4_add(s1, wasm_f32x4_mul(a, d1));
      if (relu) p0 = relu4(p0), p1 = relu4(p1);
      wasm_v128_store(o, p0);
      wasm_v128_store(o + 4, p1);
    }
  }
  for (; j + 4 <= m; j += 4) {
    const v128_t s = wasm_v128_load(start + j);
    const v128_t d = wasm_v128_load(diff + j);
    for (u32 k = k0; k < k1; k++) {
      const v128_t a = wasm_f32x4_splat(alphas[k]);
      const v128_t p = wasm_f32x4_add(s, wasm_f32x4_mul(a, d));
      wasm_v128_store(out + k * m + j, relu ? relu4(p) : p);
    }
  }
  for (; j < m; j++) {
    for (u32 k = k0; k < k1; k++) {
      const float p = alphas[k] * diff[j];
      const float v = start[j] + p;
      out[k * m + j] = relu ? relu1(v) : v;
    }
  }
}

/*
 * out[k·m + j] = start[j] + alphas[k]·diff[j] (then relu when `relu`) for k < steps, j < m (out
 * aliases no input).
 */
__attribute__((export_name("step_points"))) void step_points(const float *start, const float *diff,
                                                             const float *alphas, float *out,
                                                             u32 steps, u32 m, u32 relu) {
  const u32 groups = (steps + MAX_GROUP - 1) / MAX_GROUP;
  for (u32 g = 0; g < groups; g++) {
    const u32 k0 = g * steps / groups, k1 = (g + 1) * steps / groups;
    if (relu) {
      group(start, diff, alphas, out, k0, k1, m, 1);
    } else {
      group(start, diff, alphas, out, k0, k1, m, 0);
    }
  }
}
