/* fib: CPU-bound naive recursion, the benchmark workload. The same file is compiled natively with
 * `gcc -O2` to compare engines against native code, so it must stay plain portable C. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__GNUC__)
/* without it compilers may turn part of the recursion into loops, and wasm and native would measure different code */
__attribute__((noinline))
#endif
static uint64_t fib(unsigned n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv) {
  unsigned n = 30;
  if (argc > 1) {
    char *end;
    long parsed = strtol(argv[1], &end, 10);
    /* fib(93) overflows 64 bits; anything near it would run for centuries anyway */
    if (*argv[1] == '\0' || *end != '\0' || parsed < 0 || parsed > 92) {
      fprintf(stderr, "usage: fib [N]   (0 <= N <= 92, default 30)\n");
      return 2;
    }
    n = (unsigned)parsed;
  }
  printf("fib(%u) = %llu\n", n, (unsigned long long)fib(n));
  return 0;
}
