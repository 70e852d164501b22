/*
 * Max-pooling gradient (NHWC float32, dilation 1) on a shared WebAssembly heap (the TensorFlow.js
 * wasm backend's memory): each output pixel's gradient is added at the FIRST maximum of its
 * window in row-major window order, as the cpu backend's maxPoolPositions (and PyTorch) choose.
 *
 * Build: `deno task build:wasm-kernels` (scripts/build_wasm_kernels.ts) compiles this file with
 * clang for wasm32 + simd128, no libc, importing the memory, and writes
 * ../_generated/max_pool_grad_wasm.ts.
 * The code must need no stack and no static data: the memory belongs to the host backend.
 *
 * One pass per output pixel: the window (clipped to the image, so padding never wins) is scanned
 * row by row, column by column, four channels to a vector, keeping each channel's running maximum
 * and its position with a strict `>` (a later equal value never replaces an earlier one, NaN never
 * wins, and a window of −∞/NaN keeps position −1 and passes nothing); then dy is added to dx at
 * the positions found. Sixteen channels run together for instruction-level parallelism; the last
 * 1–15 channels run four or one at a time. dx must be zeroed by the caller.
 */
#include <wasm_simd128.h>

typedef unsigned int u32;

static inline int imax(int a, int b) { return a > b ? a : b; }
static inline int imin(int a, int b) { return a < b ? a : b; }

/* Keep v where it beats best (strict), with its index. */
#define STEP(best, pos, v, idx)                                                                  \
  do {                                                                                           \
    v128_t gt_ = wasm_f32x4_gt((v), (best));                                                     \
    (best) = wasm_v128_bitselect((v), (best), gt_);                                              \
    (pos) = wasm_v128_bitselect((idx), (pos), gt_);                                              \
  } while (0)

/* dx[pos[i]] += dy[i] for the four lanes whose position is set. */
static inline void scatter4(float *dx, const float *dy, v128_t pos) {
  int p0 = wasm_i32x4_extract_lane(pos, 0);
  int p1 = wasm_i32x4_extract_lane(pos, 1);
  int p2 = wasm_i32x4_extract_lane(pos, 2);
  int p3 = wasm_i32x4_extract_lane(pos, 3);
  if (p0 >= 0) dx[p0] += dy[0];
  if (p1 >= 0) dx[p1] += dy[1];
  if (p2 >= 0) dx[p2] += dy[2];
  if (p3 >= 0) dx[p3] += dy[3];
}

/*
 * x, dx: [n, h, w, c]; dy: [n, oh, ow, c]. Window of output (oy, ox): rows oy·sh − pad_top
 * + [0, fh), columns ox·sw − pad_left + [0, fw), clipped to the image.
 */
__attribute__((export_name("max_pool_grad"))) void max_pool_grad(
    const float *x, const float *dy, float *dx, int n, int h, int w, int c, int oh, int ow, int sh,
    int sw, int fh, int fw, int pad_top, int pad_left) {
  const u32 row = (u32)w * (u32)c;
  const u32 image = (u32)h * row;
  const v128_t lanes = wasm_i32x4_make(0, 1, 2, 3);
  const v128_t neg_inf = wasm_f32x4_splat(-__builtin_inff());
  const v128_t none = wasm_i32x4_splat(-1);
  for (int b = 0; b < n; b++) {
    const float *xb = x + (u32)b * image;
    float *dxb = dx + (u32)b * image;
    for (int oy = 0; oy < oh; oy++) {
      const int r0 = oy * sh - pad_top;
      const int r_lo = imax(0, r0), r_hi = imin(h, r0 + fh);
      for (int ox = 0; ox < ow; ox++, dy += c) {
        const int c0 = ox * sw - pad_left;
        const int c_lo = imax(0, c0), c_hi = imin(w, c0 + fw);
        const u32 start = (u32)r_lo * row + (u32)c_lo * (u32)c;
        int d = 0;
        for (; d + 16 <= c; d += 16) {
          v128_t b0 = neg_inf, b1 = neg_inf, b2 = neg_inf, b3 = neg_inf;
          v128_t p0 = none, p1 = none, p2 = none, p3 = none;
          u32 rs = start + (u32)d;
          for (int r = r_lo; r < r_hi; r++, rs += row) {
            u32 i = rs;
            for (int col = c_lo; col < c_hi; col++, i += (u32)c) {
              const float *s = xb + i;
              const v128_t idx = wasm_i32x4_add(wasm_i32x4_splat((int)i), lanes);
              STEP(b0, p0, wasm_v128_load(s), idx);
              STEP(b1, p1, wasm_v128_load(s + 4), wasm_i32x4_add(idx, wasm_i32x4_splat(4)));
              STEP(b2, p2, wasm_v128_load(s + 8), wasm_i32x4_add(idx, wasm_i32x4_splat(8)));
              STEP(b3, p3, wasm_v128_load(s + 12), wasm_i32x4_add(idx, wasm_i32x4_splat(12)));
            }
          }
          scatter4(dxb, dy + d, p0);
          scatter4(dxb, dy + d + 4, p1);
          scatter4(dxb, dy + d + 8, p2);
          scatter4(dxb, dy + d + 12, p3);
        }
        for (; d + 4 <= c; d += 4) {
          v128_t b0 = neg_inf, p0 = none;
          u32 rs = start + (u32)d;
          for (int r = r_lo; r < r_hi; r++, rs += row) {
            u32 i = rs;
            for (int col = c_lo; col < c_hi; col++, i += (u32)c) {
              STEP(b0, p0, wasm_v128_load(xb + i), wasm_i32x4_add(wasm_i32x4_splat((int)i), lanes));
            }
          }
          scatter4(dxb, dy + d, p0);
        }
        for (; d < c; d++) {
          float best = -__builtin_inff();
          int pos = -1;
          u32 rs = start + (u32)d;
          for (int r = r_lo; r < r_hi; r++, rs += row) {
            u32 i = rs;
            for (int col = c_lo; col < c_hi; col++, i += (u32)c) {
              const float v = xb[i];
              if (v > best) {
                best = v;
                pos = (int)i;
              }
            }
          }
          if (pos >= 0) dxb[pos] += dy[d];
        }
      }
    }
  }
}
