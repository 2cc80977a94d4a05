/* memhog: grows its memory until something stops it, to test that hosts enforce memory limits.
 * It is linked with a 4 GiB maximum memory, so only a limit the host imposes ends it early.
 * Usage: memhog [CHUNK_MIB]   (default 16)
 * Prints "allocated <total> MiB" after each chunk; when malloc fails it prints
 * "malloc failed after <total> MiB" and exits with 3. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* chunks form a list through their first bytes; the volatile head keeps clang -O2 from
 * proving the memory unused and deleting the mallocs */
static void *volatile head;

int main(int argc, char **argv) {
  long chunk_mib = argc > 1 ? strtol(argv[1], NULL, 10) : 16;
  if (chunk_mib <= 0 || chunk_mib > 1024) {
    fprintf(stderr, "usage: memhog [CHUNK_MIB]   (1..1024, default 16)\n");
    return 2;
  }
  size_t chunk = (size_t)chunk_mib << 20;
  for (long total = 0;;) {
    void **block = malloc(chunk);
    if (block == NULL) {
      printf("malloc failed after %ld MiB\n", total);
      return 3;
    }
    memset(block, 0xA5, chunk); /* touch every page so the host really commits it */
    *block = head;
    head = block;
    total += chunk_mib;
    printf("allocated %ld MiB\n", total);
    fflush(stdout); /* progress must survive the host killing us */
  }
}
