/* probe-disk: size and free space of the filesystem the daemon keeps its state on, as one JSON
 * object (null when the host does not say). Only host facts (docs/HOST-FACTS.md): needs the
 * observe privilege. */
#include <stdint.h>
#include <stdio.h>

#define HOST_FACT(name) __attribute__((import_module("weverywhere_host"), import_name(name)))

HOST_FACT("disk_total_bytes") int64_t disk_total_bytes(void);
HOST_FACT("disk_free_bytes") int64_t disk_free_bytes(void);

static void print_bytes(const char *key, int64_t bytes) {
  if (bytes < 0) printf("\"%s\":null", key); /* negative: unknown */
  else printf("\"%s\":%lld", key, (long long)bytes);
}

int main(void) {
  printf("{");
  print_bytes("disk_total_bytes", disk_total_bytes());
  printf(",");
  print_bytes("disk_free_bytes", disk_free_bytes());
  printf("}\n");
  return 0;
}
