/* math: a library (WASI reactor) with no main; every export is a typed function that hosts call
 * directly. It covers each wasm value type in parameters and results so callers can test their
 * argument conversions. */
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(name)))

EXPORT("add") int32_t add(int32_t a, int32_t b) { return a + b; }

EXPORT("is_prime") int32_t is_prime(int32_t n) {
  if (n < 2) return 0;
  for (int32_t d = 2; d <= n / d; d++) {
    if (n % d == 0) return 0;
  }
  return 1;
}

EXPORT("add_i64") int64_t add_i64(int64_t a, int64_t b) { return a + b; }

EXPORT("gcd") int64_t gcd(int64_t a, int64_t b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    int64_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/* mixed types: i32 in, i64 out; 20! is the largest factorial that fits, -1 beyond */
EXPORT("factorial") int64_t factorial(int32_t n) {
  if (n < 0 || n > 20) return -1;
  int64_t result = 1;
  for (int32_t i = 2; i <= n; i++) result *= i;
  return result;
}

EXPORT("scale_f32") float scale_f32(float value, float factor) { return value * factor; }

EXPORT("mul_f64") double mul_f64(double a, double b) { return a * b; }

EXPORT("hypot_f64") double hypot_f64(double x, double y) { return __builtin_sqrt(x * x + y * y); }
