/*
 * Direct NHWC float32 convolutions (stride 1, dilation 1) with few input or few output channels,
 * on a shared WebAssembly heap (the TensorFlow.js wasm backend's memory).
 *
 * Build: `deno task build:wasm-kernels` (scripts/build_wasm_kernels.ts) compiles this file with
 * clang for wasm32 + simd128, no libc, importing the memory, and writes
 * ../_generated/direct_conv_wasm.ts.
 * The code must need no stack and no static data: the memory belongs to the host backend.
 *
 * Padding is handled by clipping each output pixel's filter window to the image, so no padded
 * copy is made. Output pixels whose window lies wholly inside the image (all columns) run in
 * groups that share the filter loads; border pixels run one at a time.
 *
 *   few_in_conv2d   x [n, h, w, ci], f [kh, kw, ci, co] (the usual layout), co a multiple of 4:
 *                   vectorized over output channels, y[p, o:o+4] += x[p + k, c] · f[k, c, o:o+4].
 *   few_out_conv2d  x [n, h, w, ci], ci a multiple of 4, f [co, kh, kw, ci] (re-laid out):
 *                   vectorized over input channels, y[p, o] = Σ_k Σ_c x[p + k, c] · f[o, k, c],
 *                   horizontal sums at the end.
 * Both write y [n, oh, ow, co] with oh = h + pad_top + pad_bottom − kh + 1 (same for ow).
 */
#include <wasm_simd128.h>

typedef unsigned int u32;

static inline v128_t ld(const float *p) { return wasm_v128_load(p); }
static inline void st(float *p, v128_t v) { wasm_v128_store(p, v); }
static inline v128_t splat(const float *p) { return wasm_v128_load32_splat(p); }
static inline v128_t madd(v128_t acc, v128_t a, v128_t b) {
  return wasm_f32x4_add(acc, wasm_f32x4_mul(a, b));
}
static inline int imax(int a, int b) { return a > b ? a : b; }
static inline int imin(int a, int b) { return a < b ? a : b; }

/* Geometry of one output row: valid filter rows, interior columns. */
typedef struct {
  int ky0, ky1;     /* filter rows inside the image */
  int ox_lo, ox_hi; /* output columns [ox_lo, ox_hi) see every filter column */
} Row;

static inline Row row_geometry(int oy, int h, int w, int kh, int kw, int ow, int pad_top,
                               int pad_left) {
  Row r;
  r.ky0 = imax(0, pad_top - oy);
  r.ky1 = imin(kh, h + pad_top - oy);
  r.ox_lo = imin(pad_left, ow);
  r.ox_hi = imax(r.ox_lo, imin(ow, w + pad_left - kw + 1));
  return r;
}

/* ---- few input channels ---------------------------------------------------------------- */

/*
 * One output pixel (any filter column range), all output channels. xr points at the image's
 * pixel (row iy0 = oy − pad_top, column ix0 + kx0); fr at f[0, kx0, 0, 0]; the window's rows are
 * [ky0, ky1), each a contiguous run of `run` = (kx1 − kx0)·ci input values.
 */
static void few_in_pixel(const float *xr, const float *fr, const float *bias, float *yp, int ky0,
                         int ky1, u32 run, u32 xrow, u32 frow, u32 co, int relu) {
  const v128_t zero = wasm_f32x4_splat(0);
  u32 o = 0;
  for (; o + 16 <= co; o += 16) {
    v128_t a0 = bias ? ld(bias + o) : zero, a1 = bias ? ld(bias + o + 4) : zero;
    v128_t a2 = bias ? ld(bias + o + 8) : zero, a3 = bias ? ld(bias + o + 12) : zero;
    for (int ky = ky0; ky < ky1; ky++) {
      const float *xp = xr + ky * xrow;
      const float *fp = fr + ky * frow + o;
      for (u32 j = 0; j < run; j++, fp += co) {
        v128_t v = splat(xp + j);
        a0 = madd(a0, v, ld(fp));
        a1 = madd(a1, v, ld(fp + 4));
        a2 = madd(a2, v, ld(fp + 8));
        a3 = madd(a3, v, ld(fp + 12));
      }
    }
    if (relu) {
      a0 = wasm_f32x4_max(a0, zero), a1 = wasm_f32x4_max(a1, zero);
      a2 = wasm_f32x4_max(a2, zero), a3 = wasm_f32x4_max(a3, zero);
    }
    st(yp + o, a0), st(yp + o + 4, a1), st(yp + o + 8, a2), st(yp + o + 12, a3);
  }
  for (; o < co; o += 4) {
    v128_t a0 = bias ? ld(bias + o) : zero;
    for (int ky = ky0; ky < ky1; ky++) {
      const float *xp = xr + ky * xrow;
      const float *fp = fr + ky * frow + o;
      for (u32 j = 0; j < run; j++, fp += co) a0 = madd(a0, splat(xp + j), ld(fp));
    }
    if (relu) a0 = wasm_f32x4_max(a0, zero);
    st(yp + o, a0);
  }
}

