/* hello: shows exactly what a host handed to a WASI command (args, environment, stdin).
 * Output format (stable, tests and docs rely on it):
 *   hello from WEverywhere
 *   arg[0]=<argv[0]>            one line per argument
 *   env[0]=<KEY=VALUE>          one line per environment entry, in the order given
 *   stdin=<N> bytes             then the N bytes of stdin, verbatim
 */
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("hello from WEverywhere\n");
  for (int i = 0; i < argc; i++) printf("arg[%d]=%s\n", i, argv[i]);
  for (int i = 0; environ != NULL && environ[i] != NULL; i++) printf("env[%d]=%s\n", i, environ[i]);

  /* read everything first so the count can precede the bytes: a reader knows where they end */
  size_t length = 0, capacity = 4096;
  char *input = malloc(capacity);
  if (input == NULL) return 1;
  size_t got;
  while ((got = fread(input + length, 1, capacity - length, stdin)) > 0) {
    length += got;
    if (length == capacity) {
      char *bigger = realloc(input, capacity *= 2);
      if (bigger == NULL) return 1;
      input = bigger;
    }
  }
  printf("stdin=%zu bytes\n", length);
  fwrite(input, 1, length, stdout);
  free(input);
  return 0;
}
