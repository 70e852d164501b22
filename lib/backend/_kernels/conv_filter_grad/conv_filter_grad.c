/*
 * Filter gradients of stride-1, undilated NHWC float32 convolutions on a shared WebAssembly heap
 * (the TensorFlow.js wasm backend's memory):
 *
 *   dW[ky, kx, c, o] = Σ_{b, oy, ox} x[b, oy + ky − pad_top, ox + kx − pad_left, c] · dy[b, oy, ox, o]
 *
 * with x zero outside the image.
 *
 *   few_in_filter_grad    any kh×kw, ci 1–4, co a multiple of 4: direct, vectorized over co, one
 *                         dy row (in L1) against each valid x row, each row's sum kept in
 *                         registers and then added to the image's dW (two-level summation).
 *   winograd_filter_grad  3×3, ci and co multiples of 4: Winograd F(3×3, 2×2), the transpose of the
 *                         forward F(2×2, 3×3). dy is cut into 2×2 tiles g, x into the 4×4 tiles d
 *                         that those tiles' 3×3 windows cover (stride 2); per tile V = Bᵀ d B (per
 *                         input channel, Bᵀ as the forward kernel's), U = G g Gᵀ (per output
 *                         channel, G 4×2); M[ξ] += V[ξ]ᵀ U[ξ] over one image's tiles (16 GEMMs,
 *                         K = tiles); the image's dW = Aᵀ M A (A 4×3). 16 multiplies per
 *                         2×2·3×3 = 36: 2.25× fewer than a direct GEMM. F(3×3, 4×4) would save 4×
 *                         but its transforms (coefficients up to 5 and 1/24) leave rounding errors
 *                         of ~6e-6 of the largest element on every element: after a few Adam steps
 *                         that moved near-zero weights visibly apart between runs whose gradients
 *                         differ by a rounding (parallel_gradients_test). These transforms only
 *                         add, subtract and halve.
 *
 *   Both add the images' dWs pairwise (see tree_push), so a batch and its two halves agree exactly.
 *
 * Interpolation points 0, ±1, ∞:
 *   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
 *   G  = [1 0; 1/2 1/2; 1/2 −1/2; 0 1]
 *   Aᵀ = [1 1 1 0; 0 1 −1 0; 0 1 1 −1]
 *
 * Build: `deno task build:wasm-kernels` (scripts/build_wasm_kernels.ts) compiles this file with
 * clang for wasm32 + simd128, no libc, importing the memory, into
 * ../_generated/conv_filter_grad_wasm.ts, and again with relaxed SIMD (-DFILTER_GRAD_RELAXED, fused
 * multiply-adds in the GEMM) into ../_generated/conv_filter_grad_relaxed_wasm.ts.
 * The code must need no stack and no static data: the memory belongs to the host backend.
 */
#include <wasm_simd128.h>

typedef unsigned int u32;

/* Tiles per block of winograd_filter_grad (a multiple of 4). */
#define TB 32

/*
 * Blocks summed into M before M is added to the image's total: two-level summation, so the rounding
 * error of a sum over thousands of tiles (a large image) grows with ~SB + tiles / (SB·TB) terms
 * instead of all of them.
 */
#define SB 8

static inline v128_t ld(const float *p) { return wasm_v128_load(p); }
static inline void st(float *p, v128_t v) { wasm_v128_store(p, v); }
static inline v128_t splat(const float *p) { return wasm_v128_load32_splat(p); }
static inline v128_t kmul(v128_t a, float k) { return wasm_f32x4_mul(a, wasm_f32x4_splat(k)); }

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

/* ---- pairwise sums over images ------------------------------------------------------------ */

/*
 * Both kernels compute each image's dW on its own and add the images' dWs as a pairwise sum over
 * aligned blocks of 2^k images (a binary counter of partial sums, folded at the end from the
 * first images' block down). A batch whose halves are 2^k images each therefore sums to exactly
 * (sum of the first half) + (sum of the second half): what ParallelGradients computes from two
 * such shares (whose dy are the batch's times 2, exactly), so parallel and single-thread training
 * steps get the same filter gradients to the last bit, and Adam has no rounding differences here
 * to magnify on near-zero gradients.
 */

/* Levels of the pairwise sum over n >= 1 images: the bit length of n. */
static inline u32 tree_levels(u32 n) { return 32 - (u32)__builtin_clz(n); }

/* Floats of scratch for the pairwise sum of n images' dWs of `size` floats: one image, the levels. */
__attribute__((export_name("pairwise_scratch_floats"))) u32 pairwise_scratch_floats(u32 n,
                                                                                     u32 size) {
  return (1 + tree_levels(n)) * size;
}

/* a[i] = b[i] + a[i] for i < len (a multiple of 4). */
static void add_into(float *a, const float *b, u32 len) {
  for (u32 i = 0; i < len; i += 4) st(a + i, wasm_f32x4_add(ld(b + i), ld(a + i)));
}