/*
 * Two horizontally adjacent interior output pixels (every filter column inside the image), all
 * output channels; the second pixel's input run starts `ci` values after the first's. Inlined so
 * that calls with a constant run length (kw·ci) get a fully unrolled inner loop.
 */
static inline __attribute__((always_inline)) void few_in_pair(const float *xr, const float *f,
                                                              const float *bias, float *yp,
                                                              int ky0, int ky1, u32 run, u32 ci,
                                                              u32 xrow, u32 co, int relu) {
  const v128_t zero = wasm_f32x4_splat(0);
  u32 o = 0;
  for (; o + 16 <= co; o += 16) {
    v128_t a0 = bias ? ld(bias + o) : zero, a1 = bias ? ld(bias + o + 4) : zero;
    v128_t a2 = bias ? ld(bias + o + 8) : zero, a3 = bias ? ld(bias + o + 12) : zero;
    v128_t b0 = a0, b1 = a1, b2 = a2, b3 = a3;
    for (int ky = ky0; ky < ky1; ky++) {
      const float *xp = xr + ky * xrow;
      const float *fp = f + ky * run * co + o;
      for (u32 j = 0; j < run; j++, fp += co) {
        v128_t f0 = ld(fp), f1 = ld(fp + 4), f2 = ld(fp + 8), f3 = ld(fp + 12);
        v128_t u = splat(xp + j), v = splat(xp + ci + j);
        a0 = madd(a0, u, f0), a1 = madd(a1, u, f1), a2 = madd(a2, u, f2), a3 = madd(a3, u, f3);
        b0 = madd(b0, v, f0), b1 = madd(b1, v, f1), b2 = madd(b2, v, f2), b3 = madd(b3, v, f3);
      }
    }
    if (relu) {
      a0 = wasm_f32x4_max(a0, zero), a1 = wasm_f32x4_max(a1, zero);
      a2 = wasm_f32x4_max(a2, zero), a3 = wasm_f32x4_max(a3, zero);
      b0 = wasm_f32x4_max(b0, zero), b1 = wasm_f32x4_max(b1, zero);
      b2 = wasm_f32x4_max(b2, zero), b3 = wasm_f32x4_max(b3, zero);
    }
    st(yp + o, a0), st(yp + o + 4, a1), st(yp + o + 8, a2), st(yp + o + 12, a3);
    float *yq = yp + co;
    st(yq + o, b0), st(yq + o + 4, b1), st(yq + o + 8, b2), st(yq + o + 12, b3);
  }
  for (; o < co; o += 4) {
    v128_t a0 = bias ? ld(bias + o) : zero, b0 = a0;
    for (int ky = ky0; ky < ky1; ky++) {
      const float *xp = xr + ky * xrow;
      const float *fp = f + ky * run * co + o;
      for (u32 j = 0; j < run; j++, fp += co) {
        v128_t f0 = ld(fp);
        a0 = madd(a0, splat(xp + j), f0);
        b0 = madd(b0, splat(xp + ci + j), f0);
      }
    }
    if (relu) a0 = wasm_f32x4_max(a0, zero), b0 = wasm_f32x4_max(b0, zero);
    st(yp + o, a0), st(yp + co + o, b0);
  }
}

/* The interior pairs of one output row, for a given run length and channel count. */
static inline __attribute__((always_inline)) void few_in_interior(
    const float *xi, const float *f, const float *bias, float *yr, int iy0, Row r, int pad_left,
    u32 w, u32 ci, u32 co, u32 run, int relu, int *ox_end) {
  const u32 xrow = w * ci;
  int ox = r.ox_lo;
  for (; ox + 2 <= r.ox_hi; ox += 2) {
    const float *xr = xi + (iy0 * (int)w + (ox - pad_left)) * (int)ci;
    few_in_pair(xr, f, bias, yr + ox * co, r.ky0, r.ky1, run, ci, xrow, co, relu);
  }
  *ox_end = ox;
}

