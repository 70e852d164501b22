/*
 * Filter gradients of stride-1, undilated NHWC float32 convolutions on a shared WebAssembly heap
 * (the TensorFlow.js wasm backend's memory):
 *
 *   dW[ky, kx, c, o] = Σ_{b, oy, ox} x[b, oy + ky − pad_top, ox + kx − pad_left, c] · dy[b, oy, ox, o]
 *
 * with x zero outside the image.
 *
 * few_in_filter_grad: any kh×kw, ci 1–4, co a multiple of 4: direct, vectorized over co, one dy row
 * (in L1) against each valid x row, each row's sum kept in registers and then added to dW
 * (two-level summation, so the result does not drift with the batch size).
 *
 * Build: `deno task build:wasm-kernels` (scripts/build_wasm_kernels.ts) compiles this file with
 * clang for wasm32 + simd128, no libc, importing the memory, into
 * ../_generated/conv_filter_grad_wasm.ts, and again with relaxed SIMD (-DFILTER_GRAD_RELAXED, fused
 * multiply-adds) into ../_generated/conv_filter_grad_relaxed_wasm.ts.
 * The code must need no stack and no static data: the memory belongs to the host backend.
 */
#include <wasm_simd128.h>

typedef unsigned int u32;

static inline v128_t ld(const float *p) { return wasm_v128_load(p); }
static inline void st(float *p, v128_t v) { wasm_v128_store(p, v); }
static inline v128_t splat(const float *p) { return wasm_v128_load32_splat(p); }

/* a·b + c; one f32x4.relaxed_madd in the relaxed build (see winograd.c for the opcode rewrite). */
static inline v128_t madd(v128_t a, v128_t b, v128_t c) {
#ifdef FILTER_GRAD_RELAXED
  return __builtin_wasm_fma_f32x4(a, b, c);
#else
  return wasm_f32x4_add(c, wasm_f32x4_mul(a, b));
#endif
}

static inline int imax(int a, int b) { return a > b ? a : b; }
static inline int imin(int a, int b) { return a < b ? a : b; }

__attribute__((export_name("few_in_filter_grad"))) void few_in_filter_grad(
    const float *x, const float *dy, float *dw, u32 n, u32 h, u32 w, u32 ci, u32 co, u32 kh,
    u32 kw, u32 oh, u32 ow, u32 pad_top, u32 pad_left) {
  const u32 total = kh * kw * ci * co;
  const v128_t zero = wasm_f32x4_splat(0);
  for (u32 i = 0; i < total; i += 4) st(dw + i, zero);
  for (u32 b = 0; b < n; b++) {
    for (u32 oy = 0; oy < oh; oy++) {
      const float *drow = dy + ((unsigned long)(b * oh + oy)) * ow * co;
      for (u32 ky = 0; ky < kh; ky++) {
        const int iy = (int)(oy + ky) - (int)pad_top;
        if (iy < 0 || iy >= (int)h) continue;
        const float *xrow = x + ((unsigned long)(b * h + (u32)iy)) * w * ci;
        for (u32 kx = 0; kx < kw; kx++) {
          /* Output columns whose input column ox + kx − pad_left lies in the image. */
          const int lo = imax(0, (int)pad_left - (int)kx);
          const int hi = imin((int)ow, (int)w + (int)pad_left - (int)kx);
          if (lo >= hi) continue;
          const float *xp0 = xrow + (lo + (int)kx - (int)pad_left) * (int)ci;
          for (u32 c = 0; c < ci; c++) {
            float *dwp = dw + ((ky * kw + kx) * ci + c) * co;
            u32 o = 0;
            for (; o + 16 <= co; o += 16) {
              v128_t a0 = zero, a1 = zero, a2 = zero, a3 = zero;
              const float *xp = xp0 + c, *dp = drow + (u32)lo * co + o;
              for (int ox = lo; ox < hi; ox++, xp += ci, dp += co) {
                v128_t v = splat(xp);
                a0 = madd(v, ld(dp), a0);
                a1 = madd(v, ld(dp + 4), a1);
                a2 = madd(v, ld(dp + 8), a2);
                a3 = madd(v, ld(dp + 12), a3);
              }
              st(dwp + o, wasm_f32x4_add(ld(dwp + o), a0));
              st(dwp + o + 4, wasm_f32x4_add(ld(dwp + o + 4), a1));
              st(dwp + o + 8, wasm_f32x4_add(ld(dwp + o + 8), a2));
              st(dwp + o + 12, wasm_f32x4_add(ld(dwp + o + 12), a3));
            }
            for (; o < co; o += 4) {
              v128_t a0 = zero;
              const float *xp = xp0 + c, *dp = drow + (u32)lo * co + o;
              for (int ox = lo; ox < hi; ox++, xp += ci, dp += co) a0 = madd(splat(xp), ld(dp), a0);
              st(dwp + o, wasm_f32x4_add(ld(dwp + o), a0));
            }
          }
        }
      }
    }
  }
}