/* Add image b's dW `cur` (overwritten) to the levels: it closes a block of 2^k per low set bit k of b. */
static void tree_push(float *levels, float *cur, u32 b, u32 size) {
  u32 k = 0;
  for (; (b >> k) & 1; k++) add_into(cur, levels + k * size, size);
  for (u32 i = 0; i < size; i += 4) st(levels + k * size + i, ld(cur + i));
}

/* out = the sum of n images pushed: the blocks left by the set bits of n, highest bit first. */
static void tree_fold(const float *levels, u32 n, float *out, u32 size) {
  int first = 1;
  for (int k = (int)tree_levels(n) - 1; k >= 0; k--) {
    if (!((n >> k) & 1)) continue;
    const float *l = levels + (u32)k * size;
    if (first) {
      for (u32 i = 0; i < size; i += 4) st(out + i, ld(l + i));
      first = 0;
    } else {
      add_into(out, l, size);
    }
  }
}

/* ---- few input channels ------------------------------------------------------------------ */

__attribute__((export_name("few_in_filter_grad"))) void few_in_filter_grad(
    const float *x, const float *dy, float *dw, float *scratch, u32 n, u32 h, u32 w, u32 ci,
    u32 co, u32 kh, u32 kw, u32 oh, u32 ow, u32 pad_top, u32 pad_left) {
  const u32 total = kh * kw * ci * co;
  const v128_t zero = wasm_f32x4_splat(0);
  float *cur = scratch, *levels = scratch + total;
  for (u32 b = 0; b < n; b++) {
    for (u32 i = 0; i < total; i += 4) st(cur + i, zero);
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
            float *dwp = cur + ((ky * kw + kx) * ci + c) * co;
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
    tree_push(levels, cur, b, total);
  }
  tree_fold(levels, n, dw, total);
}

/* ---- Winograd F(3x3, 2x2) ------------------------------------------------------------------ */

/* Distance in floats between the 16 matrices of V, U: TB·c plus one cache line (4 KiB aliasing). */
static inline u32 xi_stride(u32 c) { return TB * c + 16; }

/*
 * Floats of scratch: V [16][TB][ci], U [16][TB][co], M and one image's total [16][ci][co] each,
 * zero rows [ci], [co], then the pairwise sum's (pairwise_scratch_floats(n, 9·ci·co)).
 */
__attribute__((export_name("winograd_filter_grad_scratch_floats"))) u32
winograd_filter_grad_scratch_floats(u32 n, u32 ci, u32 co) {
  return 16 * xi_stride(ci) + 16 * xi_stride(co) + 2 * 16 * ci * co + ci + co +
         pairwise_scratch_floats(n, 9 * ci * co);
}

/* Bᵀ applied to (d0..d3), as the forward F(2x2, 3x3) kernel's: all coefficients ±1. */
static inline __attribute__((always_inline)) void bt4(const v128_t d[4], v128_t o[4]) {
  o[0] = wasm_f32x4_sub(d[0], d[2]);
  o[1] = wasm_f32x4_add(d[1], d[2]);
  o[2] = wasm_f32x4_sub(d[2], d[1]);
  o[3] = wasm_f32x4_sub(d[1], d[3]);
}

/* G applied to (g0, g1): 4 values; the halves are exact. */
static inline __attribute__((always_inline)) void g4(const v128_t g[2], v128_t o[4]) {
  o[0] = g[0];
  o[1] = kmul(wasm_f32x4_add(g[0], g[1]), 0.5f);
  o[2] = kmul(wasm_f32x4_sub(g[0], g[1]), 0.5f);
  o[3] = g[1];
}

/* V[ξ][t][·] = (Bᵀ d B)[ξ] for the 4x4 x tile whose 16 pixel rows start at p[0..15]. */
static void x_transform(const float *const p[16], float *v, u32 ci, u32 stride) {
  for (u32 c = 0; c < ci; c += 4) {
    v128_t t[16];
    #pragma clang loop unroll(full)
    for (u32 r = 0; r < 4; r++) {
      v128_t d[4], o[4];
      #pragma clang loop unroll(full)
      for (u32 j = 0; j < 4; j++) d[j] = ld(p[4 * r + j] + c);
      bt4(d, o);
      #pragma clang loop unroll(full)
      for (u32 j = 0; j < 4; j++) t[4 * r + j] = o[j];
    }
    #pragma clang loop unroll(full)
    for (u32 j = 0; j < 4; j++) {
      v128_t d[4], o[4];
      #pragma clang loop unroll(full)
      for (u32 r = 0; r < 4; r++) d[r] = t[4 * r + j];
      bt4(d, o);
      #pragma clang loop unroll(full)
      for (u32 i = 0; i < 4; i++) st(v + (4 * i + j) * stride + c, o[i]);
    }
  }
}