__attribute__((export_name("few_in_conv2d"))) void few_in_conv2d(
    const float *x, const float *f, const float *bias, float *y, u32 n, u32 h, u32 w, u32 ci,
    u32 co, u32 kh, u32 kw, u32 oh, u32 ow, u32 pad_top, u32 pad_left, u32 has_bias, u32 relu) {
  const float *b = has_bias ? bias : 0;
  const u32 xrow = w * ci, frow = kw * ci * co;
  for (u32 img = 0; img < n; img++) {
    const float *xi = x + (unsigned long)img * h * w * ci;
    float *yi = y + (unsigned long)img * oh * ow * co;
    for (int oy = 0; oy < (int)oh; oy++) {
      const Row r = row_geometry(oy, h, w, kh, kw, ow, pad_top, pad_left);
      const int iy0 = oy - (int)pad_top;
      float *yr = yi + oy * ow * co;
      int ox = r.ox_lo, end = r.ox_lo;
      /* Constant run lengths for the common 3×3 filters on 1 or 3 channels. */
      const u32 run = kw * ci;
      if (run == 3 && ci == 1 && co == 32) {
        few_in_interior(xi, f, b, yr, iy0, r, pad_left, w, 1, 32, 3, relu, &end);
      } else if (run == 3 && ci == 1) {
        few_in_interior(xi, f, b, yr, iy0, r, pad_left, w, 1, co, 3, relu, &end);
      } else if (run == 9 && ci == 3) {
        few_in_interior(xi, f, b, yr, iy0, r, pad_left, w, 3, co, 9, relu, &end);
      } else {
        few_in_interior(xi, f, b, yr, iy0, r, pad_left, w, ci, co, run, relu, &end);
      }
      /* Border columns and an odd interior column, one pixel at a time. */
      for (ox = 0; ox < (int)ow; ox++) {
        if (ox >= r.ox_lo && ox < end) continue;
        const int ix0 = ox - (int)pad_left;
        const int kx0 = imax(0, -ix0), kx1 = imin((int)kw, (int)w - ix0);
        float *yp = yr + ox * co;
        if (kx1 <= kx0 || r.ky1 <= r.ky0) {
          /* The window misses the image: bias (and relu) only. */
          few_in_pixel(xi, f, b, yp, 0, 0, 0, xrow, frow, co, relu);
          continue;
        }
        const float *xr = xi + (iy0 * (int)w + ix0 + kx0) * (int)ci;
        const float *fr = f + (u32)kx0 * ci * co;
        few_in_pixel(xr, fr, b, yp, r.ky0, r.ky1, (u32)(kx1 - kx0) * ci, xrow, frow, co, relu);
      }
    }
  }
}

/* ---- few output channels --------------------------------------------------------------- */

/* [Σ a, Σ b, Σ c, Σ d] (each over its 4 lanes). */
static inline v128_t hsum4(v128_t a, v128_t b, v128_t c, v128_t d) {
  v128_t ab = wasm_f32x4_add(wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), wasm_i32x4_shuffle(a, b, 2, 6, 3, 7));
  v128_t cd = wasm_f32x4_add(wasm_i32x4_shuffle(c, d, 0, 4, 1, 5), wasm_i32x4_shuffle(c, d, 2, 6, 3, 7));
  /* ab = [a0+a2, b0+b2, a1+a3, b1+b3] */
  return wasm_f32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 1, 4, 5), wasm_i32x4_shuffle(ab, cd, 2, 3, 6, 7));
}

