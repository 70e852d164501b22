/*
 * Winograd F(2x2, 3x3) and F(4x4, 3x3) convolutions for NHWC float32 tensors on a shared
 * WebAssembly heap (the TensorFlow.js wasm backend's memory), stride 1, dilation 1.
 *
 * Build: `deno task build:wasm-kernels` (scripts/build_wasm_kernels.ts) compiles this file with
 * clang for wasm32 + simd128, no libc, importing the memory, and writes
 * ../_generated/winograd_wasm.ts; built again with relaxed SIMD (-DWINOGRAD_RELAXED, fused
 * multiply-adds) into ../_generated/winograd_relaxed_wasm.ts.
 * The code must need no stack and no static data: the memory belongs to the host backend.
 *
 * Layouts (all float32):
 *   x       [n, h, w, ci]             input
 *   u       [16 | 36, ci, co]         transformed filter U = G g Gᵀ (see winograd_conv2d.ts)
 *   bias    [co] or absent            added to the output
 *   y       [n, oh, ow, co]           output, oh = h + padTop + padBottom − 2 (same for ow)
 *   scratch winograd_scratch_floats(ci, co) floats (winograd4_… for F(4x4)), 16-byte aligned
 * ci and co must be multiples of 4.
 */
#include <wasm_simd128.h>

/* Channel steps per iteration of gemm_fixed()'s loop (a divisor of its channel counts). */
#define KU 8

/* Tiles transformed per block (a multiple of 4). */
#define TB 32

typedef unsigned int u32;

static inline v128_t ld(const float *p) { return wasm_v128_load(p); }
static inline void st(float *p, v128_t v) { wasm_v128_store(p, v); }

/*
 * a·b + c. With WINOGRAD_RELAXED (the build's relaxed-SIMD variant), one f32x4.relaxed_madd (a fused
 * multiply-add where the CPU has one). clang 14 only knows the relaxed-SIMD prototype's
 * f32x4.fma (opcode 0xaf, c + a·b... with the prototype's operand order); the build script rewrites
 * each of its opcodes to the final f32x4.relaxed_madd (0x105, a·b + c) and checks the rewrite.
 */
static inline v128_t madd(v128_t a, v128_t b, v128_t c) {
#ifdef WINOGRAD_RELAXED
  return __builtin_wasm_fma_f32x4(a, b, c);
#else
  return wasm_f32x4_add(c, wasm_f32x4_mul(a, b));
#endif
}

/*
 * Distance in floats between the 16 matrices of V (or M) in scratch: TB·c plus one cache line, so
 * the 16 stores of a tile's transform do not all map to the same cache set (4 KiB aliasing).
 */
static inline u32 xi_stride(u32 c) { return TB * c + 16; }

/* Floats of scratch needed: V [16][TB][ci], M [16][TB][co] (padded strides), a zero row [ci]. */
__attribute__((export_name("winograd_scratch_floats"))) u32 winograd_scratch_floats(u32 ci, u32 co) {
  return 16 * xi_stride(ci) + 16 * xi_stride(co) + ci;
}

/* V[ξ][t][·] = (Bᵀ d B)[ξ] for the 4x4 input tile whose 16 pixel rows start at p[0..15]. */
static void input_transform(const float *const p[16], float *v, u32 ci, u32 stride) {
  for (u32 c = 0; c < ci; c += 4) {
    v128_t t[16];
    for (u32 r = 0; r < 4; r++) {
      v128_t d0 = ld(p[4 * r + 0] + c), d1 = ld(p[4 * r + 1] + c);
      v128_t d2 = ld(p[4 * r + 2] + c), d3 = ld(p[4 * r + 3] + c);
      t[4 * r + 0] = wasm_f32x4_sub(d0, d2);
      t[4 * r + 1] = wasm_f32x4_add(d1, d2);
      t[4 * r + 2] = wasm_f32x4_sub(d2, d1);
      t[4 * r + 3] = wasm_f32x4_sub(d1, d3);
    }
    for (u32 j = 0; j < 4; j++) {
      v128_t a0 = t[j], a1 = t[4 + j], a2 = t[8 + j], a3 = t[12 + j];
      st(v + (0 * 4 + j) * stride + c, wasm_f32x4_sub(a0, a2));
      st(v + (1 * 4 + j) * stride + c, wasm_f32x4_add(a1, a2));
      st(v + (2 * 4 + j) * stride + c, wasm_f32x4_sub(a2, a1));
      st(v + (3 * 4 + j) * stride + c, wasm_f32x4_sub(a1, a3));
    }
  }
}