/* U[ξ][t][·] = (G g Gᵀ)[ξ] for the 2x2 dy tile whose 4 pixel rows start at q[0..3]. */
static void dy_transform(const float *const q[4], float *u, u32 co, u32 stride) {
  for (u32 c = 0; c < co; c += 4) {
    v128_t t[8]; /* g Gᵀ: 2 rows × 4 columns */
    #pragma clang loop unroll(full)
    for (u32 r = 0; r < 2; r++) {
      v128_t g[2] = {ld(q[2 * r] + c), ld(q[2 * r + 1] + c)}, o[4];
      g4(g, o);
      #pragma clang loop unroll(full)
      for (u32 j = 0; j < 4; j++) t[4 * r + j] = o[j];
    }
    #pragma clang loop unroll(full)
    for (u32 j = 0; j < 4; j++) {
      v128_t g[2] = {t[j], t[4 + j]}, o[4];
      g4(g, o);
      #pragma clang loop unroll(full)
      for (u32 i = 0; i < 4; i++) st(u + (4 * i + j) * stride + c, o[i]);
    }
  }
}

/*
 * m [ci, co] += v [rows, ci]ᵀ · u [rows, co] for one ξ; rows a multiple of 4, ci and co multiples
 * of 4. Inlined so that calls with constant channel counts get constant strides.
 */
static inline __attribute__((always_inline)) void gemm_tn(const float *v, const float *u, float *m,
                                                          u32 rows, u32 ci, u32 co) {
  for (u32 c = 0; c < ci; c += 4) {
    u32 o = 0;
    for (; o + 8 <= co; o += 8) {
      float *mp = m + c * co + o;
      v128_t a00 = ld(mp), a01 = ld(mp + 4), a10 = ld(mp + co), a11 = ld(mp + co + 4);
      v128_t a20 = ld(mp + 2 * co), a21 = ld(mp + 2 * co + 4);
      v128_t a30 = ld(mp + 3 * co), a31 = ld(mp + 3 * co + 4);
      const float *vp = v + c, *up = u + o;
      for (u32 t = 0; t < rows; t++, vp += ci, up += co) {
        v128_t u0 = ld(up), u1 = ld(up + 4);
        v128_t b0 = splat(vp), b1 = splat(vp + 1), b2 = splat(vp + 2), b3 = splat(vp + 3);
        a00 = madd(b0, u0, a00);
        a01 = madd(b0, u1, a01);
        a10 = madd(b1, u0, a10);
        a11 = madd(b1, u1, a11);
        a20 = madd(b2, u0, a20);
        a21 = madd(b2, u1, a21);
        a30 = madd(b3, u0, a30);
        a31 = madd(b3, u1, a31);
      }
      st(mp, a00), st(mp + 4, a01), st(mp + co, a10), st(mp + co + 4, a11);
      st(mp + 2 * co, a20), st(mp + 2 * co + 4, a21);
      st(mp + 3 * co, a30), st(mp + 3 * co + 4, a31);
    }
    for (; o < co; o += 4) {
      float *mp = m + c * co + o;
      v128_t a0 = ld(mp), a1 = ld(mp + co), a2 = ld(mp + 2 * co), a3 = ld(mp + 3 * co);
      const float *vp = v + c, *up = u + o;
      for (u32 t = 0; t < rows; t++, vp += ci, up += co) {
        v128_t u0 = ld(up);
        a0 = madd(splat(vp), u0, a0);
        a1 = madd(splat(vp + 1), u0, a1);
        a2 = madd(splat(vp + 2), u0, a2);
        a3 = madd(splat(vp + 3), u0, a3);
      }
      st(mp, a0), st(mp + co, a1), st(mp + 2 * co, a2), st(mp + 3 * co, a3);
    }
  }
}

/* Aᵀ applied to (m0..m3): 3 values. */
static inline __attribute__((always_inline)) void at3(const v128_t m[4], v128_t y[3]) {
  v128_t s = wasm_f32x4_add(m[1], m[2]);
  y[0] = wasm_f32x4_add(m[0], s);
  y[1] = wasm_f32x4_sub(m[1], m[2]);
  y[2] = wasm_f32x4_sub(s, m[3]);
}

