/* caller: a command whose imports are services, on this host or on others (see docs/SERVICES.md).
 * The host links weverywhere:service/<name> imports to the service of that name, checking each
 * function's type first, and a failed remote call traps here with the reason.
 * Usage: caller [A B [KEY]]  prints math.add(A, B) and kv.get(KEY, -1) (defaults 2 40 1). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SERVICE(service, function) \
  __attribute__((import_module("weverywhere:service/" service), import_name(function)))

SERVICE("math", "add") int32_t math_add(int32_t a, int32_t b);
SERVICE("kv", "get") int64_t kv_get(int64_t key, int64_t fallback);

int main(int argc, char **argv) {
  int32_t a = argc > 1 ? atoi(argv[1]) : 2;
  int32_t b = argc > 2 ? atoi(argv[2]) : 40;
  int64_t key = argc > 3 ? atoll(argv[3]) : 1;
  printf("math.add(%d, %d) = %d\n", a, b, math_add(a, b));
  printf("kv.get(%lld) = %lld\n", (long long)key, (long long)kv_get(key, -1));
  return 0;
}