/*
 * m [rows, co] = v [rows, ci] · u [ci, co] for one ξ; rows a multiple of 4. Inlined so that calls
 * with constant channel counts (the tutorial CNN's) get constant strides.
 */
static inline __attribute__((always_inline)) void gemm(const float *v, const float *u, float *m,
                                                       u32 rows, u32 ci, u32 co) {
  u32 c = 0;
  for (; c + 8 <= co; c += 8) {
    for (u32 t = 0; t < rows; t += 4) {
      const float *v0 = v + t * ci, *v1 = v0 + ci, *v2 = v1 + ci, *v3 = v2 + ci;
      v128_t a00 = wasm_f32x4_splat(0), a01 = a00, a10 = a00, a11 = a00;
      v128_t a20 = a00, a21 = a00, a30 = a00, a31 = a00;
      const float *up = u + c;
      for (u32 k = 0; k < ci; k++, up += co) {
        v128_t u0 = ld(up), u1 = ld(up + 4);
        v128_t b0 = wasm_v128_load32_splat(v0 + k);
        v128_t b1 = wasm_v128_load32_splat(v1 + k);
        v128_t b2 = wasm_v128_load32_splat(v2 + k);
        v128_t b3 = wasm_v128_load32_splat(v3 + k);
        a00 = madd(b0, u0, a00);
        a01 = madd(b0, u1, a01);
        a10 = madd(b1, u0, a10);
        a11 = madd(b1, u1, a11);
        a20 = madd(b2, u0, a20);
        a21 = madd(b2, u1, a21);
        a30 = madd(b3, u0, a30);
        a31 = madd(b3, u1, a31);
      }
      float *mp = m + t * co + c;
      st(mp, a00); st(mp + 4, a01); mp += co;
      st(mp, a10); st(mp + 4, a11); mp += co;
      st(mp, a20); st(mp + 4, a21); mp += co;
      st(mp, a30); st(mp + 4, a31);
    }
  }
  for (; c < co; c += 4) {
    for (u32 t = 0; t < rows; t += 4) {
      const float *v0 = v + t * ci, *v1 = v0 + ci, *v2 = v1 + ci, *v3 = v2 + ci;
      v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
      const float *up = u + c;
      for (u32 k = 0; k < ci; k++, up += co) {
        v128_t u0 = ld(up);
        a0 = madd(wasm_v128_load32_splat(v0 + k), u0, a0);
        a1 = madd(wasm_v128_load32_splat(v1 + k), u0, a1);
        a2 = madd(wasm_v128_load32_splat(v2 + k), u0, a2);
        a3 = madd(wasm_v128_load32_splat(v3 + k), u0, a3);
      }
      float *mp = m + t * co + c;
      st(mp, a0); st(mp + co, a1); st(mp + 2 * co, a2); st(mp + 3 * co, a3);
    }
  }
}

/*
 * The pointer's value, hidden from the optimizer, so that constant offsets from it stay separate
 * additions that fold into the loads' offset immediates (clang otherwise merges them into one
 * variable index and adds it with an i32.add per load).
 */
static inline const float *opaque(const float *p) {
  __asm__("" : "+r"(p));
  return p;
}

/*
 * gemm() for channel counts CI, CO known at compile time: the channel loop is unrolled KU times and
 * each of its loads addresses one of two per-iteration pointers plus a constant (a memarg offset,
 * no integer arithmetic per load). Measured against the rolled loop, both with relaxed_madd: about
 * 1.1x faster per call; unrolling fully (or 16 steps) was slower.
 */