static inline float hsum(v128_t a) {
  v128_t s = wasm_f32x4_add(a, wasm_i32x4_shuffle(a, a, 2, 3, 0, 1));
  s = wasm_f32x4_add(s, wasm_i32x4_shuffle(s, s, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(s, 0);
}

/*
 * Four horizontally adjacent interior output pixels, output channel o: four dot products of the
 * filter's rows (run = kw·ci values each) with the input runs starting at xr, xr + ci, ….
 */
static inline __attribute__((always_inline)) v128_t few_out_quad(const float *xr, const float *fo,
                                                                 int ky0, int ky1, u32 run, u32 ci,
                                                                 u32 xrow) {
  v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
  for (int ky = ky0; ky < ky1; ky++) {
    const float *xp = xr + ky * xrow;
    const float *fp = fo + ky * run;
    for (u32 j = 0; j < run; j += 4) {
      v128_t fv = ld(fp + j);
      a0 = madd(a0, ld(xp + j), fv);
      a1 = madd(a1, ld(xp + ci + j), fv);
      a2 = madd(a2, ld(xp + 2 * ci + j), fv);
      a3 = madd(a3, ld(xp + 3 * ci + j), fv);
    }
  }
  return hsum4(a0, a1, a2, a3);
}

static inline __attribute__((always_inline)) void few_out_interior(
    const float *xi, const float *f, const float *bias, float *yr, int iy0, Row r, int pad_left,
    u32 w, u32 ci, u32 co, u32 kh, u32 run, int relu, int *ox_end) {
  const u32 xrow = w * ci;
  const v128_t zero = wasm_f32x4_splat(0);
  int ox = r.ox_lo;
  for (; ox + 4 <= r.ox_hi; ox += 4) {
    const float *xr = xi + (iy0 * (int)w + (ox - pad_left)) * (int)ci;
    float *yp = yr + ox * co;
    for (u32 o = 0; o < co; o++) {
      v128_t s = few_out_quad(xr, f + o * kh * run, r.ky0, r.ky1, run, ci, xrow);
      if (bias) s = wasm_f32x4_add(s, wasm_v128_load32_splat(bias + o));
      if (relu) s = wasm_f32x4_max(s, zero);
      if (co == 1) {
        wasm_v128_store(yp, s);
      } else {
        yp[o] = wasm_f32x4_extract_lane(s, 0);
        yp[co + o] = wasm_f32x4_extract_lane(s, 1);
        yp[2 * co + o] = wasm_f32x4_extract_lane(s, 2);
        yp[3 * co + o] = wasm_f32x4_extract_lane(s, 3);
      }
    }
  }
  *ox_end = ox;
}

__attribute__((export_name("few_out_conv2d"))) void few_out_conv2d(
    const float *x, const float *f, const float *bias, float *y, u32 n, u32 h, u32 w, u32 ci,
    u32 co, u32 kh, u32 kw, u32 oh, u32 ow, u32 pad_top, u32 pad_left, u32 has_bias, u32 relu) {
  const float *b = has_bias ? bias : 0;
  const u32 xrow = w * ci, run = kw * ci;
  for (u32 img = 0; img < n; img++) {
    const float *xi = x + (unsigned long)img * h * w * ci;
    float *yi = y + (unsigned long)img * oh * ow * co;
    for (int oy = 0; oy < (int)oh; oy++) {
      const Row r = row_geometry(oy, h, w, kh, kw, ow, pad_top, pad_left);
      const int iy0 = oy - (int)pad_top;
      float *yr = yi + oy * ow * co;
      int end = r.ox_lo;
      /* Constant run lengths for 3×3 filters on 32 or 16 channels. */
      if (run == 96 && ci == 32 && co == 1) {
        few_out_interior(xi, f, b, yr, iy0, r, pad_left, w, 32, 1, kh, 96, relu, &end);
      } else if (run == 96 && ci == 32) {
        few_out_interior(xi, f, b, yr, iy0, r, pad_left, w, 32, co, kh, 96, relu, &end);
      } else if (run == 48 && ci == 16) {
        few_out_interior(xi, f, b, yr, iy0, r, pad_left, w, 16, co, kh, 48, relu, &end);
      } else {
        few_out_interior(xi, f, b, yr, iy0, r, pad_left, w, ci, co, kh, run, relu, &end);
      }
      for (int ox = 0; ox < (int)ow; ox++) {
        if (ox >= r.ox_lo && ox < end) continue;
        const int ix0 = ox - (int)pad_left;
        const int kx0 = imax(0, -ix0), kx1 = imin((int)kw, (int)w - ix0);
        float *yp = yr + ox * co;
        for (u32 o = 0; o < co; o++) {
          float s = b ? b[o] : 0.0f;
          if (kx1 > kx0) {
            const float *xr = xi + (iy0 * (int)w + ix0 + kx0) * (int)ci;
            const float *fo = f + o * kh * run + (u32)kx0 * ci;
            const u32 len = (u32)(kx1 - kx0) * ci;
            v128_t a = wasm_f32x4_splat(0);
            for (int ky = r.ky0; ky < r.ky1; ky++) {
              const float *xp = xr + ky * xrow;
              const float *fp = fo + ky * run;
              for (u32 j = 0; j < len; j += 4) a = madd(a, ld(xp + j), ld(fp + j));
            }
            s += hsum(a);
          }
          yp[o] = relu && s < 0 ? 0.0f : s;
        }
      }
    }
  }
}
