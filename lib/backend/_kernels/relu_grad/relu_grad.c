/*
 * ReLU gradient (float32) on a shared WebAssembly heap (the TensorFlow.js wasm backend's memory):
 * dx = dy · step(x) in one pass, the value TensorFlow.js's own ReLU gradient,
 * mul(dy, cast(step(x), "float32")), computes in two (step, then multiply).
 *
 * Build: `deno task build:wasm-kernels` (scripts/build_wasm_kernels.ts) compiles this file with
 * clang for wasm32 + simd128, no libc, importing the memory, and writes
 * ../_generated/relu_grad_wasm.ts.
 * The code must need no stack and no static data: the memory belongs to the host backend.
 *
 * step(x) is the wasm backend's Step: 1 where x > 0, 0 where x ≤ 0 (−0 included), and x itself
 * where x is NaN (its payload kept). The product dy · step(x) is then formed with the same
 * f32x4.mul as the backend's Multiply, operands in the same order, so dx matches the two-kernel
 * gradient bit for bit: dy where x > 0, ±0 (the sign of dy) where x ≤ 0 and dy is finite, NaN
 * where dy is ±∞ or NaN and x ≤ 0, or where x is NaN. Sixteen values a step, then four, then one.
 */
#include <wasm_simd128.h>

typedef unsigned int u32;

/* step(x) of four lanes: 1.0 where x > 0, the lane of x where x is NaN, +0 elsewhere. */
static inline v128_t step4(v128_t x, v128_t zero, v128_t one) {
  const v128_t positive = wasm_f32x4_gt(x, zero);
  const v128_t nan = wasm_f32x4_ne(x, x);
  return wasm_v128_or(wasm_v128_and(positive, one), wasm_v128_and(nan, x));
}

/* dx[i] = dy[i] · step(x[i]) for i < n (the arrays may alias only exactly: dx == dy or dx == x). */
__attribute__((export_name("relu_grad"))) void relu_grad(const float *dy, const float *x, float *dx,
                                                         u32 n) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const v128_t one = wasm_f32x4_splat(1.0f);
  u32 i = 0;
  for (; i + 16 <= n; i += 16) {
    const v128_t s0 = step4(wasm_v128_load(x + i), zero, one);
    const v128_t s1 = step4(wasm_v128_load(x + i + 4), zero, one);
    const v128_t s2 = step4(wasm_v128_load(x + i + 8), zero, one);
    const v128_t s3 = step4(wasm_v128_load(x + i + 12), zero, one);
    const v128_t d0 = wasm_v128_load(dy + i);
    const v128_t d1 = wasm_v128_load(dy + i + 4);
    const v128_t d2 = wasm_v128_load(dy + i + 8);
    const v128_t d3 = wasm_v128_load(dy + i + 12);
    wasm_v128_store(dx + i, wasm_f32x4_mul(d0, s0));
    wasm_v128_store(dx + i + 4, wasm_f32x4_mul(d1, s1));
    wasm_v128_store(dx + i + 8, wasm_f32x4_mul(d2, s2));
    wasm_v128_store(dx + i + 12, wasm_f32x4_mul(d3, s3));
  }
  for (; i + 4 <= n; i += 4) {
    const v128_t s = step4(wasm_v128_load(x + i), zero, one);
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_v128_load(dy + i), s));
  }
  for (; i < n; i++) {
    const float v = x[i];
    const float s = v > 0.0f ? 1.0f : (v != v ? v : 0.0f);
    dx[i] = dy[i] * s;
  }
}

/*
 * relu_grad with dy's rows gathered from a table: dx[r·width + j] = table[indices[r]·width + j] ·
 * step(x[r·width + j]) for r < rows, j < width (indices in range; no aliasing). One pass instead
 * of a gather writing dy and this kernel reading it back: backpropagation from a linear output
 * layer's kernel columns through the ReLU before it.
 */
__attribute__((export_name("relu_grad_rows"))) void relu_grad_rows(const float *table,
                                                                   const int *indices,
                                                                   const float *x, float *dx,
                                                                   u32 rows, u32 width) {
  for (u32 r = 0; r < rows; r++) {
    relu_grad(table + (u32)indices[r] * width, x + r * width, dx + r * width, width);
  }
}

/*
 * relu_grad_rows from a table stored transposed, [width, units]: dx[r·width + j] =
 * table[j·units + indices[r]] · step(x[r·width + j]) (a linear output layer's kernel as it is,
 * without transposing it first). The products are formed as relu_grad forms them.
 */
__attribute__((export_name("relu_grad_columns"))) void relu_grad_columns(
    const float *table, u32 units, const int *indices, const float *x, float *dx, u32 rows,
    u32 width) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const v128_t one = wasm_f32x4_splat(1.0f);
  for (u32 r = 0; r < rows; r++) {
    const float *col = table + (u32)indices[r];
    const float *xr = x + r * width;
    float *out = dx + r * width;
    u32 j = 0;
    for (; j + 4 <= width; j += 4) {
      const v128_t dy = wasm_f32x4_make(col[j * units], col[(j + 1) * units], col[(j + 2) * units],
                                        col[(j + 3) * units]);
      wasm_v128_store(out + j, wasm_f32x4_mul(dy, step4(wasm_v128_load(xr + j), zero, one)));
    }
    for (; j < width; j++) {
      const float v = xr[j];
      const float s = v > 0.0f ? 1.0f : (v != v ? v : 0.0f);
      out[j] = col[j * units] * s;
    }
  }
}