static inline __attribute__((always_inline)) void gemm_fixed(const float *v, const float *u,
                                                             float *m, u32 rows, const u32 CI,
                                                             const u32 CO) {
  for (u32 c = 0; c < CO; c += 8) {
    for (u32 t = 0; t < rows; t += 4) {
      const float *v0 = v + t * CI, *up = u + c;
      v128_t a00 = wasm_f32x4_splat(0), a01 = a00, a10 = a00, a11 = a00;
      v128_t a20 = a00, a21 = a00, a30 = a00, a31 = a00;
      for (u32 k0 = 0; k0 < CI; k0 += KU) {
        const float *vk = opaque(v0 + k0), *uk = opaque(up + k0 * CO);
        #pragma clang loop unroll(full)
        for (u32 k = 0; k < KU; k++) {
          v128_t u0 = ld(uk + k * CO), u1 = ld(uk + k * CO + 4);
          v128_t b0 = wasm_v128_load32_splat(vk + k);
          v128_t b1 = wasm_v128_load32_splat(vk + CI + k);
          v128_t b2 = wasm_v128_load32_splat(vk + 2 * CI + k);
          v128_t b3 = wasm_v128_load32_splat(vk + 3 * CI + k);
          a00 = madd(b0, u0, a00);
          a01 = madd(b0, u1, a01);
          a10 = madd(b1, u0, a10);
          a11 = madd(b1, u1, a11);
          a20 = madd(b2, u0, a20);
          a21 = madd(b2, u1, a21);
          a30 = madd(b3, u0, a30);
          a31 = madd(b3, u1, a31);
          /* Keep the steps in order (clang would otherwise run each accumulator's chain in turn,
           * keeping all of u's loads live and spilling). */
          __asm__("" : "+r"(a00), "+r"(a01), "+r"(a10), "+r"(a11), "+r"(a20), "+r"(a21),
                  "+r"(a30), "+r"(a31));
        }
      }
      float *mp = m + t * CO + c;
      st(mp, a00); st(mp + 4, a01); mp += CO;
      st(mp, a10); st(mp + 4, a11); mp += CO;
      st(mp, a20); st(mp + 4, a21); mp += CO;
      st(mp, a30); st(mp + 4, a31);
    }
  }
}

/* y (2x2 pixels starting at q[0..3], q null when outside) = Aᵀ M A + bias, optional relu. */
static void output_transform(const float *m, u32 stride, float *const q[4], const float *bias,
                             u32 co, int relu) {
  v128_t zero = wasm_f32x4_splat(0);
  for (u32 c = 0; c < co; c += 4) {
    v128_t s[8];
    for (u32 j = 0; j < 4; j++) {
      v128_t m0 = ld(m + (0 * 4 + j) * stride + c), m1 = ld(m + (1 * 4 + j) * stride + c);
      v128_t m2 = ld(m + (2 * 4 + j) * stride + c), m3 = ld(m + (3 * 4 + j) * stride + c);
      s[j] = wasm_f32x4_add(wasm_f32x4_add(m0, m1), m2);
      s[4 + j] = wasm_f32x4_sub(wasm_f32x4_sub(m1, m2), m3);
    }
    v128_t b = bias ? ld(bias + c) : zero;
    for (u32 r = 0; r < 2; r++) {
      v128_t s0 = s[4 * r], s1 = s[4 * r + 1], s2 = s[4 * r + 2], s3 = s[4 * r + 3];
      v128_t y0 = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(s0, s1), s2), b);
      v128_t y1 = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_sub(s1, s2), s3), b);
      if (relu) {
        y0 = wasm_f32x4_max(y0, zero);
        y1 = wasm_f32x4_max(y1, zero);
      }
      if (q[2 * r]) st(q[2 * r] + c, y0);
      if (q[2 * r + 1]) st(q[2 * r + 1] + c, y1);
    }
  }
}