/* out [3][3][ci][co] = Aᵀ M A for the 16 matrices m [16][ci][co]. */
static void output_transform(const float *m, float *out, u32 ci, u32 co) {
  for (u32 c = 0; c < ci; c++) {
    for (u32 o = 0; o < co; o += 4) {
      v128_t s[12]; /* Aᵀ M: 3 rows × 4 columns */
      #pragma clang loop unroll(full)
      for (u32 j = 0; j < 4; j++) {
        v128_t mm[4], y[3];
        #pragma clang loop unroll(full)
        for (u32 i = 0; i < 4; i++) mm[i] = ld(m + (4 * i + j) * ci * co + c * co + o);
        at3(mm, y);
        #pragma clang loop unroll(full)
        for (u32 i = 0; i < 3; i++) s[4 * i + j] = y[i];
      }
      #pragma clang loop unroll(full)
      for (u32 r = 0; r < 3; r++) {
        v128_t y[3];
        at3(s + 4 * r, y);
        #pragma clang loop unroll(full)
        for (u32 k = 0; k < 3; k++) st(out + ((r * 3 + k) * ci + c) * co + o, y[k]);
      }
    }
  }
}

/* Each image's tiles summed in M (two-level), its dW = Aᵀ M A, the images' dWs added pairwise. */
__attribute__((export_name("winograd_filter_grad"))) void winograd_filter_grad(
    const float *x, const float *dy, float *dw, float *scratch, u32 n, u32 h, u32 w, u32 ci,
    u32 co, u32 oh, u32 ow, u32 pad_top, u32 pad_left) {
  const u32 th = (oh + 1) / 2, tw = (ow + 1) / 2;
  const u32 tiles = th * tw; /* per image */
  const u32 vs = xi_stride(ci), us = xi_stride(co);
  const u32 msize = 16 * ci * co, dsize = 9 * ci * co;
  float *vbuf = scratch;
  float *ubuf = vbuf + 16 * vs;
  float *mbuf = ubuf + 16 * us;
  float *total = mbuf + msize;
  float *xzeros = total + msize;
  float *dzeros = xzeros + ci;
  float *cur = dzeros + co;
  float *levels = cur + dsize;
  for (u32 i = 0; i < msize; i += 4) st(mbuf + i, wasm_f32x4_splat(0));
  for (u32 i = 0; i < ci + co; i += 4) st(xzeros + i, wasm_f32x4_splat(0));
  for (u32 b = 0; b < n; b++) {
    const float *img = x + (unsigned long)b * h * w * ci;
    const float *grad = dy + (unsigned long)b * oh * ow * co;
    for (u32 i = 0; i < msize; i += 4) st(total + i, wasm_f32x4_splat(0));
    u32 by = 0, bx = 0; /* the next tile */
    for (u32 t0 = 0; t0 < tiles; t0 += TB) {
      const u32 nt = tiles - t0 < TB ? tiles - t0 : TB;
      const u32 rows = (nt + 3) & ~3u;
      for (u32 t = 0; t < rows; t++) {
        const float *p[16];
        const float *q[4];
        if (t < nt) {
          #pragma clang loop unroll(full)
          for (u32 i = 0; i < 4; i++) {
            int r = (int)(2 * by + i) - (int)pad_top;
            #pragma clang loop unroll(full)
            for (u32 j = 0; j < 4; j++) {
              int col = (int)(2 * bx + j) - (int)pad_left;
              p[4 * i + j] = (r >= 0 && r < (int)h && col >= 0 && col < (int)w)
                                 ? img + ((u32)r * w + (u32)col) * ci
                                 : xzeros;
            }
          }
          #pragma clang loop unroll(full)
          for (u32 i = 0; i < 2; i++) {
            u32 r = 2 * by + i;
            #pragma clang loop unroll(full)
            for (u32 j = 0; j < 2; j++) {
              u32 col = 2 * bx + j;
              q[2 * i + j] = (r < oh && col < ow) ? grad + (r * ow + col) * co : dzeros;
            }
          }
          if (++bx == tw) { bx = 0; by++; }
        } else {
          #pragma clang loop unroll(full)
          for (u32 i = 0; i < 16; i++) p[i] = xzeros;
          #pragma clang loop unroll(full)
          for (u32 i = 0; i < 4; i++) q[i] = dzeros;
        }
        x_transform(p, vbuf + t * ci, ci, vs);
        dy_transform(q, ubuf + t * co, co, us);
      }
      for (u32 xi = 0; xi < 16; xi++) {
        const float *gv = vbuf + xi * vs, *gu = ubuf + xi * us;
        float *gm = mbuf + xi * ci * co;
        if (ci == 32 && co == 16) gemm_tn(gv, gu, gm, rows, 32, 16);
        else if (ci == 16 && co == 32) gemm_tn(gv, gu, gm, rows, 16, 32);
        else gemm_tn(gv, gu, gm, rows, ci, co);
      }
      if ((t0 / TB) % SB == SB - 1 || t0 + TB >= tiles) {
        for (u32 i = 0; i < msize; i += 4) {
          st(total + i, wasm_f32x4_add(ld(total + i), ld(mbuf + i)));
          st(mbuf + i, wasm_f32x4_splat(0));
        }
      }
    }
    output_transform(total, cur, ci, co);
    tree_push(levels, cur, b, dsize);
  }
  tree_fold(levels, n, dw, dsize);
}
