/* probe-load: how busy a host and its daemon are. Prints one JSON object: load averages, logical
 * cores, the executions the daemon has started so far (a caller that asks twice gets a rate), and
 * the execution slots each Signature Group holds and may hold. Only host facts (docs/HOST-FACTS.md),
 * so it needs the observe privilege; `weverywhere top` runs it on every daemon. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST_FACT(name) __attribute__((import_module("weverywhere_host"), import_name(name)))

HOST_FACT("cpu_logical_cores") int32_t cpu_logical_cores(void);
HOST_FACT("load_average") double load_average(int32_t minutes);
HOST_FACT("executions_started") int64_t executions_started(void);
HOST_FACT("group_slots") int32_t group_slots(char *buffer, int32_t capacity);

static void print_load(const char *key, int32_t minutes) {
  double load = load_average(minutes);
  if (load < 0) printf("\"%s\":null", key); /* negative: the host does not know */
  else printf("\"%s\":%.2f", key, load);
}

/* One "name in_use total" line per group, as group_slots writes them. */
static void print_slots(void) {
  static char small[512];
  char *text = small;
  int32_t length = group_slots(small, sizeof small);
  if (length >= (int32_t)sizeof small) { /* more groups than fit: ask again with room for all */
    text = malloc((size_t)length + 1);
    if (text == NULL) {
      printf("null");
      return;
    }
    length = group_slots(text, length + 1);
  }
  text[length < 0 ? 0 : length] = '\0';
  printf("{");
  int first = 1;
  for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
    char name[80];
    long in_use, total;
    if (sscanf(line, "%79s %ld %ld", name, &in_use, &total) != 3) continue;
    /* group names are letters, digits, '.', '-', '_': nothing to escape in JSON */
    printf("%s\"%s\":{\"in_use\":%ld,\"total\":%ld}", first ? "" : ",", name, in_use, total);
    first = 0;
  }
  printf("}");
}

int main(void) {
  printf("{\"load_average\":{");
  print_load("1m", 1);
  printf(",");
  print_load("5m", 5);
  printf(",");
  print_load("15m", 15);
  printf("},\"cpu_logical_cores\":%d", (int)cpu_logical_cores());
  int64_t started = executions_started();
  if (started < 0) printf(",\"executions_started\":null");
  else printf(",\"executions_started\":%lld", (long long)started);
  printf(",\"slots\":");
  print_slots();
  printf("}\n");
  return 0;
}