__attribute__((export_name("winograd_conv2d"))) void winograd_conv2d(
    const float *x, const float *u, const float *bias, float *y, float *scratch, u32 n, u32 h,
    u32 w, u32 ci, u32 co, u32 oh, u32 ow, u32 pad_top, u32 pad_left, u32 has_bias, u32 relu) {
  const u32 th = (oh + 1) / 2, tw = (ow + 1) / 2;
  const u32 tiles = n * th * tw;
  float *vbuf = scratch;
  const u32 vs = xi_stride(ci), ms = xi_stride(co);
  float *mbuf = vbuf + 16 * vs;
  float *zeros = mbuf + 16 * ms;
  for (u32 c = 0; c < ci; c += 4) st(zeros + c, wasm_f32x4_splat(0));
  const float *b = has_bias ? bias : 0;
  u32 in = 0, ty = 0, tx = 0; /* position of the block's first tile */
  for (u32 t0 = 0; t0 < tiles; t0 += TB) {
    const u32 nt = tiles - t0 < TB ? tiles - t0 : TB;
    const u32 rows = (nt + 3) & ~3u;
    /* Input transform. */
    u32 bn = in, by = ty, bx = tx;
    for (u32 t = 0; t < rows; t++) {
      const float *p[16];
      if (t < nt) {
        const float *img = x + (unsigned long)bn * h * w * ci;
        for (u32 i = 0; i < 4; i++) {
          int r = (int)(2 * by + i) - (int)pad_top;
          for (u32 j = 0; j < 4; j++) {
            int col = (int)(2 * bx + j) - (int)pad_left;
            p[4 * i + j] = (r >= 0 && r < (int)h && col >= 0 && col < (int)w)
                               ? img + ((u32)r * w + (u32)col) * ci
                               : zeros;
          }
        }
        if (++bx == tw) { bx = 0; if (++by == th) { by = 0; bn++; } }
      } else {
        for (u32 i = 0; i < 16; i++) p[i] = zeros;
      }
      input_transform(p, vbuf + t * ci, ci, vs);
    }
    /* 16 GEMMs. */
    for (u32 xi = 0; xi < 16; xi++) {
      const float *gv = vbuf + xi * vs, *gu = u + xi * ci * co;
      float *gm = mbuf + xi * ms;
      /* Constant channel counts for common shapes (~7% faster than the generic loop). */
      if (ci == 16 && co == 32) gemm_fixed(gv, gu, gm, rows, 16, 32);
      else if (ci == 32 && co == 16) gemm_fixed(gv, gu, gm, rows, 32, 16);
      else if (ci == 16) gemm(gv, gu, gm, rows, 16, co);
      else if (ci == 32) gemm(gv, gu, gm, rows, 32, co);
      else gemm(gv, gu, gm, rows, ci, co);
    }
    /* Output transform. */
    for (u32 t = 0; t < nt; t++) {
      float *img = y + (unsigned long)in * oh * ow * co;
      float *q[4];
      for (u32 i = 0; i < 2; i++) {
        u32 r = 2 * ty + i;
        for (u32 j = 0; j < 2; j++) {
          u32 col = 2 * tx + j;
          q[2 * i + j] = (r < oh && col < ow) ? img + (r * ow + col) * co : 0;
        }
      }
      output_transform(mbuf + t * co, ms, q, b, co, (int)relu);
      if (++tx == tw) { tx = 0; if (++ty == th) { ty = 0; in++; } }
    }
  }
}

/*
 * Winograd F(4x4, 3x3): 6x6 input tiles at stride 4, 36 GEMMs, 4x4 output pixels per tile (36/16
 * GEMM multiplies per output pixel vs 16/4 for F(2x2, 3x3): 1.78x fewer). Interpolation points 0,
 * ±1, ±2, ∞ (Lavin & Gray's matrices); u is [36, ci, co] = G g Gᵀ with G 6x3 (winograd_conv2d.ts).
 * Measured float32 error ~4e-6 of the output's maximum (F(2x2): ~5e-7).
 */

/* Tiles per block of the F(4x4, 3x3) kernel (a multiple of 4). */
#define TB4 16

static inline u32 xi_stride4(u32 c) { return TB4 * c + 16; }

__attribute__((export_name("winograd4_scratch_floats"))) u32 winograd4_scratch_floats(u32 ci,
                                                                                      u32 co) {
  return 36 * xi_stride4(ci) + 36 * xi_stride4(co) + ci + TB4;
}

/* Whether any of the ci values at p is nonzero (or NaN); dense inputs exit at the first load. */
static inline int any_nonzero(const float *p, u32 ci) {
  v128_t zero = wasm_f32x4_splat(0);
  for (u32 c = 0; c < ci; c += 4) {
    if (wasm_v128_any_true(wasm_f32x4_ne(ld(p + c), zero))) return 1;
  }
  return 0;
}

/*
 * Bit 4i + j set when output pixel (i, j) of a tile sees a nonzero input in its 3x3 window, from
 * the tile's 6x6 input pixels p (the zero row where outside the image).
 */
static inline __attribute__((always_inline)) u32 live_outputs(const float *const p[36],
                                                              const float *zeros, u32 ci) {
  u32 live = 0, rows[6];
  #pragma clang loop unroll(full)
  for (u32 r = 0; r < 6; r++) {
    u32 bits = 0;
    #pragma clang loop unroll(full)
    for (u32 j = 0; j < 6; j++) {
      if (p[6 * r + j] != zeros && any_nonzero(p[6 * r + j], ci)) bits |= 1u << j;
    }
    rows[r] = bits | bits >> 1 | bits >> 2; /* bit j: columns j..j+2 */
  }
  #pragma clang loop unroll(full)
  for (u32 i = 0; i < 4; i++) live |= ((rows[i] | rows[i + 1] | rows[i + 2]) & 15u) << (4 * i);
  return live;
}

