/* probe-memory: the host's memory and what is left of the caller's group memory quota, as one
 * JSON object. Only host facts (docs/HOST-FACTS.md): needs the observe privilege. */
#include <stdint.h>
#include <stdio.h>

#define HOST_FACT(name) __attribute__((import_module("weverywhere_host"), import_name(name)))

HOST_FACT("memory_total_bytes") int64_t memory_total_bytes(void);
HOST_FACT("memory_free_bytes") int64_t memory_free_bytes(void);
HOST_FACT("quota_remaining") int64_t quota_remaining(int32_t which);

int main(void) {
  printf("{\"memory_total_bytes\":%lld", (long long)memory_total_bytes());
  printf(",\"memory_free_bytes\":%lld", (long long)memory_free_bytes());
  int64_t quota = quota_remaining(0);
  if (quota == -1) printf(",\"quota_memory_bytes\":null"); /* -1: unlimited */
  else printf(",\"quota_memory_bytes\":%lld", (long long)quota);
  printf("}\n");
  return 0;
}
