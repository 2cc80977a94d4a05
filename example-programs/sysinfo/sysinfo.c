/* sysinfo: an observation probe. Prints one JSON object with the facts the host reveals through
 * the `weverywhere_host` import module (docs/HOST-FACTS.md). Hosts grant that module only to
 * groups with the `observe` privilege; elsewhere this module does not even instantiate. */
#include <stdint.h>
#include <stdio.h>

#define HOST_FACT(name) __attribute__((import_module("weverywhere_host"), import_name(name)))

HOST_FACT("memory_total_bytes") int64_t memory_total_bytes(void);
HOST_FACT("memory_free_bytes") int64_t memory_free_bytes(void);
HOST_FACT("cpu_logical_cores") int32_t cpu_logical_cores(void);
HOST_FACT("load_average") double load_average(int32_t minutes);
HOST_FACT("uptime_millis") int64_t uptime_millis(void);
HOST_FACT("quota_remaining") int64_t quota_remaining(int32_t which);

static void print_load(const char *key, int32_t minutes) {
  double load = load_average(minutes);
  if (load < 0) printf("\"%s\":null", key); /* negative: the host does not know */
  else printf("\"%s\":%.2f", key, load);
}

static void print_quota(const char *key, int32_t which) {
  int64_t remaining = quota_remaining(which);
  if (remaining == -1) printf("\"%s\":null", key); /* -1: unlimited */
  else printf("\"%s\":%lld", key, (long long)remaining);
}

int main(void) {
  printf("{\"memory_total_bytes\":%lld", (long long)memory_total_bytes());
  printf(",\"memory_free_bytes\":%lld", (long long)memory_free_bytes());
  printf(",\"cpu_logical_cores\":%d", (int)cpu_logical_cores());
  printf(",\"load_average\":{");
  print_load("1m", 1);
  printf(",");
  print_load("5m", 5);
  printf(",");
  print_load("15m", 15);
  printf("},\"uptime_millis\":%lld", (long long)uptime_millis());
  printf(",\"quota_remaining\":{");
  print_quota("memory_bytes", 0);
  printf(",");
  print_quota("execution_slots", 1);
  printf(",");
  print_quota("cpu_millis_per_execution", 2);
  printf(",");
  print_quota("network_bytes_in_period", 3);
  printf("}}\n");
  return 0;
}