static inline v128_t kmul(v128_t a, float k) { return wasm_f32x4_mul(a, wasm_f32x4_splat(k)); }

/* Bᵀ applied to (d0..d5): o = Bᵀ d. */
static inline __attribute__((always_inline)) void bt6(const v128_t d[6], v128_t o[6]) {
  v128_t a = madd(d[2], wasm_f32x4_splat(-4), d[4]); /* d4 − 4 d2 */
  v128_t b = madd(d[1], wasm_f32x4_splat(-4), d[3]); /* d3 − 4 d1 */
  v128_t c = wasm_f32x4_sub(d[4], d[2]);
  v128_t e = kmul(wasm_f32x4_sub(d[3], d[1]), 2);
  o[0] = madd(d[0], wasm_f32x4_splat(4), madd(d[2], wasm_f32x4_splat(-5), d[4]));
  o[1] = wasm_f32x4_add(a, b);
  o[2] = wasm_f32x4_sub(a, b);
  o[3] = wasm_f32x4_add(c, e);
  o[4] = wasm_f32x4_sub(c, e);
  o[5] = madd(d[1], wasm_f32x4_splat(4), madd(d[3], wasm_f32x4_splat(-5), d[5]));
}

/* Aᵀ applied to (m0..m5): y = Aᵀ m (4 values). */
static inline __attribute__((always_inline)) void at6(const v128_t m[6], v128_t y[4]) {
  v128_t s1 = wasm_f32x4_add(m[1], m[2]), s2 = wasm_f32x4_add(m[3], m[4]);
  v128_t d1 = wasm_f32x4_sub(m[1], m[2]), d2 = wasm_f32x4_sub(m[3], m[4]);
  y[0] = wasm_f32x4_add(wasm_f32x4_add(m[0], s1), s2);
  y[1] = madd(d2, wasm_f32x4_splat(2), d1);
  y[2] = madd(s2, wasm_f32x4_splat(4), s1);
  y[3] = wasm_f32x4_add(madd(d2, wasm_f32x4_splat(8), d1), m[5]);
}

/* V[ξ][t][·] = (Bᵀ d B)[ξ] for the 6x6 input tile whose 36 pixel rows start at p[0..35]. */
static void input_transform4(const float *const p[36], float *v, u32 ci, u32 stride) {
  for (u32 c = 0; c < ci; c += 4) {
    v128_t t[36];
    #pragma clang loop unroll(full)
    for (u32 r = 0; r < 6; r++) {
      v128_t d[6], o[6];
      #pragma clang loop unroll(full)
      for (u32 j = 0; j < 6; j++) d[j] = ld(p[6 * r + j] + c);
      bt6(d, o); /* row r of d B (B applied along the row) */
      #pragma clang loop unroll(full)
      for (u32 j = 0; j < 6; j++) t[6 * r + j] = o[j];
    }
    #pragma clang loop unroll(full)
    for (u32 j = 0; j < 6; j++) {
      v128_t d[6], o[6];
      #pragma clang loop unroll(full)
      for (u32 r = 0; r < 6; r++) d[r] = t[6 * r + j];
      bt6(d, o);
      #pragma clang loop unroll(full)
      for (u32 i = 0; i < 6; i++) st(v + (6 * i + j) * stride + c, o[i]);
    }
  }
}

/*
 * y (4x4 pixels starting at q[0..15], q null when outside) = Aᵀ M A + bias, optional relu; pixels
 * whose bit in `live` is clear (an all-zero 3x3 input window) get exactly the bias, as a direct
 * convolution gives them (F(4x4)'s rounding would otherwise leave ~1e-7 relative noise there, e.g.
 * outside a sparse gradient's support).
 */
static void output_transform4(const float *m, u32 stride, float *const q[16], const float *bias,
                              u32 co, int relu, u32 live) {
  v128_t zero = wasm_f32x4_splat(0);
  for (u32 c = 0; c < co; c += 4) {
    v128_t s[24]; /* Aᵀ M: 4 rows × 6 columns */
    #pragma clang loop unroll(full)
    for (u32 j = 0; j < 6; j++) {
      v128_t mm[6], y[4];
      #pragma clang loop unroll(full)
      for (u32 i = 0; i < 6; i++) mm[i] = ld(m + (6 * i + j) * stride + c);
      at6(mm, y);
      #pragma clang loop unroll(full)
      for (u32 i = 0; i < 4; i++) s[6 * i + j] = y[i];
    }
    v128_t b = bias ? ld(bias + c) : zero;
    #pragma clang loop unroll(full)
    for (u32 r = 0; r < 4; r++) {
      v128_t y[4];
      at6(s + 6 * r, y);
      #pragma clang loop unroll(full)
      for (u32 j = 0; j < 4; j++) {
        v128_t o = (live >> (4 * r + j)) & 1u ? wasm_f32x4_add(y[j], b) : b;
        if (relu) o = wasm_f32x4_max(o, zero);
        if (q[4 * r + j]) st(q[4 * r + j] + c, o);
      }
    }
  }
}

__attribute__((export_name("winograd4_conv2d"))) void winograd4_conv2d(
    const float *x, const float *u, const float *bias, float *y, float *scratch, u32 n, u32 h,
    u32 w, u32 ci, u32 co, u32 oh, u32 ow, u32 pad_top, u32 pad_left, u32 has_bias, u32 relu) {
  const u32 th = (oh + 3) / 4, tw = (ow + 3) / 4;
  const u32 tiles = n * th * tw;
  float *vbuf = scratch;
  const u32 vs = xi_stride4(ci), ms = xi_stride4(co);
  float *mbuf = vbuf + 36 * vs;
  float *zeros = mbuf + 36 * ms;
  u32 *live = (u32 *)(zeros + ci); /* live_outputs() per tile of the block */
  for (u32 c = 0; c < ci; c += 4) st(zeros + c, wasm_f32x4_splat(0));
  const float *b = has_bias ? bias : 0;
  u32 in = 0, ty = 0, tx = 0; /* position of the block's first tile */
  for (u32 t0 = 0; t0 < tiles; t0 += TB4) {
    const u32 nt = tiles - t0 < TB4 ? tiles - t0 : TB4;
    const u32 rows = (nt + 3) & ~3u;
    u32 bn = in, by = ty, bx = tx;
    for (u32 t = 0; t < rows; t++) {
      const float *p[36];
      if (t < nt) {
        const float *img = x + (unsigned long)bn * h * w * ci;
        #pragma clang loop unroll(full)
        for (u32 i = 0; i < 6; i++) {
          int r = (int)(4 * by + i) - (int)pad_top;
          #pragma clang loop unroll(full)
          for (u32 j = 0; j < 6; j++) {
            int col = (int)(4 * bx + j) - (int)pad_left;
            p[6 * i + j] = (r >= 0 && r < (int)h && col >= 0 && col < (int)w)
                               ? img + ((u32)r * w + (u32)col) * ci
                               : zeros;
          }
        }
        if (++bx == tw) { bx = 0; if (++by == th) { by = 0; bn++; } }
        live[t] = live_outputs(p, zeros, ci);
      } else {
        #pragma clang loop unroll(full)
        for (u32 i = 0; i < 36; i++) p[i] = zeros;
      }
      input_transform4(p, vbuf + t * ci, ci, vs);
    }
    for (u32 xi = 0; xi < 36; xi++) {
      const float *gv = vbuf + xi * vs, *gu = u + xi * ci * co;
      float *gm = mbuf + xi * ms;
      if (ci == 16 && co == 32) gemm_fixed(gv, gu, gm, rows, 16, 32);
      else if (ci == 32 && co == 16) gemm_fixed(gv, gu, gm, rows, 32, 16);
      else if (ci == 16) gemm(gv, gu, gm, rows, 16, co);
      else if (ci == 32) gemm(gv, gu, gm, rows, 32, co);
      else gemm(gv, gu, gm, rows, ci, co);
    }
    for (u32 t = 0; t < nt; t++) {
      float *img = y + (unsigned long)in * oh * ow * co;
      float *q[16];
      #pragma clang loop unroll(full)
      for (u32 i = 0; i < 4; i++) {
        u32 r = 4 * ty + i;
        #pragma clang loop unroll(full)
        for (u32 j = 0; j < 4; j++) {
          u32 col = 4 * tx + j;
          q[4 * i + j] = (r < oh && col < ow) ? img + (r * ow + col) * co : 0;
        }
      }
      output_transform4(mbuf + t * co, ms, q, b, co, (int)relu, live[t]);
      if (++tx == tw) { tx = 0; if (++ty == th) { ty = 0; in++; } }
    }
  }
}
